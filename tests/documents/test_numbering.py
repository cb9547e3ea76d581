"""Document numbers per (issuing unit, type, year): consecutive, never twice."""

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from thidua.documents.models import IssuedNumber, NumberRegister
from thidua.documents.numbering import issue_number, numbered, reference

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


def test_numbers_restart_at_the_new_year_of_the_local_calendar(tree, users, monkeypatch):
    """The year is Viet Nam's: 00:30 on 1 January there is still 31 December in UTC."""
    from thidua.documents import numbering

    days = iter([date(2026, 12, 31), date(2026, 12, 31), date(2027, 1, 1)])
    monkeypatch.setattr(numbering.timezone, "localdate", lambda: next(days))
    taken = [issue_number(tree.ward_a, "QĐ", users["secretariat"]) for _ in range(3)]
    assert [(i.register.year, i.number, i.reference) for i in taken] == [
        (2026, 1, "1-QĐ/ĐU"), (2026, 2, "2-QĐ/ĐU"), (2027, 1, "1-QĐ/ĐU")]


def test_a_document_that_cannot_be_made_never_holds_a_number(tree, users):
    def fails(reference):
        raise ValueError(reference)

    with pytest.raises(ValueError, match="1-KH/ĐU"):
        numbered(tree.ward_a, "KH", users["secretariat"], fails)
    assert not IssuedNumber.objects.exists()
    made, issued = numbered(tree.ward_a, "KH", users["secretariat"], lambda ref: f"[{ref}]")
    assert (made, issued.number) == ("[1-KH/ĐU]", 1)
    assert NumberRegister.objects.get(doc_type="KH").last_number == 1


def test_a_blank_reference_in_each_format():
    assert reference(None, "BC", "ĐU", "party") == "      -BC/ĐU"
    assert reference(None, "QĐ", "UBND", "state") == "      /QĐ-UBND"
