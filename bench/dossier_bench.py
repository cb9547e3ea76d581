"""Benchmark of procedure dossiers (issue 7): import a one-stop system's file, then the
monthly statistics at the province's root.

``dossier_import_1m_s``: a CSV of ``ROWS[scale]`` dossiers (1,000,000 at the
default scale) spread over every unit of the synthetic province and over
2025–2026, dates in mixed formats, a fifth of the rows naming a handling
official by staff code, is written to a temporary directory, then imported by
``thidua.dossiers.excel.import_file`` — the same function as the import page:
read, check every row, then upsert all rows in one transaction. The time is
the whole import (parse, validate, write), not the file's generation.

``dossier_stats_s``: ``thidua.dossiers.queries.month_stats`` of the province's
root for a month in the middle of the data (median of several runs, after
``ANALYZE`` on PostgreSQL), with the late list's first page and count.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

#: Dossier rows imported at each scale.
ROWS = {"default": 1_000_000, "small": 100_000, "tiny": 5_000}
STATS_RUNS = {"default": 7, "small": 7, "tiny": 3}
HEADER = ("Mã hồ sơ;Thủ tục;Lĩnh vực;Ngày tiếp nhận;Hạn trả;Ngày trả kết quả;Cán bộ xử lý;"
          "Đơn vị;Trạng thái")
PROCEDURES = [("Đăng ký khai sinh", "Hộ tịch", 1), ("Chứng thực bản sao từ bản chính",
                                                    "Chứng thực", 1),
              ("Đăng ký biến động quyền sử dụng đất", "Đất đai", 10),
              ("Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động hộ kinh doanh", 3),
              ("Trợ cấp xã hội hằng tháng", "Bảo trợ xã hội", 7),
              ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "Xây dựng", 15)]
FIRST_DAY = date(2025, 1, 1)
DAYS = 669  # to 31/10/2026
#: Dossiers received in the last days of the export are still being handled.
OPEN_TAIL_DAYS = 20


def write_csv(path: Path, rows: int, unit_codes: list[str], staff: dict[str, list[str]],
              seed: int = 61) -> None:
    """The one-stop system's export: ``rows`` dossiers, UTF-8 with BOM, ";"-separated."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write(HEADER + "\r\n")
        lines = []
        for number in range(rows):
            unit = unit_codes[number % len(unit_codes)]
            procedure, field, days = PROCEDURES[number % len(PROCEDURES)]
            # A one-stop system exports in the order dossiers were received.
            received = FIRST_DAY + timedelta(days=number * DAYS // rows)
            due = received + timedelta(days=days)
            roll = rng.random()
            if roll < 0.002 or (received >= FIRST_DAY + timedelta(days=DAYS - OPEN_TAIL_DAYS)
                                and roll < 0.5):
                resolved, status = "", "Đang giải quyết"
            else:
                delay = rng.randint(1, 5) if roll < 0.08 else -rng.randint(0, days)
                back = max(received, due + timedelta(days=delay))
                resolved, status = f"{back:%d/%m/%Y} 15:00", "Đã trả kết quả"
            if number % 2:
                received_text, due_text = f"{received:%Y-%m-%d} 08:30", f"{due:%Y-%m-%d}"
            else:
                received_text, due_text = f"{received:%d/%m/%Y} 08:30", f"{due:%d/%m/%Y}"
            people = staff.get(unit)
            official = people[number % len(people)] if people and number % 5 == 0 else ""
            lines.append(f"HS{number:08d};{procedure};{field};{received_text};{due_text};"
                         f"{resolved};{official};{unit};{status}\r\n")
            if len(lines) == 10000:
                handle.writelines(lines)
                lines.clear()
        handle.writelines(lines)


def server_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine), from
    /proc: what the write costs the server whatever else the machine runs. None elsewhere."""
    import os

    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_import(user, root, path: Path):
    """(result, seconds, CPU seconds of this process, seconds writing, backend CPU seconds
    writing) of one import of ``path`` through the import page's function."""
    from thidua.dossiers import domain, excel

    writing, server_writing = [], []
    original_write = domain.write

    def timed_write(*args, **kwargs):
        started, server = time.perf_counter(), server_cpu()
        try:
            return original_write(*args, **kwargs)
        finally:
            writing.append(time.perf_counter() - started)
            if server is not None:
                server_writing.append(server_cpu() - server)

    domain.write = timed_write
    try:
        with path.open("rb") as upload:
            started, cpu = time.perf_counter(), time.process_time()
            result = excel.import_file(user, root, upload, max_bytes=None)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        domain.write = original_write
    return result, elapsed, cpu, sum(writing), sum(server_writing)


def bench_dossiers(rec, root, scale: str) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from thidua.dossiers import queries
    from thidua.org.models import Person, RoleAssignment, Unit

    rows = ROWS[scale]
    units = list(Unit.objects.filter(path__startswith=root.path, is_active=True)
                 .order_by("path").values_list("code", flat=True))
    staff: dict[str, list[str]] = {}
    for code, unit_code in (Person.objects.filter(unit__path__startswith=root.path)
                            .order_by("staff_code").values_list("staff_code", "unit__code")[:20000]):
        staff.setdefault(unit_code, []).append(code)
    user = get_user_model().objects.create_user("bench_dossiers")
    RoleAssignment.objects.create(user=user, role="secretariat", unit=root)
    with tempfile.TemporaryDirectory(prefix="thidua-dossiers-") as tmp:
        path = Path(tmp) / "ho-so-mot-cua.csv"
        write_csv(path, rows, units, staff)
        size_mb = path.stat().st_size / 1e6
        result, elapsed, cpu, writing, server_writing = timed_import(user, root, path)
        if os.environ.get("THIDUA_BENCH_DOSSIER_REIMPORT") == "1":
            # The same file again: every row updates (the staging table and the upsert).
            again = timed_import(user, root, path)
            print(f"  (re-import of the same file: {again[1]:.1f} s, {again[0].updated:,} "
                  f"updated; write {again[3]:.1f} s; CPU: this process {again[2]:.1f} s, "
                  f"the database server's process during the write {again[4]:.1f} s)",
                  flush=True)
    if not result.ok:
        raise SystemExit(f"dossier import refused: {result.errors[:5]}")
    rec.add("dossier_import_1m_s", elapsed, "s")
    print(f"  ({rows:,} dossier rows, {size_mb:.0f} MB CSV, {len(units):,} units; "
          f"{result.created:,} created; read and check {elapsed - writing:.1f} s, "
          f"write {writing:.1f} s; CPU: this process {cpu:.1f} s, the database server's "
          f"process during the write {server_writing:.1f} s)", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE dossiers_proceduredossier")
    month = date(2026, 3, 1)  # in the middle of the data
    samples = []
    for _ in range(STATS_RUNS[scale]):
        started = time.perf_counter()
        stats = queries.month_stats(root, month)
        late = queries.late_dossiers(root, month)
        late.count()
        list(late[:50])
        samples.append(time.perf_counter() - started)
    rec.add("dossier_stats_s", statistics.median(samples), "s")
    print(f"  (month {month:%m/%Y} at the root: {stats.total.received:,} received, "
          f"{stats.total.resolved:,} returned, {stats.total.late:,} late; "
          f"runs {', '.join(f'{s:.3f}' for s in samples)} s)", flush=True)
