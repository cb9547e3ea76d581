"""Run the benchmarks on SQLite and, if configured, on PostgreSQL.

    .venv/bin/python bench/run.py                     # default scale, SQLite (+ PostgreSQL)
    .venv/bin/python bench/run.py --scale small       # quick run
    THIDUA_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432 .venv/bin/python bench/run.py

Each database gets a fresh, migrated database and its own subprocess
(``bench/measure.py``), so that Django's settings are configured once per
database from the environment, like in production. The figures are written
to ``bench/results.jsonl``, one JSON object per line (see bench/README.md).

This script does not import Django; it only prepares environments and, for
PostgreSQL, creates and drops the benchmark database.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
MEASURE = HERE / "measure.py"
DEFAULT_OUTPUT = HERE / "results.jsonl"
DEFAULT_PG_NAME = "thidua_bench"
SCALES = ("default", "small", "tiny")


def base_env(data_dir: Path, database_url: str) -> dict[str, str]:
    (data_dir / "static").mkdir(exist_ok=True)  # STATIC_ROOT, else whitenoise warns
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "thidua.settings",
        "THIDUA_DATABASE_URL": database_url,
        "THIDUA_DATA_DIR": str(data_dir),
        "THIDUA_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "THIDUA_DEBUG": "0",
        "THIDUA_ALLOWED_HOSTS": "testserver,localhost",
        "THIDUA_LOG_LEVEL": "ERROR",
    })
    return env


def measure(label: str, env: dict[str, str], args) -> None:
    command = [sys.executable, str(MEASURE), "--db", label, "--scale", args.scale,
               "--output", str(args.output)]
    if args.samples:
        command += ["--samples", str(args.samples)]
    print(f"== {label} ({args.scale})", flush=True)
    subprocess.run(command, env=env, check=True)


def pg_database(url: str) -> tuple[str, str, str]:
    """(server URL for maintenance, benchmark database URL, benchmark database name).

    The URL may name the database; without a name it is ``thidua_bench``. The
    database is dropped and re-created, so its name must contain "bench".
    """
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or DEFAULT_PG_NAME
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop and re-create database {name!r}: "
                         "its name must contain 'bench'.")
    server = urlunsplit(parts._replace(path="/postgres"))
    bench = urlunsplit(parts._replace(path="/" + name))
    return server, bench, name


def recreate_pg(server_url: str, name: str, *, create: bool) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                           .format(sql.Identifier(name)))
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0")
                               .format(sql.Identifier(name)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", choices=SCALES, default="default")
    parser.add_argument("--db", choices=("all", "sqlite", "postgresql"), default="all",
                        help="postgresql needs THIDUA_BENCH_DATABASE_URL")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--samples", type=int, default=0,
                        help="samples per latency figure (default: by scale)")
    args = parser.parse_args(argv)
    args.output = args.output.resolve()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("")

    pg_url = os.environ.get("THIDUA_BENCH_DATABASE_URL", "")
    if args.db == "postgresql" and not pg_url:
        parser.error("--db postgresql needs THIDUA_BENCH_DATABASE_URL")

    if args.db in ("all", "sqlite"):
        with tempfile.TemporaryDirectory(prefix="thidua-bench-") as tmp:
            data_dir = Path(tmp)
            measure("sqlite", base_env(data_dir, f"sqlite:///{data_dir / 'bench.sqlite3'}"),
                    args)

    if args.db in ("all", "postgresql") and pg_url:
        server_url, bench_url, name = pg_database(pg_url)
        recreate_pg(server_url, name, create=True)
        try:
            with tempfile.TemporaryDirectory(prefix="thidua-bench-") as tmp:
                measure("postgresql", base_env(Path(tmp), bench_url), args)
        finally:
            recreate_pg(server_url, name, create=False)
    elif args.db == "all":
        print("(PostgreSQL skipped: THIDUA_BENCH_DATABASE_URL is not set)", flush=True)

    print(f"Figures written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
