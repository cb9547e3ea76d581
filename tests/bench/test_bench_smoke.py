"""The benchmark harness runs end to end at a tiny scale and writes well-formed figures."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STABLE_NAMES = {
    "province_generate_s",
    "people_search_median_ms", "people_search_p95_ms",
    "unit_page_median_ms", "unit_page_p95_ms",
    "people_list_median_ms", "people_list_p95_ms",
    "movement_dashboard_median_ms", "movement_dashboard_p95_ms",
    "movement_dashboard_vs_sql", "movement_dashboard_queries",
    "kpi_generate_s", "kpi_unit_month_median_ms", "kpi_unit_month_p95_ms",
    "kpi_unit_month_queries", "kpi_close_province_s", "kpi_year_province_s",
    "final_report_docx_s", "final_report_docx_queries",
    "scorecard_generate_s", "scorecard_board_median_ms", "scorecard_board_p95_ms",
    "scorecard_board_queries", "scorecard_indicator_s",
    "dossier_import_1m_s", "dossier_stats_s",
    "eligibility_province_s", "eligibility_province_queries",
    "initiative_search_p95_ms", "initiative_similar_ms",
    "rating_throughput_rps", "rating_p95_ms", "rating_vs_minimal_view",
}
UNITS = {"s": "s", "ms": "ms", "vs_sql": "ratio", "queries": "queries",
         "rating_throughput_rps": "ratings/s", "minimal_view_rps": "req/s",
         "vs_minimal_view": "ratio"}


def test_harness_writes_the_figures_as_json_lines(tmp_path):
    output = tmp_path / "results.jsonl"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--scale", "tiny", "--db", "sqlite",
         "--output", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=400,
    )
    assert run.returncode == 0, run.stdout + run.stderr

    figures = [json.loads(line) for line in output.read_text().splitlines()]
    assert {f["name"] for f in figures} >= STABLE_NAMES
    for figure in figures:
        assert set(figure) == {"name", "db", "value", "unit", "scale"}
        assert (figure["db"], figure["scale"]) == ("sqlite", "tiny")
        assert isinstance(figure["value"], int | float) and figure["value"] >= 0
        suffix = next(s for s in UNITS if figure["name"] == s or figure["name"].endswith("_" + s))
        assert figure["unit"] == UNITS[suffix]
