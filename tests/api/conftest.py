"""Helpers of the API tests: a token per user and GET requests carrying it."""

import pytest

from thidua.api.models import ApiToken

API = "/api/v1"


@pytest.fixture
def get_as(client):
    """``get_as(user)`` → a ``get(path, **params)`` sending a fresh token of ``user``."""

    def for_user(user):
        _token, plain = ApiToken.issue(user, name="Kiểm thử")

        def get(path, **params):
            return client.get(f"{API}{path}", params, headers={"Authorization": f"Bearer {plain}"})

        return get

    return for_user


def codes(response):
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


def names(response):
    assert response.status_code == 200, response.content
    return [item["full_name"] for item in response.json()["items"]]
