"""Document numbers per (issuing unit, type, year): consecutive, never twice."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from thidua.documents.models import IssuedNumber, NumberRegister
from thidua.documents.numbering import issue_number, reference

pytestmark = pytest.mark.django_db


def test_numbers_run_per_unit_type_and_year(tree, users):
    first = issue_number(tree.ward_a, "KH", users["secretariat"], subject="Kế hoạch thi đua")
    second = issue_number(tree.ward_a, "KH", users["secretariat"])
    other_type = issue_number(tree.ward_a, "BC", users["secretariat"])
    next_year = issue_number(tree.ward_a, "KH", users["secretariat"], year=first.register.year + 1)
    assert (first.number, second.number, other_type.number, next_year.number) == (1, 2, 1, 1)
    assert first.reference == "1-KH/ĐU"  # a Party committee's plan


def test_state_and_party_references():
    assert reference(5, "QĐ", "UBND", "state") == "05/QĐ-UBND"
    assert reference(167, "KH", "ĐU", "party") == "167-KH/ĐU"


def test_a_rolled_back_request_gives_its_number_back(tree, users):
    issue_number(tree.ward_a, "TTr", users["secretariat"])
    with pytest.raises(RuntimeError), transaction.atomic():
        issue_number(tree.ward_a, "TTr", users["secretariat"])
        raise RuntimeError("the document failed")
    assert issue_number(tree.ward_a, "TTr", users["secretariat"]).number == 2


def test_only_the_units_office_takes_numbers(tree, users):
    with pytest.raises(PermissionDenied):
        issue_number(tree.ward_a, "KH", users["other"])
    with pytest.raises(PermissionDenied):
        issue_number(tree.ward_a, "KH", users["staff"])
    with pytest.raises(ValidationError):
        issue_number(tree.ward_a, "K H", users["secretariat"])


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_never_share_a_number(tree, users):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (the test SQLite is in memory)")
    workers, per_worker = 6, 5
    barrier, errors = threading.Barrier(workers), []

    def take():
        try:
            barrier.wait()
            for _ in range(per_worker):
                issue_number(tree.ward_a, "QĐ", users["secretariat"])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = sorted(IssuedNumber.objects.values_list("number", flat=True))
    assert numbers == list(range(1, workers * per_worker + 1))
    assert NumberRegister.objects.get().last_number == workers * per_worker
