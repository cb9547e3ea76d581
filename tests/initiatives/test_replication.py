"""Recording "our unit applied this initiative" from the bank page."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import as_user
from thidua.initiatives import replication
from thidua.initiatives.models import Replication


@pytest.fixture
def recognised(indexed):
    return indexed(title="Số hóa sổ hộ tịch", state="recognised")


def url(initiative):
    return reverse("initiatives:bank_replicate", args=[initiative.pk])


def post(client, initiative, unit, *, applied_on="2026-04-01", results="Rút ngắn thời gian."):
    return client.post(url(initiative), {"unit": unit.pk, "applied_on": applied_on,
                                         "results": results})


def test_office_of_another_ward_records_its_unit(client, tree, users, recognised):
    as_user(client, users["other"])
    page = client.get(reverse("initiatives:bank_detail", args=[recognised.pk])).content.decode()
    assert "Đơn vị chúng tôi đã áp dụng sáng kiến này" in page
    response = post(client, recognised, tree.ward_b)
    assert response.status_code == 302
    row = Replication.objects.get()
    assert (row.initiative, row.unit, row.applied_on, row.recorded_by) == (
        recognised, tree.ward_b, date(2026, 4, 1), users["other"])
    page = client.get(response.url).content.decode()
    assert "Đã ghi nhận Đảng bộ xã Bình Minh áp dụng sáng kiến này." in page
    assert "Rút ngắn thời gian." in page


def test_one_record_per_unit_with_a_clear_message(client, tree, users, recognised):
    as_user(client, users["other"])
    post(client, recognised, tree.ward_b)
    response = post(client, recognised, tree.ward_b, results="Lần hai.")
    assert response.status_code == 200
    assert ("Đảng bộ xã Bình Minh đã ghi nhận áp dụng sáng kiến này từ ngày 01/04/2026; "
            "mỗi đơn vị chỉ ghi nhận một lần.") in response.content.decode()
    assert Replication.objects.count() == 1


@pytest.mark.parametrize(("applied_on", "results", "message"), [
    ("2026-04-01", "   ", "Hãy mô tả kết quả áp dụng tại đơn vị."),
    ("", "Tốt.", "Hãy nhập ngày bắt đầu áp dụng."),
    ("tomorrow", "Tốt.", "Ngày bắt đầu áp dụng không được sau ngày hôm nay."),
])
def test_bad_input_is_refused_with_a_message(client, tree, users, recognised, applied_on,
                                             results, message):
    if applied_on == "tomorrow":
        applied_on = (timezone.localdate() + timedelta(days=1)).isoformat()
    as_user(client, users["other"])
    response = post(client, recognised, tree.ward_b, applied_on=applied_on, results=results)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Replication.objects.exists()


def test_only_units_the_user_holds_an_office_role_on(client, tree, users, recognised):
    as_user(client, users["other"])
    response = post(client, recognised, tree.cell_a2)  # not his unit
    assert response.status_code == 200
    assert not Replication.objects.exists()
    as_user(client, users["staff"])  # staff role only: no form, refused
    page = client.get(reverse("initiatives:bank_detail", args=[recognised.pk])).content.decode()
    assert "Đơn vị chúng tôi đã áp dụng" not in page
    assert post(client, recognised, tree.cell_a1).status_code == 403
    assert not Replication.objects.exists()


def test_leader_and_admin_may_record(client, tree, users, recognised, make_user):
    leader = make_user("lanhdao_cb", "leader", tree.cell_a2)
    as_user(client, leader)
    assert post(client, recognised, tree.cell_a2).status_code == 302
    assert Replication.objects.filter(unit=tree.cell_a2).exists()


def test_owner_unit_does_not_record_its_own(users, tree, recognised):
    with pytest.raises(ValidationError) as caught:
        replication.record(users["secretariat"], recognised, tree.ward_a, date(2026, 4, 1),
                           "Tốt.")
    assert "đơn vị chủ quản" in str(caught.value)


def test_domain_refuses_unit_outside_the_users_roles(users, tree, recognised):
    with pytest.raises(PermissionDenied):
        replication.record(users["other"], recognised, tree.ward_a, date(2026, 4, 1), "Tốt.")


def test_other_province_and_unrecognised_answer_404(client, tree, users, other_province, indexed,
                                                     recognised):
    as_user(client, other_province["user"])
    assert post(client, recognised, other_province["ward"]).status_code == 404
    pending = indexed(title="Chưa công nhận", state="accepted")
    as_user(client, users["other"])
    assert post(client, pending, tree.ward_b).status_code == 404
    assert not Replication.objects.exists()


def test_a_record_made_meanwhile_by_someone_else_gives_the_message(users, tree, recognised,
                                                                   monkeypatch):
    """Two offices of ward B record at once: the second hits the unique constraint after its
    check found nothing; it gets the "already recorded" message, not an error page."""
    Replication.objects.create(initiative=recognised, unit=tree.ward_b,
                               applied_on=date(2026, 3, 2), results="Ghi trước.")
    real_filter, calls = Replication.objects.filter, []

    def filter_before_the_other_committed(*args, **kwargs):
        calls.append(kwargs)
        return Replication.objects.none() if len(calls) == 1 else real_filter(*args, **kwargs)

    monkeypatch.setattr(Replication.objects, "filter", filter_before_the_other_committed)
    with pytest.raises(ValidationError) as caught:
        replication.record(users["other"], recognised, tree.ward_b, date(2026, 4, 1), "Tốt.")
    monkeypatch.undo()
    assert "đã ghi nhận áp dụng sáng kiến này từ ngày 02/03/2026" in str(caught.value)
    assert Replication.objects.get().results == "Ghi trước."
