"""Initiative bank figures (issue 6): search p95 and the duplicate check, at 100,000 initiatives.

``bench_initiatives(rec, root, samples, count)`` is called at the end of ``measure.main()``:
it writes ``count`` initiatives over the synthetic province (``thidua.initiatives.synthetic``),
then times

- ``initiative_search`` (median and p95): the bank page ("Ngân hàng sáng kiến") read by a
  user of the province through the Django test client, for unaccented queries of one to
  three words taken from the word bank, a third of them with a filter (field, year, level
  or commune); target p95 ≤ 100 ms;
- ``initiative_similar_ms``: median of ``search.similar()`` for new application texts
  composed from the same word bank; target ≤ 300 ms.

Run alone against a database that already holds the synthetic province (and optionally the
initiatives, reused when there), with the environment of bench/run.py::

    DJANGO_SETTINGS_MODULE=thidua.settings THIDUA_DATABASE_URL=... \\
        .venv/bin/python bench/initiative_bench.py --db sqlite --output /tmp/i.jsonl
"""

from __future__ import annotations

import random
import statistics
import time
from urllib.parse import urlencode

#: Initiatives written at each scale of bench/measure.py.
INITIATIVES = {"default": 100_000, "small": 10_000, "tiny": 500}
WARM_UP = 5


def _phrases() -> list[list[str]]:
    from thidua.initiatives import synthetic
    from thidua.initiatives.search import words

    texts = (synthetic.OPENINGS + [s for group in synthetic.SUBJECTS.values() for s in group]
             + synthetic.TOOLS + synthetic.PLACES + synthetic.ACTIONS + synthetic.RESULTS)
    return [words(t) for t in texts]


def queries(rng: random.Random, count: int) -> list[str]:
    """Unaccented queries of one to three consecutive words of the word bank."""
    phrases = [p for p in _phrases() if p]
    result = []
    while len(result) < count:
        phrase = rng.choice(phrases)
        size = min(len(phrase), rng.choice((1, 2, 2, 3)))
        start = rng.randrange(len(phrase) - size + 1)
        result.append(" ".join(phrase[start:start + size]))
    return result


def search_urls(rng: random.Random, samples: int, root) -> list[str]:
    from django.urls import reverse

    from thidua.initiatives.models import ApplicationField, Level
    from thidua.org.models import Unit

    base = reverse("initiatives:bank")
    fields = list(ApplicationField.objects.values_list("pk", flat=True))
    communes = list(Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1)
                    .values_list("pk", flat=True))
    urls = []
    for text in queries(rng, samples):
        params = {"q": text}
        if rng.random() < 1 / 3:
            kind = rng.choice(("linh_vuc", "nam", "cap", "don_vi"))
            params[kind] = {"linh_vuc": lambda: rng.choice(fields),
                            "nam": lambda: rng.randint(2019, 2026),
                            "cap": lambda: rng.choice(Level.values[:2]),
                            "don_vi": lambda: rng.choice(communes)}[kind]()
        urls.append(f"{base}?{urlencode(params)}")
    return urls


def bench_initiatives(rec, root, samples: int, count: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from thidua.initiatives import search, synthetic
    from thidua.initiatives.models import Initiative
    from thidua.org.models import RoleAssignment, Unit

    if not Initiative.objects.filter(unit__path__startswith=root.path).exists():
        started = time.perf_counter()
        made = synthetic.generate(synthetic.Spec(province_code=root.code, count=count))
        rec.add("initiative_generate_s", time.perf_counter() - started, "s")
        print(f"  ({made.initiatives:,} initiatives, {made.recognised:,} recognised, "
              f"{made.authors:,} authors)", flush=True)
    if connection.vendor == "postgresql":
        # What autovacuum does minutes after a bulk insert (PostgreSQL 13+ vacuums after
        # inserts too): statistics, and the GIN index's pending list merged into the tree.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE initiatives_initiative")

    rng = random.Random(2026)
    # Any user of the province reads the bank: a staff member of a commune.
    commune = Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1).first()
    User = get_user_model()
    user, _ = User.objects.get_or_create(username="bench_initiative_reader")
    RoleAssignment.objects.get_or_create(user=user, role="staff", unit=commune)
    client = Client()
    client.force_login(user)

    urls = search_urls(rng, samples, root)
    for url in urls[:WARM_UP]:
        client.get(url)
    timings = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered HTTP {response.status_code}")
    rec.latency("initiative_search", timings)
    with CaptureQueriesContext(connection) as seen:
        client.get(urls[0])
    rec.add("initiative_search_queries", len(seen), "queries")

    texts = [synthetic.compose(rng, rng.choice(list(synthetic.SUBJECTS)),
                               "Đảng bộ xã Thử Nghiệm") for _ in range(max(10, samples // 4))]
    province = root.path

    def check(text):
        return search.similar(text["title"], " ".join(
            text[k] for k in ("problem", "solution", "novelty", "benefits")),
            province_path=province)

    for text in texts[:WARM_UP]:
        check(text)
    similar_ms = []
    for text in texts:
        started = time.perf_counter()
        check(text)
        similar_ms.append((time.perf_counter() - started) * 1000)
    rec.add("initiative_similar_ms", statistics.median(similar_ms), "ms")
    rec.add("initiative_similar_p95_ms", sorted(similar_ms)[int(len(similar_ms) * 0.95) - 1],
            "ms")


def main() -> int:
    import argparse
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from measure import Recorder

    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--count", type=int, default=INITIATIVES["default"])
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from thidua.org.models import Unit

    call_command("migrate", verbosity=0)
    root = Unit.objects.get(code="SYN-TTN", depth=1)
    bench_initiatives(Recorder(args.output, args.db, "default"), root, args.samples, args.count)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
