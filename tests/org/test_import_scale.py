"""A 20,000-row people file: set-based lookups and batched writes, in a few seconds."""

import math
import time

import pytest
from auditlog import get_logentry_model
from django.db import connection

from tests.org.files import people_xlsx, person, upload, with_shared_strings
from thidua.org.excel.importers import BATCH_SIZE, LOOKUP_CHUNK, import_people
from thidua.org.models import Person

ROWS = 20_000


def _batches(model, rows: int) -> int:
    """INSERT statements ``bulk_create`` needs for ``rows`` rows on this backend."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    per_batch = min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, range(rows)))
    return math.ceil(rows / per_batch)


def _records():
    cells = ["PAB-CB1", "PAB-CB2"]
    for n in range(ROWS):
        member = n % 2 == 0
        yield person(
            staff_code=f"NV{n:06d}", full_name=f"Nguyễn Văn Số {n}",
            gender="Nam" if n % 3 else "Nữ", date_of_birth=f"{1 + n % 28}/{1 + n % 12}/1980",
            unit_code=["PAB", "PAB-CB1", "PAB-CB2"][n % 3],
            is_party_member="Có" if member else "Không",
            party_cell_code=cells[n % 2] if member else None,
            party_joined_on="01/06/2005" if member else None,
            email=f"nv{n}@example.com",
        )


@pytest.mark.slow
def test_twenty_thousand_people(tree, users, django_assert_max_num_queries, capsys):
    content = with_shared_strings(people_xlsx(*_records()))  # as Excel saves it
    user = users["secretariat"]
    lookups = 2 + math.ceil(ROWS / LOOKUP_CHUNK)  # roles, units, staff codes in chunks
    writes = _batches(Person, ROWS) + _batches(get_logentry_model(), ROWS)
    bound = lookups + writes + 10  # content type, savepoints

    start = time.perf_counter()
    with django_assert_max_num_queries(lookups + 5):
        checked = import_people(user, upload(content), dry_run=True)
    validation = time.perf_counter() - start
    assert checked.ok, checked.errors[:5]
    assert checked.rows_ok == ROWS

    start = time.perf_counter()
    with django_assert_max_num_queries(bound):
        result = import_people(user, upload(content))
    total = time.perf_counter() - start
    assert result.ok, result.errors[:5]
    assert result.created == ROWS
    assert Person.objects.filter(staff_code__startswith="NV").count() == ROWS
    assert get_logentry_model().objects.filter(
        object_repr__startswith="Nguyễn Văn Số").count() == ROWS
    with capsys.disabled():
        print(f"\n{ROWS} rows on {connection.vendor}: validation {validation:.2f} s, "
              f"validation + write {total:.2f} s, write bound {bound} queries")
    # Speed is measured by `make bench`, not asserted here (a shared machine is noisy).
