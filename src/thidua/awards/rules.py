"""The eligibility rules: one pure function per title or form, each naming its legal source.

A rule takes the subject (``facts.PersonInfo`` or ``facts.UnitInfo``), the award type (any
object with ``code``, ``name`` and ``params``: the catalogue row) and the loaded ``Facts``,
and returns a ``Candidate`` with the whole checklist, met and unmet, each check linking to
its fact. The rules never touch the database; their figures come from ``AwardType.params``
(defaults in ``defaults.py``), so a province changes a figure without changing code.

Conventions that apply to every rule:

- Blocking conditions (Luật Thi đua, khen thưởng 2022; Nghị định 152/2025/NĐ-CP): an open
  impediment (under investigation, unresolved complaint, discipline under review) on the
  person or the collective, a discipline record under review, or — for a person — discipline
  taking effect in the year at the form given by ``discipline_blocks_from`` (khiển trách by
  default: Nghị định 335/2025/NĐ-CP grades such a person "Không hoàn thành nhiệm vụ"), or
  the subject's award of the same title or form for the year revoked (the revocation wins
  over what the facts would give again). A blocked subject is never eligible; ``blocked``
  names the condition.
- Titles computed in the same evaluation count for the year being evaluated ("theo kết quả
  xét trong lần này"); earlier years read the award history, revoked awards excluded: a
  revoked year breaks a run of consecutive years.
- A run of consecutive titles only counts the years after the subject last received the same
  title or form (one achievement, one form): CSTĐCS 2024–2026 give CSTĐ cấp tỉnh 2026; the
  next one needs three more years.
- An initiative recognised at a higher level also satisfies a lower requirement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal

from thidua.awards.facts import LEVEL_LABEL, SEVERITY, Facts, PersonInfo, UnitInfo
from thidua.kpi.policy import Grade
from thidua.org.choices import DisciplineForm

RANK = {g: i for i, g in enumerate(Grade.ORDER)}
DISCIPLINE_NAME = {str(f.value): f.label.lower() for f in DisciplineForm}
TO_CHECK = "Tham số mặc định của tỉnh, cần kiểm tra lại theo văn bản hiện hành."
MANUAL_LABEL = "Tiêu chuẩn do đơn vị quy định"
#: Bằng khen cấp tỉnh, second route: the longest run of years read (see ``bang_khen_tinh``).
LONGEST_GRADE_RUN = 5
MANUAL_MISSING = "Cần nêu lý do đề nghị (thành tích cụ thể) theo tiêu chuẩn do đơn vị quy định"


@dataclass(slots=True)
class Check:
    """One condition of a rule: met or not, what was found, and a link to the fact."""

    label: str
    met: bool
    detail: str = ""
    url: str = ""


@dataclass(slots=True)
class Candidate:
    """A person's or a collective's answer for one title or form."""

    subject: str
    person_id: int | None
    unit_id: int
    name: str
    unit_name: str
    award_type: str
    eligible: bool
    checks: list[Check]
    missing: list[str]
    blocked: str = ""
    award_name: str = ""
    #: Manual-criteria forms (Giấy khen): never eligible by rule; nominated with a reason.
    manual: bool = False
    #: The year grade and score, for ranking under a quota.
    grade: str = ""
    score: Decimal | float | None = None
    #: Position among the eligible when a quota applies, and whether it falls within it.
    rank: int | None = None
    within_quota: bool | None = None

    @property
    def failures(self) -> list[str]:
        """Everything that stands between the subject and the award."""
        return [*self.missing, *([self.blocked] if self.blocked else [])]

    @property
    def near_miss(self) -> bool:
        return not self.eligible and not self.manual and len(self.failures) == 1

    def as_json(self) -> dict:
        data = asdict(self)
        data["score"] = None if self.score is None else f"{float(self.score):.2f}"
        return data


# --- shared pieces ------------------------------------------------------------------------


def at_least(grade: str | None, floor: str) -> bool:
    return grade is not None and grade in RANK and RANK[grade] <= RANK.get(floor, 0)


def score_text(score) -> str:
    """85,3 — a score as the documents write it (Decimal on PostgreSQL, float on SQLite)."""
    return f"{float(score):.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _grade_label(grade: str) -> str:
    return Grade.LABELS.get(grade, grade)


def _n(value: int) -> str:
    """Counts in documents' style: 02, 03 (two digits below ten)."""
    return f"{value:02d}"


def _share(part: int, whole: int) -> str:
    if not whole:
        return "0%"
    return f"{part * 100 / whole:.1f}".rstrip("0").rstrip(".").replace(".", ",") + "%"


def _title_name(facts: Facts, code: str) -> str:
    return facts.type_names.get(code, code)


def _grade_url(facts: Facts, person_id: int, year: int, found) -> str:
    if found is not None and found.source == "kpi":
        return facts.links.kpi_year(found.unit_id, year)
    return facts.links.person(person_id)


def grade_check(facts: Facts, person_id: int, year: int, floor: str) -> Check:
    """The person's year grade is ``floor`` or better (KPI YearResult, else PastGrade)."""
    found = facts.grade(person_id, year)
    label = f"Xếp loại năm {year}: {_grade_label(floor)} trở lên"
    if found is None:
        return Check(label, False, f"Chưa có kết quả xếp loại năm {year}",
                     facts.links.person(person_id))
    detail = _grade_label(found.grade)
    if found.score is not None:
        detail += f" ({score_text(found.score)} điểm)"
    if found.source == "past":
        detail += " — theo hồ sơ lưu trữ"
    return Check(label, at_least(found.grade, floor), detail,
                 _grade_url(facts, person_id, year, found))


def discipline_check(facts: Facts, person_id: int, from_form: str) -> Check:
    name = DISCIPLINE_NAME.get(from_form, from_form)
    label = f"Không bị kỷ luật từ {name} trở lên trong năm {facts.year}"
    found = facts.disciplined_in_year(person_id, from_form)
    if not found:
        return Check(label, True, "Không có", "")
    first = found[0]
    return Check(label, False, f"{first.label}, hiệu lực từ {first.effective_from:%d/%m/%Y}",
                 facts.links.person(person_id))


def title_this_year(facts: Facts, person_id: int, code: str, *, collective: bool = False
                    ) -> Check:
    """The subject reached title ``code`` in the year: computed in this evaluation, or
    already awarded (not revoked)."""
    year = facts.year
    label = f"Đạt danh hiệu {_title_name(facts, code)} năm {year}"
    if person_id in facts.computed.get(code, ()):
        # The fact it was computed from: the year grade (a person), the unit's page.
        source = (facts.links.unit(person_id) if collective else
                  _grade_url(facts, person_id, year, facts.grade(person_id, year)))
        return Check(label, True, "Theo kết quả xét trong lần này", source)
    kept, revoked = facts.award_years(person_id, code, collective=collective)
    link = facts.links.unit(person_id) if collective else facts.links.person(person_id)
    if year in kept:
        return Check(label, True, f"Đã công nhận: {kept[year].label or 'có quyết định'}", link)
    if year in revoked:
        return Check(label, False, "Danh hiệu năm nay đã bị thu hồi", link)
    return Check(label, False, "Chưa đạt", link)


def person_block(facts: Facts, person_id: int, discipline_from: str | None) -> str:
    """The blocking condition of a person, if any (see the module's docstring)."""
    if person_id not in facts.impediments and person_id not in facts.discipline:
        return ""
    for impediment in facts.impediments.get(person_id, ()):
        return f"{impediment.label} (từ ngày {impediment.opened_on:%d/%m/%Y})"
    for _record in facts.under_review(person_id):
        return "Đang xem xét kỷ luật"
    if discipline_from:
        for record in facts.disciplined_in_year(person_id, discipline_from):
            return f"Bị kỷ luật {record.label.lower()} năm {facts.year}"
    return ""


def unit_block(facts: Facts, unit_id: int) -> str:
    for impediment in facts.unit_impediments.get(unit_id, ()):
        return f"{impediment.label} (từ ngày {impediment.opened_on:%d/%m/%Y})"
    return ""


def _since(facts: Facts, subject_id: int, code: str, year: int, collective=False) -> int | None:
    """The last year before ``year`` the subject received ``code`` (not revoked)."""
    kept, _revoked = facts.award_years(subject_id, code, collective=collective)
    earlier = [y for y in kept if y < year]
    return max(earlier) if earlier else None


def title_run(facts: Facts, person_id: int, code: str, needed: int, *, period: int = 1,
              since: int | None = None) -> tuple[int, str]:
    """How many titles ``code`` in a row end in the evaluated year (every ``period`` years),
    counting at most ``needed``; the detail lists each year. The evaluated year counts when
    computed in this evaluation or awarded; a revoked year breaks the run; years up to
    ``since`` were already used for an award of the same kind."""
    year = facts.year
    kept, revoked = facts.award_years(person_id, code)
    computed = person_id in facts.computed.get(code, ())
    parts, count, current = [], 0, year
    while count < needed:
        if since is not None and current <= since:
            parts.append(f"{current}: đã dùng để xét lần trước")
            break
        if current in kept:
            parts.append(f"{current} ✓")
        elif current == year and computed:
            parts.append(f"{current} ✓ (xét trong lần này)")
        elif current in revoked:
            parts.append(f"{current}: đã bị thu hồi")
            break
        else:
            parts.append(f"{current}: không đạt")
            break
        count += 1
        current -= period
    return count, ", ".join(reversed(parts))


def grade_run(facts: Facts, person_id: int, floor: str, needed: int,
              since: int | None = None) -> tuple[int, str]:
    """How many years in a row, ending in the evaluated year, graded ``floor`` or better."""
    parts, count, current = [], 0, facts.year
    while count < needed:
        if since is not None and current <= since:
            parts.append(f"{current}: đã dùng để xét lần trước")
            break
        found = facts.grade(person_id, current)
        if found is None or not at_least(found.grade, floor):
            parts.append(f"{current}: {Grade.SHORT.get(found.grade, found.grade)}"
                         if found else f"{current}: chưa có xếp loại")
            break
        parts.append(f"{current} ✓")
        count += 1
        current -= 1
    return count, ", ".join(reversed(parts))


def initiatives_check(facts: Facts, person_id: int, first: int, level: str, needed: int,
                      label: str) -> Check:
    found = facts.initiatives_of(person_id, first, facts.year, level)
    if not found:
        return Check(label, False, f"Không có sáng kiến {LEVEL_LABEL.get(level, level)} trở lên "
                                   f"được công nhận từ năm {first} đến năm {facts.year}",
                     facts.links.person(person_id))
    detail = "; ".join(f"“{i.title}” ({LEVEL_LABEL.get(i.level, i.level)}, {i.year})"
                       for i in found[:5])
    return Check(label, len(found) >= needed, detail, facts.links.initiative(found[0].id))


def revoked_block(facts: Facts, subject_id: int, award_type, *, collective=False) -> str:
    """The subject's award of this very type for the year was revoked (and not given again):
    the revocation wins over what the facts would give again."""
    rows = (facts.unit_awards if collective else facts.awards).get(subject_id)
    if not rows:
        return ""
    code, year, revoked = award_type.code, facts.year, False
    for row in rows:
        if row.year == year and row.code == code:
            if not row.revoked:
                return ""
            revoked = True
    if not revoked:
        return ""
    name = _title_name(facts, award_type.code)
    what = "" if getattr(award_type, "kind", "title") == "form" else "Danh hiệu "
    return f"{what}{name} năm {facts.year} đã bị thu hồi"


def person_candidate(person: PersonInfo, award_type, facts: Facts, checks: list[Check], *,
                     blocked: str = "", missing: list[str] | None = None,
                     eligible: bool | None = None, manual: bool = False) -> Candidate:
    blocked = blocked or revoked_block(facts, person.id, award_type)
    if missing is None:
        missing = [c.label for c in checks if not c.met]
    if eligible is None:
        eligible = not missing
    found = facts.grade(person.id, facts.year)
    return Candidate("person", person.id, person.unit_id, person.name, person.unit_name,
                     award_type.code, eligible and not blocked and not manual, checks, missing,
                     blocked, award_type.name, manual,
                     found.grade if found else "", found.score if found else None)


def unit_candidate(unit: UnitInfo, award_type, facts: Facts, checks: list[Check], *,
                   blocked: str = "", manual: bool = False) -> Candidate:
    blocked = blocked or revoked_block(facts, unit.id, award_type, collective=True)
    missing = [c.label for c in checks if not c.met]
    found = facts.unit_grades.get(unit.id)
    return Candidate("collective", None, unit.id, unit.name, unit.name, award_type.code,
                     not missing and not blocked and not manual, checks, missing, blocked,
                     award_type.name, manual, found.grade if found else "")


def once(facts: Facts, award_type, build: Callable[[dict], tuple]) -> tuple:
    """What ``build(params)`` makes of the award type's parameters (figures, labels), computed
    once per run rather than once per subject."""
    key = (award_type.code, build.__name__)
    value = facts.memo.get(key)
    if value is None:
        value = facts.memo[key] = build(award_type.params or {}, facts)
    return value


def far(subject, award_type, facts: Facts, labels: list[str]) -> Candidate:
    """A batch answer for a subject failing every one of ``labels`` (two or more), without
    the details: it is neither eligible nor a near miss, so it is never shown."""
    key = (award_type.code, *labels)
    shared = facts.memo.get(key)
    if shared is None:
        # The same (unshown) checklist for every far miss of the rule in the run.
        shared = facts.memo[key] = ([Check(label, False) for label in labels], list(labels))
    checks, missing = shared
    if isinstance(subject, UnitInfo):
        return unit_candidate(subject, award_type, facts, checks)
    return Candidate("person", subject.id, subject.unit_id, subject.name, subject.unit_name,
                     award_type.code, False, checks, missing, "", award_type.name)


# --- individual titles ---------------------------------------------------------------------


def ldtt(person: PersonInfo, award_type, facts: Facts) -> Candidate:
    """Lao động tiên tiến — Luật Thi đua, khen thưởng 2022, Điều 24; Nghị định 152/2025/NĐ-CP.

    Graded "Hoàn thành tốt nhiệm vụ" or better in the year (``grade``); takes part in the
    movements (assumed unless ``registration_required``: registrations of individuals are
    not tracked); not disciplined at ``discipline_blocks_from`` or above in the year
    (Nghị định 335/2025/NĐ-CP: such a person is graded "Không hoàn thành nhiệm vụ")."""
    params = award_type.params or {}
    from_form = params.get("discipline_blocks_from", "khien_trach")
    checks = [grade_check(facts, person.id, facts.year, params.get("grade", Grade.HTT))]
    if params.get("registration_required"):
        checks.append(Check("Có đăng ký thi đua và tham gia các phong trào thi đua", False,
                            "Hệ thống chưa theo dõi đăng ký thi đua của cá nhân: đơn vị xác "
                            "nhận khi đề nghị"))
    else:
        checks.append(Check("Tham gia các phong trào thi đua", True,
                            "Mặc định là có (không yêu cầu đăng ký thi đua)"))
    checks.append(discipline_check(facts, person.id, from_form))
    return person_candidate(person, award_type, facts, checks,
                            blocked=person_block(facts, person.id, None))


def cstdcs(person: PersonInfo, award_type, facts: Facts) -> Candidate:
    """Chiến sĩ thi đua cơ sở — Luật Thi đua, khen thưởng 2022, Điều 21 khoản 3; Nghị định
    152/2025/NĐ-CP.

    Reached the base title (``base``, LĐTT) in the year, plus one of: graded ``grade`` (HTXS);
    ``initiatives`` initiative(s) recognised at ``initiative_level`` or higher in the year; an
    accepted research project or ingenuity in combat (not tracked by the system: the unit adds
    it when nominating). Quota: ``AwardType.quota_share`` of the base title (see
    ``eligibility.quota_limit``)."""
    year = facts.year
    floor, level, needed, base, either, base_label, from_form = once(
        facts, award_type, _cstdcs_setup)
    found = facts.grade(person.id, year)
    top = found is not None and at_least(found.grade, floor)
    initiatives = facts.initiatives_of(person.id, year, year, level)
    if (facts.brief and not top and len(initiatives) < needed
            and not facts.has_title(person.id, base, year)):
        return far(person, award_type, facts, [base_label, either])
    checks = [title_this_year(facts, person.id, base)]
    reasons, url = [], ""
    if top:
        reasons.append(f"Xếp loại {_grade_label(found.grade)}")
        url = _grade_url(facts, person.id, year, found)
    if len(initiatives) >= needed:
        reasons.append("Sáng kiến " + "; ".join(
            f"“{i.title}” ({LEVEL_LABEL.get(i.level, i.level)}, {i.year})" for i in initiatives))
        url = url or facts.links.initiative(initiatives[0].id)
    detail = "; ".join(reasons) if reasons else (
        f"Chưa đạt {_grade_label(floor)} và chưa có sáng kiến được công nhận năm {year}")
    detail += ". Đề tài khoa học, sáng tạo trong chiến đấu: hệ thống chưa theo dõi"
    checks.append(Check(either, bool(reasons), detail, url or facts.links.person(person.id)))
    return person_candidate(person, award_type, facts, checks,
                            blocked=person_block(facts, person.id, from_form))


def _cstdcs_setup(params: dict, facts: Facts) -> tuple:
    floor = params.get("grade", Grade.HTXS)
    level = params.get("initiative_level", "co_so")
    needed = int(params.get("initiatives", 1))
    base = params.get("base", "ldtt")
    either = (f"Một trong các thành tích năm {facts.year}: {_grade_label(floor)}, hoặc "
              f"{_n(needed)} sáng kiến được công nhận {LEVEL_LABEL.get(level, level)} trở lên")
    return (floor, level, needed, base, either,
            f"Đạt danh hiệu {_title_name(facts, base)} năm {facts.year}",
            params.get("discipline_blocks_from", "khien_trach"))


def _consecutive_title_rule(person: PersonInfo, award_type, facts: Facts, setup) -> Candidate:
    code, years, period, level, needed, first, run_label, initiative_label, from_form = once(
        facts, award_type, setup)
    if (facts.brief and not facts.has_title(person.id, code, facts.year)
            and len(facts.initiatives_of(person.id, first, facts.year, level)) < needed):
        return far(person, award_type, facts, [run_label, initiative_label])
    since = _since(facts, person.id, award_type.code, facts.year)
    count, detail = title_run(facts, person.id, code, years, period=period, since=since)
    checks = [Check(run_label, count >= years, detail, facts.links.person(person.id)),
              initiatives_check(facts, person.id, first, level, needed, initiative_label)]
    return person_candidate(person, award_type, facts, checks,
                            blocked=person_block(facts, person.id, from_form))


def _run_setup(params: dict, facts: Facts, default_title: str, default_years: int,
               default_level: str) -> tuple:
    code = params.get("title", default_title)
    years = int(params.get("years", default_years))
    period = int(params.get("period", 1))
    level = params.get("initiative_level", default_level)
    needed = int(params.get("initiatives", 1))
    spacing = f" (mỗi lần cách nhau {period} năm)" if period > 1 else ""
    what = "lần" if period > 1 else "năm"
    first = facts.year - years * period + 1
    run_label = (f"{_n(years)} {what} liên tục đạt {_title_name(facts, code)}{spacing} "
                 f"đến năm {facts.year}")
    initiative_label = (f"{_n(needed)} sáng kiến được công nhận "
                        f"{LEVEL_LABEL.get(level, level)} trở lên từ năm {first} đến năm "
                        f"{facts.year}")
    return (code, years, period, level, needed, first, run_label, initiative_label,
            params.get("discipline_blocks_from", "khien_trach"))


def _cstd_tinh_setup(params: dict, facts: Facts) -> tuple:
    return _run_setup(params, facts, "cstdcs", 3, "tinh")


def _cstd_toan_quoc_setup(params: dict, facts: Facts) -> tuple:
    return _run_setup(params, facts, "cstd_tinh", 2, "toan_quoc")


def cstd_tinh(person: PersonInfo, award_type, facts: Facts) -> Candidate:
    """Chiến sĩ thi đua cấp tỉnh — Luật Thi đua, khen thưởng 2022, Điều 21 khoản 2; Nghị định
    152/2025/NĐ-CP.

    ``years`` (3) consecutive ``title`` (CSTĐCS) ending in the year, and ``initiatives``
    initiative(s) recognised at ``initiative_level`` (provincial) or higher in those years
    (research projects are not tracked)."""
    return _consecutive_title_rule(person, award_type, facts, _cstd_tinh_setup)


def cstd_toan_quoc(person: PersonInfo, award_type, facts: Facts) -> Candidate:
    """Chiến sĩ thi đua toàn quốc — Luật Thi đua, khen thưởng 2022, Điều 21 khoản 1; Nghị định
    152/2025/NĐ-CP.

    ``years`` (2) consecutive ``title`` (CSTĐ cấp tỉnh, given every ``period`` = 3 years)
    ending in the year, and ``initiatives`` initiative(s) of ``initiative_level``
    (national) in that time."""
    return _consecutive_title_rule(person, award_type, facts, _cstd_toan_quoc_setup)


# --- forms ---------------------------------------------------------------------------------


def bang_khen_tinh(person: PersonInfo, award_type, facts: Facts) -> Candidate:
    """Bằng khen cấp tỉnh — Luật Thi đua, khen thưởng 2022, Điều 74 khoản 1; Nghị định
    152/2025/NĐ-CP. Two routes, either suffices:

    1. ``title_years`` (2) consecutive ``title`` (CSTĐCS) ending in the year;
    2. ``grade_years`` (2) or more consecutive years graded ``grade`` (HTXS) ending in the
       year, with ``initiatives`` (2) initiatives recognised at ``initiative_level``
       (grassroots) or higher in that time: anywhere in the whole run, followed back at most
       ``grade_years_max`` (5) years and never before the last Bằng khen cấp tỉnh.

    ``missing`` lists the unmet conditions of the route closest to being met, when it lacks
    one thing only (one more year of CSTĐCS, or one condition of the second route); else
    the unmet conditions of both routes."""
    year = facts.year
    (code, title_years, floor, grade_years, level, needed, first, label1, label2, label3,
     from_form, longest) = once(facts, award_type, _bang_khen_tinh_setup)
    if facts.brief and title_years > 1 and not facts.has_title(person.id, code, year):
        found = facts.grade(person.id, year)
        if ((found is None or not at_least(found.grade, floor))
                and len(facts.initiatives_of(person.id, first, year, level)) < needed):
            return far(person, award_type, facts, [label1, label2, label3])
    since = _since(facts, person.id, award_type.code, year)
    titles, detail = title_run(facts, person.id, code, title_years, since=since)
    route1 = [Check(label1, titles >= title_years, detail, facts.links.person(person.id))]
    # "02 năm trở lên liên tục …, trong thời gian đó có 02 sáng kiến": the initiatives may
    # lie anywhere in the whole run (up to ``longest`` years, after the last Bằng khen).
    count, detail = grade_run(facts, person.id, floor, longest, since=since)
    window = year - max(count, grade_years) + 1
    if since is not None:
        window = max(window, since + 1)
    route2 = [Check(label2, count >= grade_years, detail, facts.links.person(person.id)),
              initiatives_check(facts, person.id, window, level, needed, label3)]
    unmet2 = [c.label for c in route2 if not c.met]
    short1 = title_years - titles
    eligible = short1 <= 0 or not unmet2
    if eligible:
        missing = []
    elif short1 == 1:
        missing = [label1]
    elif len(unmet2) == 1:
        missing = unmet2
    else:
        missing = [label1, *unmet2]
    return person_candidate(person, award_type, facts, route1 + route2, missing=missing,
                            eligible=eligible,
                            blocked=person_block(facts, person.id, from_form))


def _bang_khen_tinh_setup(params: dict, facts: Facts) -> tuple:
    year = facts.year
    code = params.get("title", "cstdcs")
    title_years = int(params.get("title_years", 2))
    floor = params.get("grade", Grade.HTXS)
    grade_years = int(params.get("grade_years", 2))
    level = params.get("initiative_level", "co_so")
    needed = int(params.get("initiatives", 2))
    first = year - grade_years + 1
    return (code, title_years, floor, grade_years, level, needed, first,
            f"Cách 1: {_n(title_years)} năm liên tục đạt {_title_name(facts, code)} "
            f"đến năm {year}",
            f"Cách 2: {_n(grade_years)} năm liên tục {_grade_label(floor)} đến năm {year}",
            f"Cách 2: {_n(needed)} sáng kiến được công nhận {LEVEL_LABEL.get(level, level)} "
            f"trở lên trong những năm liên tục {_grade_label(floor)} đó",
            params.get("discipline_blocks_from", "khien_trach"),
            max(grade_years, _longest_grade_run(params)))


def _longest_grade_run(params: dict) -> int:
    """How far back the second route of Bằng khen cấp tỉnh follows a run of years (the law
    sets no limit: "02 năm trở lên"; ``grade_years_max``, 5 by default)."""
    return int(params.get("grade_years_max", LONGEST_GRADE_RUN))


def bang_khen_ttcp(person: PersonInfo, award_type, facts: Facts) -> Candidate:
    """Bằng khen của Thủ tướng Chính phủ — Luật Thi đua, khen thưởng 2022, Điều 71; Nghị định
    152/2025/NĐ-CP. The figures are configurable (❓ in DOMAIN.md; the shipped ones are
    province defaults to be checked, ``to_check``):

    received one of ``prior_awards`` (Bằng khen cấp tỉnh, CSTĐ cấp tỉnh) at least ``years``
    (5) years before; in the ``years`` years since, ``grade_years`` (5) years graded
    ``grade`` (HTXS) and ``initiatives`` (2) initiatives recognised at ``initiative_level``
    (grassroots) or higher."""
    year = facts.year
    (years, note, first, prior_codes, prior_label, floor, grade_years, grade_label, level,
     needed, initiative_label, from_form) = once(facts, award_type, _bang_khen_ttcp_setup)
    # A prior award already followed by a Bằng khen Thủ tướng was used for it (one
    # achievement, one form): only the prior awards after the last one count.
    since = _since(facts, person.id, award_type.code, year)
    prior, used = [], []
    for code in prior_codes:
        kept, _revoked = facts.award_years(person.id, code)
        for y in kept:
            if y < first:
                (used if since is not None and y <= since else prior).append((y, code))
    if (facts.brief and not prior
            and len(facts.initiatives_of(person.id, first, year, level)) < needed):
        return far(person, award_type, facts, [prior_label, grade_label, initiative_label])
    if prior:
        y, code = max(prior)
        detail = f"{_title_name(facts, code)} năm {y}."
    elif used:
        y, code = max(used)
        detail = (f"{_title_name(facts, code)} năm {y} đã dùng để xét "
                  f"{_title_name(facts, award_type.code)} năm {since}.")
    else:
        detail = f"Chưa có (từ năm {first - 1} trở về trước)."
    checks = [Check(prior_label, bool(prior), detail + note, facts.links.person(person.id))]
    in_window = [y for y in range(first, year + 1)
                 if (g := facts.grade(person.id, y)) is not None and at_least(g.grade, floor)]
    checks.append(Check(
        grade_label, len(in_window) >= grade_years,
        (f"Các năm đạt: {', '.join(map(str, in_window))}." if in_window else "Không có năm nào.")
        + note, facts.links.person(person.id)))
    check = initiatives_check(facts, person.id, first, level, needed, initiative_label)
    check.detail += ("." if note and not check.detail.endswith(".") else "") + note
    checks.append(check)
    return person_candidate(person, award_type, facts, checks,
                            blocked=person_block(facts, person.id, from_form))


def _bang_khen_ttcp_setup(params: dict, facts: Facts) -> tuple:
    year = facts.year
    years = int(params.get("years", 5))
    note = f" {TO_CHECK}" if params.get("to_check") else ""
    first = year - years + 1
    prior_codes = params.get("prior_awards", ["bang_khen_tinh", "cstd_tinh"])
    names = " hoặc ".join(_title_name(facts, c) for c in prior_codes)
    floor = params.get("grade", Grade.HTXS)
    grade_years = int(params.get("grade_years", years))
    level = params.get("initiative_level", "co_so")
    needed = int(params.get("initiatives", 2))
    return (years, note, first, prior_codes,
            f"Đã được tặng {names} từ năm {first - 1} trở về trước",
            floor, grade_years,
            f"{_n(grade_years)} năm {_grade_label(floor)} từ năm {first} đến năm {year}",
            level, needed,
            f"{_n(needed)} sáng kiến được công nhận {LEVEL_LABEL.get(level, level)} trở lên "
            f"từ năm {first} đến năm {year}",
            params.get("discipline_blocks_from", "khien_trach"))


def manual(subject, award_type, facts: Facts) -> Candidate:
    """Giấy khen and other forms whose criteria each unit sets (Luật Thi đua, khen thưởng
    2022, Điều 75): the system cannot decide; a nomination needs a justification. The
    blocking conditions still apply."""
    checks = [Check(MANUAL_LABEL, False, MANUAL_MISSING)]
    if isinstance(subject, UnitInfo):
        return unit_candidate(subject, award_type, facts, checks,
                              blocked=unit_block(facts, subject.id), manual=True)
    return person_candidate(subject, award_type, facts, checks, manual=True,
                            missing=[MANUAL_MISSING], blocked=person_block(
                                facts, subject.id, "khien_trach"))


# --- collective titles ---------------------------------------------------------------------


def _unit_grade_check(facts: Facts, unit: UnitInfo, floor: str) -> Check:
    label = f"Tập thể xếp loại năm {facts.year}: {_grade_label(floor)} trở lên"
    found = facts.unit_grades.get(unit.id)
    if found is None:
        return Check(label, False, f"Chưa có kết quả xếp loại của tập thể năm {facts.year}",
                     facts.links.unit(unit.id))
    detail = _grade_label(found.grade)
    if found.source == "scorecard":
        detail += " — theo xếp loại chất lượng tổ chức đảng"
    return Check(label, at_least(found.grade, floor), detail, facts.links.unit(unit.id))


def _members_discipline_check(facts: Facts, unit: UnitInfo, members: list[int],
                              from_form: str) -> Check:
    name = DISCIPLINE_NAME.get(from_form, from_form)
    label = f"Không có cá nhân bị kỷ luật từ {name} trở lên trong năm {facts.year}"
    everyone = [*members, *facts.former_members.get(unit.id, ())]
    hit = [pid for pid in everyone if facts.discipline.get(pid)
           and facts.disciplined_in_year(pid, from_form)]
    if not hit:
        return Check(label, True, "Không có", "")
    names = ", ".join((facts.all_people.get(pid) or facts.former_people[pid]).name
                      for pid in hit[:3])
    more = f" và {len(hit) - 3} người khác" if len(hit) > 3 else ""
    return Check(label, False, f"{names}{more}", facts.links.person(hit[0]))


def _share_check(facts: Facts, unit: UnitInfo, members: list[int], code: str, label: str,
                 minimum: Decimal, *, strictly: bool) -> Check:
    got = facts.computed.get(code, set())
    count = sum(1 for pid in members if pid in got)
    total = len(members)
    met = bool(total) and (count * 1 > minimum * total if strictly else count >= minimum * total)
    detail = (f"{count}/{total} người ({_share(count, total)}), theo kết quả xét trong lần này"
              if total else "Đơn vị chưa có cán bộ")
    return Check(label, met, detail, facts.links.unit(unit.id))


def tt_ldtt(unit: UnitInfo, award_type, facts: Facts) -> Candidate:
    """Tập thể lao động tiên tiến — Luật Thi đua, khen thưởng 2022, Điều 26, 27; Nghị định
    152/2025/NĐ-CP.

    The collective completes its tasks ``grade`` (HTT) or better (``UnitGrade`` of the year);
    more than ``ldtt_share_over`` (50%) of its members (the active people of its subtree)
    reached ``member_title`` (LĐTT) — as computed in the same evaluation, not from awards;
    nobody disciplined at ``discipline_blocks_from`` (cảnh cáo) or above in the year."""
    params = award_type.params or {}
    members = facts.members.get(unit.id, [])
    code = params.get("member_title", "ldtt")
    share = Decimal(str(params.get("ldtt_share_over", "0.5")))
    checks = [
        _unit_grade_check(facts, unit, params.get("grade", Grade.HTT)),
        _share_check(facts, unit, members, code,
                     f"Trên {_share(int(share * 100), 100)} thành viên đạt "
                     f"{_title_name(facts, code)} năm {facts.year}", share, strictly=True),
        _members_discipline_check(facts, unit, members,
                                  params.get("discipline_blocks_from", "canh_cao")),
    ]
    return unit_candidate(unit, award_type, facts, checks, blocked=unit_block(facts, unit.id))


def tt_ldxs(unit: UnitInfo, award_type, facts: Facts) -> Candidate:
    """Tập thể lao động xuất sắc — Luật Thi đua, khen thưởng 2022, Điều 26, 27; Nghị định
    152/2025/NĐ-CP.

    Among the Tập thể LĐTT of the year (``requires``, computed in the same evaluation);
    completes its tasks ``grade`` (HTXS); every member graded ``members_grade`` (HT) or
    better; at least ``ldtt_share_min`` (70%) of members reached ``member_title`` (LĐTT);
    at least ``cstdcs_min`` (1) member reached ``member_top_title`` (CSTĐCS); nobody
    disciplined at ``discipline_blocks_from`` (cảnh cáo) or above in the year."""
    params = award_type.params or {}
    year = facts.year
    members = facts.members.get(unit.id, [])
    requires = params.get("requires", "tt_ldtt")
    floor = params.get("members_grade", Grade.HT)
    short = [pid for pid in members
             if (g := facts.grade(pid, year)) is None or not at_least(g.grade, floor)]
    share = Decimal(str(params.get("ldtt_share_min", "0.7")))
    code = params.get("member_title", "ldtt")
    top = params.get("member_top_title", "cstdcs")
    top_min = int(params.get("cstdcs_min", 1))
    top_got = facts.computed.get(top, set())
    top_count = sum(1 for pid in members if pid in top_got)
    checks = [
        title_this_year(facts, unit.id, requires, collective=True),
        _unit_grade_check(facts, unit, params.get("grade", Grade.HTXS)),
        Check(f"100% thành viên xếp loại {_grade_label(floor)} trở lên năm {year}",
              bool(members) and not short,
              ("Đơn vị chưa có cán bộ" if not members else
               f"{len(short)} người chưa đạt hoặc chưa có xếp loại" if short else
               f"{len(members)}/{len(members)} người"),
              facts.links.person(short[0]) if short else facts.links.unit(unit.id)),
        _share_check(facts, unit, members, code,
                     f"Từ {_share(int(share * 100), 100)} thành viên trở lên đạt "
                     f"{_title_name(facts, code)} năm {year}", share, strictly=False),
        Check(f"Có ít nhất {_n(top_min)} cá nhân đạt {_title_name(facts, top)} năm {year}",
              top_count >= top_min, f"{top_count} người, theo kết quả xét trong lần này",
              facts.links.unit(unit.id)),
        _members_discipline_check(facts, unit, members,
                                  params.get("discipline_blocks_from", "canh_cao")),
    ]
    return unit_candidate(unit, award_type, facts, checks, blocked=unit_block(facts, unit.id))


#: AwardType.rule → function.
RULES: dict[str, Callable[..., Candidate]] = {
    "ldtt": ldtt,
    "cstdcs": cstdcs,
    "cstd_tinh": cstd_tinh,
    "cstd_toan_quoc": cstd_toan_quoc,
    "bang_khen_tinh": bang_khen_tinh,
    "bang_khen_ttcp": bang_khen_ttcp,
    "tt_ldtt": tt_ldtt,
    "tt_ldxs": tt_ldxs,
    "manual": manual,
}


def depends_on(award_type) -> list[str]:
    """The codes whose same-evaluation answers the rule reads (evaluated first)."""
    params = award_type.params or {}
    rule = award_type.rule
    if rule == "cstdcs":
        return [params.get("base", "ldtt")]
    if rule in {"cstd_tinh", "cstd_toan_quoc"}:
        return [params.get("title", "cstdcs" if rule == "cstd_tinh" else "cstd_tinh")]
    if rule == "bang_khen_tinh":
        return [params.get("title", "cstdcs")]
    if rule == "tt_ldtt":
        return [params.get("member_title", "ldtt")]
    if rule == "tt_ldxs":
        return [params.get("member_title", "ldtt"), params.get("member_top_title", "cstdcs"),
                params.get("requires", "tt_ldtt")]
    return []


def lookback(award_type) -> int:
    """How many years (the evaluated one included) of grades and initiatives the rule reads."""
    params = award_type.params or {}
    years = [1]
    for key in ("years", "title_years", "grade_years"):
        if key in params:
            years.append(int(params[key]))
    if award_type.rule == "bang_khen_tinh":
        years.append(_longest_grade_run(params))
    return max(years) * int(params.get("period", 1))


__all__ = ["RULES", "SEVERITY", "Candidate", "Check", "depends_on", "lookback"]
