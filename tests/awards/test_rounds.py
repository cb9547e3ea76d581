"""Award rounds, the open step: opening, the authority table, nominating and its refusals
(unmet conditions, manual criteria, quotas, one form for one achievement), removing.

Fixtures: tests/conftest.py (ward A "PAB" is a dang_uy_xa — a grassroots grantor of the
shipped catalogue; the province "TU" a tinh_uy) and tests/awards/conftest.py.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from thidua.awards import rounds
from thidua.awards.models import AwardRound, AwardType, Nomination

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def round_a(tree, users, catalogue):
    return rounds.open_round(users["secretariat"], tree.ward_a, YEAR, granting_unit=tree.ward_a)


def messages_of(exc) -> str:
    return " ".join(exc.value.messages)


# Opening ---------------------------------------------------------------------------------------
def test_open_round_names_it_and_records_the_acting_user(round_a, users, tree):
    assert round_a.state == "open"
    assert round_a.created_by == users["secretariat"]
    assert round_a.name == "Xét khen thưởng năm 2026 — Đảng bộ phường An Bình"
    assert round_a.granting_unit == tree.ward_a


@pytest.mark.parametrize("who", ["staff", "observer", "other", "norole", "leader"])
def test_only_the_units_office_opens_a_round(who, users, tree, catalogue):
    with pytest.raises(PermissionDenied):
        rounds.open_round(users[who], tree.ward_a, YEAR, granting_unit=tree.ward_a)
    assert not AwardRound.objects.exists()


def test_granting_unit_must_be_the_unit_or_an_ancestor_that_may_grant(users, tree, catalogue):
    for wrong in (tree.ward_b, tree.cell_a1):
        with pytest.raises(ValidationError) as exc:
            rounds.open_round(users["secretariat"], tree.ward_a, YEAR, granting_unit=wrong)
        assert "cấp trên" in messages_of(exc)
    # A cell (chi_bo) grants nothing of the catalogue: its round goes to the ward.
    with pytest.raises(ValidationError) as exc:
        rounds.open_round(users["secretariat"], tree.cell_a1, YEAR, granting_unit=tree.cell_a1)
    assert "không có thẩm quyền" in messages_of(exc)
    assert [u.code for u in rounds.granting_options(tree.cell_a1)] == ["PAB", "TU"]
    province = rounds.open_round(users["admin"], tree.ward_a, YEAR, granting_unit=tree.province)
    assert {t.code for t in rounds.grantable_types(province.granting_unit)} == {
        "cstd_tinh", "bang_khen_tinh", "tt_ldxs"}


# Nominating ------------------------------------------------------------------------------------
def test_nominating_an_eligible_person_stores_the_eligibility_snapshot(round_a, users, people,
                                                                      catalogue, grade):
    grade(people["a1"], YEAR, "htt")
    nomination = rounds.nominate(users["secretariat"], round_a, catalogue["ldtt"],
                                 person=people["a1"], achievement="Hoàn thành tốt nhiệm vụ năm 2026")
    assert nomination.unit == people["a1"].unit
    assert nomination.created_by == users["secretariat"]
    assert nomination.eligibility["eligible"] is True
    assert nomination.eligibility["award_type"] == "ldtt"
    assert any(check["met"] for check in nomination.eligibility["checks"])


def test_a_person_who_does_not_qualify_is_refused_with_the_unmet_conditions(round_a, users,
                                                                           people, catalogue,
                                                                           grade):
    grade(people["a2"], YEAR, "ht")
    with pytest.raises(ValidationError) as exc:
        rounds.nominate(users["secretariat"], round_a, catalogue["ldtt"], person=people["a2"])
    text = messages_of(exc)
    assert text.startswith("Trần Thị Bình chưa đủ điều kiện “Lao động tiên tiến”:")
    expected = rounds_check_missing(catalogue["ldtt"], people["a2"])
    assert expected and all(line in text for line in expected)
    assert not Nomination.objects.exists()


def rounds_check_missing(award_type, person):
    from thidua.awards import eligibility

    return eligibility.check(award_type, person=person, year=YEAR).missing


def test_manual_form_needs_a_justification_and_then_accepts_anyone(round_a, users, people,
                                                                   catalogue):
    with pytest.raises(ValidationError) as exc:
        rounds.nominate(users["secretariat"], round_a, catalogue["giay_khen"],
                        person=people["a2"], achievement="Dân vận khéo 2026")
    assert "justification" in exc.value.message_dict
    nomination = rounds.nominate(users["secretariat"], round_a, catalogue["giay_khen"],
                                 person=people["a2"], achievement="Dân vận khéo 2026",
                                 justification="Mô hình dân vận khéo được Đảng ủy công nhận")
    assert nomination.justification.startswith("Mô hình")
    assert nomination.eligibility["manual"] is True


def test_subject_must_belong_to_the_round_and_match_the_award_type(round_a, users, people,
                                                                   tree, catalogue, grade):
    grade(people["b1"], YEAR, "htt")
    with pytest.raises(ValidationError) as exc:
        rounds.nominate(users["secretariat"], round_a, catalogue["ldtt"], person=people["b1"])
    assert "không thuộc đơn vị" in messages_of(exc)
    with pytest.raises(ValidationError) as exc:
        rounds.nominate(users["secretariat"], round_a, catalogue["tt_ldtt"], unit=tree.ward_b)
    assert "không thuộc đơn vị" in messages_of(exc)
    # The province's forms are not the ward's to grant.
    with pytest.raises(ValidationError) as exc:
        rounds.nominate(users["secretariat"], round_a, catalogue["bang_khen_tinh"],
                        person=people["a1"])
    assert "không có thẩm quyền" in messages_of(exc)


@pytest.mark.parametrize("who", ["staff", "leader", "other", "observer"])
def test_only_the_office_nominates(who, round_a, users, people, catalogue, grade):
    grade(people["a1"], YEAR, "htt")
    with pytest.raises(PermissionDenied):
        rounds.nominate(users[who], round_a, catalogue["ldtt"], person=people["a1"])


def test_quota_refuses_beyond_the_share_of_the_base(round_a, users, tree, make_person,
                                                    catalogue, grade):
    team = [make_person(f"Cán bộ số {i:02d}", tree.ward_a) for i in range(20)]
    for person in team:
        grade(person, YEAR, "htxs")
    for person in team:
        rounds.nominate(users["secretariat"], round_a, catalogue["ldtt"], person=person)
    for person in team[:3]:
        rounds.nominate(users["secretariat"], round_a, catalogue["cstdcs"], person=person)
    with pytest.raises(ValidationError) as exc:
        rounds.nominate(users["secretariat"], round_a, catalogue["cstdcs"], person=team[3])
    assert messages_of(exc) == "Vượt chỉ tiêu: CSTĐCS tối đa 3 người (15% của 20 LĐTT)."
    assert Nomination.objects.filter(award_type=catalogue["cstdcs"]).count() == 3


def test_quota_counts_the_base_nominations_of_the_round_only(round_a, users, people, catalogue,
                                                             grade):
    grade(people["a1"], YEAR, "htxs")
    rounds.nominate(users["secretariat"], round_a, catalogue["ldtt"], person=people["a1"])
    # 15% of 1 LĐTT rounds down to 0: no CSTĐCS at all.
    with pytest.raises(ValidationError) as exc:
        rounds.nominate(users["secretariat"], round_a, catalogue["cstdcs"], person=people["a1"])
    assert "tối đa 0 người (15% của 1 LĐTT)" in messages_of(exc)


# One form for one achievement -----------------------------------------------------------------
def test_achievement_conflict_rule(catalogue):
    c = catalogue
    same = "Hoàn thành xuất sắc nhiệm vụ năm 2026"
    assert rounds.achievement_conflict(c["cstdcs"], "", [(c["ldtt"], "")]) == ""
    assert rounds.achievement_conflict(c["ldtt"], "", [(c["cstdcs"], "")]) == ""
    refused = rounds.achievement_conflict(c["giay_khen"], same.upper(),
                                          [(c["bang_khen_tinh"], same)])
    assert "Một thành tích chỉ được đề nghị một hình thức" in refused
    assert "Điều 6" in refused
    assert rounds.achievement_conflict(c["giay_khen"], "Dân vận khéo",
                                       [(c["bang_khen_tinh"], same)]) == ""
    assert "Đã có đề nghị" in rounds.achievement_conflict(c["ldtt"], "", [(c["ldtt"], "")])
    # A title and a form reward different things.
    assert rounds.achievement_conflict(c["giay_khen"], same, [(c["ldtt"], same)]) == ""


def test_two_titles_of_one_level_not_on_the_ladder_conflict(catalogue):
    ldtt, cstdcs = catalogue["ldtt"], catalogue["cstdcs"]
    other = type(ldtt)(code="cstt", name="Chiến sĩ tiên tiến", kind="title", subject="person",
                       level="co_so", rule="ldtt")
    other.pk = 10_000
    assert "một danh hiệu cùng cấp" in rounds.achievement_conflict(other, "", [(ldtt, "")])
    assert "một danh hiệu cùng cấp" in rounds.achievement_conflict(other, "", [(cstdcs, "")])


def test_nominate_applies_the_one_form_rule(round_a, users, people, catalogue, grade):
    grade(people["a1"], YEAR, "htxs")
    rounds.nominate(users["secretariat"], round_a, catalogue["giay_khen"], person=people["a1"],
                    achievement="Dân vận khéo", justification="Mô hình được công nhận")
    with pytest.raises(ValidationError) as exc:
        rounds.nominate(users["secretariat"], round_a, catalogue["giay_khen"],
                        person=people["a1"], achievement="Khác", justification="Lý do")
    assert "Đã có đề nghị “Giấy khen”" in messages_of(exc)
    rounds.nominate(users["secretariat"], round_a, catalogue["ldtt"], person=people["a1"],
                    achievement="Dân vận khéo")


# Removing --------------------------------------------------------------------------------------
def test_remove_a_nomination_while_open_only(round_a, users, people, catalogue, grade):
    grade(people["a1"], YEAR, "htt")
    nomination = rounds.nominate(users["secretariat"], round_a, catalogue["ldtt"],
                                 person=people["a1"])
    with pytest.raises(PermissionDenied):
        rounds.remove_nomination(users["other"], nomination)
    AwardRound.objects.filter(pk=round_a.pk).update(state="voting")
    nomination.round.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        rounds.remove_nomination(users["secretariat"], nomination)
    assert "Hội đồng thi đua – khen thưởng đang xét" in messages_of(exc)
    AwardRound.objects.filter(pk=round_a.pk).update(state="open")
    nomination.round.refresh_from_db()
    rounds.remove_nomination(users["secretariat"], nomination)
    assert not Nomination.objects.exists()


def test_nominating_is_refused_once_the_round_left_open(round_a, users, people, catalogue, grade):
    grade(people["a1"], YEAR, "htt")
    AwardRound.objects.filter(pk=round_a.pk).update(state="voted")
    round_a.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        rounds.nominate(users["secretariat"], round_a, catalogue["ldtt"], person=people["a1"])
    assert "Không thể thêm đề nghị" in messages_of(exc)


def _movement(issuer, user, title):
    from datetime import timedelta

    from django.utils import timezone

    from thidua.movements.models import Movement

    today = timezone.localdate()
    return Movement.objects.create(
        number="167", symbol="KH/ĐU", issued_on=today - timedelta(days=30), issuing_unit=issuer,
        scope_unit=issuer, title=title, starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=200), created_by=user)


def test_a_round_may_review_a_movement_whose_scope_holds_the_unit(users, tree, catalogue):
    ward_plan = _movement(tree.ward_a, users["secretariat"], "Dân vận khéo")
    other_plan = _movement(tree.ward_b, users["other"], "Xã nông thôn mới")
    assert list(rounds.movements_for(tree.ward_a)) == [ward_plan]
    round_ = rounds.open_round(users["secretariat"], tree.ward_a, YEAR,
                               granting_unit=tree.ward_a, movement=ward_plan)
    assert round_.name == "Xét khen thưởng tổng kết “Dân vận khéo” — Đảng bộ phường An Bình"
    with pytest.raises(ValidationError) as exc:
        rounds.open_round(users["secretariat"], tree.ward_a, YEAR, granting_unit=tree.ward_a,
                          movement=other_plan)
    assert "movement" in exc.value.message_dict


# Review: quotas and titles across the rounds of a year ------------------------------------------
def test_quota_counts_the_types_awards_already_decided_this_year(round_a, users, tree,
                                                                 make_person, catalogue, grade,
                                                                 award):
    """The base counts last round's LĐTT awards, so the used count must count its CSTĐCS:
    7 LĐTT allow 1 CSTĐCS in the year, not 1 per round."""
    from thidua.awards.models import AwardSource

    team = [make_person(f"Cán bộ số {i:02d}", tree.ward_a) for i in range(7)]
    for person in team:
        grade(person, YEAR, "htxs")
        award(person, "ldtt", YEAR, source=AwardSource.SYSTEM)
    award(team[0], "cstdcs", YEAR, source=AwardSource.SYSTEM)
    with pytest.raises(ValidationError) as exc:
        rounds.nominate(users["secretariat"], round_a, catalogue["cstdcs"], person=team[1])
    assert "Vượt chỉ tiêu: CSTĐCS tối đa 1 người" in messages_of(exc)
    state = rounds.quota_state(round_a, catalogue["cstdcs"])
    assert (state.limit, state.used, state.base_count) == (1, 1, 7)


def test_a_title_awarded_or_proposed_elsewhere_in_the_year_is_refused(round_a, users, tree,
                                                                      people, catalogue,
                                                                      grade, award):
    from thidua.awards.models import AwardSource

    grade(people["a1"], YEAR, "htt")
    grade(people["a2"], YEAR, "htt")
    award(people["a1"], "ldtt", YEAR, source=AwardSource.SYSTEM)
    with pytest.raises(ValidationError) as exc:
        rounds.nominate(users["secretariat"], round_a, catalogue["ldtt"], person=people["a1"])
    assert "đã được tặng “Lao động tiên tiến” năm 2026" in messages_of(exc)
    # A second round of the same year (a movement's review) cannot propose the title again.
    rounds.nominate(users["secretariat"], round_a, catalogue["ldtt"], person=people["a2"])
    second = rounds.open_round(users["secretariat"], tree.ward_a, YEAR, granting_unit=tree.ward_a,
                               name="Đợt bổ sung")
    with pytest.raises(ValidationError) as exc:
        rounds.nominate(users["secretariat"], second, catalogue["ldtt"], person=people["a2"])
    assert "đang được đề nghị “Lao động tiên tiến” trong đợt" in messages_of(exc)
    # A form for another achievement in another round stays possible; the same one does not.
    rounds.nominate(users["secretariat"], round_a, catalogue["giay_khen"], person=people["a2"],
                    achievement="Dân vận khéo", justification="Mô hình được công nhận")
    with pytest.raises(ValidationError) as exc:
        rounds.nominate(users["secretariat"], second, catalogue["giay_khen"],
                        person=people["a2"], achievement="dân vận khéo",
                        justification="Mô hình được công nhận")
    assert "Một thành tích chỉ được đề nghị một hình thức" in messages_of(exc)
    rounds.nominate(users["secretariat"], second, catalogue["giay_khen"], person=people["a2"],
                    achievement="Tổng kết phong trào xã hội học tập",
                    justification="Điển hình của phong trào")
    # A proposal the council refused holds nothing.
    Nomination.objects.filter(round=round_a, person=people["a2"],
                              award_type=catalogue["ldtt"]).update(council_outcome="disagree")
    rounds.nominate(users["secretariat"], second, catalogue["ldtt"], person=people["a2"])


def test_an_inactive_award_type_is_not_nominated(round_a, users, people, catalogue, grade):
    grade(people["a1"], YEAR, "htt")
    AwardType.objects.filter(code="ldtt").update(is_active=False)
    with pytest.raises(ValidationError) as exc:
        rounds.nominate(users["secretariat"], round_a, AwardType.objects.get(code="ldtt"),
                        person=people["a1"])
    assert "không còn dùng" in messages_of(exc)
    assert not Nomination.objects.exists()


def test_a_list_beyond_the_quota_after_a_removal_does_not_go_to_the_council(
        round_a, users, tree, make_person, make_user, catalogue, grade):
    make_user("hoidong_a", "council", tree.ward_a)
    team = [make_person(f"Cán bộ số {i:02d}", tree.ward_a) for i in range(7)]
    ldtt = []
    for person in team:
        grade(person, YEAR, "htxs")
        ldtt.append(rounds.nominate(users["secretariat"], round_a, catalogue["ldtt"],
                                    person=person))
    rounds.nominate(users["secretariat"], round_a, catalogue["cstdcs"], person=team[0])
    rounds.remove_nomination(users["secretariat"], ldtt[-1])  # 6 LĐTT: no CSTĐCS any more
    with pytest.raises(ValidationError) as exc:
        rounds.start_voting(users["secretariat"], round_a)
    assert "Vượt chỉ tiêu: CSTĐCS tối đa 0 người (15% của 6 LĐTT)" in messages_of(exc)
    round_a.refresh_from_db()
    assert round_a.state == "open"


# Concurrency (PostgreSQL: SQLite serialises every write) -----------------------------------------
def at_once(*calls):
    """Run ``calls`` in threads released together; their results or exceptions."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test reads
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def postgres_only():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrency is checked on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_concurrent_nominations_cannot_both_pass_the_quota(tree, users, make_person, catalogue,
                                                          grade, monkeypatch):
    import time

    postgres_only()
    counted = rounds.quota_state

    def slow(*args, **kwargs):  # widen the window between the count and the insert
        state = counted(*args, **kwargs)
        time.sleep(0.3)
        return state
    round_ = rounds.open_round(users["secretariat"], tree.ward_a, YEAR, granting_unit=tree.ward_a)
    team = [make_person(f"Cán bộ số {i:02d}", tree.ward_a) for i in range(7)]
    for person in team:
        grade(person, YEAR, "htxs")
        rounds.nominate(users["secretariat"], round_, catalogue["ldtt"], person=person)
    monkeypatch.setattr(rounds, "quota_state", slow)
    results = at_once(*[
        (lambda p=p: rounds.nominate(users["secretariat"], AwardRound.objects.get(pk=round_.pk),
                                     catalogue["cstdcs"], person=p)) for p in team[:3]])
    assert sum(isinstance(r, Nomination) for r in results) == 1, results
    assert all(isinstance(r, (Nomination, ValidationError)) for r in results), results
    assert Nomination.objects.filter(award_type=catalogue["cstdcs"]).count() == 1


def test_a_stale_page_cannot_nominate_into_a_round_sent_to_the_council(round_a, users, people,
                                                                       catalogue, grade):
    """The round object of a page loaded before "Trình Hội đồng xét" still says open."""
    grade(people["a1"], YEAR, "htt")
    AwardRound.objects.filter(pk=round_a.pk).update(state="voting")
    assert round_a.state == "open"  # the stale copy
    with pytest.raises(ValidationError) as exc:
        rounds.nominate(users["secretariat"], round_a, catalogue["ldtt"], person=people["a1"])
    assert "Không thể thêm đề nghị" in messages_of(exc)
    assert not Nomination.objects.exists()


def test_the_same_achievement_is_recognised_whatever_its_punctuation(catalogue):
    c = catalogue
    held = [(c["bang_khen_tinh"], "Mô hình “Dân vận khéo” năm 2026.")]
    for same in ("mô hình dân vận khéo năm 2026", 'Mô hình "Dân vận khéo", năm 2026'):
        assert "Một thành tích" in rounds.achievement_conflict(c["giay_khen"], same, held)
    assert rounds.achievement_conflict(c["giay_khen"], "Mô hình xã hội học tập", held) == ""
