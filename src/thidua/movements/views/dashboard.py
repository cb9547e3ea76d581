"""The dashboard of a movement (bảng theo dõi chỉ tiêu) and its Excel export.

Every target at one unit — value, goal, status, numerator/denominator,
deadline —, the unit's children with their values (each a link one level
down), the units that lag behind with the people to remind, and a chart of
each target over time. The numbers come from one engine ``Dashboard`` per
request, which computes each target once over the whole subtree (a few
set-based queries) and caches it; this module only checks who may see
which unit and shapes the engine's rows for the template and the workbook,
so the number of queries does not depend on the size of the tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from thidua.core import scoping
from thidua.core.roles import ALL_ROLES
from thidua.movements import charts, export, indicators, queries
from thidua.movements.engine import STATUS_LABELS, Dashboard, Row
from thidua.movements.models import Comparator, Movement, Target
from thidua.org.models import Unit, UnitKind

#: The query parameter naming the unit the dashboard is looked at from.
UNIT_PARAM = "don-vi"
LAGGING_LIMIT = 50
#: Lagging units listed under each target in the statistics workbook (the count covers all).
EXPORT_LAGGING_LIMIT = 2000
NOT_APPLICABLE = "Không có đối tượng"
STATUS_CSS = {
    "met": "text-bg-success",
    "behind": "text-bg-warning",
    "overdue": "text-bg-danger",
    "no_data": "text-bg-secondary",
}


# Who sees which unit ------------------------------------------------------------
def visible_movement(user, pk: int) -> Movement:
    """The movement if ``user`` may read it, else 404 (same answer as a missing id)."""
    movements = queries.visible_movements(user).select_related("scope_unit", "issuing_unit")
    return get_object_or_404(movements, pk=pk)


def default_unit(user, movement: Movement) -> Unit:
    """Where the dashboard opens: the movement's scope when the user's roles cover it,
    else the user's topmost unit inside the scope (a cell's leader sees the cell)."""
    scope = movement.scope_unit
    paths = scoping.covered_paths(user, ALL_ROLES)
    if paths is scoping.EVERYTHING or any(scope.path.startswith(p) for p in paths):
        return scope
    inside = sorted((p for p in paths if p.startswith(scope.path)), key=lambda p: (len(p), p))
    if not inside:
        raise Http404("Không tìm thấy.")
    return Unit.objects.select_related("kind").get(path=inside[0])


def chosen_unit(request, movement: Movement) -> Unit:
    """The unit of ``?don-vi=``: covered by one of the user's roles and inside the
    movement's scope, else 404 — another unit's id tells nothing."""
    raw = request.GET.get(UNIT_PARAM, "").strip()
    if not raw:
        return default_unit(request.user, movement)
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):  # fits a bigint
        raise Http404("Không tìm thấy.")
    unit = scoping.get_scoped_or_404(Unit.objects.select_related("kind"), request.user,
                                     ALL_ROLES, pk=int(raw))
    if not unit.path.startswith(movement.scope_unit.path):
        raise Http404("Không tìm thấy.")
    return unit


def dashboard_url(movement: Movement, unit: Unit | None = None, name: str = "dashboard") -> str:
    url = reverse(f"movements:{name}", args=[movement.pk])
    return f"{url}?{urlencode({UNIT_PARAM: unit.pk})}" if unit is not None else url


def _movement_url(movement: Movement) -> str | None:
    """The movement's own page, when the screen that shows it is mounted."""
    try:
        return reverse("movements:detail", args=[movement.pk])
    except NoReverseMatch:
        return None


def breadcrumbs(user, movement: Movement, unit: Unit) -> list[tuple[str, str | None]]:
    """Phong trào › the movement › Bảng theo dõi chỉ tiêu › the unit's ancestors from
    the scope down (those the user's roles reach) › the unit."""
    steplen = Unit.steplen
    scope_length = len(movement.scope_unit.path)
    prefixes = [unit.path[:i] for i in range(scope_length, len(unit.path), steplen)]
    ancestors = [a for a in Unit.objects.filter(path__in=prefixes).order_by("path")
                 if scoping.covers(user, a.path, ALL_ROLES)] if prefixes else []
    return [
        ("Phong trào thi đua", reverse("movements:list")),
        (movement.title, _movement_url(movement)),
        ("Bảng theo dõi chỉ tiêu", dashboard_url(movement)),
        *[(a.display_name, dashboard_url(movement, a)) for a in ancestors],
        (unit.display_name, None),
    ]


# What the page and the workbook show ------------------------------------------------
@dataclass(frozen=True, slots=True)
class Figure:
    """One target's measure at one unit, with the words to show it.

    The texts are worked out once here: the page shows a thousand figures at a
    province's root, and the template should only print them.
    """

    value: Decimal | None
    numerator: float
    denominator: float
    status: str
    unit_label: str
    counted: str
    applicable: bool
    status_label: str
    css: str
    value_text: str
    fraction_text: str

    @classmethod
    def of(cls, row: Row, unit_label: str, noun: str, counted: str) -> Figure:
        measure = row.measure
        # A share over no unit or person is not "no data": nothing is expected there.
        applicable = counted == "mean" or measure.denominator > 0
        return cls(
            value=measure.value, numerator=measure.numerator, denominator=measure.denominator,
            status=row.status, unit_label=unit_label, counted=counted, applicable=applicable,
            status_label=STATUS_LABELS[row.status] if applicable else NOT_APPLICABLE,
            css=STATUS_CSS[row.status] if applicable else "text-bg-light border",
            value_text=("—" if measure.value is None
                        else charts.format_number(measure.value) + unit_label),
            fraction_text=fraction_text(measure.numerator, measure.denominator, noun, counted),
        )

    def cell_html(self) -> str:
        """The figure as one cell of the drill-down table, every text escaped.

        Built here rather than in the template: a province's root shows a
        thousand of them, and the same few texts ("0%", "0/1 chi bộ") recur.
        """
        if not self.applicable or self.value is None:
            return (f'<td class="text-end"><span class="text-secondary" '
                    f'title="{_escaped(self.status_label)}">—</span></td>')
        return (f'<td class="text-end text-nowrap"><span class="badge {_escaped(self.css)}" '
                f'title="{_escaped(self.status_label)} · {_escaped(self.fraction_text)}">'
                f"{_escaped(self.value_text)}</span></td>")


@lru_cache(maxsize=8192)
def _escaped(text: str) -> str:
    """HTML-escaped ``text`` (cached: the dashboard's texts repeat by the hundred)."""
    return str(escape(text))


def fraction_text(numerator: float, denominator: float, noun: str, counted: str) -> str:
    """"12/15 chi bộ", "1.204/1.530 người", "trung bình của 8 đơn vị có số liệu"."""
    if counted == "mean":
        return f"trung bình của {charts.format_number(denominator)} {noun}"
    return f"{charts.format_number(numerator)}/{charts.format_number(denominator)} {noun}"


@dataclass(slots=True)
class Lagging:
    unit: Unit
    url: str
    figure: Figure
    under: Unit | None  # the child of the dashboard's unit it belongs to, for context
    remind: str

    def row_html(self) -> str:
        """The unit as one row of the lagging table, every text escaped (500 at a root)."""
        figure = self.figure
        remind = (_escaped(self.remind) if self.remind else
                  '<span class="text-secondary">Chưa có tài khoản phụ trách</span>')
        under = _escaped(self.under.display_name) if self.under else ""
        return (f'<tr><td><a href="{_escaped(self.url)}">{_escaped(self.unit.name)}</a></td>'
                f'<td class="text-secondary">{under}</td>'
                f'<td class="text-end text-nowrap">{_escaped(figure.value_text)}</td>'
                f'<td class="text-nowrap">{_escaped(figure.fraction_text)}</td>'
                f'<td><span class="badge {_escaped(figure.css)}">'
                f"{_escaped(figure.status_label)}</span></td><td>{remind}</td></tr>")


@dataclass
class Panel:
    """A target with everything shown about it at the chosen unit."""

    number: int
    target: Target
    indicator: indicators.Indicator
    goal_text: str
    unit_label: str
    noun: str
    here: Figure
    children: list[Figure]
    lagging: list[Lagging] = field(default_factory=list)
    lagging_total: int = 0
    chart: SafeString | None = None

    @property
    def lagging_html(self) -> SafeString:
        return mark_safe("".join(item.row_html() for item in self.lagging))

    @property
    def deadline_text(self) -> str:
        deadline = self.target.deadline
        return f"{deadline:%d/%m/%Y}" if deadline else "Không đặt hạn"


def goal_text(target: Target, unit_label: str) -> str:
    """"≥ 100%": the comparator's sign, the goal and the unit of the value."""
    return f"{Comparator(target.comparator).label} {charts.format_number(target.goal)}{unit_label}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def noun_for(indicator: indicators.Indicator, ctx: indicators.Context, params: dict,
             kind_names: dict[str, str]) -> str:
    """What the denominator counts, in words: "chi bộ", "người", "đơn vị", "hồ sơ"."""
    if indicator.noun:
        return indicator.noun
    if indicator.counted == "people":
        return "người"
    if indicator.counted == "mean":
        return "đơn vị có số liệu"
    kinds = indicator.counted_kinds(ctx, params)
    if len(kinds) == 1 and kinds[0] in kind_names:
        return _lower_first(kind_names[kinds[0]])
    return "đơn vị"


def _figure(row: Row, indicator, unit_label: str, noun: str) -> Figure:
    return Figure.of(row, unit_label, noun, indicator.counted)


def build_panels(board: Dashboard, *, details: bool) -> list[Panel]:
    """One panel per target: the value here and per child; with ``details`` also the
    lagging units (one unit read and one role read for all targets) and the chart."""
    kind_names = dict(UnitKind.objects.values_list("code", "name"))
    panels = []
    for number, target in enumerate(board.targets(), start=1):
        indicator = indicators.get(target.indicator)
        params = target.params or {}
        unit_label = indicator.unit_label_for(params)
        noun = noun_for(indicator, board.ctx, params, kind_names)
        panels.append(Panel(
            number=number, target=target, indicator=indicator,
            goal_text=goal_text(target, unit_label), unit_label=unit_label, noun=noun,
            here=_figure(board.row(target), indicator, unit_label, noun),
            children=[_figure(row, indicator, unit_label, noun)
                      for row in board.child_rows(target)],
        ))
    if details:
        _add_lagging(board, panels)
        for panel in panels:
            panel.chart = _chart(board, panel)
    return panels


def _add_lagging(board: Dashboard, panels: list[Panel], limit: int = LAGGING_LIMIT) -> None:
    """Fill each panel's lagging units and who to remind, batched over all targets."""
    lagging = board.lagging_many([p.target for p in panels], limit)
    unit_ids = {row.unit.pk for rows, _total in lagging.values() for row in rows}
    remind = board.who_to_remind(unit_ids) if unit_ids else {}
    names = {unit_id: ", ".join(people) for unit_id, people in remind.items()}
    child_by_path = {child.path: child for child in board.children}
    length = len(board.root.path) + Unit.steplen
    base = dashboard_url(board.movement)
    for panel in panels:
        rows, panel.lagging_total = lagging[panel.target.pk]
        panel.lagging = [
            Lagging(unit=row.unit, url=f"{base}?{UNIT_PARAM}={row.unit.pk}",
                    figure=_figure(row, panel.indicator, panel.unit_label, panel.noun),
                    under=(child_by_path.get(row.unit.path[:length])
                           if len(row.unit.path) > length else None),
                    remind=names.get(row.unit.pk, ""))
            for row in rows
        ]


def _chart(board: Dashboard, panel: Panel) -> SafeString:
    target = panel.target
    return charts.line_chart(
        board.series(target),
        title=f"Diễn biến chỉ tiêu {panel.number} tại {board.root.name}: {target.wording}",
        chart_id=f"bieu-do-{target.pk}", goal=target.goal, goal_text=panel.goal_text,
        unit_label=panel.unit_label, floor=100.0 if panel.unit_label == "%" else 0.0)


@dataclass(slots=True)
class ChildRow:
    """A child of the dashboard's unit with its figure for every target (the drill-down)."""

    unit: Unit
    url: str
    figures: list[Figure]

    @property
    def cells_html(self) -> SafeString:
        return mark_safe("".join(figure.cell_html() for figure in self.figures))


def child_table(board: Dashboard, panels: list[Panel]) -> list[ChildRow]:
    base = dashboard_url(board.movement)
    return [ChildRow(child, f"{base}?{UNIT_PARAM}={child.pk}",
                     [panel.children[index] for panel in panels])
            for index, child in enumerate(board.children)]


# Screens ----------------------------------------------------------------------------------
@login_required
def dashboard(request, pk):
    movement = visible_movement(request.user, pk)
    unit = chosen_unit(request, movement)
    board = Dashboard(movement, unit)
    panels = build_panels(board, details=True)
    return render(request, "movements/dashboard.html", {
        "movement": movement,
        "unit": board.root,
        "as_of": board.as_of,
        "panels": panels,
        "children": child_table(board, panels),
        "met_count": sum(1 for p in panels if p.here.status == "met"),
        "export_url": dashboard_url(movement, board.root, name="dashboard_export"),
        "breadcrumbs": breadcrumbs(request.user, movement, board.root),
    })


@login_required
def dashboard_export(request, pk):
    """The statistics workbook at the page's unit: a summary sheet, and one sheet per
    target with the unit, each child unit and the lagging units (no charts)."""
    movement = visible_movement(request.user, pk)
    unit = chosen_unit(request, movement)
    board = Dashboard(movement, unit)
    panels = build_panels(board, details=False)
    if panels:
        _add_lagging(board, panels, EXPORT_LAGGING_LIMIT)
    return export.dashboard_response(movement, board, panels, lagging=True)


urlpatterns = [
    path("<int:pk>/bang-dieu-khien/", dashboard, name="dashboard"),
    path("<int:pk>/bang-dieu-khien/xuat-excel/", dashboard_export, name="dashboard_export"),
]
