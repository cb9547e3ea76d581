"""The admin issues a token (shown once, on that page only) and revokes tokens."""

import re

import pytest
from django.urls import reverse

from thidua.api.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("quantri", is_superuser=True, is_staff=True))
    return client


def test_add_shows_the_plain_token_once_and_it_works(admin_client, users, tree):
    response = admin_client.post(reverse("admin:api_apitoken_add"), {
        "user": users["observer"].pk, "name": "Cổng dữ liệu tỉnh",
        "expires_at_0": "", "expires_at_1": "",
    })
    assert response.status_code == 200
    plain = re.search(r'<code id="api-token">([^<]+)</code>', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert (token.user, token.name) == (users["observer"], "Cổng dữ liệu tỉnh")
    assert plain.startswith(token.prefix) and plain != token.key_hash

    # Not shown again: neither on the change page nor in a message.
    change = admin_client.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert plain not in change.content.decode()
    assert plain not in admin_client.get(reverse("admin:api_apitoken_changelist")).content.decode()

    admin_client.logout()
    api = admin_client.get("/api/v1/units", headers={"Authorization": f"Bearer {plain}"})
    assert api.status_code == 200 and api.json()["count"] == 3


def test_revoke_action(admin_client, client, users, tree):
    token, plain = ApiToken.issue(users["secretariat"], name="Cũ")
    response = admin_client.post(reverse("admin:api_apitoken_changelist"), {
        "action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.is_revoked
    admin_client.logout()
    assert client.get("/api/v1/units",
                      headers={"Authorization": f"Bearer {plain}"}).status_code == 401
