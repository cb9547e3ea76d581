import pytest
from django.urls import reverse


def test_login_page_is_vietnamese(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "Đăng nhập" in html and "Mật khẩu" in html and 'lang="vi"' in html


def test_login_and_logout(client, users):
    response = client.post(reverse("login"), {"username": "vanphong_a", "password": "x-Test-12345"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_message(client, users):
    response = client.post(reverse("login"), {"username": "vanphong_a", "password": "sai"})
    assert response.status_code == 200
    assert "tên đăng nhập" in response.content.decode().lower()


def test_lockout_after_repeated_failures(client, users, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "vanphong_a", "password": "sai"})
    response = client.post(reverse("login"), {"username": "vanphong_a", "password": "x-Test-12345"})
    assert response.status_code == 429
    assert "tạm bị khóa" in response.content.decode()


def test_password_change(client, users):
    client.force_login(users["staff"])
    response = client.post(reverse("password_change"), {
        "old_password": "x-Test-12345", "new_password1": "Thi-Dua-2026-moi",
        "new_password2": "Thi-Dua-2026-moi"})
    assert response.status_code == 302
    users["staff"].refresh_from_db()
    assert users["staff"].check_password("Thi-Dua-2026-moi")


def test_passwords_are_hashed_with_argon2_in_production():
    from thidua import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize("name", ["home", "org:person_list", "org:unit_tree", "org:role_list"])
def test_pages_need_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_home_for_a_user_without_role_explains(client, users):
    client.force_login(users["norole"])
    assert "chưa được phân quyền" in client.get(reverse("home")).content.decode()
