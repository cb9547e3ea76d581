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
    return 0


if __name__ == "__main__":
    sys.exit(main())
