from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from thidua.core.http import client_ip


def test_client_ip_without_proxy_is_the_peer(settings):
    settings.THIDUA_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.1.1.1"


def test_client_ip_behind_one_proxy_ignores_what_the_client_forged(settings):
    settings.THIDUA_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1",
                                   HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"


def test_lockout_is_per_client_behind_the_proxy(client, users, settings):
    settings.THIDUA_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "vanphong_a", "password": "sai"},
                    REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    # Another citizen behind the same proxy can still log in.
    response = client.post(reverse("login"), {"username": "vanphong_a", "password": "x-Test-12345"},
                           REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 302


def test_an_upload_over_the_limit_is_refused_before_it_is_stored(client, users, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client.force_login(users["secretariat"])
    big = SimpleUploadedFile("can-bo.xlsx", b"x" * (2 * 1024 * 1024 + 10))
    response = client.post(reverse("org:import_people"), {"file": big})
    assert response.status_code == 200
    assert "Tệp tải lên quá lớn" in response.content.decode()


def test_csrf_failure_page_is_vietnamese(users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["admin"])
    response = client.post(reverse("org:role_list"), {"username": "x"})
    assert response.status_code == 403
    assert "chưa được ghi" in response.content.decode()
