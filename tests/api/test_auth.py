"""Token authentication: only a valid bearer token of an active user opens the API."""

import hashlib
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import timezone

from thidua.api.auth import INVALID_MESSAGE, MISSING_MESSAGE
from thidua.api.models import ApiToken
from thidua.cli import main as thidua_cli

URL = "/api/v1/units"


def bearer(plain):
    return {"Authorization": f"Bearer {plain}"}


@pytest.fixture
def issued(users):
    return ApiToken.issue(users["secretariat"], name="Phần mềm báo cáo")


def test_valid_token_reads(client, issued, tree):
    _token, plain = issued
    response = client.get(URL, headers=bearer(plain))
    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_no_token_is_401_in_vietnamese(client, db):
    response = client.get(URL)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": MISSING_MESSAGE}
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Token abc", "Basic dXNlcjpwYXNz", "abc"])
def test_other_schemes_are_401(client, db, header):
    response = client.get(URL, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json() == {"detail": MISSING_MESSAGE}


@pytest.mark.parametrize("plain", ["td_unknown", "", "td_" + "x" * 43])
def test_unknown_token_is_401(client, issued, plain):
    response = client.get(URL, headers=bearer(plain))
    assert response.status_code == 401
    assert response.json() == {"detail": INVALID_MESSAGE}


def test_token_with_the_right_prefix_but_another_tail_is_401(client, issued):
    _token, plain = issued
    tampered = plain[:-1] + ("A" if plain[-1] != "A" else "B")
    assert client.get(URL, headers=bearer(tampered)).status_code == 401
    assert client.get(URL, headers=bearer(plain[:20])).status_code == 401
    assert client.get(URL, headers=bearer(plain)).status_code == 200


def test_revoked_token_is_401(client, issued):
    token, plain = issued
    token.revoke()
    response = client.get(URL, headers=bearer(plain))
    assert response.status_code == 401
    assert response.json() == {"detail": INVALID_MESSAGE}


def test_expired_token_is_401(client, issued):
    token, plain = issued
    token.expires_at = timezone.now() - timedelta(seconds=1)
    token.save()
    assert client.get(URL, headers=bearer(plain)).status_code == 401
    token.expires_at = timezone.now() + timedelta(days=1)
    token.save()
    assert client.get(URL, headers=bearer(plain)).status_code == 200


def test_token_of_inactive_user_is_401(client, issued):
    token, plain = issued
    token.user.is_active = False
    token.user.save()
    response = client.get(URL, headers=bearer(plain))
    assert response.status_code == 401
    assert response.json() == {"detail": INVALID_MESSAGE}


def test_session_login_does_not_open_the_api(client, make_user, tree):
    client.force_login(make_user("quantri", is_superuser=True, is_staff=True))
    assert client.get(URL).status_code == 401


def test_token_of_another_user_acts_as_that_user(client, users, tree):
    _token, plain = ApiToken.issue(users["other"], name="Xã B")
    response = client.get(URL, headers=bearer(plain))
    assert [u["code"] for u in response.json()["items"]] == ["XBM", "XBM-CB1"]


def test_only_the_hash_is_stored(issued):
    token, plain = issued
    token.refresh_from_db()
    assert plain.startswith("td_") and len(plain) >= 40
    assert token.key_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert token.prefix == plain[:11]
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert plain not in stored


def test_tokens_differ(users):
    plains = {ApiToken.issue(users["secretariat"], name=f"m{i}")[1] for i in range(5)}
    assert len(plains) == 5


def test_last_used_at_is_written_at_most_once_a_minute(client, issued):
    token, plain = issued
    assert token.last_used_at is None
    client.get(URL, headers=bearer(plain))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    client.get(URL, headers=bearer(plain))
    token.refresh_from_db()
    assert token.last_used_at == first

    old = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=old)
    client.get(URL, headers=bearer(plain))
    token.refresh_from_db()
    assert token.last_used_at > old + timedelta(minutes=1)


def test_use_does_not_write_the_audit_log(client, issued):
    token, plain = issued
    before = LogEntry.objects.get_for_object(token).count()
    client.get(URL, headers=bearer(plain))
    assert LogEntry.objects.get_for_object(token).count() == before


def test_issue_and_revoke_are_audited_without_the_hash(issued):
    token, _plain = issued
    token.revoke()
    entries = list(LogEntry.objects.get_for_object(token).order_by("pk"))
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert "key_hash" not in entries[0].changes_dict
    assert "revoked_at" in entries[1].changes_dict


def test_create_api_token_command_prints_a_working_token(client, users, tree, capsys,
                                                         monkeypatch):
    # The console script as typed; run_from_argv closes the connections when done,
    # which would close the test transaction's connection on PostgreSQL.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    thidua_cli(["thidua", "create-api-token", "giamsat_a", "--name", "Tổng hợp số liệu"])
    out, err = capsys.readouterr()
    plain = out.strip()
    assert plain.startswith("td_") and "\n" not in plain
    assert "chỉ hiện một lần" in err
    token = ApiToken.objects.get(user=users["observer"])
    assert token.name == "Tổng hợp số liệu"
    assert token.expires_at is None
    assert plain not in err
    response = client.get(URL, headers=bearer(plain))
    assert response.status_code == 200
    assert response.json()["count"] == 3


def test_create_api_token_command_with_expiry(users):
    call_command("create_api_token", "vanphong_a", name="Tạm", days=30)
    token = ApiToken.objects.get(user=users["secretariat"])
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)


@pytest.mark.parametrize("args, kwargs", [
    (["khong_co_ai"], {"name": "x"}),
    (["vanphong_a"], {"name": "  "}),
    (["vanphong_a"], {"name": "x", "days": 0}),
])
def test_create_api_token_command_refuses(users, args, kwargs):
    with pytest.raises(CommandError):
        call_command("create_api_token", *args, **kwargs)
    assert not ApiToken.objects.exists()


def test_create_api_token_command_refuses_inactive_user(users):
    users["secretariat"].is_active = False
    users["secretariat"].save()
    with pytest.raises(CommandError, match="khóa"):
        call_command("create_api_token", "vanphong_a", name="x")
