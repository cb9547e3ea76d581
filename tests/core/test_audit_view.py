import pytest
from django.urls import reverse

from thidua.org.models import Person


def test_observer_reads_the_audit_trail_of_a_person(client, users, people):
    person = Person.objects.get(pk=people["a1"].pk)
    person.position = "Bí thư chi bộ"
    person.save()
    client.force_login(users["observer"])
    response = client.get(reverse("audit_trail", args=["org", "person", person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tạo mới" in html and "Cập nhật" in html and "Bí thư chi bộ" in html
    # Field names and values in Vietnamese, technical fields left out.
    assert "Chức vụ:" in html and "Họ và tên:" in html and "Đảng viên:" in html
    for raw in ("full_name", "is_party_member", "dang_cong_tac", "created_at", "None", "True"):
        assert raw not in html


@pytest.mark.parametrize("who", ["secretariat", "leader", "staff", "other", "norole"])
def test_others_get_404(client, users, people, who):
    client.force_login(users[who])
    url = reverse("audit_trail", args=["org", "person", people["a1"].pk])
    assert client.get(url).status_code == 404


def test_unknown_or_unscoped_models_are_404(client, users, people):
    client.force_login(users["admin"])
    assert client.get(reverse("audit_trail", args=["org", "nothing", 1])).status_code == 404
    assert client.get(reverse("audit_trail", args=["auth", "user", 1])).status_code == 404
    assert client.get(reverse("audit_trail", args=["org", "unit", people["a1"].unit_id])).status_code == 200
