"""Values entered by hand for "manual" targets, with their evidence."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.movements.conftest import as_user
from thidua.movements.models import ManualValue, Movement, Target

PNG = b"\x89PNG\r\n\x1a\n-anh-chup-bien-ban"


@pytest.fixture
def target(launched):
    return Target.objects.create(movement=launched, order=3, indicator="manual", goal=95,
                                 wording="Tỷ lệ hồ sơ giải quyết đúng hạn",
                                 params={"measure": "%"})


def entry(tree, today, **extra):
    return {"unit": tree.cell_a1.pk, "value": "97,5", "measured_on": today.strftime("%d/%m/%Y"),
            "note": "Theo sổ theo dõi một cửa", "evidence": SimpleUploadedFile("bien-ban.png", PNG),
            **extra}


def test_a_cell_enters_a_value_and_the_ward_sees_it(client, cell_leader, users, target, tree,
                                                    today):
    c = as_user(client, cell_leader)
    url = reverse("movements:manual_create", args=[target.pk])
    form = c.get(url).context["form"]
    assert list(form.fields["unit"].queryset) == [tree.cell_a1]
    response = c.post(url, entry(tree, today), follow=True)
    assert "Đã ghi số liệu 97,5 của Chi bộ Tổ dân phố 1" in response.content.decode()
    value = ManualValue.objects.get()
    assert (value.value, value.unit, value.entered_by) == (Decimal("97.5"), tree.cell_a1,
                                                          cell_leader)

    page = as_user(client, users["secretariat"]).get(
        reverse("movements:manual_list", args=[target.pk]))
    assert [v.pk for v in page.context["page_obj"]] == [value.pk]
    download = as_user(client, users["secretariat"]).get(
        reverse("movements:manual_evidence", args=[value.pk]))
    assert b"".join(download.streaming_content) == PNG
    for name in ("other", "norole", "staff"):
        assert as_user(client, users[name]).get(
            reverse("movements:manual_evidence", args=[value.pk])).status_code == 404, name


def test_same_day_again_replaces_the_value_and_keeps_the_evidence(client, cell_leader, target,
                                                                  tree, today):
    c = as_user(client, cell_leader)
    url = reverse("movements:manual_create", args=[target.pk])
    c.post(url, entry(tree, today))
    data = entry(tree, today, value="99")
    del data["evidence"]
    c.post(url, data)
    value = ManualValue.objects.get()
    assert value.value == Decimal("99") and value.evidence


def test_bad_values_get_clear_messages(client, cell_leader, target, tree, today):
    c = as_user(client, cell_leader)
    url = reverse("movements:manual_create", args=[target.pk])
    data = entry(tree, today)
    del data["evidence"]
    assert "Hãy đính kèm minh chứng cho số liệu" in c.post(url, data).content.decode()
    tomorrow = (today + timedelta(days=1)).strftime("%d/%m/%Y")
    html = c.post(url, entry(tree, today, measured_on=tomorrow)).content.decode()
    assert "Ngày số liệu không được sau hôm nay" in html
    assert "Nhập một số" in c.post(url, entry(tree, today, value="nhiều")).content.decode()
    html = c.post(url, entry(tree, today, unit=tree.cell_a2.pk)).content.decode()
    assert "lựa chọn hợp lệ" in html
    assert not ManualValue.objects.exists()


def test_an_automatic_target_takes_no_manual_value(client, cell_leader, launched, tree, today):
    automatic = launched.targets.get(indicator="units_registered")
    c = as_user(client, cell_leader)
    url = reverse("movements:manual_create", args=[automatic.pk])
    page = c.get(url)
    assert page.context["form"] is None
    assert "Chỉ tiêu này được tính tự động, không nhập tay." in page.content.decode()
    response = c.post(url, entry(tree, today))
    assert "Chỉ tiêu này được tính tự động, không nhập tay." in response.content.decode()
    assert not ManualValue.objects.exists()


def test_closed_movement_takes_no_values(client, cell_leader, target, tree, today):
    Movement.objects.filter(pk=target.movement_id).update(state="closed")
    response = as_user(client, cell_leader).post(
        reverse("movements:manual_create", args=[target.pk]), entry(tree, today))
    assert "Phong trào đã kết thúc" in response.content.decode()
    assert not ManualValue.objects.exists()


def test_who_may_enter_and_read(client, users, target, tree, today):
    create = reverse("movements:manual_create", args=[target.pk])
    listing = reverse("movements:manual_list", args=[target.pk])
    targets = reverse("movements:manual_targets", args=[target.movement_id])
    observer = as_user(client, users["observer"])
    assert observer.get(create).status_code == 404
    assert observer.post(create, entry(tree, today)).status_code == 404
    assert observer.get(listing).status_code == 200
    page = observer.get(targets)
    assert [t.pk for t in page.context["targets"]] == [target.pk] and not page.context["can_enter"]
    for name in ("other", "norole"):
        c = as_user(client, users[name])
        for url in (create, listing, targets):
            assert c.get(url).status_code == 404, (name, url)
    assert not ManualValue.objects.exists()
    assert as_user(client, users["secretariat"]).get(targets).context["can_enter"]
