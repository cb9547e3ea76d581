"""Citizen ratings served by gunicorn under a bounded local load (issue 7's benchmark).

    .venv/bin/python bench/rating_bench.py                  # SQLite (+ PostgreSQL), 3 runs
    .venv/bin/python bench/rating_bench.py --db sqlite --runs 1 --duration 5
    THIDUA_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432 .venv/bin/python bench/rating_bench.py

What is measured. gunicorn with the project's set-up (``thidua.gunicorn_conf``,
the ``make demo`` flags: 2 workers × 2 threads for the machine's 2 cores) on a
free loopback port, against a migrated benchmark database holding one desk
with one official. A load generator in this process (threads) is a closed
loop of ``--concurrency``
clients for ``--duration`` seconds (after a warm-up of 1.5 s that is not
timed), each on one keep-alive connection (a raw-socket HTTP/1.1 client, lighter
than ``http.client``): each client first GETs the official's
rating page (the CSRF cookie and the form's token, as a phone does), then
POSTs ratings, each with its own dossier code and its own User-Agent — so its
own client key: the per-device limit (5 per 10 minutes) never throttles. All
the load comes from 127.0.0.1, so the gunicorn it starts gets
``THIDUA_RATING_IP_LIMIT`` raised; nothing else changes.

Figures: ``rating_throughput_rps`` (accepted ratings — 302 answers — per
second over the timed window), ``rating_p95_ms`` (the POSTs' 95th percentile
latency), and, against the same server in the same run, the throughput of a
view that does nothing (``THIDUA_BENCH_MINIMAL_VIEW=1`` mounts it, through the
same middleware) with the same clients: ``rating_vs_minimal_view`` is the
ratio. After the run the ratings in the database are counted: a count other
than the accepted answers stops the benchmark with an error.

``bench/measure.py`` calls :func:`bench_ratings` on its own (already migrated)
database at the end of its run; this script run directly makes its own
databases (a SQLite file in a temporary directory, and PostgreSQL when
``THIDUA_BENCH_DATABASE_URL`` is set, like ``bench/run.py``) and prints the
median of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
WORKERS, THREADS = 2, 2
CONCURRENCY = 16
DURATION = 10.0
WARM_UP = 1.5
PG_NAME = "thidua_rating_bench"
MINIMAL_PATH = "/danh-gia/do-hieu-nang/toi-thieu/"
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], pct: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


# The server ------------------------------------------------------------------------------
class Server:
    """gunicorn started on a free loopback port; stopped (by its own pid) on exit."""

    def __init__(self, env: dict[str, str], log_dir: Path):
        self.port = free_port()
        self.env = {**env, "THIDUA_RATING_IP_LIMIT": "1000000000",
                    "THIDUA_BENCH_MINIMAL_VIEW": "1",
                    "THIDUA_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
                    "THIDUA_DEBUG": "0", "THIDUA_LOG_LEVEL": "ERROR"}
        self.log = log_dir / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN), "thidua.wsgi", "--config", "python:thidua.gunicorn_conf",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS),
                 "--threads", str(THREADS), "--error-logfile", "-"],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped at start:\n{self.log.read_text()[-3000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", MINIMAL_PATH)
                if connection.getresponse().status == 200:
                    connection.close()
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__(None, None, None)
        raise SystemExit("gunicorn did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the group we started, nothing else
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# The load generator --------------------------------------------------------------------------
@dataclass
class Tally:
    accepted: int = 0
    refused: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    timed_accepted: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """One keep-alive HTTP/1.1 connection on a raw socket, reconnecting when the server
    closes it. Lighter than ``http.client`` (whose header parsing goes through the
    e-mail parser): the generator shares the machine's two cores with the server."""

    def __init__(self, port: int):
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> None:
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("closed by the server")
        self.buffer += chunk

    def _read(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            self._fill()
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _response(self) -> tuple[int, dict, bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            headers[name] = f"{headers[name]}, {value.strip()}" if name in headers \
                else value.strip()
        if "content-length" in headers:
            body = self._read(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self._line().split(b";")[0], 16)
                if size == 0:
                    self._line()
                    break
                parts.append(self._read(size))
                self._read(2)
            body = b"".join(parts)
        else:  # until the server closes
            try:
                while True:
                    self._fill()
            except ConnectionResetError:
                pass
            body, self.buffer = self.buffer, b""
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def call(self, method: str, path: str, body: str | None = None,
             headers: dict | None = None) -> tuple[int, dict, bytes]:
        data = (body or "").encode()
        request = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}",
                   f"Content-Length: {len(data)}"]
        request += [f"{name}: {value}" for name, value in (headers or {}).items()]
        raw = ("\r\n".join(request) + "\r\n\r\n").encode("latin-1") + data
        for attempt in (1, 2):
            try:
                if self.sock is None:
                    self._connect()
                self.sock.sendall(raw)
                return self._response()
            except (ConnectionResetError, BrokenPipeError):
                self.close()  # a keep-alive connection the server had closed: once more
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def rating_client(port: int, path: str, prefix: str, number: int, start: float, timed_from: float,
                  stop: float, tally: Tally) -> None:
    client = Client(port)
    status, headers, html = client.call("GET", path, headers={"User-Agent": "bench-get"})
    if status != 200:
        raise SystemExit(f"GET {path} answered {status}")
    cookie = headers.get("set-cookie", "")
    csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie).group(1)
    form_token = TOKEN_RE.search(html.decode()).group(1)
    seq = 0
    accepted = timed = 0
    refused: dict[int, int] = {}
    latencies: list[float] = []
    while True:
        now = time.perf_counter()
        if now >= stop:
            break
        seq += 1
        body = urlencode({"csrfmiddlewaretoken": form_token, "level": "hai_long" if seq % 5
                          else "khong_hai_long", "reasons": "Khác",
                          "dossier_code": f"{prefix}-{number}-{seq}"})
        began = time.perf_counter()
        status, _headers, _data = client.call("POST", path, body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
            "User-Agent": f"bench-phone-{prefix}-{number}-{seq}"})
        ended = time.perf_counter()
        if status == 302:
            accepted += 1
            if began >= timed_from:
                timed += 1
                latencies.append((ended - began) * 1000)
        else:
            refused[status] = refused.get(status, 0) + 1
    with tally.lock:
        tally.accepted += accepted
        tally.timed_accepted += timed
        tally.latencies_ms.extend(latencies)
        for status, n in refused.items():
            tally.refused[status] = tally.refused.get(status, 0) + n


def minimal_client(port: int, timed_from: float, stop: float, counts: list[int]) -> None:
    client = Client(port)
    done = 0
    while time.perf_counter() < stop:
        status, _h, _d = client.call("GET", MINIMAL_PATH, headers={"User-Agent": "bench"})
        if status != 200:
            raise SystemExit(f"minimal view answered {status}")
        if time.perf_counter() >= timed_from:
            done += 1
    counts.append(done)


def run_threads(targets) -> None:
    threads = [threading.Thread(target=target, args=args, daemon=True) for target, args in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def load_ratings(port: int, path: str, concurrency: int, duration: float) -> tuple[Tally, float]:
    prefix = secrets.token_hex(3).upper()
    tally = Tally()
    start = time.perf_counter()
    timed_from = start + WARM_UP
    stop = timed_from + duration
    run_threads([(rating_client, (port, path, prefix, number, start, timed_from, stop, tally))
                 for number in range(concurrency)])
    return tally, duration


def load_minimal(port: int, concurrency: int, duration: float) -> float:
    counts: list[int] = []
    start = time.perf_counter()
    timed_from = start + WARM_UP
    run_threads([(minimal_client, (port, timed_from, timed_from + duration, counts))
                 for _ in range(concurrency)])
    return sum(counts) / duration


# The benchmark (Django set up, database migrated) --------------------------------------------
def bench_fixture():
    """A unit, a desk and an official to rate (made once per database)."""
    from thidua.feedback.models import DeskOfficial, ServiceDesk
    from thidua.org.defaults import ensure_unit_kinds
    from thidua.org.models import Person, Unit, UnitKind

    desk = ServiceDesk.objects.filter(name="Quầy đo hiệu năng").select_related("unit").first()
    if desk is None:
        ensure_unit_kinds()
        unit = Unit.objects.filter(is_active=True).order_by("path").first()
        if unit is None:
            kind = UnitKind.objects.get(code="dang_uy_xa")
            unit = Unit.objects.add_root(instance=Unit(
                name="Đơn vị đo hiệu năng", code="DO-HIEU-NANG", kind=kind, sector=kind.sector))
        desk = ServiceDesk.objects.create(unit=unit, name="Quầy đo hiệu năng")
    official = desk.officials.first()
    if official is None:
        person = Person.objects.create(staff_code="DHN-0001", full_name="Cán bộ Đo Hiệu Năng",
                                       gender="nam", staff_category="cong_chuc", unit=desk.unit)
        official = DeskOfficial.objects.create(desk=desk, person=person)
    return desk, official


def one_run(env: dict[str, str], *, concurrency: int, duration: float) -> dict[str, float]:
    """Start gunicorn, load the rating page then the minimal view, check the count."""
    from django.db import close_old_connections

    from thidua.feedback.models import Rating

    _desk, official = bench_fixture()
    path = f"/danh-gia/q/{official.token}/"
    before = Rating.objects.count()
    close_old_connections()
    with tempfile.TemporaryDirectory(prefix="thidua-rating-") as tmp, \
            Server(env, Path(tmp)) as server:
        tally, seconds = load_ratings(server.port, path, concurrency, duration)
        minimal_rps = load_minimal(server.port, concurrency, duration)
    stored = Rating.objects.count() - before
    if stored != tally.accepted:
        raise SystemExit(f"RATINGS LOST OR INVENTED: {tally.accepted} accepted answers, "
                         f"{stored} ratings stored")
    if tally.refused:
        raise SystemExit(f"Ratings refused during the benchmark: {tally.refused}")
    rps = tally.timed_accepted / seconds
    return {"rating_throughput_rps": rps, "rating_p95_ms": percentile(tally.latencies_ms, 95),
            "rating_median_ms": statistics.median(tally.latencies_ms),
            "minimal_view_rps": minimal_rps, "rating_vs_minimal_view": rps / minimal_rps,
            "ratings_stored": stored}


UNITS = {"rating_throughput_rps": "ratings/s", "rating_p95_ms": "ms", "rating_median_ms": "ms",
         "minimal_view_rps": "req/s", "rating_vs_minimal_view": "ratio",
         "ratings_stored": "ratings"}
RECORDED = ("rating_throughput_rps", "rating_p95_ms", "minimal_view_rps",
            "rating_vs_minimal_view")


def bench_ratings(rec, *, runs: int = 1, concurrency: int = CONCURRENCY,
                  duration: float = DURATION, env: dict[str, str] | None = None,
                  skip: bool = False) -> dict:
    """Run the benchmark ``runs`` times on the current database; record the medians.

    ``skip``: the tiny scale (the harness's smoke test) leaves it out — it would add
    half a minute of gunicorn under load to a test with a two-minute limit.
    """
    if skip:
        print("  (citizen ratings under gunicorn: skipped at this scale)", flush=True)
        return {}
    results = [one_run(dict(env or os.environ), concurrency=concurrency, duration=duration)
               for _ in range(runs)]
    medians = {name: statistics.median(r[name] for r in results) for name in results[0]}
    for name in RECORDED:
        rec.add(name, medians[name], UNITS[name])
    return medians


# Run directly: own databases --------------------------------------------------------------
class PrintRecorder:
    def __init__(self, label: str):
        self.label = label

    def add(self, name: str, value: float, unit: str) -> None:
        print(f"  [{self.label}] {name:26} {value:10.2f} {unit}", flush=True)


def child(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rec = PrintRecorder(args.label)
    each = []
    for run in range(args.runs):
        result = one_run(dict(os.environ), concurrency=args.concurrency, duration=args.duration)
        each.append(result)
        print(f"  [{args.label}] run {run + 1}: " + ", ".join(
            f"{name}={value:.2f}" for name, value in result.items()), flush=True)
    for name in RECORDED:
        rec.add(name, statistics.median(r[name] for r in each), UNITS[name])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("all", "sqlite", "postgresql"), default="all")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=DURATION)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--label", default="sqlite", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args)
    sys.path.insert(0, str(HERE))
    import run as bench_run  # bench/run.py: environments and the PostgreSQL database

    def spawn(label: str, env: dict[str, str]) -> None:
        print(f"== {label}", flush=True)
        subprocess.run([sys.executable, __file__, "--child", "--label", label,
                        "--runs", str(args.runs), "--duration", str(args.duration),
                        "--concurrency", str(args.concurrency)], env=env, check=True)

    if args.db in ("all", "sqlite"):
        with tempfile.TemporaryDirectory(prefix="thidua-bench-") as tmp:
            spawn("sqlite", bench_run.base_env(Path(tmp), f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"))
    pg_url = os.environ.get("THIDUA_BENCH_DATABASE_URL", "")
    if not pg_url and os.environ.get("THIDUA_DATABASE_URL", "").startswith("postgres"):
        pg_url = os.environ["THIDUA_DATABASE_URL"]
    if args.db in ("all", "postgresql") and pg_url:
        # Its own database name, so that a bench/run.py running alongside keeps its own.
        parts = urlsplit(pg_url)
        pg_url = urlunsplit(parts._replace(path=f"/{PG_NAME}"))
        server_url, bench_url, name = bench_run.pg_database(pg_url)
        bench_run.recreate_pg(server_url, name, create=True)
        try:
            with tempfile.TemporaryDirectory(prefix="thidua-bench-") as tmp:
                spawn("postgresql", bench_run.base_env(Path(tmp), bench_url))
        finally:
            bench_run.recreate_pg(server_url, name, create=False)
    elif args.db == "postgresql":
        parser.error("--db postgresql needs THIDUA_BENCH_DATABASE_URL")
    return 0


if __name__ == "__main__":
    sys.exit(main())
