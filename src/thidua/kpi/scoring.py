"""The grading rules, each in one function that names its source.

Everything here is pure: numbers and a :class:`~thidua.kpi.policy.Policy` in,
numbers out, with the computation kept line by line (:class:`Line`) so that a
sheet can show how its score came about. Points are ``Decimal`` rounded to two
places: a band edge (89.99 against 90) must never depend on binary fractions.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from thidua.kpi.policy import Grade, Policy, YearMethod

HUNDRED = Decimal(100)
ZERO = Decimal(0)
CENT = Decimal("0.01")


def points(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value: Decimal) -> str:
    """``12.5`` → ``"12,5"``: Vietnamese decimal comma, no trailing zeros."""
    text = f"{points(value).normalize():f}"
    return text.replace(".", ",")


@dataclass(frozen=True)
class TaskFigures:
    """One task or product of the month, as the sheet records it."""

    name: str
    assigned: int
    done: int
    meeting: int  # meeting the requirements
    on_time: int
    major_errors: int = 0
    late_deliveries: int = 0
    objective_cause: bool = False


@dataclass(frozen=True)
class Line:
    """One step of the computation, for the sheet's "how this score was computed"."""

    label: str
    detail: str
    value: Decimal


@dataclass
class TaskResult:
    task: TaskFigures
    quantity: Decimal  # each a share between 0 and 1
    quality: Decimal
    timeliness: Decimal
    share: Decimal  # the weighted share of the task's points earned
    lines: list[Line] = field(default_factory=list)


@dataclass
class SheetResult:
    general: Decimal
    tasks: Decimal
    score: Decimal
    grade: str
    lines: list[Line]
    task_results: list[TaskResult]
    #: Why the grade is not the band of the score (a discipline record), if so.
    override: str = ""


def _share(part: int, whole: int) -> Decimal:
    return min(Decimal(1), Decimal(part) / Decimal(whole)) if whole > 0 else ZERO


def task_result(task: TaskFigures, policy: Policy) -> TaskResult:
    """The share of a product's points earned.

    Source: Nghị định 335/2025/NĐ-CP — results are scored over the products
    assigned: quantity is the share done of the assigned; quality the share
    meeting the requirements, less 25% of that product's quality points for
    each major error; timeliness the share on time, less 25% for each late
    delivery; no deduction when an objective cause is confirmed. The split of
    the points between the three measures is the policy's (equal by default).
    """
    quantity = _share(task.done, task.assigned)
    quality = _share(task.meeting, task.assigned)
    timeliness = _share(task.on_time, task.assigned)
    lines = [Line("Số lượng", f"{task.done}/{task.assigned} hoàn thành", quantity * HUNDRED)]
    error_cut = late_cut = ZERO
    if not task.objective_cause:
        error_cut = policy.error_deduction_pct / HUNDRED * task.major_errors
        late_cut = policy.late_deduction_pct / HUNDRED * task.late_deliveries
    quality = max(ZERO, quality - error_cut)
    timeliness = max(ZERO, timeliness - late_cut)
    note = ""
    if task.objective_cause and (task.major_errors or task.late_deliveries):
        note = " (có nguyên nhân khách quan: không trừ)"
    lines.append(Line("Chất lượng", f"{task.meeting}/{task.assigned} đạt yêu cầu, "
                      f"{task.major_errors} lỗi lớn{note}", quality * HUNDRED))
    lines.append(Line("Tiến độ", f"{task.on_time}/{task.assigned} đúng hạn, "
                      f"{task.late_deliveries} lần chậm{note}", timeliness * HUNDRED))
    weights = (policy.quantity_weight, policy.quality_weight, policy.timeliness_weight)
    share = (quantity * weights[0] + quality * weights[1] + timeliness * weights[2]) / sum(weights)
    return TaskResult(task, quantity, quality, timeliness, share, lines)


def leader_unit_result(subordinate_grades: Iterable[str], policy: Policy) -> Decimal:
    """The share a leader earns for the unit's result.

    Source: Nghị định 335/2025/NĐ-CP — a leader's results include those of the
    unit led: 100% when every subordinate reaches HT or better, 50% when one is
    KHT (both figures are the policy's). A unit with nobody graded counts as
    reached.
    """
    reached = all(grade != Grade.KHT for grade in subordinate_grades)
    pct = policy.leader_unit_full_pct if reached else policy.leader_unit_partial_pct
    return pct / HUNDRED


def grade_for(score: Decimal, policy: Policy) -> str:
    """The grade of a score.

    Source: Nghị định 335/2025/NĐ-CP — ≥90 HTXS; 70 to under 90 HTT; 50 to
    under 70 HT; under 50 KHT (the thresholds are the policy's).
    """
    if score >= policy.htxs_min:
        return Grade.HTXS
    if score >= policy.htt_min:
        return Grade.HTT
    if score >= policy.ht_min:
        return Grade.HT
    return Grade.KHT


def score_sheet(general: Mapping[str, Decimal], tasks: Sequence[TaskFigures], policy: Policy,
                *, leader_unit_share: Decimal | None = None,
                forced_kht: str = "") -> SheetResult:
    """Score and grade one month: the general criteria, then the tasks.

    ``general`` maps criterion codes to the points given (missing: 0, capped at
    the criterion's maximum). Each task weighs the same. A leader's sheet passes
    ``leader_unit_share`` (from :func:`leader_unit_result`); ``forced_kht`` is
    the reason the law imposes KHT whatever the score (:func:`discipline_forces_kht`).
    """
    lines: list[Line] = []
    general_total = ZERO
    for criterion in policy.general_criteria:
        given = Decimal(general.get(criterion.code) or 0)
        given = min(max(given, ZERO), criterion.max_points)
        general_total += given
        lines.append(Line(criterion.label, f"tối đa {fmt(criterion.max_points)}", given))
    results = [task_result(task, policy) for task in tasks]
    own = sum((r.share for r in results), ZERO) / len(results) if results else ZERO
    lines.append(Line("Kết quả thực hiện nhiệm vụ",
                      f"bình quân {len(results)} nhiệm vụ: {fmt(own * HUNDRED)}%",
                      own * policy.task_points))
    task_share = own
    if leader_unit_share is not None:
        weight = policy.leader_unit_share_pct / HUNDRED
        task_share = own * (1 - weight) + leader_unit_share * weight
        lines.append(Line("Kết quả của đơn vị do mình lãnh đạo",
                          f"{fmt(leader_unit_share * HUNDRED)}%, chiếm "
                          f"{fmt(policy.leader_unit_share_pct)}% điểm nhiệm vụ",
                          task_share * policy.task_points))
    task_total = points(task_share * policy.task_points)
    score = points(min(policy.total_points, general_total + task_total))
    grade = grade_for(score, policy)
    if forced_kht:
        grade = Grade.KHT
    lines.append(Line("Tổng điểm", f"xếp loại {Grade.SHORT[grade]}", score))
    return SheetResult(points(general_total), task_total, score, grade, lines, results,
                       override=forced_kht)


def discipline_forces_kht(forms_in_year: Iterable[str]) -> str:
    """The reason a person is graded KHT whatever the score, or ``""``.

    Source: Nghị định 335/2025/NĐ-CP — KHT when disciplined at "khiển trách"
    or above in the year of the grading. ``forms_in_year`` lists the forms of
    the discipline decisions taking effect in the year up to the period graded
    (records still under review are not decisions and do not count).
    """
    from thidua.org.choices import DISCIPLINE_SEVERITY, DisciplineForm

    floor = DISCIPLINE_SEVERITY[DisciplineForm.REPRIMAND]
    worst = max((DISCIPLINE_SEVERITY[DisciplineForm(form)] for form in forms_in_year),
                default=0)
    if worst >= floor:
        label = next(f.label for f, rank in DISCIPLINE_SEVERITY.items() if rank == worst)
        return f"Bị kỷ luật “{label}” trong năm: xếp loại Không hoàn thành nhiệm vụ."
    return ""


def htxs_allowance(graded_htt_or_better: int, policy: Policy) -> int:
    """How many HTXS a unit's task group may keep.

    Source: Nghị định 335/2025/NĐ-CP — HTXS at most 20% of those graded HTT,
    within a unit and task group. HTXS are picked from among the HTT, so the
    base counts both; the share is rounded down (a group of 4 keeps none:
    the leader chooses, the system only flags).
    """
    return math.floor(graded_htt_or_better * policy.htxs_cap_pct / HUNDRED + Decimal("1e-9"))


def year_score(month_scores: Sequence[Decimal], policy: Policy) -> Decimal | None:
    """The year's score from the months graded.

    No source fixes it (DOMAIN.md §3): the mean of the months by default, the
    median as the policy's alternative. None when no month was graded.
    """
    if not month_scores:
        return None
    if policy.year_method == YearMethod.MEDIAN:
        return points(Decimal(statistics.median(month_scores)))
    return points(sum(month_scores, ZERO) / len(month_scores))
