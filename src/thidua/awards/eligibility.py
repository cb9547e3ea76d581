"""Eligibility: who qualifies for which title or form, with the reasons (the public API).

``evaluate(unit, year)`` answers for every active person and every collective of the unit's
subtree, for every active non-manual award type of the catalogue (or those asked for): the
candidates (eligible), the near misses (failing exactly one condition, or blocked while
meeting every condition, the failure named) and the quotas. It loads the facts once
(``facts.load``: a fixed number of queries) and runs the rules (``rules.RULES``) in the
order of their dependencies: LĐTT before CSTĐCS before CSTĐ cấp tỉnh…, and the members'
titles before the collectives'.

Quotas (``AwardType.quota_share`` of ``quota_base``, CSTĐCS ≤ 15% of LĐTT) are computed for
the evaluated unit (the unit of the round that proposes): the base is the number of its
people found eligible for the base title in this evaluation. The limit is rounded down
(the law says "không quá 15%": 13 LĐTT → 1, 20 → 3, 6 → 0); a province may give small units
at least ``params["quota_minimum"]`` (0 by default: a unit with fewer than 7 LĐTT has no
CSTĐCS). When more qualify than the limit, the eligible are ranked by year grade, then year
score, then name: ``rank`` and ``within_quota`` show it; nominating beyond the quota is
refused by the rounds, not here.

Manual-criteria forms (Giấy khen) are not listed by ``evaluate`` (everyone would be a
candidate); ``check`` answers them: never eligible by rule, nominated with a justification.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from thidua.awards import facts as facts_module
from thidua.awards.models import AwardType, Subject
from thidua.awards.rules import RANK, RULES, Candidate, Check, depends_on, lookback
from thidua.org.models import Person, Unit

__all__ = ["Candidate", "Check", "Evaluation", "Quota", "award_type_problems", "check",
           "evaluate", "quota_limit"]


@dataclass(slots=True)
class Quota:
    limit: int
    used: int
    base_count: int
    share: Decimal = Decimal(0)
    base: str = ""

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit

    def as_json(self) -> dict:
        return {"limit": self.limit, "used": self.used, "base_count": self.base_count,
                "share": str(self.share), "base": self.base}


@dataclass
class Evaluation:
    unit_id: int
    year: int
    award_types: list[str]
    candidates: list[Candidate] = field(default_factory=list)
    near_misses: list[Candidate] = field(default_factory=list)
    quotas: dict[str, Quota] = field(default_factory=dict)
    #: Catalogue entries that could not be evaluated (unknown rule), in Vietnamese.
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "unit_id": self.unit_id, "year": self.year, "award_types": self.award_types,
            "candidates": [c.as_json() for c in self.candidates],
            "near_misses": [c.as_json() for c in self.near_misses],
            "quotas": {code: q.as_json() for code, q in self.quotas.items()},
            "problems": self.problems,
        }


def quota_limit(base_count: int, share: Decimal, minimum: int = 0) -> int:
    """At most ``share`` of ``base_count``, rounded down (Luật Thi đua, khen thưởng 2022,
    Điều 21: "không quá 15% tổng số cá nhân đạt danh hiệu Lao động tiên tiến"); a province
    may grant small units at least ``minimum`` (never more than the base)."""
    # A float share (0.15) is read as the decimal it shows: Decimal(0.15) is 0.1499…, and
    # 20 × 0.1499… would round down to 2.
    share = share if isinstance(share, Decimal) else Decimal(str(share))
    limit = int((Decimal(base_count) * share).to_integral_value(rounding=ROUND_FLOOR))
    if base_count and minimum:
        limit = max(limit, min(int(minimum), base_count))
    return limit


def award_type_problems(codes) -> list[str]:
    """Why some of the asked codes cannot be evaluated (unknown, manual criteria, no longer
    in use), in Vietnamese: the CLI and the API refuse them rather than answer an empty
    list as if nobody qualified."""
    found = {t.code: t for t in AwardType.objects.filter(code__in=list(codes))}
    problems = []
    for code in codes:
        award_type = found.get(code)
        if award_type is None:
            problems.append(f"Không có danh hiệu, hình thức mã “{code}” trong danh mục.")
        elif award_type.is_manual:
            problems.append(f"{award_type.name}: tiêu chuẩn do đơn vị quy định, không xét tự "
                            "động được (đề nghị kèm lý do trong đợt xét).")
        elif not award_type.is_active:
            problems.append(f"{award_type.name}: đã ngừng sử dụng trong danh mục.")
    return problems


def _catalogue() -> dict[str, AwardType]:
    return {t.code: t for t in AwardType.objects.filter(is_active=True)
            .select_related("quota_base")}


def _requested(catalogue: dict[str, AwardType], award_types) -> list[AwardType]:
    if award_types is None:
        return [t for t in catalogue.values() if not t.is_manual]
    wanted = []
    for item in award_types:
        code = item if isinstance(item, str) else item.code
        if code in catalogue and not catalogue[code].is_manual:
            wanted.append(catalogue[code])
    return wanted


def _order(catalogue: dict[str, AwardType], wanted: list[AwardType]) -> list[AwardType]:
    """``wanted`` and what they depend on (quota bases included), dependencies first."""
    ordered, seen = [], set()

    def visit(award_type, trail=()):
        if award_type.code in seen or award_type.code in trail:
            return
        needs = depends_on(award_type)
        if award_type.quota_base_id and award_type.quota_base:
            needs = [*needs, award_type.quota_base.code]
        for code in needs:
            if code in catalogue:
                visit(catalogue[code], (*trail, award_type.code))
        seen.add(award_type.code)
        ordered.append(award_type)

    for award_type in wanted:
        visit(award_type)
    return ordered


def _names(catalogue: dict[str, AwardType]) -> dict[str, str]:
    return {code: t.short_name or t.name for code, t in catalogue.items()}


def _first_year(year: int, types: list[AwardType]) -> int:
    return year - max([lookback(t) for t in types] or [1]) + 1


def _run(facts, types: list[AwardType], report: set[str], evaluation: Evaluation | None):
    """Run the rules in order, recording each type's eligible ids in ``facts.computed``."""
    results: dict[str, list[Candidate]] = {}
    for award_type in types:
        rule = RULES.get(award_type.rule)
        if rule is None:
            if evaluation is not None:
                evaluation.problems.append(
                    f"{award_type.name}: quy tắc xét “{award_type.rule}” không có trong hệ thống.")
            facts.computed[award_type.code] = set()
            continue
        collective = award_type.subject == Subject.COLLECTIVE
        subjects = facts.units.values() if collective else facts.all_people.values()
        reported = facts.units if collective else facts.people
        eligible, kept = set(), []
        for subject in subjects:
            candidate = rule(subject, award_type, facts)
            if candidate.eligible:
                eligible.add(subject.id)
            if (award_type.code in report and subject.id in reported
                    and (candidate.eligible or candidate.near_miss)):
                kept.append(candidate)
        facts.computed[award_type.code] = eligible
        results[award_type.code] = kept
    return results


def _rank_key(candidate: Candidate):
    score = float(candidate.score) if candidate.score is not None else -1.0
    return (RANK.get(candidate.grade, len(RANK)), -score, candidate.name, candidate.person_id or 0)


def evaluate(unit: Unit, year: int, *, award_types=None, subtree: bool = True) -> Evaluation:
    """Every candidate of ``unit`` (and its subtree) for ``year``, with reasons and quotas."""
    catalogue = _catalogue()
    wanted = _requested(catalogue, award_types)
    types = _order(catalogue, wanted)
    evaluation = Evaluation(unit.pk, year, [t.code for t in wanted])
    facts = facts_module.load(year=year, first_year=_first_year(year, types), unit=unit,
                              subtree=subtree)
    facts.type_names = _names(catalogue)
    facts.brief = True
    report = {t.code for t in wanted}
    results = _run(facts, types, report, evaluation)
    for award_type in wanted:
        rows = results.get(award_type.code, [])
        eligible = [c for c in rows if c.eligible]
        if award_type.quota_share is not None and award_type.quota_base_id:
            base = award_type.quota_base.code
            base_count = sum(1 for pid in facts.computed.get(base, ()) if pid in facts.people)
            minimum = int((award_type.params or {}).get("quota_minimum", 0))
            quota = Quota(quota_limit(base_count, award_type.quota_share, minimum),
                          len(eligible), base_count, award_type.quota_share, base)
            evaluation.quotas[award_type.code] = quota
            for position, candidate in enumerate(sorted(eligible, key=_rank_key), start=1):
                candidate.rank = position
                candidate.within_quota = position <= quota.limit
        evaluation.candidates.extend(eligible)
        evaluation.near_misses.extend(c for c in rows if c.near_miss)
    return evaluation


def check(award_type, *, person: Person | None = None, unit: Unit | None = None,
          year: int) -> Candidate:
    """One subject's answer for one title or form (a person, or a collective ``unit``).
    No quota is applied here."""
    catalogue = {t.code: t for t in AwardType.objects.select_related("quota_base")}
    code = award_type if isinstance(award_type, str) else award_type.code
    if code not in catalogue:
        raise ValueError(f"Không có danh hiệu, hình thức “{code}” trong danh mục.")
    target = catalogue[code]
    if target.rule not in RULES:
        raise ValueError(f"{target.name}: quy tắc xét “{target.rule}” không có trong hệ thống.")
    collective = target.subject == Subject.COLLECTIVE
    if collective and unit is None:
        raise ValueError(f"{target.name} xét cho tập thể: cần chỉ rõ đơn vị.")
    if not collective and person is None:
        raise ValueError(f"{target.name} xét cho cá nhân: cần chỉ rõ cán bộ.")
    types = _order(catalogue, [target])
    first_year = _first_year(year, types)
    if collective:
        facts = facts_module.load(year=year, first_year=first_year, unit=unit, subtree=False)
        subject = facts.units.get(unit.pk) or facts_module.UnitInfo(unit.pk, unit.name,
                                                                     unit.path)
    else:
        facts = facts_module.load(year=year, first_year=first_year, person_ids=[person.pk],
                                  collectives=False)
        subject = facts.people[person.pk]
    facts.type_names = _names(catalogue)
    _run(facts, [t for t in types if t.code != code], set(), None)
    return RULES[target.rule](subject, target, facts)
