"""Rows straight to a table, for the synthetic data of the benchmarks.

``bulk_create`` prepares every value through its field (about 15 µs each): for
the million rows of a synthetic province that is minutes. :func:`insert_rows`
takes plain tuples whose values the caller has already adapted
(``connection.ops.adapt_*``, once per distinct value) and writes them with
``COPY`` on PostgreSQL, ``executemany`` in batches elsewhere. No signal, no
audit entry, no id returned.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

BATCH = 10000


def insert_rows(model, fields: list[str], rows: Iterable[tuple], *, batch: int = BATCH) -> int:
    """Insert ``rows`` (values of ``fields``, in that order) into ``model``'s table;
    return how many."""
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(meta.get_field(name).column) for name in fields)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        # Names from the model's meta, quoted; values are parameters.
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) == batch:
                cursor.executemany(sql, chunk)
                count, chunk = count + len(chunk), []
        if chunk:
            cursor.executemany(sql, chunk)
        return count + len(chunk)
