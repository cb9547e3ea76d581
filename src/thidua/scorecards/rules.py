"""Totals, recognition and bands of a scorecard, each rule in one function.

Pure functions over plain values: the framework's criteria, the points per
criterion, the rule and bands as the framework stores them. The domain reads
the rows and calls these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal(0)


def fmt(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}".replace(".", ",")


@dataclass(frozen=True)
class Node:
    """A criterion as the rules see it."""

    pk: int
    code: str
    title: str
    max_points: Decimal
    parent_id: int | None
    min_points: Decimal | None = None


def scorable(criteria: Iterable[Node]) -> list[Node]:
    """The criteria that take points: the items, and the groups without items."""
    criteria = list(criteria)
    parents = {c.parent_id for c in criteria if c.parent_id is not None}
    return [c for c in criteria if c.parent_id is not None or c.pk not in parents]


def group_totals(criteria: Iterable[Node], points: Mapping[int, Decimal | None]
                 ) -> dict[int, Decimal]:
    """Each group's points: the sum of its items (or its own points without items)."""
    criteria = list(criteria)
    totals = {c.pk: ZERO for c in criteria if c.parent_id is None}
    for node in scorable(criteria):
        group = node.parent_id or node.pk
        totals[group] += points.get(node.pk) or ZERO
    return totals


def total(criteria: Iterable[Node], points: Mapping[int, Decimal | None]) -> Decimal:
    return sum(group_totals(criteria, points).values(), ZERO)


def unmet_conditions(criteria: Iterable[Node], points: Mapping[int, Decimal | None],
                     rule: Mapping, extra: Iterable[str] = ()) -> list[str]:
    """Why a subject misses recognition (empty: it meets the rule).

    Source: the framework's own rule (DOMAIN.md §5 default for "bốn tốt": total
    ≥ 90, every criterion ≥ 20, and the organisation graded HTT or better that
    year — the last as a condition checked by the domain and passed in ``extra``).
    """
    criteria = list(criteria)
    unmet = []
    reached = total(criteria, points)
    min_total = rule.get("min_total")
    if min_total is not None and reached < Decimal(str(min_total)):
        unmet.append(f"Tổng điểm {fmt(reached)} chưa đạt mức tối thiểu "
                     f"{fmt(Decimal(str(min_total)))}.")
    per_group = rule.get("min_per_group")
    groups = {c.pk: c for c in criteria if c.parent_id is None}
    for pk, value in group_totals(criteria, points).items():
        group = groups[pk]
        floor = group.min_points if group.min_points is not None else (
            Decimal(str(per_group)) if per_group is not None else None)
        if floor is not None and value < floor:
            unmet.append(f"Tiêu chí {group.code} “{group.title}” đạt {fmt(value)} điểm, chưa "
                         f"đạt mức tối thiểu {fmt(floor)}.")
    unmet.extend(extra)
    return unmet


def band_for(value: Decimal, bands: list) -> str:
    """The grade of ``value`` under a grading framework's bands (best first).

    Source: Quy định 366-QĐ/TW (30/8/2025) for party organisations: ≥90 HTXS,
    70–<90 HTT, 50–<70 HT, <50 KHT — stored as the framework's bands.
    """
    for code, _label, floor in bands:
        if value >= Decimal(str(floor)):
            return code
    return bands[-1][0] if bands else ""


def band_rank(code: str, bands: list) -> int:
    codes = [band[0] for band in bands]
    return codes.index(code) if code in codes else len(codes)


def band_label(code: str, bands: list) -> str:
    return next((label for band, label, _floor in bands if band == code), code)
