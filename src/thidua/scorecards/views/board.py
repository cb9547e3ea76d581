"""The party office's board: every subject of a framework in a unit's subtree for a year.

One row per cell (active units of the framework's kinds): the scorecard's state or
"Chưa đăng ký", registration on time or late, the periodic self-evaluations (✓ per
quarter), the self and appraised totals, the band of a grading, the decision;
sortable, filterable by state and by "behind deadline" (highlighted), counts per
state on top. The page is a fixed number of statements whatever the number of cells
(see ``queries``); its export and the self/appraised comparison use the same rows.

The unit is reached through the scoping helper with the reading roles: another
unit's board answers 404. The chooser lists the user's units × active frameworks.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone

from thidua.core import scoping, xlsx
from thidua.core.roles import READ_ROLES
from thidua.org.models import Unit
from thidua.scorecards import export, queries
from thidua.scorecards.forms_frameworks import BoardFilterForm, CompareForm
from thidua.scorecards.models import Framework, Subject

#: Units listed on the chooser (the user's own role units; others by code).
CHOOSER_UNITS = 100


def parse_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404("Không tìm thấy.")
    return year


def scoped_board(request, unit_pk: int, code: str, year: int) -> queries.Board:
    """The board, or 404: a unit outside the user's reading scope, an unknown framework
    code, a framework about people."""
    year = parse_year(year)
    unit = scoping.get_scoped_or_404(Unit.objects.select_related("kind"), request.user,
                                     READ_ROLES, pk=unit_pk)
    board = queries.load_board(unit, code, year)
    if board is None:
        raise Http404("Không tìm thấy.")
    return board


def board_url(board: queries.Board, name: str = "board") -> str:
    return reverse(f"scorecards:{name}", args=[board.unit.pk, board.code, board.year])


def card_link_parts() -> tuple[str, str] | None:
    """The scorecard page's URL around its id, reversed once per page; None while that
    page is not mounted."""
    try:
        url = reverse("scorecards:card", args=[0])
    except NoReverseMatch:
        return None
    head, _zero, tail = url.rpartition("0")
    return head, tail


def _crumbs(board: queries.Board, *tail):
    current = (f"{board.framework.name} năm {board.year}", board_url(board) if tail else None)
    return [("Bảng theo dõi chấm điểm", reverse("scorecards:boards")),
            (board.unit.name, None), current, *tail]


def _with_query(url: str, request, drop: tuple[str, ...] = ("page",)) -> str:
    params = request.GET.copy()
    for key in drop:
        params.pop(key, None)
    query = params.urlencode()
    return f"{url}?{query}" if query else url


def _sort_links(request, current: str) -> dict[str, tuple[str, str]]:
    """Column → (link that sorts by it, arrow shown): a second click reverses."""
    links = {}
    for key, first in (("ten", "ten"), ("trang-thai", "trang-thai"),
                       ("tu-cham", "-tu-cham"), ("tham-dinh", "-tham-dinh")):
        if current.lstrip("-") == key:
            target = current[1:] if current.startswith("-") else f"-{current}"
            arrow = " ↓" if current.startswith("-") else " ↑"
        else:
            target, arrow = first, ""
        params = request.GET.copy()
        params.pop("page", None)
        params["sap-xep"] = target
        links[key.replace("-", "_")] = (f"?{params.urlencode()}", arrow)
    return links


# The chooser --------------------------------------------------------------------------------
@login_required
def boards(request):
    """The user's units × the active frameworks about units, for a year; any unit of the
    user's scope by its code."""
    user = request.user
    paths = scoping.covered_paths(user, READ_ROLES)
    if not paths:
        raise PermissionDenied
    today = timezone.localdate()
    raw_year = request.GET.get("nam", "")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else today.year
    frameworks = list(Framework.objects.filter(is_active=True, subject=Subject.UNITS)
                      .order_by("name"))
    wanted_unit = request.GET.get("don-vi", "").strip()[:40]
    wanted_code = request.GET.get("khung", "")
    if wanted_unit:
        unit = scoping.scope(Unit.objects.filter(is_active=True), user, READ_ROLES).filter(
            code__iexact=wanted_unit).first()
        framework = next((f for f in frameworks if f.code == wanted_code), None)
        if unit is not None and framework is not None:
            return redirect("scorecards:board", unit.pk, framework.code, year)
        messages.error(request, f"Không tìm thấy đơn vị có mã “{wanted_unit}” trong phạm vi "
                                "bạn được xem." if unit is None else "Hãy chọn bộ tiêu chí.")
    units = Unit.objects.filter(is_active=True).select_related("kind").order_by("path")
    units = units.filter(depth=1) if paths is scoping.EVERYTHING else units.filter(path__in=paths)
    units = list(units[:CHOOSER_UNITS + 1])
    base = {f.code: reverse("scorecards:board", args=[0, f.code, year]) for f in frameworks}
    rows = [(unit, [(f, base[f.code].replace("/0/", f"/{unit.pk}/", 1)) for f in frameworks])
            for unit in units[:CHOOSER_UNITS]]
    return render(request, "scorecards/boards.html", {
        "rows": rows, "more": len(units) > CHOOSER_UNITS, "frameworks": frameworks,
        "year": year, "years": list(range(today.year + 1, today.year - 5, -1)),
        "wanted_unit": wanted_unit, "wanted_code": wanted_code,
        "breadcrumbs": [("Bảng theo dõi chấm điểm", None)],
    })


# The board ----------------------------------------------------------------------------------
@login_required
def board(request, unit_pk, code, year):
    board = scoped_board(request, unit_pk, code, year)
    form = BoardFilterForm(request.GET or None)
    filters = form.filters()
    page = Paginator(queries.board_values(board, filters),
                     queries.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries.build_rows(board, page.object_list)
    links = card_link_parts()
    if links:
        head, tail = links
        for row in rows:
            row.url = f"{head}{row.card_id}{tail}" if row.card_id else ""
    summary = queries.summary(board)
    return render(request, "scorecards/board.html", {
        "board": board, "framework": board.framework, "unit": board.unit,
        "summary": summary, "form": form, "filtered": filters.any, "sort": filters.sort,
        "page_obj": page, "rows": rows, "linked": links is not None,
        "sort_links": _sort_links(request, filters.sort),
        "columns": 9 + len(board.periods) + (1 if board.is_grading else 0),
        "export_url": _with_query(board_url(board, "board_export"), request),
        "compare_url": board_url(board, "board_compare"),
        "previous_url": (reverse("scorecards:board", args=[board.unit.pk, board.code,
                                                           board.year - 1])
                         if board.year > 2000 else None),
        "next_url": (reverse("scorecards:board", args=[board.unit.pk, board.code,
                                                       board.year + 1])
                     if board.year < min(2100, board.today.year + 1) else None),
        "breadcrumbs": _crumbs(board),
    })


@login_required
def board_export(request, unit_pk, code, year):
    """What the board shows with the same filters and sort, every page, in Excel."""
    board = scoped_board(request, unit_pk, code, year)
    form = BoardFilterForm(request.GET or None)
    filters = form.filters()
    workbook = export.board_workbook(
        board, queries.iter_rows(board, filters), summary=queries.summary(board),
        filters_text=xlsx.filters_line(xlsx.form_filters(form, skip=["sap_xep"])))
    return xlsx.xlsx_response(workbook, xlsx.dated_filename(
        f"bang-theo-doi-{board.code}-{board.year}-{board.unit.code}"))


# Self score against appraisal -------------------------------------------------------------
@login_required
def board_compare(request, unit_pk, code, year):
    """Subjects with both totals, the difference (appraised − self), the largest cut first,
    and the items the appraisal changed."""
    board = scoped_board(request, unit_pk, code, year)
    form = CompareForm(request.GET or None)
    sort, q = form.values()
    page = Paginator(queries.compare_values(board, sort, q),
                     queries.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries.compare_rows(page.object_list)
    links = card_link_parts()
    for row in rows:
        row["url"] = f"{links[0]}{row['card__id']}{links[1]}" if links else ""
    return render(request, "scorecards/board_compare.html", {
        "board": board, "framework": board.framework, "unit": board.unit,
        "counts": queries.compare_counts(board), "form": form, "filtered": bool(q or sort),
        "page_obj": page, "rows": rows,
        "export_url": _with_query(board_url(board, "board_compare_export"), request),
        "board_url": board_url(board),
        "breadcrumbs": _crumbs(board, ("So sánh tự chấm – thẩm định", None)),
    })


@login_required
def board_compare_export(request, unit_pk, code, year):
    board = scoped_board(request, unit_pk, code, year)
    form = CompareForm(request.GET or None)
    sort, q = form.values()
    rows = queries.compare_rows(queries.compare_values(board, sort, q).iterator(chunk_size=2000),
                                queries.board_adjusted_lines(board))
    workbook = export.compare_workbook(
        board, rows, filters_text=xlsx.filters_line(xlsx.form_filters(form, skip=["sap_xep"])))
    return xlsx.xlsx_response(workbook, xlsx.dated_filename(
        f"so-sanh-tu-cham-tham-dinh-{board.code}-{board.year}-{board.unit.code}"))


BOARD = "bang/<int:unit_pk>/<str:code>/<int:year>/"

urlpatterns = [
    path("bang/", boards, name="boards"),
    path(BOARD, board, name="board"),
    path(f"{BOARD}xuat-excel/", board_export, name="board_export"),
    path(f"{BOARD}so-sanh/", board_compare, name="board_compare"),
    path(f"{BOARD}so-sanh/xuat-excel/", board_compare_export, name="board_compare_export"),
]
