"""Training records: validity, who may change them, and the read queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.training.conftest import values
from thidua.training import domain, queries
from thidua.training.models import TrainingRecord

pytestmark = pytest.mark.django_db


def test_model_refuses_end_before_start_and_zero_hours(people):
    record = TrainingRecord(person=people["a1"], **values(ends_on=date(2026, 3, 1),
                                                          hours=Decimal(0)))
    with pytest.raises(ValidationError) as exc:
        record.full_clean()
    assert "ends_on" in exc.value.message_dict and "hours" in exc.value.message_dict


def test_add_record_keeps_nfc_text(people, users):
    decomposed = "Bo\u0302\u0300i du\u031bo\u031b\u0303ng"  # "Bồi dưỡng" decomposed
    record = domain.add_record(users["secretariat"], people["a1"], values(course=decomposed))
    record.refresh_from_db()
    assert record.course == "Bồi dưỡng"
    assert record.created_by == users["secretariat"]


@pytest.mark.parametrize("change, field, words", [
    ({"ends_on": date(2026, 3, 1)}, "ends_on", "không được trước từ ngày"),
    ({"hours": Decimal("0")}, "hours", "Số giờ phải lớn hơn 0"),
    ({"hours": "-3"}, "hours", "Số giờ"),
    ({"course": ""}, "course", "Chưa nhập khóa học"),
    ({"topic": "bay"}, "topic", "Chủ đề"),
])
def test_validation_names_the_field_in_vietnamese(people, users, change, field, words):
    with pytest.raises(ValidationError) as exc:
        domain.add_record(users["secretariat"], people["a1"], values(**change))
    assert words in " ".join(exc.value.message_dict[field])
    assert not TrainingRecord.objects.exists()


def test_certificate_file_is_checked(people, users):
    fake = SimpleUploadedFile("chung-chi.pdf", b"not a pdf at all", "application/pdf")
    with pytest.raises(ValidationError) as exc:
        domain.add_record(users["secretariat"], people["a1"], values(), fake)
    assert "certificate_file" in exc.value.message_dict


@pytest.mark.parametrize("who", ["leader", "observer", "staff", "other", "norole"])
def test_only_the_office_covering_the_person_may_change(people, users, record, who):
    with pytest.raises(PermissionDenied):
        domain.add_record(users[who], people["a1"], values())
    with pytest.raises(PermissionDenied):
        domain.edit_record(users[who], record, values(course="Khác"))
    with pytest.raises(PermissionDenied):
        domain.delete_record(users[who], record)
    record.refresh_from_db()
    assert record.course != "Khác"


def test_office_of_ward_b_cannot_touch_ward_a(people, users):
    with pytest.raises(PermissionDenied):
        domain.add_record(users["other"], people["a2"], values())
    domain.add_record(users["other"], people["b1"], values())  # its own ward is fine


def test_admin_edits_and_deletes(users, record):
    domain.edit_record(users["admin"], record, values(hours="7,5"))
    record.refresh_from_db()
    assert record.hours == Decimal("7.5")
    domain.delete_record(users["admin"], record)
    assert not TrainingRecord.objects.exists()


def test_history_and_untrained(tree, people, users, record, django_assert_num_queries):
    domain.add_record(users["secretariat"], people["a1"],
                      values(starts_on=date(2025, 5, 1), ends_on=date(2025, 5, 2)))
    domain.add_record(users["secretariat"], people["a3"],
                      values(starts_on=date(2025, 12, 30), ends_on=date(2026, 1, 2)))
    assert [r.starts_on.year for r in queries.history(people["a1"])] == [2026, 2025]
    with django_assert_num_queries(1):
        untrained = list(queries.untrained(tree.ward_a, 2026))
    assert untrained == [people["a2"]]  # a1 and a3 have a record ending in 2026
    assert set(queries.untrained(tree.ward_a, 2025)) == {people["a2"], people["a3"]}
    assert list(queries.untrained(tree.ward_a, 2026, ["can_bo"])) == []
    people["a2"].status = "nghi_huu"
    people["a2"].save()
    assert list(queries.untrained(tree.ward_a, 2026)) == []
