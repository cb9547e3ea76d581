"""The council's result rule (DOMAIN.md §4) as a pure function, and the rule's validation."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.initiatives.councils import check_rule, fmt, item_result
from thidua.initiatives.policy import DEFAULT_RULE, CouncilRule, Criterion

R = DEFAULT_RULE
D = Decimal


def test_the_example_of_the_brief_is_refused_with_both_reasons():
    ballots = [(D("46.5"), True), (D("46.5"), True), (D("46.5"), False), (D("46.5"), False)]
    result = item_result(ballots, 5, R)
    assert not result.passed
    assert result.mean == D("46.50") and result.yes_votes == 2 and result.no_votes == 2
    assert result.reasons_text == ("Điểm trung bình 46,5 thấp hơn mức 50; 2/5 thành viên đồng "
                                   "ý, chưa quá một nửa số thành viên hội đồng.")


def test_mean_of_exactly_50_and_three_of_five_yes_pass():
    result = item_result([(D(50), True)] * 3 + [(D(50), False)] * 2, 5, R)
    assert result.passed and result.reasons == ()


def test_half_of_the_members_is_not_more_than_half():
    result = item_result([(D(80), True)] * 2 + [(D(80), False)] * 2, 4, R)
    assert not result.passed
    assert result.reasons == ("2/4 thành viên đồng ý, chưa quá một nửa số thành viên hội đồng",)


def test_absent_members_count_against_the_yes_share():
    # three of three present vote yes, but the council has seven members
    result = item_result([(D(90), True)] * 3, 7, R)
    assert not result.passed and "3/7" in result.reasons_text


def test_a_mean_just_under_the_mark_never_shows_as_the_mark():
    # sum 4999.5 over 100 ballots: 49.995 is cut to 49,99, never rounded up to 50
    ballots = [(D(50), True)] * 99 + [(D("49.5"), True)]
    result = item_result(ballots, 100, R)
    assert not result.passed and result.mean == D("49.99")
    assert result.reasons == ("Điểm trung bình 49,99 thấp hơn mức 50",)


def test_another_share_is_written_in_percent():
    rule = CouncilRule(pass_mean=D(60), yes_share_over=D("0.75"))
    result = item_result([(D(70), True)] * 3 + [(D(70), False)], 4, rule)
    assert result.reasons == ("3/4 thành viên đồng ý, chưa quá 75% số thành viên hội đồng",)
    assert item_result([(D(70), True)] * 4, 4, rule).passed


def test_no_ballot_or_more_ballots_than_members_is_a_bug():
    with pytest.raises(ValueError):
        item_result([], 3, R)
    with pytest.raises(ValueError):
        item_result([(D(1), True)] * 3, 2, R)


halves = st.integers(min_value=0, max_value=200).map(lambda n: D(n) / 2)
ballot = st.tuples(halves, st.booleans())


@st.composite
def cases(draw):
    ballots = draw(st.lists(ballot, min_size=1, max_size=15))
    members = draw(st.integers(min_value=len(ballots), max_value=len(ballots) + 6))
    rule = CouncilRule(pass_mean=draw(halves),
                       yes_share_over=draw(st.sampled_from([D("0.5"), D("0.6"), D("0.75"),
                                                            D("0")])))
    return ballots, members, rule


@settings(max_examples=400, deadline=None)
@given(cases())
def test_passed_is_exactly_the_two_conditions(case):
    ballots, members, rule = case
    result = item_result(ballots, members, rule)
    total = sum(t for t, _ in ballots)
    exact_mean = total / len(ballots)
    yes = sum(1 for _, v in ballots if v)
    assert result.passed == (exact_mean >= rule.pass_mean and yes > rule.yes_share_over * members)
    assert result.passed == (result.reasons == ())
    assert result.yes_votes + result.no_votes == len(ballots)
    assert result.members_count == members
    # the shown mean is the exact mean cut to two decimals: never above it, less than 0,01 below
    assert result.mean <= exact_mean < result.mean + D("0.01")
    assert min(t for t, _ in ballots) <= exact_mean <= max(t for t, _ in ballots)


@settings(max_examples=300, deadline=None)
@given(cases(), st.data())
def test_a_better_ballot_never_turns_a_pass_into_a_refusal(case, data):
    ballots, members, rule = case
    before = item_result(ballots, members, rule)
    index = data.draw(st.integers(min_value=0, max_value=len(ballots) - 1))
    total, _ = ballots[index]
    better = list(ballots)
    better[index] = (total + data.draw(halves), True)  # more points and a yes vote
    after = item_result(better, members, rule)
    assert not (before.passed and not after.passed)
    assert after.yes_votes >= before.yes_votes


@settings(max_examples=200, deadline=None)
@given(cases())
def test_more_absent_members_never_help(case):
    ballots, members, rule = case
    assert not (item_result(ballots, members + 1, rule).passed
                and not item_result(ballots, members, rule).passed)


# Validation of a rule ---------------------------------------------------------------------------
def rows(*triples):
    return [{"code": c, "name": n, "max_points": m} for c, n, m in triples]


def test_a_valid_rule_keeps_its_criteria_and_converts_the_share_from_percent():
    rule = check_rule(rows(("tinh_moi", "Tính mới", "40"), ("hieu_qua", "Hiệu quả", 60),
                           ("", "", "")), "55,5", "50")
    assert rule.criteria == (Criterion("tinh_moi", "Tính mới", 40),
                             Criterion("hieu_qua", "Hiệu quả", 60))
    assert rule.pass_mean == D("55.5") and rule.yes_share_over == D("0.5")
    assert CouncilRule.from_dict(rule.to_dict()) == rule


@pytest.mark.parametrize(("criteria", "pass_mean", "share", "field", "message"), [
    (rows(("a", "A", "x")), "10", "50", "criteria", "Tiêu chí dòng 1: điểm tối đa “x” phải là số nguyên."),
    (rows(("a", "A", "0")), "0", "50", "criteria", "Tiêu chí dòng 1: điểm tối đa phải từ 1 đến 1000."),
    (rows(("a", "A", "10"), ("a", "B", "10")), "10", "50", "criteria", "Tiêu chí dòng 2: mã “a” bị trùng."),
    (rows(("Tính mới", "A", "10")), "5", "50", "criteria", "chỉ gồm chữ thường không dấu"),
    (rows(("a", "", "10")), "5", "50", "criteria", "Tiêu chí dòng 1: chưa ghi tên tiêu chí."),
    ([], "5", "50", "criteria", "Quy tắc cần ít nhất một tiêu chí chấm điểm."),
    (rows(("a", "A", "10")), "11", "50", "pass_mean", "phải từ 0 đến tổng điểm tối đa (10)"),
    (rows(("a", "A", "10")), "năm", "50", "pass_mean", "“năm” không phải là số"),
    (rows(("a", "A", "10")), "5", "100", "yes_share_over", "phải từ 0 đến dưới 100"),
    (rows(("a", "A", "10")), "5", "-1", "yes_share_over", "phải từ 0 đến dưới 100"),
])
def test_bad_rules_are_refused_naming_the_row_and_field(criteria, pass_mean, share, field, message):
    with pytest.raises(ValidationError) as caught:
        check_rule(criteria, pass_mean, share)
    assert any(message in text for text in caught.value.message_dict[field])


def test_the_total_of_the_criteria_fits_the_ballot():
    """Ballot.total and AgendaItem.mean_score hold at most 9999.99: ten criteria of 1000
    points each (each allowed alone) must be refused, not fail when a member scores."""
    many = rows(*((f"c{i}", f"Tiêu chí {i}", "1000") for i in range(10)))
    with pytest.raises(ValidationError) as caught:
        check_rule(many, "50", "50")
    assert caught.value.message_dict["criteria"] == [
        "Tổng điểm tối đa của các tiêu chí là 10000, không được quá 1000."]
    rule = check_rule(rows(("a", "A", "600"), ("b", "B", "400")), "500", "50")
    assert rule.max_total == 1000


def test_numbers_are_written_the_vietnamese_way():
    assert [fmt(D("46.50")), fmt(D(50)), fmt(D("5E+1")), fmt(D("0.25")), fmt(None)] == [
        "46,5", "50", "50", "0,25", "—"]
