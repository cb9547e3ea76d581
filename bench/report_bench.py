"""The final review report (báo cáo tổng kết) of the synthetic province's movement.

Issue 9 asks for the .docx of a province-wide movement with 10 targets over
5,000 units in at most 5 s. ``bench/measure.py`` calls
:func:`bench_final_report` with the movement of ``thidua.movements.synthetic``
and the province's root unit, after Django is set up and the data generated.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

REPEATS = 3


def bench_final_report(rec, movement, root, repeats: int = REPEATS,
                       as_of: date | None = None) -> list[float]:
    """Time ``review_report_docx(movement, root, as_of, "final")``; record the median
    as ``final_report_docx_s`` and the queries of one run as ``final_report_docx_queries``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from thidua.documents import movement_docs

    as_of = as_of or timezone.localdate()
    seconds: list[float] = []
    size = 0
    for run in range(max(1, repeats)):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            data = movement_docs.review_report_docx(movement, root, as_of, "final")
            seconds.append(time.perf_counter() - started)
        if run == 0:
            query_count = len(queries.captured_queries)
        size = len(data)
    rec.add("final_report_docx_s", statistics.median(seconds), "s")
    rec.add("final_report_docx_queries", query_count, "queries")
    print(f"  (final report: {size / 1024:.0f} KiB, runs {', '.join(f'{s:.2f}' for s in seconds)} s)",
          flush=True)
    return seconds
