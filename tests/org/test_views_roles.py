import pytest
from django.urls import reverse

from thidua.org.models import RoleAssignment


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


def test_admin_lists_roles_of_the_subtree_only(admin_client, users):
    response = admin_client.get(reverse("org:role_list"))
    usernames = {a.user.username for a in response.context["page_obj"]}
    assert "vanphong_a" in usernames and "canbo_a" in usernames
    assert "vanphong_b" not in usernames


def test_admin_grants_a_role_in_the_subtree(admin_client, users, tree):
    response = admin_client.post(reverse("org:role_list"),
                                 {"username": "khongquyen", "role": "leader", "unit_code": "pab-cb2"})
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=users["norole"], role="leader", unit=tree.cell_a2).exists()


def test_grant_outside_the_subtree_is_refused_with_a_message(admin_client, users):
    response = admin_client.post(reverse("org:role_list"),
                                 {"username": "khongquyen", "role": "leader", "unit_code": "XBM"})
    assert response.status_code == 200
    assert "trong phạm vi bạn quản trị" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=users["norole"]).exists()


def test_duplicate_grant_is_explained(admin_client, users):
    response = admin_client.post(reverse("org:role_list"),
                                 {"username": "vanphong_a", "role": "secretariat", "unit_code": "PAB"})
    assert "đã có vai trò" in response.content.decode()


def test_revoke_asks_for_confirmation_then_removes(admin_client, users):
    assignment = RoleAssignment.objects.get(user=users["leader"])
    url = reverse("org:role_revoke", args=[assignment.pk])
    response = admin_client.get(url)
    assert response.status_code == 200 and "Thu hồi vai trò?" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    admin_client.post(url)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_admin_cannot_remove_their_own_last_admin_role(admin_client, users):
    assignment = RoleAssignment.objects.get(user=users["admin"])
    admin_client.post(reverse("org:role_revoke", args=[assignment.pk]))
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.parametrize("who", ["secretariat", "observer", "other", "norole"])
def test_non_admins_cannot_manage_roles(client, users, who):
    client.force_login(users[who])
    assert client.get(reverse("org:role_list")).status_code == 403
    assignment = RoleAssignment.objects.get(user=users["leader"])
    assert client.post(reverse("org:role_revoke", args=[assignment.pk])).status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_another_units_admin_gets_404_on_revoke(client, users, tree, make_user):
    other_admin = make_user("admin_b", "admin", tree.ward_b)
    client.force_login(other_admin)
    assignment = RoleAssignment.objects.get(user=users["leader"])
    assert client.get(reverse("org:role_revoke", args=[assignment.pk])).status_code == 404


def test_the_role_list_exports_what_it_shows(admin_client, users, tree, make_user,
                                             django_assert_max_num_queries):
    import io

    from openpyxl import load_workbook

    make_user("xa_b_admin", "admin", tree.ward_b)  # outside ward A's subtree
    with django_assert_max_num_queries(8):
        response = admin_client.get(reverse("org:role_export"), {"q": "vanphong"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = values.index(["Tài khoản", "Vai trò", "Mã đơn vị", "Đơn vị (gồm cấp dưới)",
                           "Người giao", "Ngày giao"])
    body = values[header + 1:]
    assert [row[0] for row in body] == ["vanphong_a"]  # searched, and ward B's hidden
    assert any("vanphong" in str(v) for row in values[:header] for v in row if v)


@pytest.mark.parametrize("who", ["staff", "observer"])
def test_non_admins_cannot_export_roles(client, users, who):
    client.force_login(users[who])
    assert client.get(reverse("org:role_export")).status_code == 403
