"""The grading rules of Nghị định 335/2025/NĐ-CP as pure functions."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thidua.kpi import scoring
from thidua.kpi.policy import DEFAULT_POLICY, Grade, Policy, YearMethod
from thidua.kpi.scoring import TaskFigures

P = DEFAULT_POLICY


@pytest.mark.parametrize(("score", "grade"), [
    ("100", Grade.HTXS), ("90", Grade.HTXS), ("89.99", Grade.HTT), ("70", Grade.HTT),
    ("69.99", Grade.HT), ("50", Grade.HT), ("49.99", Grade.KHT), ("0", Grade.KHT),
])
def test_band_edges(score, grade):
    assert scoring.grade_for(Decimal(score), P) == grade


def test_bands_follow_the_policy():
    khanh_hoa = Policy(htxs_min=Decimal(90), htt_min=Decimal(80), ht_min=Decimal(50))
    assert scoring.grade_for(Decimal("79.99"), khanh_hoa) == Grade.HT
    assert scoring.grade_for(Decimal("79.99"), P) == Grade.HTT


def full_general():
    return {c.code: c.max_points for c in P.general_criteria}


def test_perfect_month_scores_100():
    task = TaskFigures("Hồ sơ", 10, 10, 10, 10)
    result = scoring.score_sheet(full_general(), [task], P)
    assert result.score == Decimal("100.00")
    assert result.grade == Grade.HTXS


def test_deductions_per_error_and_late_delivery():
    # 10 assigned, all done; quality 100% - 25% (one error) = 75%;
    # timeliness 8/10 = 80% - 2 × 25% = 30%; quantity 100%; mean = 68.33% of 70 = 47.83
    task = TaskFigures("Hồ sơ", 10, 10, 10, 8, major_errors=1, late_deliveries=2)
    result = scoring.score_sheet({}, [task], P)
    assert result.tasks == Decimal("47.83")
    assert result.score == Decimal("47.83")
    assert result.grade == Grade.KHT


def test_objective_cause_cancels_deductions():
    late = TaskFigures("Hồ sơ", 10, 10, 10, 10, major_errors=2, late_deliveries=3,
                       objective_cause=True)
    assert scoring.score_sheet({}, [late], P).tasks == Decimal("70.00")


def test_leader_carries_the_unit_result():
    task = TaskFigures("Chỉ đạo", 1, 1, 1, 1)
    all_reach = scoring.leader_unit_result([Grade.HTT, Grade.HT], P)
    one_fails = scoring.leader_unit_result([Grade.HTT, Grade.KHT], P)
    assert all_reach == 1 and one_fails == Decimal("0.5")
    good = scoring.score_sheet(full_general(), [task], P, leader_unit_share=all_reach)
    bad = scoring.score_sheet(full_general(), [task], P, leader_unit_share=one_fails)
    # half of the task points follow the unit: 70 × (0.5 × 1 + 0.5 × 0.5) = 52.5
    assert good.score == Decimal("100.00")
    assert bad.score == Decimal("82.50")


def test_discipline_forces_kht_whatever_the_score():
    reason = scoring.discipline_forces_kht(["khien_trach"])
    assert "Khiển trách" in reason
    result = scoring.score_sheet(full_general(), [TaskFigures("x", 1, 1, 1, 1)], P,
                                 forced_kht=reason)
    assert result.score == Decimal("100.00") and result.grade == Grade.KHT
    assert scoring.discipline_forces_kht([]) == ""


@pytest.mark.parametrize(("base", "allowed"), [(0, 0), (4, 0), (5, 1), (9, 1), (10, 2), (15, 3)])
def test_htxs_cap_is_a_fifth_of_htt_or_better_rounded_down(base, allowed):
    assert scoring.htxs_allowance(base, P) == allowed


def test_year_mean_and_median():
    scores = [Decimal(x) for x in ("95", "91", "60")]
    assert scoring.year_score(scores, P) == Decimal("82.00")
    median = Policy(year_method=YearMethod.MEDIAN)
    assert scoring.year_score(scores, median) == Decimal("91.00")
    assert scoring.year_score([], P) is None


def test_lines_explain_the_score():
    result = scoring.score_sheet(full_general(), [TaskFigures("Hồ sơ", 4, 3, 3, 3)], P)
    labels = [line.label for line in result.lines]
    assert labels[:5] == [c.label for c in P.general_criteria]
    assert labels[-1] == "Tổng điểm"
    assert "3/4 hoàn thành" in result.task_results[0].lines[0].detail


def test_policy_round_trips_and_validates():
    assert Policy.from_json(P.to_json()) == P
    broken = Policy(task_points=Decimal(60))
    assert any("bằng 100" in problem for problem in broken.problems())
    assert any("tăng dần" in p for p in Policy(htt_min=Decimal(95)).problems())
    assert P.problems() == []


# Properties ---------------------------------------------------------------------------------
counts = st.integers(min_value=0, max_value=50)


@st.composite
def tasks(draw):
    assigned = draw(st.integers(min_value=1, max_value=50))
    done = draw(st.integers(min_value=0, max_value=assigned))
    return TaskFigures("t", assigned, done, draw(st.integers(0, done)), draw(st.integers(0, done)),
                       draw(st.integers(0, 6)), draw(st.integers(0, 6)), draw(st.booleans()))


generals = st.fixed_dictionaries({
    c.code: st.decimals(min_value=0, max_value=c.max_points, places=2) for c in P.general_criteria})


@settings(max_examples=300, deadline=None)
@given(generals, st.lists(tasks(), min_size=0, max_size=6),
       st.one_of(st.none(), st.sampled_from([Decimal(1), Decimal("0.5")])))
def test_score_stays_between_0_and_100(general, task_list, leader):
    result = scoring.score_sheet(general, task_list, P, leader_unit_share=leader)
    assert 0 <= result.score <= 100
    assert result.grade == scoring.grade_for(result.score, P)


@settings(max_examples=300, deadline=None)
@given(generals, tasks(), st.sampled_from(["major_errors", "late_deliveries"]))
def test_a_deduction_never_raises_the_score(general, task, field):
    more = TaskFigures(**{**task.__dict__, field: getattr(task, field) + 1})
    assert (scoring.score_sheet(general, [more], P).score
            <= scoring.score_sheet(general, [task], P).score)


@settings(max_examples=300, deadline=None)
@given(generals, tasks())
def test_more_on_time_never_lowers_the_score(general, task):
    if task.on_time < task.done:
        more = TaskFigures(**{**task.__dict__, "on_time": task.on_time + 1})
        assert (scoring.score_sheet(general, [more], P).score
                >= scoring.score_sheet(general, [task], P).score)


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=100, places=2),
       st.decimals(min_value=0, max_value=100, places=2))
def test_grade_is_monotone_in_the_score(low, high):
    low, high = min(low, high), max(low, high)
    assert Grade.rank(scoring.grade_for(high, P)) <= Grade.rank(scoring.grade_for(low, P))
