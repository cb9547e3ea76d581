"""Revoking an award: the granting unit's leader or admin, with reason and decision."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.awards.test_decisions import (  # noqa: F401 (fixtures)
    DAY,
    appraised,
    signed,
    voted,
)
from tests.awards.test_votes import council, nominated, voting  # noqa: F401 (fixtures)
from thidua.awards import rounds
from thidua.awards.models import Award

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(appraised, users):  # noqa: F811
    round_ = appraised[0]
    round_.refresh_from_db()
    decision = rounds.draft_decision(users["leader"], round_, day=DAY, signer="Hoàng Văn Quang")
    rounds.sign_decision(users["leader"], decision)
    return Award.objects.get(nomination=appraised[1])


@pytest.mark.parametrize("who", ["secretariat", "observer", "other", "staff"])
def test_only_the_granting_units_leader_or_admin_revokes(who, decided, users):
    with pytest.raises(PermissionDenied):
        rounds.revoke(decided, users[who], "Kê khai không trung thực", "05-QĐ/ĐU")
    assert not Award.objects.get(pk=decided.pk).revoked


def test_revoke_needs_reason_and_decision_and_happens_once(decided, users):
    with pytest.raises(ValidationError) as exc:
        rounds.revoke(decided, users["leader"], "  ", "")
    assert set(exc.value.message_dict) == {"reason", "decision_text"}
    award = rounds.revoke(decided, users["admin"], "Kê khai không trung thực",
                          "Quyết định số 05-QĐ/ĐU ngày 01/12/2026")
    assert award.revoked and award.revoked_on == timezone.localdate()
    assert award.revocation_reason == "Kê khai không trung thực"
    assert award.revocation_decision == "Quyết định số 05-QĐ/ĐU ngày 01/12/2026"
    with pytest.raises(ValidationError) as exc:
        rounds.revoke(decided, users["leader"], "Lần nữa", "06-QĐ/ĐU")
    assert "đã bị thu hồi" in exc.value.messages[0]


def test_imported_award_is_revoked_by_leaders_of_its_unit_or_above(users, people, award, tree,
                                                                    make_user):
    old = award(people["a1"], "ldtt", 2024)
    with pytest.raises(PermissionDenied):
        rounds.revoke(old, make_user("lanhdao_b", "leader", tree.ward_b), "Sai", "01-QĐ")
    rounds.revoke(old, users["leader"], "Hồ sơ lưu trữ sai", "01-QĐ/ĐU")
    assert Award.objects.get(pk=old.pk).revoked


def test_the_revocation_is_in_the_audit_trail_with_who_revoked(decided, users, client):
    """Nothing else records who revoked: the award's audit trail must have the change."""
    from auditlog.models import LogEntry
    from django.urls import reverse

    from tests.conftest import as_user

    as_user(client, users["leader"])
    response = client.post(reverse("awards:award_revoke", args=[decided.pk]),
                           {"reason": "Kê khai không trung thực",
                            "decision_text": "05-QĐ/ĐU", "confirm": "on"})
    assert response.status_code == 302 and Award.objects.get(pk=decided.pk).revoked
    entry = LogEntry.objects.get_for_object(decided).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == users["leader"]
    assert "revoked" in entry.changes_dict and "revocation_reason" in entry.changes_dict
