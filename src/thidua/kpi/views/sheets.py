"""The person-facing KPI screens: “my month” and one monthly sheet with its actions.

``kpi:mine`` shows the logged-in user's own sheet of a month (made on the first
POST “Lập phiếu tháng này”, never on a GET) and the history of his grades.
``kpi:sheet`` is the sheet itself: its tasks, the general criteria (the
person's points beside the leader's), the computation line by line, the
leader's adjustments, the transition history and the buttons of the
transitions the user may apply now. Every change is a POST to a sub-URL of the
sheet and goes through :mod:`thidua.kpi.domain`, which decides who may do what;
a refusal comes back as a message or a form error with the user's input kept.

A sheet is reached by its owner and by users whose read roles cover its unit
(``scoping.scope_or_own``); anyone else gets 404, exactly as for a missing id.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from thidua.core import http, scoping
from thidua.core.roles import READ_ROLES
from thidua.kpi import domain, queries
from thidua.kpi.forms_sheets import GeneralForm, ReasonForm, TaskForm, apply_errors, error_summary
from thidua.kpi.models import MonthSheet, UnitMonth
from thidua.kpi.policy import Grade
from thidua.kpi.scoring import HUNDRED, fmt, grade_for
from thidua.org.models import Person

#: The transitions the sheet page offers (the workflow has no others today; the
#: list keeps it so should one be added).
TRANSITIONS = ("submit", "return", "finalise", "reopen")
#: Transitions asked for on a confirmation page first.
CONFIRMED = {"finalise"}
#: The same colours as the unit's pages.
STATE_BADGES = queries.STATE_BADGES
GRADE_BADGES = queries.GRADE_BADGES
HISTORY_MONTHS = 12
DONE_MESSAGES = {"submit": "Đã gửi phiếu đánh giá cho lãnh đạo.",
                 "return": "Đã trả lại phiếu đánh giá.",
                 "finalise": "Đã chốt kết quả đánh giá.",
                 "reopen": "Đã mở lại phiếu đánh giá."}


# Helpers -----------------------------------------------------------------------------------
shift_month = domain.shift_month
month_label = domain.month_title


def _sheet_url(sheet_or_pk) -> str:
    pk = getattr(sheet_or_pk, "pk", sheet_or_pk)
    return reverse("kpi:sheet", args=[pk])


def _mine_url(month: date | None = None) -> str:
    url = reverse("kpi:mine")
    return f"{url}?thang={domain.month_key(month)}" if month else url


def visible_sheets(user):
    """The sheets the user may read: his own, and those of the units his read roles cover."""
    return scoping.scope_or_own(MonthSheet.objects.select_related("person", "unit"), user,
                                READ_ROLES, owner_field="person__user")


def _sheet(request, pk, *, for_page: bool = False) -> MonthSheet:
    sheets = visible_sheets(request.user)
    if for_page:
        # The page reads the tasks once; the workflow guard (“has tasks”) reads the same list.
        sheets = sheets.prefetch_related("tasks")
        # Whether the person works at a service desk, read with the sheet (no extra query).
        from thidua.feedback.results import is_desk_official

        sheets = sheets.annotate(desk_official=is_desk_official("person_id"))
    return get_object_or_404(sheets, pk=pk)


def _remember_lock(sheet: MonthSheet) -> bool:
    """Read the month's lock once for the page: the edit check and every workflow guard ask."""
    locked = sheet.is_locked()
    sheet.is_locked = lambda: locked
    return locked


def stamp(sheet: MonthSheet) -> str:
    """What the user saw of the sheet: its state and last change (for actions on it)."""
    return f"{sheet.state}@{sheet.updated_at.isoformat() if sheet.updated_at else ''}"


def _changed_since_seen(request, sheet: MonthSheet) -> bool:
    """The sheet changed after the user opened the page he acts from (told, nothing done)."""
    seen = request.POST.get("seen", "")
    if not seen or seen == stamp(sheet):
        return False
    messages.error(request, (
        f"Phiếu vừa được người khác thay đổi sau khi bạn mở trang (hiện đang ở trạng thái "
        f"“{sheet.get_state_display()}”, {fmt(sheet.score)} điểm, xếp loại "
        f"{Grade.SHORT[sheet.grade]}). Hãy xem lại phiếu; thao tác của bạn chưa được ghi."))
    return True


def _refuse_on(request, form, error: ValidationError) -> None:
    """A ``ValidationError`` naming fields goes next to them; any other, as a message."""
    if hasattr(error, "error_dict"):
        apply_errors(form, error)
    else:
        http.flash_refusal(request, error)


def _attempt(request, sheet_: MonthSheet, form, write, done):
    """Run a domain write for a valid form: a success message (``done``, or ``done(result)``)
    and the redirect to the sheet; on refusal, the reason next to the form's fields where
    it names them (else as a message) and None, so that the page shows the input again."""
    try:
        result = write()
    except PermissionDenied as exc:
        http.flash_refusal(request, exc)
    except ValidationError as exc:
        _refuse_on(request, form, exc)
    else:
        messages.success(request, done(result) if callable(done) else done)
        return redirect(_sheet_url(sheet_))
    return None


def _not_editable(request, sheet_: MonthSheet):
    """Back to the sheet, with the reason, when the user may not edit it now (a GET of an
    edit page); None when he may."""
    refusal = domain.edit_refusal(sheet_, request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect(_sheet_url(sheet_))
    return None


def _crumbs(sheet: MonthSheet, user, *tail):
    own = domain.is_owner(sheet, user)
    first = ("Đánh giá KPI của tôi", _mine_url(sheet.month)) if own else ("Đánh giá KPI", None)
    title = f"Phiếu {sheet.month_label.lower()} — {sheet.person.full_name}"
    return [first, (title, _sheet_url(sheet) if tail else None), *tail]


def _grade_texts(sheet: MonthSheet) -> dict:
    """The sheet's score, grade and state as the sheet and "my month" pages show them."""
    return {"score": fmt(sheet.score), "grade_short": Grade.SHORT[sheet.grade],
            "grade_label": Grade.LABELS[sheet.grade], "grade_badge": GRADE_BADGES[sheet.grade],
            "state_badge": STATE_BADGES.get(sheet.state, "text-bg-light")}


def _history_rows(sheet: MonthSheet) -> list[dict]:
    workflow = sheet.workflow
    return [{
        "at": log.at,
        "actor": (log.actor.get_full_name() or log.actor.get_username()) if log.actor else "—",
        "label": workflow.transitions[log.transition].label
        if log.transition in workflow.transitions else log.transition,
        "from": workflow.label(log.from_state),
        "to": workflow.label(log.to_state),
        "reason": log.reason,
    } for log in workflow.history(sheet)]


def _raw_points(value) -> str:
    """A stored criterion value (text) with the decimal comma; “—” when not given."""
    if value in (None, ""):
        return "—"
    try:
        return fmt(Decimal(str(value).replace(",", ".")))
    except InvalidOperation:
        return str(value)


def _breakdown(sheet: MonthSheet, policy, result) -> dict:
    """The computation as rows for the template (Vietnamese decimal comma)."""
    count = len(policy.general_criteria)
    general = [{"label": line.label, "detail": line.detail, "value": fmt(line.value)}
               for line in result.lines[:count]]
    totals = [{"label": line.label, "detail": line.detail, "value": fmt(line.value),
               "total": line.label == "Tổng điểm"}
              for line in result.lines[count:]]
    tasks = [{
        "name": task_result.task.name,
        "lines": [{"label": line.label, "detail": line.detail, "value": f"{fmt(line.value)}%"}
                  for line in task_result.lines],
        "share": f"{fmt(task_result.share * HUNDRED)}%",
    } for task_result in result.task_results]
    return {"general": general, "general_total": fmt(result.general), "tasks": tasks,
            "totals": totals, "score": fmt(result.score), "grade": result.grade,
            "grade_label": Grade.LABELS[result.grade], "override": result.override,
            "task_points": fmt(policy.task_points)}


# The sheet page ------------------------------------------------------------------------------
def _render_sheet(request, pk, *, task_form=None, general_form=None, action_forms=None,
                  lower_form=None):
    """The sheet page; the forms given are shown bound (with the user's input and errors)."""
    user = request.user
    sheet = _sheet(request, pk, for_page=True)
    locked = _remember_lock(sheet)
    tasks = list(sheet.tasks.all())
    policy = domain.month_policies([sheet.unit], sheet.month)[sheet.unit_id]
    # domain.breakdown(sheet) with the policy already read for the criteria form.
    result = domain.compute(sheet, policy, tasks=tasks)
    band = grade_for(sheet.score, policy)  # the grade of the score alone (before overrides)
    refusal = domain.edit_refusal(sheet, user)
    editable = refusal is None
    with_reason = editable and domain.needs_reason(sheet, user)
    owner = domain.is_owner(sheet, user)
    reviewer = domain.is_reviewer(sheet, user)
    # A refused POST shows its form again with the input, even when editing is not open
    # (any more): nothing the user typed is lost.
    if editable:
        if task_form is None:
            task_form = TaskForm(with_reason=with_reason, auto_id="nhiemvu_%s")
        if general_form is None:
            given = (sheet.self_general if owner else sheet.review_general) or {}
            initial = dict(given)
            initial["comment"] = sheet.self_comment if owner else sheet.review_comment
            general_form = GeneralForm(initial=initial, policy=policy, as_leader=not owner,
                                       with_reason=with_reason, auto_id="tieuchi_%s")
    counted = domain.general_points(sheet)
    criteria = [{
        "code": criterion.code, "label": criterion.label, "max": fmt(criterion.max_points),
        "self": _raw_points((sheet.self_general or {}).get(criterion.code)),
        "review": _raw_points((sheet.review_general or {}).get(criterion.code)),
        "counted": fmt(counted[criterion.code]) if criterion.code in counted else "0",
        "field": general_form[criterion.code] if general_form is not None else None,
    } for criterion in policy.general_criteria]
    action_forms = dict(action_forms or {})
    actions = []
    for transition in sheet.workflow.available(sheet, user):
        if transition.name not in TRANSITIONS:
            continue
        form = action_forms.pop(transition.name, None)
        if form is None and transition.reason_required:
            form = _reason_form(None, transition)
        actions.append({"name": transition.name, "label": transition.label, "form": form,
                        "confirm": transition.name in CONFIRMED,
                        "url": reverse("kpi:sheet_transition", args=[sheet.pk, transition.name])})
    may_lower = reviewer and not locked and sheet.grade == Grade.HTXS
    if lower_form is not None and not may_lower:
        action_forms["lower"] = lower_form
    elif may_lower and lower_form is None:
        lower_form = ReasonForm(required=True, label="Lý do hạ xếp loại", auto_id="ha_%s",
                                help_text="Ví dụ: đơn vị vượt tỷ lệ Hoàn thành xuất sắc; tập "
                                          "thể lãnh đạo thống nhất hạ xếp loại.")
    # The reason typed for an action that is no longer possible (someone acted first).
    unsent = [form.data.get("reason", "").strip() for form in action_forms.values()
              if form.is_bound and form.data.get("reason", "").strip()]
    # Citizens' ratings of a desk official: information beside "service attitude".
    from thidua.feedback.results import official_month_summary

    ratings = (official_month_summary(sheet.person, sheet.month)
               if getattr(sheet, "desk_official", False) else None)
    return render(request, "kpi/sheet_detail.html", {
        "sheet": sheet, "tasks": tasks, "policy": policy, "locked": locked,
        "ratings": ratings,
        "editable": editable, "refusal": refusal, "with_reason": with_reason,
        "owner": owner, "reviewer": reviewer,
        "task_form": task_form, "task_errors": error_summary(task_form) if task_form else [],
        "general_form": general_form,
        "general_errors": error_summary(general_form) if general_form else [],
        "criteria": criteria, "actions": actions,
        "lower_form": lower_form if may_lower else None, "unsent": unsent,
        "breakdown": _breakdown(sheet, policy, result),
        **_grade_texts(sheet),
        "band_differs": band != sheet.grade, "band_label": Grade.LABELS[band],
        "adjustments": list(sheet.adjustments.select_related("actor")),
        "history": _history_rows(sheet), "seen": stamp(sheet),
        "breadcrumbs": _crumbs(sheet, user),
    })


@login_required
@require_safe
def sheet(request, pk):
    return _render_sheet(request, pk)


@login_required
@require_POST
def task_add(request, pk):
    sheet_ = _sheet(request, pk)
    form = TaskForm(request.POST, with_reason=domain.needs_reason(sheet_, request.user),
                    auto_id="nhiemvu_%s")
    if form.is_valid():
        done = _attempt(request, sheet_, form,
                        lambda: domain.save_task(sheet_, request.user, form.task_data(),
                                                 reason=form.cleaned_data.get("reason", "")),
                        lambda task: f"Đã thêm nhiệm vụ “{task.name}”.")
        if done:
            return done
    return _render_sheet(request, pk, task_form=form)


def _task_of(request, pk, task_pk):
    """(sheet, task, whether a change needs a reason) of a task page; 404 when either is
    out of the user's reach."""
    sheet_ = _sheet(request, pk)
    task = get_object_or_404(sheet_.tasks.all(), pk=task_pk)
    return sheet_, task, domain.needs_reason(sheet_, request.user)


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request, pk, task_pk):
    user = request.user
    sheet_, task, with_reason = _task_of(request, pk, task_pk)
    if request.method == "POST":
        form = TaskForm(request.POST, with_reason=with_reason)
        done = form.is_valid() and _attempt(
            request, sheet_, form,
            lambda: domain.save_task(sheet_, user, form.task_data(), task=task,
                                     reason=form.cleaned_data.get("reason", "")),
            lambda saved: f"Đã lưu nhiệm vụ “{saved.name}”.")
        if done:
            return done
    else:
        refused = _not_editable(request, sheet_)
        if refused:
            return refused
        form = TaskForm(initial={name: getattr(task, name) for name in domain.TASK_FIELDS},
                        with_reason=with_reason)
    return render(request, "kpi/sheet_task.html", {
        "sheet": sheet_, "task": task, "form": form, "errors": error_summary(form),
        "title": f"Sửa nhiệm vụ “{task.name}”",
        "breadcrumbs": _crumbs(sheet_, user, ("Sửa nhiệm vụ", None)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def task_delete(request, pk, task_pk):
    user = request.user
    sheet_, task, with_reason = _task_of(request, pk, task_pk)
    data = request.POST if request.method == "POST" else None
    form = ReasonForm(data, required=with_reason, label="Lý do điều chỉnh")
    if request.method == "POST":
        done = form.is_valid() and _attempt(
            request, sheet_, form,
            lambda: domain.delete_task(sheet_, user, task, reason=form.reason_text()),
            f"Đã xóa nhiệm vụ “{task.name}”.")
    else:
        done = _not_editable(request, sheet_)
    if done:
        return done
    return render(request, "kpi/sheet_task_delete.html", {
        "sheet": sheet_, "task": task, "form": form if with_reason else None,
        "errors": error_summary(form) if form.is_bound else [],
        "breadcrumbs": _crumbs(sheet_, user, ("Xóa nhiệm vụ", None)),
    })


@login_required
@require_POST
def general(request, pk):
    """The general criteria: the person's self-assessment or the leader's points."""
    user = request.user
    sheet_ = _sheet(request, pk)
    policy = domain.month_policies([sheet_.unit], sheet_.month)[sheet_.unit_id]
    form = GeneralForm(request.POST, policy=policy, as_leader=not domain.is_owner(sheet_, user),
                       with_reason=domain.needs_reason(sheet_, user), auto_id="tieuchi_%s")
    done = form.is_valid() and _attempt(
        request, sheet_, form,
        lambda: domain.assess_general(sheet_, user, form.scores(),
                                      comment=form.cleaned_data.get("comment", ""),
                                      reason=form.cleaned_data.get("reason", "")),
        "Đã lưu điểm tiêu chí chung.")
    return done or _render_sheet(request, pk, general_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def transition(request, pk, name):
    """Submit, return (reason), finalise (after a confirmation page) or reopen (reason)."""
    if name not in TRANSITIONS:
        raise Http404("Không tìm thấy.")
    user = request.user
    sheet_ = _sheet(request, pk)
    step = sheet_.workflow.transitions[name]
    form = _reason_form(request.POST if request.method == "POST" else None, step)
    if request.method == "GET":
        return _confirm_page(request, sheet_, step, form)
    if _changed_since_seen(request, sheet_):
        return _render_sheet(request, pk, action_forms={name: form})
    if form.is_valid():
        # A TransitionError (another leader acted first, a guard refused, no reason given)
        # names no field: it comes as a message.
        done = _attempt(request, sheet_, form,
                        lambda: domain.transition(sheet_, name, user, form.reason_text()),
                        DONE_MESSAGES[name])
        if done:
            return done
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return _render_sheet(request, pk, action_forms={name: form})


def _reason_form(data, step) -> ReasonForm:
    """The reason of a transition: “Lý do trả lại”, required where the workflow says so."""
    return ReasonForm(data, required=step.reason_required, label=f"Lý do {step.label.lower()}",
                      auto_id=f"{step.name}_%s")


def _confirm_page(request, sheet_, step, form):
    user = request.user
    refusal = sheet_.workflow.refusal(sheet_, step.name, user)
    lines = []
    if step.name == "finalise":
        lines = [f"Kết quả của {sheet_.person.full_name} {sheet_.month_label.lower()} được chốt: "
                 f"{fmt(sheet_.score)} điểm, xếp loại {Grade.LABELS[sheet_.grade]} "
                 f"(điểm được tính lại ngay khi chốt).",
                 "Sau khi chốt, phiếu không sửa được nữa; muốn sửa, lãnh đạo phải mở lại phiếu "
                 "và ghi rõ lý do.",
                 "Cán bộ được thông báo kết quả."]
    return render(request, "kpi/sheet_confirm.html", {
        "sheet": sheet_, "step": step, "form": form if step.reason_required else None,
        "refusal": refusal, "lines": lines, "seen": stamp(sheet_),
        "breadcrumbs": _crumbs(sheet_, user, (step.label, None)),
    })


@login_required
@require_POST
def lower(request, pk):
    """The leader lowers an HTXS to HTT to keep the unit within the cap (reason required)."""
    sheet_ = _sheet(request, pk)
    form = ReasonForm(request.POST, required=True, label="Lý do hạ xếp loại", auto_id="ha_%s")
    if _changed_since_seen(request, sheet_):
        return _render_sheet(request, pk, lower_form=form)
    done = form.is_valid() and _attempt(
        request, sheet_, form,
        lambda: domain.lower_for_cap(sheet_, request.user, form.reason_text()),
        "Đã hạ xếp loại xuống Hoàn thành tốt nhiệm vụ do vượt tỷ lệ Hoàn thành xuất sắc.")
    return done or _render_sheet(request, pk, lower_form=form)


# My month ------------------------------------------------------------------------------------
def _chosen_month(request, raw: str) -> date | None:
    """The month asked for (``?thang=2026-05``); None, with a message, when unreadable."""
    if not raw:
        return domain.current_month()
    try:
        return domain.parse_month(raw)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages) + " Đang hiển thị tháng hiện tại.")
        return None


def _grade_history(person: Person, last: date) -> list[dict]:
    """The person's last 12 months up to ``last``: one query, a row per month."""
    first = shift_month(last, -(HISTORY_MONTHS - 1))
    found = {row["month"]: row for row in MonthSheet.objects.filter(
        person=person, month__gte=first, month__lte=last).values(
        "pk", "month", "state", "score", "grade", "grade_note")}
    states = MonthSheet.workflow.states
    rows = []
    for offset in range(HISTORY_MONTHS):
        month = shift_month(last, -offset)
        row = found.get(month)
        rows.append({
            "month": month, "label": month_label(month), "url": _mine_url(month),
            "sheet_url": _sheet_url(row["pk"]) if row else None,
            "state": states.get(row["state"], row["state"]) if row else None,
            "state_badge": STATE_BADGES.get(row["state"]) if row else None,
            "score": fmt(row["score"]) if row else None,
            "grade": Grade.SHORT[row["grade"]] if row else None,
            "grade_label": Grade.LABELS[row["grade"]] if row else None,
            "grade_badge": GRADE_BADGES[row["grade"]] if row else None,
            "final": bool(row and row["state"] == "finalised"),
        })
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def mine(request):
    """My month: the month's sheet (made on the first POST) and the history of my grades."""
    user = request.user
    person = Person.objects.filter(user=user).select_related("unit").first()
    crumbs = [("Đánh giá KPI của tôi", None)]
    if person is None:
        return render(request, "kpi/mine.html", {"person": None, "breadcrumbs": crumbs})
    source = request.POST if request.method == "POST" else request.GET
    chosen = _chosen_month(request, source.get("thang", ""))
    current = domain.current_month()
    month = chosen or current
    if request.method == "POST" and chosen is not None:
        if month > current:
            messages.error(request, f"{month_label(month)} chưa bắt đầu: chưa lập phiếu được.")
        else:
            try:
                made = domain.sheet_for(person, month, user)
            except (PermissionDenied, ValidationError) as exc:
                http.flash_refusal(request, exc)
            else:
                messages.success(request, f"Đã lập phiếu đánh giá {month_label(month).lower()}. "
                                          "Hãy ghi các nhiệm vụ, sản phẩm được giao và tự đánh "
                                          "giá tiêu chí chung, rồi bấm “Gửi lãnh đạo”.")
                return redirect(_sheet_url(made))
    sheet_ = (MonthSheet.objects.filter(person=person, month=month)
              .prefetch_related("tasks").first())
    lock_unit = sheet_.unit_id if sheet_ else person.unit_id
    locked = UnitMonth.objects.filter(unit_id=lock_unit, month=month, state="closed").exists()
    context = {
        "person": person, "month": month, "month_label": month_label(month),
        "month_key": domain.month_key(month),
        "previous_url": _mine_url(shift_month(month, -1)),
        "next_url": _mine_url(shift_month(month, 1)) if month < current else None,
        "current_url": _mine_url(current) if month != current else None,
        "is_future": month > current, "locked": locked,
        "sheet": sheet_, "history": _grade_history(person, max(month, current)),
        "breadcrumbs": crumbs,
    }
    if sheet_ is not None:
        context.update({
            "tasks": list(sheet_.tasks.all()), **_grade_texts(sheet_)})
    return render(request, "kpi/mine.html", context)


urlpatterns = [
    path("", mine, name="mine"),
    path("phieu/<int:pk>/", sheet, name="sheet"),
    path("phieu/<int:pk>/nhiem-vu/them/", task_add, name="sheet_task_add"),
    path("phieu/<int:pk>/nhiem-vu/<int:task_pk>/sua/", task_edit, name="sheet_task_edit"),
    path("phieu/<int:pk>/nhiem-vu/<int:task_pk>/xoa/", task_delete, name="sheet_task_delete"),
    path("phieu/<int:pk>/tieu-chi-chung/", general, name="sheet_general"),
    path("phieu/<int:pk>/chuyen/<slug:name>/", transition, name="sheet_transition"),
    path("phieu/<int:pk>/ha-xep-loai/", lower, name="sheet_lower"),
]
