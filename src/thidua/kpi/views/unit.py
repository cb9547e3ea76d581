"""The leader's screens of a unit: the month (everyone's sheet, the cap, the close) and
the year (12 months, quarters, the year's grade, the chart), with their Excel exports.

The unit is reached through the scoping helper with the reading roles; another
unit's id answers 404. Reading is open to every reading role of the unit;
every change goes through ``kpi.domain``, which lets only the unit's leaders
and admins (``REVIEWERS``) act, and whose refusals are shown as messages or
form errors. The buttons are shown only to those who may use them.

The month page is set-based: the people with their sheet and absence in one
query, the close check in a fixed few; nothing is read per person.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from thidua.core import scoping
from thidua.core.roles import READ_ROLES
from thidua.core.text import fold
from thidua.kpi import charts, domain, export, queries
from thidua.kpi.forms_sheets import ReasonForm
from thidua.kpi.forms_unit import MissingForm, MonthFilterForm, chosen_ids
from thidua.kpi.models import REVIEWERS, MissingSheet
from thidua.kpi.policy import Grade
from thidua.org.models import Unit

UNITS_PAGE_SIZE = 50
NOT_A_REVIEWER = "Chỉ lãnh đạo hoặc quản trị của đơn vị mới thực hiện được thao tác này."


# Reaching the unit and the period ------------------------------------------------------------
def scoped_unit(request, unit_pk: int) -> Unit:
    return scoping.get_scoped_or_404(Unit.objects.select_related("kind"), request.user,
                                     READ_ROLES, pk=unit_pk)


def parse_month(text: str) -> date:
    try:
        return domain.parse_month(text)
    except ValidationError as exc:
        raise Http404("Không tìm thấy.") from exc


def parse_year(year: int) -> int:
    if not 2000 <= year <= 2100:
        raise Http404("Không tìm thấy.")
    return year


def is_reviewer(user, unit: Unit) -> bool:
    return scoping.covers(user, unit.path, REVIEWERS)


def month_url(unit: Unit, month: date, name: str = "unit_month") -> str:
    return reverse(f"kpi:{name}", args=[unit.pk, domain.month_key(month)])


def year_url(unit: Unit, year: int, name: str = "unit_year") -> str:
    return reverse(f"kpi:{name}", args=[unit.pk, year])


month_title = domain.month_title
shift = domain.shift_month


def _crumbs(unit: Unit, *tail) -> list[tuple[str, str | None]]:
    return [("Đánh giá KPI", reverse("kpi:mine")), ("Đơn vị", reverse("kpi:units")),
            (unit.name, month_url(unit, domain.current_month())), *tail]


def month_crumbs(unit: Unit, month: date, *tail):
    return _crumbs(unit, (month_title(month), month_url(unit, month) if tail else None), *tail)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or NOT_A_REVIEWER


def _month_action(request, unit: Unit, month: date, write, done: str):
    """Run a change of the unit's month (close, reopen): ``(response, errors)``.

    Done: the message and the way back to the month. Refused: to a reviewer, the
    reasons to show on the confirmation page (no response); to anyone else, the reason
    as a message and the way back (there is nothing he could correct on the page).
    """
    back = redirect(month_url(unit, month))
    try:
        write()
    except PermissionDenied as exc:
        messages.error(request, _error_text(exc))
        return back, []
    except ValidationError as exc:
        if not is_reviewer(request.user, unit):
            messages.error(request, _error_text(exc))
            return back, []
        return None, exc.messages
    messages.success(request, done)
    return back, []


def _confirm(request, unit, month, **context):
    context.setdefault("cancel_url", month_url(unit, month))
    return render(request, "kpi/unit_confirm.html", {"unit": unit, "month": month, **context})


# The units' index -------------------------------------------------------------------------------
@login_required
def units(request):
    """The units the user's reading roles cover, each with its current month and year."""
    user = request.user
    if not scoping.covered_paths(user, READ_ROLES):
        raise PermissionDenied
    found = scoping.scope(Unit.objects.filter(is_active=True), user, READ_ROLES)
    q = request.GET.get("q", "").strip()[:100]
    if fold(q):
        found = found.filter(name_folded__contains=fold(q))
    page = Paginator(found.select_related("kind").order_by("path"),
                     UNITS_PAGE_SIZE).get_page(request.GET.get("page"))
    current = domain.current_month()
    key = domain.month_key(current)
    month_base = reverse("kpi:unit_month", args=[0, key])
    year_base = reverse("kpi:unit_year", args=[0, current.year])
    rows = [{"unit": unit, "month_url": month_base.replace("/0/", f"/{unit.pk}/", 1),
             "year_url": year_base.replace("/0/", f"/{unit.pk}/", 1)}
            for unit in page.object_list]
    return render(request, "kpi/unit_index.html", {
        "page_obj": page, "rows": rows, "q": q, "current": current,
        "breadcrumbs": [("Đánh giá KPI", reverse("kpi:mine")), ("Đơn vị", None)],
    })


# The unit's month ----------------------------------------------------------------------------------
def _groups(rows) -> list[tuple[str, str]]:
    return sorted({(r.task_group, r.group_label) for r in rows}, key=lambda g: g[1])


def _import_url(unit: Unit, month: date) -> str | None:
    """The unit's Excel import of the month's tasks, when that screen is mounted."""
    try:
        return month_url(unit, month, "import")
    except NoReverseMatch:
        return None


def _sheet_link_parts() -> tuple[str, str]:
    """The sheet page's URL around its id ("/kpi/phieu/", "/"): one reverse for the page."""
    url = reverse("kpi:sheet", args=[0])
    head, _zero, tail = url.rpartition("0")
    return head, tail


@lru_cache(maxsize=4096)
def _esc(text: str) -> str:
    """HTML-escaped ``text``, cached: labels, positions and scores repeat by the hundred."""
    return str(escape(text))


def rows_html(rows, *, can_act: bool, reviewer: bool, sheet_head: str, sheet_tail: str) -> str:
    """The people table's rows, every text escaped.

    Built here rather than in the template: a unit of 500 people would spend most of
    the page's time in the template engine's per-variable lookups.
    """
    parts = []
    for r in rows:
        cells = []
        if can_act:
            box = (f'<input class="form-check-input" type="checkbox" name="sheet" '
                   f'value="{r.sheet_id}" id="chon-{r.sheet_id}" '
                   f'aria-label="Chọn phiếu của {escape(r.name)}">' if r.finalisable else "")
            cells.append(f"<td>{box}</td>")
        cells.append(f'<td class="text-end">{"" if r.rank is None else r.rank}</td>')
        leader = ' <span class="badge text-bg-light border">Lãnh đạo</span>' if r.is_leader else ""
        cells.append(f"<td>{escape(r.name)}{leader}"
                     f'<div class="small text-secondary">{escape(r.staff_code)}</div></td>')
        cells.append(f"<td>{_esc(r.position)}</td><td>{_esc(r.group_label)}</td>")
        reason = (f'<div class="small text-secondary">{_esc(r.reason_label)}</div>'
                  if r.missing_id else "")
        cells.append(f'<td><span class="badge {r.state_badge}">{_esc(r.state_label)}</span>'
                     f"{reason}</td>")
        cells.append(f'<td class="text-end">{_esc(r.score_text) if r.sheet_id else ""}</td>')
        grade = ""
        if r.grade and r.state != queries.MISSING:
            grade = (f'<span class="badge {r.grade_badge}" title="{_esc(r.grade_label)}">'
                     f"{r.grade_short}</span>")
            if r.grade_note:
                grade += (f' <span class="small text-secondary" title="{escape(r.grade_note)}">'
                          "(*)</span>")
        cells.append(f"<td>{grade}</td>")
        action = ""
        if r.sheet_id:
            label = "Xem và duyệt" if r.finalisable and reviewer else "Xem phiếu"
            action = (f'<a class="btn btn-sm btn-outline-primary" '
                      f'href="{sheet_head}{r.sheet_id}{sheet_tail}">{label}</a>')
        elif can_act and not r.missing_id:
            action = ('<button class="btn btn-sm btn-outline-secondary" type="submit" '
                      f'form="lap-phieu" name="person" value="{r.person_id}">Lập phiếu</button>')
        cells.append(f'<td class="text-end text-nowrap">{action}</td>')
        parts.append(f"<tr>{''.join(cells)}</tr>")
    return mark_safe("".join(parts))  # every text from the data is escaped above


def person_options(rows) -> str:
    """The options of the absence form's person list (hundreds of them: built here)."""
    return mark_safe('<option value="">— Chọn cán bộ —</option>' + "".join(
        f'<option value="{r.person_id}">{escape(r.name)}</option>' for r in rows))


def unsettled_html(rows) -> str:
    return mark_safe("".join(f"<li>{escape(r.name)} — {_esc(r.state_label.lower())}</li>"
                             for r in rows))


@login_required
def unit_month(request, unit_pk, month):
    user = request.user
    unit, month = scoped_unit(request, unit_pk), parse_month(month)
    rows = queries.month_rows(unit, month)
    state = queries.month_state(unit, month)
    check = domain.close_checks([unit], month)[unit.pk]
    closed = state is not None and state.state == "closed"
    reviewer = is_reviewer(user, unit)
    form = MonthFilterForm(request.GET or None, groups=_groups(rows))
    filters = form.filters()
    shown = queries.filter_rows(rows, **filters)
    sheet_head, sheet_tail = _sheet_link_parts()
    missing_candidates = [r for r in rows if not r.settled]
    current = domain.current_month()
    export_query = request.GET.urlencode()
    return render(request, "kpi/unit_month.html", {
        "unit": unit, "month": month, "title": month_title(month),
        "rows": shown, "total": len(rows), "filtered": any(filters.values()), "form": form,
        "summary": queries.summary(rows), "state": state, "closed": closed,
        "problems": [] if closed else check.problems, "caps": check.caps,
        "rows_html": rows_html(shown, can_act=reviewer and not closed, reviewer=reviewer,
                               sheet_head=sheet_head, sheet_tail=sheet_tail),
        "unsettled": missing_candidates, "unsettled_html": unsettled_html(missing_candidates),
        "reported": [r for r in rows if r.missing_id is not None],
        "reviewer": reviewer, "can_act": reviewer and not closed,
        "missing_form": MissingForm(auto_id="bao-vang-%s"),
        "person_options": person_options(missing_candidates),
        "previous_url": month_url(unit, shift(month, -1)),
        "previous_title": month_title(shift(month, -1)),
        "next_url": month_url(unit, shift(month, 1)) if month < current else None,
        "next_title": month_title(shift(month, 1)),
        "current_url": (month_url(unit, current)
                        if month not in (current, shift(current, -1)) else None),
        "year_url": year_url(unit, month.year),
        "import_url": _import_url(unit, month) if reviewer and not closed else None,
        "export_url": month_url(unit, month, "unit_month_export")
                      + (f"?{export_query}" if export_query else ""),
        "breadcrumbs": month_crumbs(unit, month),
    })


@login_required
def unit_month_export(request, unit_pk, month):
    unit, month = scoped_unit(request, unit_pk), parse_month(month)
    rows = queries.month_rows(unit, month)
    filters = MonthFilterForm(request.GET or None, groups=_groups(rows)).filters()
    state = queries.month_state(unit, month)
    return export.month_response(unit, month, queries.filter_rows(rows, **filters),
                                 closed=state is not None and state.state == "closed")


@login_required
@require_http_methods(["GET", "POST"])
def unit_month_close(request, unit_pk, month):
    """Close the month after a confirmation that lists what still stands in the way."""
    user = request.user
    unit, month = scoped_unit(request, unit_pk), parse_month(month)
    errors = []
    if request.method == "POST":
        done, errors = _month_action(
            request, unit, month, lambda: domain.close_month(unit, month, user),
            f"Đã khóa sổ {month_title(month).lower()} của {unit.name}.")
        if done:
            return done
    reviewer = is_reviewer(user, unit)
    check = domain.close_checks([unit], month)[unit.pk]
    problems = list(check.problems)
    if month > domain.current_month():
        problems.insert(0, "Tháng chưa bắt đầu: chưa thể khóa sổ.")
    if errors:
        problems = []  # the domain's refusal says it all
    return _confirm(
        request, unit, month,
        title=f"Khóa sổ {month_title(month).lower()} của {unit.name}?",
        lines=[] if check.closed else [
            "Mọi phiếu đánh giá của đơn vị trong tháng bị khóa: không sửa, không chốt hay mở "
            "lại được phiếu nào.",
            "Chính sách chấm điểm đang áp dụng được lưu cùng tháng: thay đổi chính sách sau này "
            "không làm thay đổi kết quả tháng đã khóa sổ.",
            "Quyết định kỷ luật ghi nhận sau khi phiếu được chấm điểm được áp dụng ngay khi "
            "khóa sổ (xếp loại Không hoàn thành nhiệm vụ); mỗi thay đổi được ghi vào phiếu.",
            "Khi cần sửa, lãnh đạo mở lại tháng và phải ghi rõ lý do.",
        ],
        refusal="" if reviewer else NOT_A_REVIEWER,
        problems=problems, errors=errors,
        blocked=not reviewer or check.closed, disabled=bool(problems),
        submit="Khóa sổ tháng", button="btn-danger",
        breadcrumbs=month_crumbs(unit, month, ("Khóa sổ", None)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_month_reopen(request, unit_pk, month):
    user = request.user
    unit, month = scoped_unit(request, unit_pk), parse_month(month)
    form = ReasonForm(request.POST or None, required=True, label="Lý do mở lại")
    errors = []
    if request.method == "POST" and form.is_valid():
        done, errors = _month_action(
            request, unit, month,
            lambda: domain.reopen_month(unit, month, user, form.reason_text()),
            f"Đã mở lại {month_title(month).lower()} của {unit.name}.")
        if done:
            return done
    reviewer = is_reviewer(user, unit)
    state = queries.month_state(unit, month)
    closed = state is not None and state.state == "closed"
    return _confirm(
        request, unit, month,
        title=f"Mở lại {month_title(month).lower()} của {unit.name}?",
        lines=["Tháng trở lại trạng thái “Đang đánh giá”: lãnh đạo sửa, mở lại và chốt lại "
               "được các phiếu.",
               "Lý do mở lại được ghi vào lịch sử của tháng."] if closed else [],
        refusal=(NOT_A_REVIEWER if not reviewer else
                 "" if closed else f"{month_title(month)} của đơn vị chưa khóa sổ."),
        form=form, errors=errors, blocked=not reviewer or not closed,
        submit="Mở lại tháng", button="btn-warning",
        breadcrumbs=month_crumbs(unit, month, ("Mở lại", None)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_month_missing(request, unit_pk, month):
    """Report a person of the unit as not graded this month (leave, training…)."""
    user = request.user
    unit, month = scoped_unit(request, unit_pk), parse_month(month)
    rows = queries.month_rows(unit, month)
    candidates = [r for r in rows if not r.settled]
    form = MissingForm(request.POST or None, people=[(r.person_id, r.name) for r in candidates])
    if request.method == "POST" and form.is_valid():
        person = get_object_or_404(domain.expected_people(unit, month).select_related("unit"),
                                   pk=form.cleaned_data["person"])
        try:
            domain.report_missing(person, month, user, form.cleaned_data["reason"],
                                  form.cleaned_data["note"])
        except PermissionDenied as exc:
            messages.error(request, _error_text(exc))
            return redirect(month_url(unit, month))
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, f"Đã ghi nhận {person.full_name} không đánh giá "
                                      f"{month_title(month).lower()}.")
            return redirect(month_url(unit, month) + "#khong-danh-gia")
    return render(request, "kpi/unit_missing.html", {
        "unit": unit, "month": month, "title": month_title(month), "form": form,
        "candidates": candidates, "reviewer": is_reviewer(user, unit),
        "cancel_url": month_url(unit, month),
        "breadcrumbs": month_crumbs(unit, month, ("Báo cán bộ không đánh giá", None)),
    })


@login_required
@require_POST
def unit_month_missing_withdraw(request, unit_pk, month, missing_pk):
    unit, month = scoped_unit(request, unit_pk), parse_month(month)
    missing = get_object_or_404(MissingSheet.objects.filter(unit=unit, month=month)
                                .select_related("unit", "person"), pk=missing_pk)
    try:
        domain.withdraw_missing(missing, request.user)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"Đã rút báo không đánh giá của {missing.person.full_name}.")
    return redirect(month_url(unit, month) + "#khong-danh-gia")


@login_required
@require_POST
def unit_month_create(request, unit_pk, month):
    """Draw up an empty sheet for one person (then open it), or for everyone who has none."""
    user = request.user
    unit, month = scoped_unit(request, unit_pk), parse_month(month)
    back = month_url(unit, month)
    people = domain.expected_people(unit, month).select_related("unit")
    raw = request.POST.get("person", "")
    if raw:
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
            raise Http404("Không tìm thấy.")
        person = get_object_or_404(people, pk=int(raw))
        try:
            sheet = domain.sheet_for(person, month, user)
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, _error_text(exc))
            return redirect(back)
        return redirect(reverse("kpi:sheet", args=[sheet.pk]))
    if not is_reviewer(user, unit):
        messages.error(request, NOT_A_REVIEWER)
        return redirect(back)
    waiting = [r.person_id for r in queries.month_rows(unit, month)
               if r.sheet_id is None and r.missing_id is None]
    made, refused = 0, []
    for person in people.filter(pk__in=waiting).order_by("name_folded", "pk"):
        try:
            domain.sheet_for(person, month, user)
        except (PermissionDenied, ValidationError) as exc:
            refused.append(f"{person.full_name}: {_error_text(exc)}")
        else:
            made += 1
    if made:
        messages.success(request, f"Đã lập {made} phiếu đánh giá mới (đang lập).")
    elif not refused:
        messages.info(request, "Mọi cán bộ của đơn vị đều đã có phiếu hoặc đã báo không đánh giá.")
    for line in refused[:20]:
        messages.error(request, line)
    return redirect(back)


@login_required
@require_POST
def unit_month_bulk(request, unit_pk, month):
    """Finalise the chosen submitted sheets, after a confirmation; each refusal is told."""
    user = request.user
    unit, month = scoped_unit(request, unit_pk), parse_month(month)
    back = month_url(unit, month)
    if not is_reviewer(user, unit):
        messages.error(request, NOT_A_REVIEWER)
        return redirect(back)
    waiting = queries.submitted_sheets(unit, month)
    if request.POST.get("all") != "1":
        waiting = waiting.filter(pk__in=chosen_ids(request.POST))
    sheets = list(waiting)
    if not sheets:
        messages.warning(request, "Chưa chọn phiếu nào đang chờ duyệt.")
        return redirect(back)
    if request.POST.get("confirm") != "1":
        for sheet in sheets:
            sheet.score_text = queries.score_text(sheet.score)
        return _confirm(
            request, unit, month,
            title=f"Chốt {len(sheets)} phiếu đánh giá {month_title(month).lower()}?",
            lines=["Điểm và xếp loại được tính lại theo số liệu hiện tại rồi chốt; cán bộ nhận "
                   "thông báo.",
                   "Phiếu của lãnh đạo được chốt sau phiếu của cán bộ trong đơn vị.",
                   "Muốn sửa phiếu đã chốt, lãnh đạo phải mở lại từng phiếu và ghi rõ lý do."],
            sheets=sheets, hidden={"confirm": "1"},
            submit=f"Chốt {len(sheets)} phiếu", button="btn-success",
            breadcrumbs=month_crumbs(unit, month, ("Chốt hàng loạt", None)),
        )
    done, refused = [], []
    for sheet in sheets:
        try:
            domain.transition(sheet, "finalise", user)
        except (PermissionDenied, ValidationError) as exc:
            refused.append((sheet.person.full_name, _error_text(exc)))
        else:
            done.append(sheet)
    if done:
        messages.success(request, f"Đã chốt {len(done)} phiếu.")
    if refused:
        messages.error(request, f"{len(refused)} phiếu chưa chốt được: " + "; ".join(
            f"{name} — {reason}" for name, reason in refused))
    return redirect(back)


# The unit's year -----------------------------------------------------------------------------------
DASH = '<span class="text-secondary">—</span>'


@lru_cache(maxsize=1024)
def _month_cell(score_text: str, grade: str | None) -> str:
    if not grade:
        return f'<td class="text-center">{DASH}</td>'
    return (f'<td class="text-center"><span class="badge {queries.GRADE_BADGES[grade]}" '
            f'title="{_esc(Grade.LABELS[grade])}: {_esc(score_text)} điểm">'
            f"{Grade.SHORT[grade]}</span></td>")


@lru_cache(maxsize=1024)
def _period_cell(score_text: str, grade: str | None) -> str:
    if not grade:
        return f'<td class="text-center text-nowrap">{DASH}</td>'
    return (f'<td class="text-center text-nowrap">{_esc(score_text)} '
            f'<span class="badge {queries.GRADE_BADGES[grade]}" '
            f'title="{_esc(Grade.LABELS[grade])}">{Grade.SHORT[grade]}</span></td>')


def year_rows_html(table: queries.YearTable) -> str:
    """The year table's rows (18 cells a person, hundreds of people: built here, escaped)."""
    parts = []
    for r in table.rows:
        year = r.year
        badge = (f'<span class="badge {year.grade_badge}" title="{_esc(year.grade_label)}">'
                 f"{year.grade_short}</span>" if year.grade else "")
        note = (f"{r.graded_months} tháng đã chốt" if r.graded_months else "") + (
            f'<div class="text-danger">{escape(r.note)}</div>' if r.note else "")
        parts.append(
            f'<tr><td>{escape(r.name)}<div class="text-secondary">{escape(r.staff_code)}</div>'
            f"</td><td>{_esc(r.position)}</td>"
            + "".join(_month_cell(c.score_text, c.grade) for c in r.months)
            + "".join(_period_cell(c.score_text, c.grade) for c in r.quarters)
            + f'<td class="text-end fw-semibold">{_esc(year.score_text)}</td>'
            f'<td class="text-center">{badge}</td><td>{note}</td></tr>')
    return mark_safe("".join(parts))  # every text from the data is escaped above


@login_required
def unit_year(request, unit_pk, year):
    unit, year = scoped_unit(request, unit_pk), parse_year(year)
    table = queries.year_table(unit, year)
    current = domain.current_month()
    return render(request, "kpi/unit_year.html", {
        "unit": unit, "year": year, "table": table, "rows_html": year_rows_html(table),
        "chart": charts.grade_distribution_chart(
            table.distribution, chart_id="phan-bo-xep-loai",
            title=f"Phân bố xếp loại theo tháng năm {year} — {unit.name}"),
        "month_links": [(m, month_url(unit, m)) for m in table.months if m <= current],
        "previous_url": year_url(unit, year - 1) if year > 2000 else None,
        "next_url": year_url(unit, year + 1) if year < current.year else None,
        "export_url": year_url(unit, year, "unit_year_export"),
        "month_url": month_url(unit, current if year == current.year else date(year, 12, 1)),
        "breadcrumbs": _crumbs(unit, (f"Năm {year}", None)),
    })


@login_required
def unit_year_export(request, unit_pk, year):
    unit, year = scoped_unit(request, unit_pk), parse_year(year)
    return export.year_response(queries.year_table(unit, year))


MONTH = "don-vi/<int:unit_pk>/thang/<str:month>/"
YEAR = "don-vi/<int:unit_pk>/nam/<int:year>/"

urlpatterns = [
    path("don-vi/", units, name="units"),
    path(MONTH, unit_month, name="unit_month"),
    path(f"{MONTH}xuat-excel/", unit_month_export, name="unit_month_export"),
    path(f"{MONTH}khoa-so/", unit_month_close, name="unit_month_close"),
    path(f"{MONTH}mo-lai/", unit_month_reopen, name="unit_month_reopen"),
    path(f"{MONTH}khong-danh-gia/", unit_month_missing, name="unit_month_missing"),
    path(f"{MONTH}khong-danh-gia/<int:missing_pk>/rut/", unit_month_missing_withdraw,
         name="unit_month_missing_withdraw"),
    path(f"{MONTH}lap-phieu/", unit_month_create, name="unit_month_create"),
    path(f"{MONTH}chot-hang-loat/", unit_month_bulk, name="unit_month_bulk"),
    path(YEAR, unit_year, name="unit_year"),
    path(f"{YEAR}xuat-excel/", unit_year_export, name="unit_year_export"),
]
