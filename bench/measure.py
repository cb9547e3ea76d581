"""Measure the figures on one database (run by bench/run.py with the environment set).

Migrates the (fresh) database, generates the synthetic province and times
the read paths a province's users hit most. Each figure is appended to the
output file as one JSON line: {"name", "db", "value", "unit", "scale"}.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from urllib.parse import urlencode

try:  # run as a script: bench/ is on sys.path; imported by the tests as bench.measure
    from dossier_bench import bench_dossiers
    from eligibility_bench import bench_eligibility
    from initiative_bench import INITIATIVES, bench_initiatives
    from rating_bench import bench_ratings
    from report_bench import bench_final_report
except ImportError:
    from bench.dossier_bench import bench_dossiers
    from bench.eligibility_bench import bench_eligibility
    from bench.initiative_bench import INITIATIVES, bench_initiatives
    from bench.rating_bench import bench_ratings
    from bench.report_bench import bench_final_report

#: Sizes of each scale and the samples taken per latency figure.
SCALES = {
    "default": {"communes": 100, "units": 5000, "people": 60000, "samples": 200},
    "small": {"communes": 10, "units": 500, "people": 6000, "samples": 100},
    "tiny": {"communes": 2, "units": 40, "people": 300, "samples": 10},
}
PAGE = 50
WARM_UP = 5


class Recorder:
    def __init__(self, output: Path, db: str, scale: str):
        self.output, self.db, self.scale = output, db, scale

    def add(self, name: str, value: float, unit: str) -> None:
        line = {"name": name, "db": self.db, "value": round(value, 2), "unit": unit,
                "scale": self.scale}
        with self.output.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        print(f"  {name:28} {value:10.2f} {unit}", flush=True)

    def latency(self, prefix: str, samples_ms: list[float]) -> None:
        """Record the median and the 95th percentile of ``samples_ms``."""
        self.add(f"{prefix}_median_ms", statistics.median(samples_ms), "ms")
        self.add(f"{prefix}_p95_ms", percentile(samples_ms, 95), "ms")


def percentile(values: list[float], pct: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def timed_ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def fragments(rng: random.Random, count: int) -> list[str]:
    """Unaccented name fragments as users type them: "nguyen van", "thi huong", "hung"."""
    from thidua.core.text import fold
    from thidua.org import synthetic
    from thidua.org.choices import Gender

    kinh = synthetic.FAMILY_NAMES["Kinh"]
    result = ["nguyen van"]
    while len(result) < count:
        gender = rng.choice([Gender.MALE, Gender.FEMALE])
        family = synthetic.pick(rng, kinh)
        middle = synthetic.pick(rng, synthetic.MIDDLE_NAMES[gender])
        given = rng.choice(synthetic.GIVEN_NAMES[gender])
        shapes = (f"{family} {middle}", f"{middle} {given}", given,
                  f"{family} {middle} {given[0]}")
        result.append(fold(rng.choice(shapes)))
    return result


def bench_search(rec: Recorder, communes, samples: int, rng: random.Random) -> None:
    from thidua.org.models import Person
    from thidua.org.queries import in_subtree, search_people

    def run(commune, text):
        queryset = search_people(in_subtree(Person.objects.all(), commune), text)
        return list(queryset[:PAGE]), queryset.count()

    pairs = list(zip((rng.choice(communes) for _ in range(samples)),
                     fragments(rng, samples), strict=True))
    for commune, text in pairs[:WARM_UP]:
        run(commune, text)
    rec.latency("people_search", [timed_ms(lambda c=c, t=t: run(c, t)) for c, t in pairs])


class ViewMissing(Exception):
    pass


def get_ms(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code == 501:
        raise ViewMissing(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered HTTP {response.status_code}")
    return elapsed


def bench_pages(rec: Recorder, name: str, client, urls: list[str]) -> None:
    try:
        for url in urls[:WARM_UP]:
            get_ms(client, url)
        rec.latency(name, [get_ms(client, url) for url in urls])
    except ViewMissing as exc:
        print(f"  {name}: skipped, the view is not written yet (HTTP 501 at {exc})", flush=True)


# The movement dashboard -----------------------------------------------------------------
#
# One hand-written statement per indicator kind computes, for the units under
# ``root``, the numerator and denominator grouped by the child of ``root``
# each unit lies under (the first ``child_length`` characters of its path);
# the root's own total is the sum of the groups. The statements are what an
# engineer would write by hand for one target; :func:`reference_numbers`
# fills them from the target's parameters. Both backends run them as they are
# (``GROUP BY 1``, ``SUBSTR``, path ranges as ``org.models.PathStartsWith``).

SQL_UNITS_REGISTERED = """
SELECT SUBSTR(u.path, 1, %s), COUNT(r.id), COUNT(*)
FROM org_unit u
JOIN org_unitkind k ON k.id = u.kind_id
LEFT JOIN movements_registration r
  ON r.unit_id = u.id AND r.movement_id = %s AND r.person_id IS NULL
 AND r.state = 'accepted' AND r.accepted_at <= %s
WHERE u.path >= %s AND u.path <= %s AND u.is_active = %s AND k.code IN ({kinds})
GROUP BY 1
"""
SQL_PEOPLE_REGISTERED = """
SELECT SUBSTR(u.path, 1, %s), COUNT(r.id), COUNT(*)
FROM org_person p
JOIN org_unit u ON u.id = p.unit_id
LEFT JOIN movements_registration r
  ON r.person_id = p.id AND r.movement_id = %s
 AND r.state IN ('submitted', 'accepted') AND r.submitted_at <= %s
WHERE u.path >= %s AND u.path <= %s AND p.status = %s AND p.staff_category IN ({categories})
GROUP BY 1
"""
SQL_UNITS_WITH_PRACTICES = """
SELECT SUBSTR(u.path, 1, %s), SUM(CASE WHEN COALESCE(pc.n, 0) >= %s THEN 1 ELSE 0 END), COUNT(*)
FROM org_unit u
JOIN org_unitkind k ON k.id = u.kind_id
LEFT JOIN (SELECT unit_id, COUNT(*) AS n FROM movements_practice
           WHERE movement_id = %s AND {day_condition} GROUP BY unit_id) pc ON pc.unit_id = u.id
WHERE u.path >= %s AND u.path <= %s AND u.is_active = %s AND k.code IN ({kinds})
GROUP BY 1
"""
PRACTICE_STARTED = "started_on <= %s"
PRACTICE_RECOGNISED = "state = 'recognised' AND recognised_on <= %s"
SQL_REPORTS_ON_TIME = """
SELECT SUBSTR(u.path, 1, %s),
       SUM(CASE WHEN rep.submitted_at IS NOT NULL AND rep.submitted_at <= %s THEN 1 ELSE 0 END),
       COUNT(*)
FROM movements_unitreport rep
JOIN org_unit u ON u.id = rep.unit_id
WHERE rep.milestone_id = %s AND u.path >= %s AND u.path <= %s
GROUP BY 1
"""
SQL_MANUAL = """
SELECT SUBSTR(u.path, 1, %s), SUM(v.value), COUNT(*)
FROM movements_manualvalue v
JOIN org_unit u ON u.id = v.unit_id
WHERE v.target_id = %s AND v.measured_on <= %s AND u.path >= %s AND u.path <= %s
  AND v.measured_on = (SELECT MAX(w.measured_on) FROM movements_manualvalue w
                       WHERE w.target_id = v.target_id AND w.unit_id = v.unit_id
                         AND w.measured_on <= %s)
GROUP BY 1
"""


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def reference_statement(target, movement, root, as_of):
    """(SQL, params) of the hand-written query for ``target`` at ``root`` on ``as_of``.

    Only the target's own parameters are read here (the milestone's due date for
    the reports), so the timed part is the query alone.
    """
    from django.db import connection

    from thidua.movements.indicators import end_of_day
    from thidua.movements.models import Milestone
    from thidua.org.choices import PersonStatus
    from thidua.org.models import Unit

    ops = connection.ops
    top = root.path + Unit.alphabet[-1] * (Unit._meta.get_field("path").max_length - len(root.path))
    child = len(root.path) + Unit.steplen
    params = target.params or {}
    day_end = ops.adapt_datetimefield_value(end_of_day(as_of))
    day = ops.adapt_datefield_value(as_of)
    kinds = list(params.get("unit_kinds") or movement.participant_kinds.values_list("code", flat=True))
    if target.indicator == "units_registered":
        return (SQL_UNITS_REGISTERED.format(kinds=_placeholders(kinds)),
                [child, movement.pk, day_end, root.path, top, True, *kinds])
    if target.indicator == "people_registered":
        categories = list(params.get("staff_categories") or movement.staff_categories)
        return (SQL_PEOPLE_REGISTERED.format(categories=_placeholders(categories)),
                [child, movement.pk, day_end, root.path, top, PersonStatus.ACTIVE, *categories])
    if target.indicator == "units_with_practices":
        condition = PRACTICE_RECOGNISED if params.get("recognised_only") else PRACTICE_STARTED
        sql = SQL_UNITS_WITH_PRACTICES.format(day_condition=condition, kinds=_placeholders(kinds))
        return sql, [child, int(params.get("min_count", 1)), movement.pk, day, root.path, top,
                     True, *kinds]
    if target.indicator == "reports_on_time":
        due = Milestone.objects.get(pk=params["milestone"]).due_on
        cutoff = ops.adapt_datetimefield_value(end_of_day(min(due, as_of)))
        return SQL_REPORTS_ON_TIME, [child, cutoff, params["milestone"], root.path, top]
    if target.indicator == "manual":
        return SQL_MANUAL, [child, target.pk, day, root.path, top, day]
    raise ValueError(f"no reference SQL for {target.indicator}")


def run_reference(statement) -> dict[str, tuple[float, float]]:
    """Child path → (numerator, denominator) from one statement."""
    from django.db import connection

    sql, params = statement
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {key: (float(num or 0), float(den)) for key, num, den in cursor.fetchall()}


def engine_numbers(movement, root):
    """What the dashboard computes at ``root``: per target, the total and each child's sums."""
    from thidua.movements.engine import Dashboard

    board = Dashboard(movement, root)
    result = {}
    for target in board.targets():
        measure = board.row(target).measure
        children = {row.unit.path: (row.measure.numerator, row.measure.denominator)
                    for row in board.child_rows(target)}
        result[target.pk] = ((measure.numerator, measure.denominator), children)
    return result


def check_same_numbers(engine, reference) -> None:
    """Refuse to compare times of computations that do not agree."""
    for target_id, (total, children) in engine.items():
        groups = reference[target_id]
        sums = tuple(sum(pair[i] for pair in groups.values()) for i in (0, 1))
        pairs = [(total, sums)] + [(pair, groups.get(path, (0.0, 0.0)))
                                   for path, pair in children.items()]
        for mine, theirs in pairs:
            if any(abs(a - b) > 1e-6 * max(1.0, abs(b)) for a, b in zip(mine, theirs, strict=True)):
                raise RuntimeError(f"target {target_id}: engine {mine} != SQL {theirs}")


def bench_engine_vs_sql(rec: Recorder, movement, root, repeats: int) -> None:
    """Median time of the engine's root values and child rows of every target, against
    one hand-written query per target computing the same numbers, in this process."""
    from django.utils import timezone

    as_of = timezone.localdate()
    targets = list(movement.targets.all())
    statements = {t.pk: reference_statement(t, movement, root, as_of) for t in targets}
    check_same_numbers(engine_numbers(movement, root),
                       {pk: run_reference(s) for pk, s in statements.items()})

    def by_hand():
        return {pk: run_reference(statement) for pk, statement in statements.items()}

    for _ in range(2):  # warm both
        engine_numbers(movement, root)
        by_hand()
    engine_ms, sql_ms = [], []
    for _ in range(repeats):  # interleaved, so that load on the machine hits both alike
        engine_ms.append(timed_ms(lambda: engine_numbers(movement, root)))
        sql_ms.append(timed_ms(by_hand))
    engine, sql = statistics.median(engine_ms), statistics.median(sql_ms)
    rec.add("movement_engine_median_ms", engine, "ms")
    rec.add("movement_sql_median_ms", sql, "ms")
    rec.add("movement_dashboard_vs_sql", engine / sql, "ratio")


def count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as seen:
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered HTTP {response.status_code}")
    return len(seen)


def freeze_like_the_workers() -> None:
    from thidua.gunicorn_conf import post_worker_init

    post_worker_init(None)


def bench_movement_dashboard(rec: Recorder, client, movement, root, communes, samples: int,
                             rng: random.Random) -> None:
    """The dashboard page at the province's root and at random communes (half each)."""
    from django.urls import reverse

    base = reverse("movements:dashboard", args=[movement.pk])
    root_urls = [f"{base}?{urlencode({'don-vi': root.pk})}"] * max(1, samples // 2)
    commune_urls = [f"{base}?{urlencode({'don-vi': rng.choice(communes).pk})}"
                    for _ in range(max(1, samples - len(root_urls)))]
    urls = root_urls + commune_urls
    rng.shuffle(urls)
    for url in urls[:WARM_UP]:
        get_ms(client, url)
    timed = [(url, get_ms(client, url)) for url in urls]
    rec.latency("movement_dashboard", [ms for _url, ms in timed])
    rec.latency("movement_dashboard_root", [ms for url, ms in timed if url == root_urls[0]])
    rec.latency("movement_dashboard_commune", [ms for url, ms in timed if url != root_urls[0]])
    counts = {count_queries(client, root_urls[0]), count_queries(client, commune_urls[0])}
    rec.add("movement_dashboard_queries", max(counts), "queries")


# KPI (issue 4) ------------------------------------------------------------------------------
#
# One month of finalised sheets (about 8 tasks each) for every active person of
# the province, one unit of about 500 people, and the twelve months of the
# previous year without tasks (``thidua.kpi.synthetic``). Then: the unit month
# page of the large unit, the close of that month for every unit of the
# province, and the year of every person.

def bench_kpi(rec: Recorder, root, samples: int, people: int) -> None:
    import gc

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from thidua.kpi import domain
    from thidua.kpi import synthetic as kpi_synthetic
    from thidua.org.choices import PersonStatus
    from thidua.org.models import Person, RoleAssignment, Unit

    started = time.perf_counter()
    made = kpi_synthetic.generate(kpi_synthetic.Spec(
        province_code=root.code, year_months=True, big_unit_people=min(500, people // 10)))
    rec.add("kpi_generate_s", time.perf_counter() - started, "s")
    print(f"  ({made.sheets:,} sheets with {made.tasks:,} tasks for {made.month:%m/%Y}, "
          f"{made.year_sheets:,} sheets of {made.year}; large unit: "
          f"{made.big_unit.people.count() if made.big_unit else 0} people)", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # The leader of the province reads the unit month page; its administrator closes.
    User = get_user_model()
    leader = User.objects.create_user("bench_kpi_leader")
    RoleAssignment.objects.create(user=leader, role="leader", unit=root)
    admin = User.objects.create_user("bench_kpi_admin")
    RoleAssignment.objects.create(user=admin, role="admin", unit=root)

    if made.big_unit is not None:
        try:
            url = reverse("kpi:unit_month", args=[made.big_unit.pk,
                                                  domain.month_key(made.month)])
        except NoReverseMatch:
            url = None
            print("  kpi_unit_month: skipped, the URL kpi:unit_month does not exist yet",
                  flush=True)
        if url is not None:
            client = Client()
            client.force_login(leader)
            gc.collect()
            freeze_like_the_workers()
            bench_pages(rec, "kpi_unit_month", client, [url] * samples)
            rec.add("kpi_unit_month_queries", count_queries(client, url), "queries")

    units = list(Unit.objects.filter(path__startswith=root.path))
    started = time.perf_counter()
    closed = domain.close_months(units, made.month, admin, skip_unready=True)
    rec.add("kpi_close_province_s", time.perf_counter() - started, "s")
    if len(closed) != len(units):
        checks = domain.close_checks(units, made.month)
        problems = [p for c in checks.values() for p in c.problems if not c.closed][:5]
        raise RuntimeError(f"{len(units) - len(closed)} units not ready to close: {problems}")

    active = Person.objects.filter(unit__in=[u.pk for u in units],
                                   status=PersonStatus.ACTIVE).count()
    started = time.perf_counter()
    stored = domain.store_year(units, made.year, admin)
    rec.add("kpi_year_province_s", time.perf_counter() - started, "s")
    if stored != active:
        raise RuntimeError(f"year stored for {stored} people of {active}")


# Scorecards (issue 5) -----------------------------------------------------------------------
#
# A "Chi bộ bốn tốt" scorecard of the year for every party cell of the province
# (``thidua.scorecards.synthetic``), residential cells added under the communes up
# to the count of the scale when the province has fewer. Then: the party office's
# board of all the cells at the province's root (first page and the next ones), and
# the recognition indicator of a movement target over the whole province. Run last:
# the cells it adds do not touch the figures above.

#: Cells scored at each scale (0: the province's cells as they are).
SCORECARD_CELLS = {"default": 5000, "small": 500, "tiny": 0}


def bench_scorecards(rec: Recorder, movement, root, samples: int, cells: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from thidua.movements.engine import Dashboard
    from thidua.movements.models import Target
    from thidua.org.models import RoleAssignment, Unit
    from thidua.scorecards import synthetic as scorecard_synthetic

    started = time.perf_counter()
    made = scorecard_synthetic.generate(scorecard_synthetic.Spec(province_code=root.code,
                                                                 cells=cells))
    rec.add("scorecard_generate_s", time.perf_counter() - started, "s")
    print(f"  ({made.cells:,} cells, {made.added:,} of them added; {made.scorecards:,} "
          f"scorecards with {made.lines:,} lines, {made.evaluations:,} evaluations; "
          + ", ".join(f"{state} {n:,}" for state, n in made.states.most_common()) + ")",
          flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # The province's party office reads the board of its cells.
    user = get_user_model().objects.create_user("bench_scorecards_office")
    RoleAssignment.objects.create(user=user, role="secretariat", unit=root)
    try:
        url = reverse("scorecards:board", args=[root.pk, scorecard_synthetic.BON_TOT, made.year])
    except NoReverseMatch:
        url = None
        print("  scorecard_board: skipped, the URL scorecards:board does not exist yet",
              flush=True)
    if url is not None:
        client = Client()
        client.force_login(user)
        pages = max(1, made.cells // 100)
        urls = [url if n % 2 == 0 else f"{url}?{urlencode({'page': 1 + n % pages})}"
                for n in range(samples)]
        freeze_like_the_workers()
        bench_pages(rec, "scorecard_board", client, urls)
        commune = Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1,
                                      kind__code="dang_uy_xa").order_by("path").first()
        counts = {"root": count_queries(client, url)}
        if commune is not None:
            counts["commune"] = count_queries(client, reverse("scorecards:board", args=[
                commune.pk, scorecard_synthetic.BON_TOT, made.year]))
        print(f"  (board queries: {counts})", flush=True)
        rec.add("scorecard_board_queries", max(counts.values()), "queries")

    # "Over 90% of cells recognised": the target's value and its per-commune rows.
    target = Target.objects.create(
        movement=movement, order=99, indicator="scorecard_recognised", comparator="gt",
        goal=90, wording="Trên 90% chi bộ được công nhận “Chi bộ bốn tốt”",
        params={"framework": scorecard_synthetic.BON_TOT, "unit_kinds": ["chi_bo"],
                "year": made.year})

    def compute():
        board = Dashboard(movement, root)
        return board.row(target), board.child_rows(target)

    row, _children = compute()
    if (row.measure.numerator, row.measure.denominator) != (made.states["recognised"],
                                                            made.cells):
        raise RuntimeError(f"indicator {row.measure} != {made.states['recognised']}/"
                           f"{made.cells}")
    rec.add("scorecard_indicator_s",
            statistics.median([timed_ms(compute) for _ in range(max(5, samples // 20))]) / 1000,
            "s")
    target.delete()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--scale", choices=SCALES, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--samples", type=int, default=0)
    args = parser.parse_args()
    size = SCALES[args.scale]
    samples = args.samples or size["samples"]

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from thidua.org import synthetic
    from thidua.org.models import RoleAssignment, Unit

    rec = Recorder(args.output, args.db, args.scale)
    call_command("migrate", verbosity=0)

    started = time.perf_counter()
    call_command("gen_province", communes=size["communes"], units=size["units"],
                 people=size["people"], stdout=StringIO())
    rec.add("province_generate_s", time.perf_counter() - started, "s")

    from thidua.movements import synthetic as synthetic_movement

    started = time.perf_counter()
    made = synthetic_movement.generate(synthetic_movement.Spec(province_code=synthetic.Spec().code))
    rec.add("movement_generate_s", time.perf_counter() - started, "s")

    # PostgreSQL: planner statistics, as autovacuum gathers them minutes after a
    # bulk load. SQLite: none, since nothing in ThiĐua runs ANALYZE or
    # "PRAGMA optimize" there; the figures show what a SQLite deployment gets.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    rng = random.Random(2025)
    root = Unit.objects.get(code=synthetic.Spec().code)
    communes = list(Unit.objects.filter(path__startswith=root.path, kind__code="dang_uy_xa"))
    cells = list(Unit.objects.filter(path__startswith=root.path, kind__code="chi_bo"))
    bench_search(rec, communes, samples, rng)

    user = get_user_model().objects.create_user("bench_secretariat")
    RoleAssignment.objects.create(user=user, role="secretariat", unit=root)
    client = Client()
    client.force_login(user)

    half = max(1, samples // 2)
    unit_urls = [reverse("org:unit_detail", args=[unit.pk])
                 for unit in [rng.choice(communes) for _ in range(half)]
                 + [rng.choice(cells) for _ in range(half)]]
    rng.shuffle(unit_urls)
    bench_pages(rec, "unit_page", client, unit_urls)

    people_url = reverse("org:person_list")
    with_q = [{"unit": rng.choice(communes).pk, "q": text} for text in fragments(rng, half)]
    without_q = [{"unit": rng.choice(communes).pk} for _ in range(half)]
    list_urls = [f"{people_url}?{urlencode(params)}" for params in with_q + without_q]
    rng.shuffle(list_urls)
    bench_pages(rec, "people_list", client, list_urls)

    # The gunicorn workers freeze what is alive once Django is loaded
    # (thidua.gunicorn_conf.post_worker_init); do the same before timing the
    # dashboard, so that full collections walk what a request creates, as in service.
    freeze_like_the_workers()
    bench_movement_dashboard(rec, client, made.movement, root, communes, samples, rng)
    bench_engine_vs_sql(rec, made.movement, root, repeats=max(5, samples // 4))
    bench_final_report(rec, made.movement, root)
    bench_kpi(rec, root, samples, size["people"])
    bench_scorecards(rec, made.movement, root, samples, SCORECARD_CELLS[args.scale])
    bench_dossiers(rec, root, args.scale)
    bench_eligibility(rec, root, args.scale)
    bench_initiatives(rec, root, samples, INITIATIVES[args.scale])
    # Last: gunicorn serving this database (bench/README.md "Citizen ratings"); a short,
    # light run at the tiny scale so that the harness's smoke test covers it too.
    if args.scale == "tiny":
        bench_ratings(rec, concurrency=4, duration=1.5)
    else:
        bench_ratings(rec)
    return 0


if __name__ == "__main__":
    sys.exit(main())
