"""Read side of the scorecards: the office's board, the self/appraised comparison, a
framework's rule in words.

The board lists every subject of a framework in a unit's subtree (active units of
the framework's kinds) joined to its scorecard of the year through a
``FilteredRelation`` (at most one per unit, code and year: the domain opens one per
code, whatever the version), so the page is a fixed number of statements whatever
the number of cells: the summary (one aggregate), the page's count and rows, and
the page's self-evaluations (one statement). The page and the export build their
rows with the same functions (:func:`board_values`, :func:`build_rows`).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from thidua.core.text import fold
from thidua.org.models import Unit
from thidua.scorecards import rules
from thidua.scorecards.models import (
    SCORECARD_WORKFLOW,
    Criterion,
    Evaluation,
    Framework,
    Scorecard,
    ScoreLine,
    Subject,
)

PAGE_SIZE = 100
NONE = "none"
STATE_LABELS = {NONE: "Chưa đăng ký", **SCORECARD_WORKFLOW.states}
STATE_BADGES = {NONE: "text-bg-light border", "draft": "text-bg-info",
                "registered": "text-bg-secondary", "submitted": "text-bg-primary",
                "returned": "text-bg-warning", "appraised": "text-bg-dark",
                "recognised": "text-bg-success", "not_recognised": "text-bg-danger"}
#: Board filter choices: "none" is a subject without a scorecard (never opened).
STATE_CHOICES = list(STATE_LABELS.items())
#: Not registered yet: no scorecard, or one still being written.
UNREGISTERED = ("draft",)
#: Registered but not yet asked for recognition.
UNSUBMITTED = ("registered", "returned")
#: Sorts of the board (``?sap-xep=``), each with its tie-breaker (the tree order).
SORTS = {
    "": "Theo cây đơn vị",
    "ten": "Tên đơn vị (A → Z)",
    "-ten": "Tên đơn vị (Z → A)",
    "trang-thai": "Trạng thái (theo tiến trình)",
    "-trang-thai": "Trạng thái (ngược tiến trình)",
    "-tu-cham": "Tự chấm (cao → thấp)",
    "tu-cham": "Tự chấm (thấp → cao)",
    "-tham-dinh": "Thẩm định (cao → thấp)",
    "tham-dinh": "Thẩm định (thấp → cao)",
}
#: The comparison's sorts: the largest cut first by default.
COMPARE_SORTS = {
    "": "Chênh lệch (giảm nhiều nhất trước)",
    "-chenh-lech": "Chênh lệch (tăng nhiều nhất trước)",
    "ten": "Tên đơn vị (A → Z)",
}


def today() -> date:
    """The day the board is read (a function, so tests can fix it)."""
    return timezone.localdate()


# The framework of a board -------------------------------------------------------------------
def registration_due(framework: Framework, year: int) -> date | None:
    """The day of ``year`` by which a subject registers (the framework's "dd/mm"), as
    ``domain.registration_due`` reads it for one card; None when the text is not a day.
    29/02 in a common year falls on 28/02."""
    try:
        day, month = (int(part) for part in (framework.registration_due or "").split("/"))
    except ValueError:
        return None
    if (day, month) == (29, 2) and not calendar.isleap(year):
        day = 28
    try:
        return date(year, month, day)
    except ValueError:
        return None


def period_label(framework: Framework, period: int) -> str:
    """The period of a self-evaluation as words inside a sentence: "quý II", "tháng 5"."""
    every = max(1, framework.evaluation_every)
    if every == 3:
        return f"quý {_roman(period)}"
    if every == 1:
        return f"tháng {period}"
    if every == 6:
        return f"6 tháng {'đầu' if period == 1 else 'cuối'} năm"
    if every >= 12:
        return "cả năm"
    return f"kỳ {period}"


def _roman(number: int) -> str:
    return {1: "I", 2: "II", 3: "III", 4: "IV"}.get(number, str(number))


def period_short(framework: Framework, period: int) -> str:
    every = max(1, framework.evaluation_every)
    if every == 3:
        return f"Q{period}"
    if every == 1:
        return f"T{period}"
    if every >= 12:
        return "Năm"
    return f"K{period}"


@dataclass(frozen=True)
class Board:
    """One unit's board of one framework code and year."""

    unit: Unit
    framework: Framework  # the active version (the latest when none is active)
    versions: dict[int, int]  # framework id → version number, every version of the code
    kinds: tuple  # the unit kinds of the framework (empty: every kind)
    year: int
    today: date

    @property
    def code(self) -> str:
        return self.framework.code

    @property
    def due(self) -> date | None:
        return registration_due(self.framework, self.year)

    @property
    def registration_overdue(self) -> bool:
        due = self.due
        return due is not None and self.today > due

    @property
    def year_over(self) -> bool:
        return self.today > date(self.year, 12, 31)

    @property
    def periods(self) -> list[int]:
        return list(range(1, 12 // max(1, self.framework.evaluation_every) + 1))

    @property
    def period_headers(self) -> list[tuple[str, str]]:
        return [(period_short(self.framework, p), period_label(self.framework, p))
                for p in self.periods]

    @property
    def is_grading(self) -> bool:
        return bool(self.framework.bands)

    def band_label(self, code: str) -> str:
        return rules.band_label(code, self.framework.bands) if code else ""

    def behind_q(self) -> Q:
        """Behind deadline: not registered after the due date; not asked for recognition
        once the year is over."""
        condition = Q(pk__in=[])
        if self.registration_overdue:
            condition |= Q(card__isnull=True) | Q(card__state__in=UNREGISTERED)
        if self.year_over:
            condition |= Q(card__state__in=UNSUBMITTED)
        return condition

    def behind_reason(self, state: str) -> str:
        if self.registration_overdue and state in (NONE, *UNREGISTERED):
            return f"Quá hạn đăng ký ({self.due:%d/%m/%Y})"
        if self.year_over and state in UNSUBMITTED:
            return f"Hết năm {self.year} chưa đề nghị công nhận"
        return ""


def load_board(unit: Unit, code: str, year: int, day: date | None = None) -> Board | None:
    """The board of ``code`` in ``year`` for ``unit`` (two statements), or None when no
    framework has that code or it is about people (their board is not a unit list)."""
    versions = list(Framework.objects.filter(code=code).order_by("-is_active", "-version")
                    .prefetch_related("unit_kinds"))
    if not versions or versions[0].subject != Subject.UNITS:
        return None
    framework = versions[0]
    return Board(unit=unit, framework=framework,
                 versions={f.pk: f.version for f in versions},
                 kinds=tuple(sorted(framework.unit_kinds.all(), key=lambda k: k.name)),
                 year=year, today=day or today())


# The subjects and their scorecard ---------------------------------------------------------
def subjects(board: Board) -> QuerySet[Unit]:
    """Active units of the board's subtree that the framework applies to, each joined to its
    scorecard of the year as ``card`` (no statement run here)."""
    units = Unit.objects.filter(path__startswith=board.unit.path, is_active=True)
    if board.kinds:
        units = units.filter(kind_id__in=[k.pk for k in board.kinds])
    return units.annotate(card=FilteredRelation("scorecards", condition=Q(
        scorecards__framework_id__in=list(board.versions), scorecards__year=board.year,
        scorecards__person__isnull=True)))


@dataclass(frozen=True)
class BoardFilters:
    state: str = ""
    behind: bool = False
    q: str = ""
    sort: str = ""

    @property
    def any(self) -> bool:
        return bool(self.state or self.behind or self.q)


def filter_subjects(units: QuerySet[Unit], board: Board, filters: BoardFilters) -> QuerySet[Unit]:
    if filters.state == NONE:
        units = units.filter(card__isnull=True)
    elif filters.state:
        units = units.filter(card__state=filters.state)
    if filters.behind:
        units = units.filter(board.behind_q())
    if filters.q and fold(filters.q):
        units = units.filter(name_folded__contains=fold(filters.q))
    return units


def _state_rank():
    return Case(*(When(card__state=state, then=Value(index))
                  for index, state in enumerate(SCORECARD_WORKFLOW.states, start=1)),
                default=Value(0), output_field=IntegerField())


def _ordering(sort: str) -> list:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "ten":
        first = F("name_folded")
    elif key == "trang-thai":
        first = _state_rank()
    elif key == "tu-cham":
        first = F("card__self_total")
    elif key == "tham-dinh":
        first = F("card__appraised_total")
    else:
        return ["path"]
    first = first.desc(nulls_last=True) if descending else first.asc(nulls_last=True)
    return [first, "path"]


BOARD_FIELDS = ("pk", "name", "code", "card__id", "card__framework_id", "card__state",
                "card__registered_at", "card__is_late", "card__self_total",
                "card__appraised_total", "card__band", "card__decision_number",
                "card__decision_date")


def board_values(board: Board, filters: BoardFilters) -> QuerySet:
    """The rows the board shows, filtered and sorted, as ``values()`` (one statement)."""
    units = filter_subjects(subjects(board), board, filters)
    return units.values(*BOARD_FIELDS).order_by(*_ordering(filters.sort))


def summary(board: Board) -> dict:
    """Counts of the whole board (filters aside), in one statement: subjects, per state,
    behind deadline, per band of a grading's decided cards."""
    decided = Q(card__state="recognised")
    counts = subjects(board).aggregate(
        total=Count("pk"),
        none=Count("pk", filter=Q(card__isnull=True)),
        behind=Count("pk", filter=board.behind_q()),
        late=Count("pk", filter=Q(card__is_late=True)),
        **{f"state_{state}": Count("pk", filter=Q(card__state=state))
           for state in SCORECARD_WORKFLOW.states},
        **{f"band_{code}": Count("pk", filter=decided & Q(card__band=code))
           for code, _label, _floor in board.framework.bands},
    )
    total = counts["total"]
    recognised = counts["state_recognised"]
    return {
        "total": total, "behind": counts["behind"], "late": counts["late"],
        "recognised": recognised,
        "share": share_text(recognised, total),
        "states": [(state, STATE_LABELS[state], STATE_BADGES[state],
                    counts["none"] if state == NONE else counts[f"state_{state}"])
                   for state in STATE_LABELS],
        "bands": [(code, label, counts[f"band_{code}"])
                  for code, label, _floor in board.framework.bands],
    }


def share_text(part: int, whole: int) -> str:
    if not whole:
        return "—"
    return f"{100 * part / whole:.1f}".replace(".", ",") + "%"


# Rows ---------------------------------------------------------------------------------------
@dataclass(slots=True)
class BoardRow:
    unit_id: int
    name: str
    code: str
    card_id: int | None
    state: str
    state_label: str
    badge: str
    registered_at: object
    is_late: bool
    self_total: Decimal | None
    appraised_total: Decimal | None
    band: str
    band_label: str
    decision_number: str
    decision_date: date | None
    behind: str
    old_version: int | None
    evaluated: list[bool] = field(default_factory=list)
    url: str = ""  # the scorecard page, set by the view

    @property
    def self_text(self) -> str:
        return rules.fmt(self.self_total) if self.self_total is not None else ""

    @property
    def appraised_text(self) -> str:
        return rules.fmt(self.appraised_total) if self.appraised_total is not None else ""

    @property
    def registered(self) -> bool:
        return self.registered_at is not None


def evaluations_of(card_ids: Iterable[int]) -> dict[int, set[int]]:
    """Scorecard id → the periods that have a self-evaluation (one statement)."""
    ids = [pk for pk in card_ids if pk]
    done: dict[int, set[int]] = defaultdict(set)
    if ids:
        for card_id, period in Evaluation.objects.filter(scorecard_id__in=ids).order_by().values_list(
                "scorecard_id", "period"):
            done[card_id].add(period)
    return done


def board_evaluations(board: Board) -> dict[int, set[int]]:
    """The self-evaluations of every scorecard of the board (one statement, for the export)."""
    done: dict[int, set[int]] = defaultdict(set)
    rows = Evaluation.objects.filter(
        scorecard__framework_id__in=list(board.versions), scorecard__year=board.year,
        scorecard__person__isnull=True, scorecard__unit__path__startswith=board.unit.path,
    ).order_by().values_list("scorecard_id", "period")
    for card_id, period in rows.iterator(chunk_size=5000):
        done[card_id].add(period)
    return done


def build_row(board: Board, values: dict, done: dict[int, set[int]]) -> BoardRow:
    card_id = values["card__id"]
    state = values["card__state"] or NONE
    band = values["card__band"] or ""
    version = board.versions.get(values["card__framework_id"])
    periods = done.get(card_id, ()) if card_id else ()
    return BoardRow(
        unit_id=values["pk"], name=values["name"], code=values["code"], card_id=card_id,
        state=state, state_label=STATE_LABELS.get(state, state),
        badge=STATE_BADGES.get(state, "text-bg-light border"),
        registered_at=values["card__registered_at"], is_late=bool(values["card__is_late"]),
        self_total=values["card__self_total"], appraised_total=values["card__appraised_total"],
        band=band, band_label=board.band_label(band),
        decision_number=values["card__decision_number"] or "",
        decision_date=values["card__decision_date"],
        behind=board.behind_reason(state),
        old_version=version if card_id and version != board.framework.version else None,
        evaluated=[p in periods for p in board.periods],
    )


def build_rows(board: Board, values: Iterable[dict], done: dict[int, set[int]] | None = None
               ) -> list[BoardRow]:
    """Rows from :func:`board_values` (a page of them, or all for the export). Without
    ``done`` the self-evaluations of these rows are read (one statement)."""
    values = list(values)
    if done is None:
        done = evaluations_of(v["card__id"] for v in values)
    return [build_row(board, v, done) for v in values]


def iter_rows(board: Board, filters: BoardFilters):
    """Every row of the board with ``filters`` (the export): two statements, streamed."""
    done = board_evaluations(board)
    for values in board_values(board, filters).iterator(chunk_size=2000):
        yield build_row(board, values, done)


# Comparison self / appraised ----------------------------------------------------------------
def compare_values(board: Board, sort: str = "", q: str = "") -> QuerySet:
    """Subjects whose scorecard has both totals, with ``difference`` (appraised − self),
    the largest cut first (one statement)."""
    units = filter_subjects(subjects(board), board, BoardFilters(q=q)).filter(
        card__self_total__isnull=False, card__appraised_total__isnull=False)
    units = units.annotate(difference=F("card__appraised_total") - F("card__self_total"))
    if sort == "ten":
        order = ["name_folded", "path"]
    elif sort == "-chenh-lech":
        order = ["-difference", "name_folded", "path"]
    else:
        order = ["difference", "name_folded", "path"]
    return units.values("pk", "name", "code", "card__id", "card__state", "card__self_total",
                        "card__appraised_total", "difference").order_by(*order)


def compare_counts(board: Board) -> dict:
    """How many were appraised, and how many wait for appraisal (one statement)."""
    return subjects(board).aggregate(
        appraised=Count("pk", filter=Q(card__self_total__isnull=False,
                                       card__appraised_total__isnull=False)),
        waiting=Count("pk", filter=Q(card__state="submitted", card__appraised_total__isnull=True)),
        lowered=Count("pk", filter=Q(card__appraised_total__lt=F("card__self_total"))),
        raised=Count("pk", filter=Q(card__appraised_total__gt=F("card__self_total"))),
    )


def adjusted_lines(card_ids: Iterable[int]) -> dict[int, list[tuple[str, Decimal | None, Decimal]]]:
    """Scorecard id → the items whose appraised points differ from the self-score (code,
    self, appraised), in the framework's order — one statement."""
    ids = [pk for pk in card_ids if pk]
    if not ids:
        return {}
    return _adjusted(ScoreLine.objects.filter(scorecard_id__in=ids))


def _adjusted(lines: QuerySet[ScoreLine]) -> dict[int, list]:
    found: dict[int, list] = defaultdict(list)
    lines = (lines.filter(appraised_points__isnull=False)
             .exclude(appraised_points=F("self_points"))
             .order_by("scorecard_id", Coalesce("criterion__parent__order", "criterion__order"),
                       "criterion__order", "criterion_id")
             .values_list("scorecard_id", "criterion__code", "self_points", "appraised_points"))
    for card_id, code, mine, theirs in lines.iterator(chunk_size=5000):
        found[card_id].append((code, mine, theirs))
    return found


# Frameworks ---------------------------------------------------------------------------------
def frameworks_list() -> list[tuple[Framework, list[Framework]]]:
    """Every framework code: its active (or latest) version and the older ones, with the
    number of scorecards and the total points of each version (two statements)."""
    groups_total = (Criterion.objects.filter(framework=OuterRef("pk"), parent__isnull=True)
                    .order_by().values("framework").annotate(total=Sum("max_points"))
                    .values("total"))
    cards = (Scorecard.objects.filter(framework=OuterRef("pk")).order_by().values("framework")
             .annotate(n=Count("pk")).values("n"))
    versions = (Framework.objects.annotate(total_points=Subquery(groups_total),
                                           card_count=Subquery(cards))
                .prefetch_related("unit_kinds").order_by("name", "code", "-is_active",
                                                         "-version"))
    by_code: dict[str, list[Framework]] = {}
    for framework in versions:
        by_code.setdefault(framework.code, []).append(framework)
    return [(found[0], found[1:]) for found in by_code.values()]


def criteria_tree(framework: Framework) -> list[tuple[Criterion, list[Criterion]]]:
    """The groups in order, each with its items (one statement)."""
    criteria = list(framework.criteria.order_by("order", "pk"))
    items: dict[int, list[Criterion]] = defaultdict(list)
    for criterion in criteria:
        if criterion.parent_id is not None:
            items[criterion.parent_id].append(criterion)
    return [(c, items.get(c.pk, [])) for c in criteria if c.parent_id is None]


def rule_lines(framework: Framework) -> list[str]:
    """The recognition rule in words: "Tổng điểm ≥ 90", "mỗi tiêu chí ≥ 20", "tổ chức
    đảng xếp loại HTT trở lên…" (one statement per condition on another framework)."""
    from thidua.kpi.policy import Grade

    rule = framework.rule or {}
    lines = []
    if rule.get("min_total") is not None:
        lines.append(f"Tổng điểm ≥ {rules.fmt(Decimal(str(rule['min_total'])))}")
    if rule.get("min_per_group") is not None:
        lines.append(f"mỗi tiêu chí ≥ {rules.fmt(Decimal(str(rule['min_per_group'])))}")
    for condition in rule.get("conditions", []):
        kind = condition.get("kind")
        if kind == "framework_band":
            other = (Framework.objects.filter(code=condition.get("framework"))
                     .order_by("-is_active", "-version").first())
            floor = condition.get("min_band", "htt")
            label = rules.band_label(floor, other.bands) if other else floor
            name = other.name if other else condition.get("framework")
            lines.append(f"tổ chức đảng xếp loại {floor.upper()} (“{label}”) trở lên trong năm "
                         f"theo “{name}”")
        elif kind == "kpi_year":
            floor = condition.get("min_grade", Grade.HTT)
            lines.append(f"cá nhân xếp loại {Grade.SHORT.get(floor, floor.upper())} "
                         f"(“{Grade.LABELS.get(floor, floor)}”) trở lên theo đánh giá KPI "
                         "của năm")
        elif kind:
            lines.append(f"điều kiện “{kind}”")
    return lines


def rule_text(framework: Framework) -> str:
    lines = rule_lines(framework)
    if not lines:
        return ("Không xét công nhận: bộ tiêu chí dùng để xếp loại theo các mức dưới đây."
                if framework.bands else "Chưa đặt điều kiện công nhận.")
    text = "; ".join(lines)
    return text[0].upper() + text[1:] + "."


def signed(value: Decimal | None) -> str:
    """A difference with its sign: "+2", "−5,5", "0"."""
    if value is None:
        return ""
    if value > 0:
        return "+" + rules.fmt(value)
    if value < 0:
        return "−" + rules.fmt(-value)
    return "0"


def board_adjusted_lines(board: Board) -> dict[int, list]:
    """:func:`adjusted_lines` for every scorecard of the board (one statement, the export)."""
    return _adjusted(ScoreLine.objects.filter(
        scorecard__framework_id__in=list(board.versions), scorecard__year=board.year,
        scorecard__person__isnull=True, scorecard__unit__path__startswith=board.unit.path))


def compare_rows(values: Iterable[dict], adjusted: dict[int, list] | None = None) -> list[dict]:
    """The comparison's rows (dicts of :func:`compare_values`) with the state's label, the
    signed difference and the items the appraisal changed (read here when not given)."""
    values = list(values)
    if adjusted is None:
        adjusted = adjusted_lines(v["card__id"] for v in values)
    for v in values:
        v["state_label"] = STATE_LABELS.get(v["card__state"], v["card__state"])
        v["badge"] = STATE_BADGES.get(v["card__state"], "")
        v["self_text"] = rules.fmt(v["card__self_total"])
        v["appraised_text"] = rules.fmt(v["card__appraised_total"])
        v["difference_text"] = signed(v["difference"])
        v["adjusted"] = [(code, rules.fmt(mine), rules.fmt(theirs))
                         for code, mine, theirs in adjusted.get(v["card__id"], [])]
        v["adjusted_text"] = "; ".join(f"{code}: {mine} → {theirs}"
                                       for code, mine, theirs in v["adjusted"])
    return values
