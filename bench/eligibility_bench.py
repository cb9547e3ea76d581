"""Eligibility figures (issue 8): every candidate of the synthetic province, three years of history.

``bench_eligibility(rec, root, scale)`` is called at the end of ``measure.main()``: it writes
the award history (``thidua.awards.synthetic``: year grades of three years where missing,
LĐTT/CSTĐCS and collective titles of the two previous years, unit grades, some discipline
and impediments, recognised initiatives when the province has none), then times

- ``eligibility_province_s``: the median of ``eligibility.evaluate(root, 2026)`` — every
  active person and every unit of the province, every non-manual title and form of the
  catalogue (target ≤ 30 s);
- ``eligibility_province_cpu_s``: the CPU time of this process in those evaluations (median;
  the database server's work on PostgreSQL is not in it) — steadier than the wall time on a
  shared machine;
- ``eligibility_province_queries``: the queries one evaluation runs (bounded: it does not
  depend on the number of people or units).

Run alone against a database that holds the synthetic province (``--generate`` migrates and
generates it first when missing), with the environment of bench/run.py::

    DJANGO_SETTINGS_MODULE=thidua.settings THIDUA_DATABASE_URL=... \\
        .venv/bin/python bench/eligibility_bench.py --db sqlite --output /tmp/e.jsonl --generate
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

#: Evaluations timed at each scale (the median is recorded).
REPEATS = {"default": 3, "small": 3, "tiny": 3}
YEAR = 2026


def bench_eligibility(rec, root, scale: str = "default") -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from thidua.awards import synthetic
    from thidua.awards.eligibility import evaluate

    started = time.perf_counter()
    try:
        made = synthetic.generate(synthetic.Spec(province_code=root.code, year=YEAR))
        rec.add("awards_generate_s", time.perf_counter() - started, "s")
        print(f"  ({made.year_results:,} year results, {made.awards:,} awards, "
              f"{made.unit_grades:,} unit grades, {made.initiatives:,} initiatives written)",
              flush=True)
    except synthetic.AlreadyExists:
        print("  (award history already there: reused)", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    timings, cpu, queries, result = [], [], 0, None
    for _ in range(REPEATS.get(scale, 3)):
        result = None  # let the previous evaluation go before timing the next
        with CaptureQueriesContext(connection) as captured:
            began, began_cpu = time.perf_counter(), time.process_time()
            result = evaluate(root, YEAR)
            timings.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
        queries = len(captured.captured_queries)
    rec.add("eligibility_province_s", statistics.median(timings), "s")
    rec.add("eligibility_province_cpu_s", statistics.median(cpu), "s")
    rec.add("eligibility_province_queries", queries, "queries")
    by_type: dict[str, int] = {}
    for candidate in result.candidates:
        by_type[candidate.award_type] = by_type.get(candidate.award_type, 0) + 1
    quota = result.quotas.get("cstdcs")
    print(f"  ({len(result.candidates):,} candidates, {len(result.near_misses):,} near misses; "
          + ", ".join(f"{code} {count:,}" for code, count in sorted(by_type.items()))
          + (f"; CSTĐCS quota {quota.limit:,} of {quota.used:,}" if quota else "") + ")",
          flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--scale", default="default")
    parser.add_argument("--generate", action="store_true",
                        help="migrate and generate the synthetic province when missing")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from measure import SCALES, Recorder  # bench/ is on sys.path: run as a script

    from thidua.org import synthetic
    from thidua.org.models import Unit

    rec = Recorder(args.output, args.db, args.scale)
    code = synthetic.Spec().code
    if args.generate:
        call_command("migrate", verbosity=0)
        if not Unit.objects.filter(code=code, depth=1).exists():
            size = SCALES[args.scale]
            started = time.perf_counter()
            call_command("gen_province", communes=size["communes"], units=size["units"],
                         people=size["people"], stdout=StringIO())
            rec.add("province_generate_s", time.perf_counter() - started, "s")
    bench_eligibility(rec, Unit.objects.get(code=code, depth=1), args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
