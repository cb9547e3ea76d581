"""The screens of one scorecard's yearly cycle.

``scorecards:mine`` lists, for a year, the units whose office the user is
(admin, secretariat or leader role on the unit) against the active frameworks
that apply to their kind, and — for frameworks about people — the user's own
person: each with its scorecard's state and score, or a “Đăng ký” button
(a POST that makes the scorecard, then opens its registration).

``scorecards:card`` is the scorecard itself: the header (framework and
version, subject, year, state, totals, band, decision), the registration
(commitments per criterion), the periodic self-evaluations with evidence, the
year-end self-score per item (running totals as you type with
``static/thidua/scorecard.js``; without it the totals show after saving), the
parent's appraisal per item, the comparison of self and appraised points, the
transitions the user may apply now and the history. Every change is a POST to
a sub-URL and goes through :mod:`thidua.scorecards.domain`, which decides who
may do what; a refusal comes back as a form error next to the item (the
domain keys them by criterion) or as a message, the user's input kept.

A scorecard is reached by the readers of its unit and by its own person
(``scoping.scope_or_own``); anyone else gets 404, exactly as for a missing id.
"""

from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from thidua.core import http, scoping
from thidua.core.roles import READ_ROLES
from thidua.core.workflow import TransitionError
from thidua.documents import render as docs
from thidua.documents.views.movement import NO_OFFICE, produce
from thidua.org.models import Person, Unit
from thidua.scorecards import domain, printing, rules
from thidua.scorecards.forms_cards import (
    APPRAISED,
    COMMITMENT,
    NOTE,
    POINTS,
    REASON,
    AppraisalForm,
    CommitmentsForm,
    DecisionForm,
    EvaluationForm,
    ReasonForm,
    SelfScoreForm,
    apply_errors,
    error_lines,
    mark_invalid,
    period_label,
)
from thidua.scorecards.models import (
    LOCKED,
    OFFICE,
    SUBJECT_EDITS,
    Framework,
    Scorecard,
    Subject,
)

#: The transitions the page offers; “register” is the registration form's own button.
TRANSITIONS = ("submit", "return", "appraise", "recognise", "refuse", "reopen")
#: Decisions: asked for on a confirmation page, with the decision's number and date.
DECISIONS = ("recognise", "refuse")
STATE_BADGES = {"draft": "text-bg-info", "registered": "text-bg-primary",
                "submitted": "text-bg-warning", "returned": "text-bg-danger",
                "appraised": "text-bg-secondary", "recognised": "text-bg-success",
                "not_recognised": "text-bg-dark"}
DONE = {"submit": "Đã đề nghị công nhận; phiếu chờ cấp trên thẩm định.",
        "return": "Đã trả lại phiếu để đơn vị bổ sung.",
        "appraise": "Đã hoàn thành thẩm định; phiếu chờ Ban Thường vụ quyết định.",
        "recognise": "Đã ghi quyết định công nhận; phiếu đã khóa.",
        "refuse": "Đã ghi quyết định không công nhận; phiếu đã khóa.",
        "reopen": "Đã mở lại phiếu."}
FILES_AGAIN = "Các tệp minh chứng vừa chọn chưa được lưu: hãy chọn lại tệp trước khi lưu."


# Helpers -----------------------------------------------------------------------------------------
def this_year() -> int:
    return timezone.localdate().year


def mine_url(year: int | None = None) -> str:
    url = reverse("scorecards:mine")
    return f"{url}?nam={year}" if year else url


def card_url(card, anchor: str = "") -> str:
    url = reverse("scorecards:card", args=[getattr(card, "pk", card)])
    return f"{url}#{anchor}" if anchor else url


def boards_url(year: int) -> str | None:
    """The chooser of the offices' boards, when that screen is mounted."""
    try:
        return f"{reverse('scorecards:boards')}?nam={year}"
    except NoReverseMatch:
        return None


def parent_board(card: Scorecard, user) -> tuple[str, str] | None:
    """(label, URL) of the board of the card's parent — the office that appraises it — for a
    user who reads that parent, when the board screen is mounted; one query then."""
    parent_path = card.unit.path[:-Unit.steplen]
    if not parent_path or not scoping.covers(user, parent_path, READ_ROLES):
        return None
    parent = Unit.objects.filter(path=parent_path).only("pk", "name").first()
    if parent is None:
        return None
    try:
        url = reverse("scorecards:board", args=[parent.pk, card.framework.code, card.year])
    except NoReverseMatch:
        return None
    return f"Bảng theo dõi — {parent.name}", url


def visible_cards(user):
    """The scorecards the user may read: his units' (read roles) and his own person's."""
    return scoping.scope_or_own(
        Scorecard.objects.select_related("framework", "unit", "unit__kind", "person"),
        user, READ_ROLES, owner_field="person__user")


def _card(request, pk) -> Scorecard:
    return get_object_or_404(visible_cards(request.user), pk=pk)


def _refuse_on(request, form, error: Exception, prefix: str = "") -> None:
    if isinstance(error, ValidationError) and not isinstance(error, TransitionError):
        apply_errors(form, error, prefix)
    else:
        http.flash_refusal(request, error)


def _applied(request, form, action, *args, prefix: str = "") -> bool:
    """Run the domain ``action(*args)``: True when done; a refusal goes on ``form`` (its
    fields named with ``prefix``) or, when it names none, into a message."""
    try:
        action(*args)
    except PermissionDenied as exc:
        http.flash_refusal(request, exc)
    except ValidationError as exc:
        _refuse_on(request, form, exc, prefix)
    else:
        return True
    return False




def _crumbs(card: Scorecard, *tail, board=None):
    """From the parent's board for its office, else from the user's own units' list."""
    title = f"{card.framework.name} {card.year} — {card.subject_name}"
    first = board or ("Bộ tiêu chí của đơn vị", mine_url(card.year))
    return [first, (title, card_url(card) if tail else None), *tail]


def _history_rows(card: Scorecard) -> list[dict]:
    workflow = card.workflow
    return [{
        "at": log.at,
        "actor": (log.actor.get_full_name() or log.actor.get_username()) if log.actor else "—",
        "label": workflow.transitions[log.transition].label
        if log.transition in workflow.transitions else log.transition,
        "from": workflow.label(log.from_state), "to": workflow.label(log.to_state),
        "reason": log.reason,
    } for log in workflow.history(card)]


def _is_appraiser(card: Scorecard, user) -> bool:
    """The parent's office (not the subject's own roles)."""
    return (domain.from_above_refusal(card, user) is None
            and scoping.covers(user, card.unit.path, OFFICE))


# The scorecard page --------------------------------------------------------------------------------
def _reason_form(data, step) -> ReasonForm:
    return ReasonForm(data, required=step.reason_required, label=f"Lý do {step.label.lower()}",
                      auto_id=f"{step.name}_%s")


def _decision_form(data, step) -> DecisionForm:
    initial = None if data is not None else {"decision_date": timezone.localdate()}
    return DecisionForm(data, initial=initial, required=step.reason_required,
                        label=f"Lý do {step.label.lower()}" if step.reason_required
                        else "Ghi chú (nếu có)", auto_id=f"{step.name}_%s")


def _self_initial(shape) -> dict:
    initial = {}
    for item in shape.items:
        if item.line is not None:
            if item.line.self_points is not None:
                initial[f"{POINTS}{item.pk}"] = rules.fmt(item.line.self_points)
            initial[f"{NOTE}{item.pk}"] = item.line.self_note
    return initial


def _appraisal_initial(shape) -> dict:
    initial = {}
    for item in shape.items:
        if item.line is None:
            continue
        given = item.line.appraised_points
        if given is None:
            given = item.line.self_points
        if given is not None:
            initial[f"{APPRAISED}{item.pk}"] = rules.fmt(given)
        initial[f"{REASON}{item.pk}"] = item.line.appraisal_reason
    return initial


def _evaluation_rows(card: Scorecard, evaluations) -> list[dict]:
    every = card.framework.evaluation_every
    found = {e.period: e for e in evaluations}
    return [{"period": n, "label": period_label(n, every), "evaluation": found.get(n)}
            for n in range(1, 12 // max(1, every) + 1)]


def _render_card(request, pk, *, commitments_form=None, evaluation_form=None, self_form=None,
                 appraisal_form=None, action_forms=None):
    """The scorecard page; the forms given are shown bound (with the input and errors)."""
    user = request.user
    card = _card(request, pk)
    shape = printing.outline(card)
    evaluations = list(card.evaluations.select_related("submitted_by"))
    locked = card.is_locked
    writer = domain.may_write(card, user)
    subject_edits = writer and not locked and card.state in SUBJECT_EDITS
    groups = [g.criterion for g in shape.groups]

    # A refused POST shows its form again with the input, even when editing is not open
    # (any more): nothing the user typed is lost.
    if subject_edits and card.state == "draft" and commitments_form is None:
        commitments_form = CommitmentsForm(
            initial={f"{COMMITMENT}{g.criterion.pk}": g.commitment for g in shape.groups},
            groups=groups, auto_id="dangky_%s")
    evaluating = writer and not locked and card.state != "draft"
    if evaluating and evaluation_form is None:
        evaluation_form = EvaluationForm(every=card.framework.evaluation_every,
                                         auto_id="danhgia_%s")
    scoring = subject_edits and card.state != "draft"
    if scoring and self_form is None:
        self_form = SelfScoreForm(initial=_self_initial(shape), items=[i.criterion for i in
                                                                       shape.items],
                                  group_of=shape.group_of, auto_id="tucham_%s")
    appraising = card.state == "submitted" and _is_appraiser(card, user)
    if appraising and appraisal_form is None:
        appraisal_form = AppraisalForm(initial=_appraisal_initial(shape),
                                       items=[i.criterion for i in shape.items],
                                       auto_id="thamdinh_%s")

    action_forms = dict(action_forms or {})
    actions = []
    for step in card.workflow.available(card, user):
        if step.name not in TRANSITIONS:
            continue
        form = action_forms.pop(step.name, None)
        if form is None and step.reason_required and step.name not in DECISIONS:
            form = _reason_form(None, step)
        actions.append({"name": step.name, "label": step.label, "form": form,
                        "confirm": step.name in DECISIONS,
                        "url": reverse("scorecards:card_transition", args=[card.pk, step.name])})
    unsent = [form.data.get("reason", "").strip() for form in action_forms.values()
              if form.is_bound and form.data.get("reason", "").strip()]
    unmet = (domain.unmet(card) if card.state == "appraised"
             and card.framework.recognition_label else [])

    # Rows of the score tables: each item with its bound fields (when a form is shown).
    sections = []
    for group in shape.groups:
        rows = [{"item": item,
                 "self": self_form.fields_of(item.pk) if self_form is not None else None,
                 "appraisal": (appraisal_form.fields_of(item.pk)
                               if appraisal_form is not None else None)}
                for item in group.items]
        sections.append({"group": group, "rows": rows})
    bands = card.framework.bands
    board = parent_board(card, user)
    return render(request, "scorecards/card_detail.html", {
        "card": card, "framework": card.framework, "shape": shape, "sections": sections,
        "locked": locked, "writer": writer, "appraising": appraising,
        "state_badge": STATE_BADGES.get(card.state, "text-bg-light"),
        "band_label": rules.band_label(card.band, bands) if bands and card.band else "",
        "self_total": rules.fmt(card.self_total) if card.self_total is not None else None,
        "appraised_total": (rules.fmt(card.appraised_total)
                            if card.appraised_total is not None else None),
        "result": printing.result_text(card),
        "registration_due": domain.registration_due(card),
        "commitments_form": commitments_form, "commitment_rows": (
            commitments_form.rows() if commitments_form is not None else []),
        "commitment_errors": error_lines(commitments_form),
        "may_register": subject_edits and card.state == "draft",
        "evaluation_rows": _evaluation_rows(card, evaluations),
        "evaluation_form": evaluation_form, "evaluation_errors": error_lines(evaluation_form),
        "self_form": self_form, "self_errors": error_lines(self_form),
        "unscored": [i.criterion.code for i in shape.items if i.self_points is None],
        "files_again": (FILES_AGAIN if self_form is not None and self_form.is_bound
                        and request.FILES else ""),
        "appraisal_form": appraisal_form, "appraisal_errors": error_lines(appraisal_form),
        "actions": actions, "unsent": unsent, "unmet": unmet,
        "history": _history_rows(card),
        "office": docs.office_binary() is not None, "no_office": NO_OFFICE,
        "board": board,
        "breadcrumbs": _crumbs(card, board=board),
    })


@login_required
@require_safe
def card(request, pk):
    return _render_card(request, pk)


@login_required
@require_POST
def commitments(request, pk):
    """Save the commitments; with “Gửi đăng ký”, register as well."""
    user = request.user
    card_ = _card(request, pk)
    groups = card_.framework.groups()
    form = CommitmentsForm(request.POST, groups=groups, auto_id="dangky_%s")
    if form.is_valid():
        if _applied(request, form, domain.save_commitments, card_, user, form.texts()):
            if "gui" not in request.POST:
                messages.success(request, "Đã lưu nội dung đăng ký.")
                return redirect(card_url(card_, "dang-ky"))
            try:
                domain.register(card_, user)
            except (PermissionDenied, TransitionError) as exc:
                http.flash_refusal(request, exc)
            except ValidationError as exc:
                apply_errors(form, exc)
                form.add_error(None, "Nội dung đã ghi được lưu nhưng chưa gửi đăng ký.")
            else:
                late = (" (sau hạn đăng ký nên được ghi là đăng ký muộn)"
                        if card_.is_late else "")
                messages.success(request, f"Đã gửi đăng ký{late}.")
                return redirect(card_url(card_, "dang-ky"))
    else:
        mark_invalid(form)
    return _render_card(request, pk, commitments_form=form)


@login_required
@require_POST
def evaluation(request, pk):
    """A periodic self-evaluation with its evidence file."""
    card_ = _card(request, pk)
    form = EvaluationForm(request.POST, request.FILES, every=card_.framework.evaluation_every,
                          auto_id="danhgia_%s")
    if not http.upload_refused(request, form, None) and form.is_valid():
        data = form.cleaned_data
        if _applied(request, form, domain.evaluate, card_, request.user, data["period"],
                    data["note"], data.get("evidence")):
            label = period_label(data["period"], card_.framework.evaluation_every)
            messages.success(request, f"Đã ghi tự đánh giá {label.lower()}.")
            return redirect(card_url(card_, "tu-danh-gia"))
    mark_invalid(form)
    return _render_card(request, pk, evaluation_form=form)


@login_required
@require_POST
def self_score(request, pk):
    """The year-end self-score of every item, with explanations and evidence files."""
    card_ = _card(request, pk)
    shape = printing.outline(card_)
    form = SelfScoreForm(request.POST, request.FILES, items=[i.criterion for i in shape.items],
                         group_of=shape.group_of, auto_id="tucham_%s")
    if not http.upload_refused(request, form, None) and form.is_valid() and _applied(
            request, form, domain.self_score, card_, request.user, form.scores(), form.uploads(),
            prefix=POINTS):
        messages.success(request, "Đã lưu điểm tự chấm.")
        return redirect(card_url(card_, "tu-cham"))
    mark_invalid(form)
    return _render_card(request, pk, self_form=form)


@login_required
@require_POST
def appraisal(request, pk):
    """The parent's appraised points per item; a reason wherever they differ."""
    card_ = _card(request, pk)
    shape = printing.outline(card_)
    form = AppraisalForm(request.POST, items=[i.criterion for i in shape.items],
                         auto_id="thamdinh_%s")
    if form.is_valid() and _applied(request, form, domain.appraise, card_, request.user,
                                    form.scores(), prefix=APPRAISED):
        messages.success(request, "Đã lưu điểm thẩm định. Khi xong, bấm “Hoàn thành thẩm "
                                  "định”.")
        return redirect(card_url(card_, "tham-dinh"))
    mark_invalid(form)
    return _render_card(request, pk, appraisal_form=form)


# Transitions ---------------------------------------------------------------------------------------
def _confirm_lines(card: Scorecard, name: str) -> list[str]:
    label = printing.model_name(card)
    final = card.appraised_total if card.appraised_total is not None else card.self_total
    score = rules.fmt(final) if final is not None else "—"
    if name == "submit":
        return [f"Phiếu được gửi cấp trên thẩm định với {score} điểm tự chấm.",
                "Sau khi gửi, đơn vị không sửa được phiếu nữa, trừ khi cấp trên trả lại."]
    if name == "appraise":
        return ["Các tiêu chí chưa ghi điểm thẩm định giữ nguyên điểm tự chấm.",
                "Phiếu chuyển Ban Thường vụ quyết định."]
    if name == "recognise":
        if card.framework.bands:
            band = rules.band_label(card.band, card.framework.bands) if card.band else "—"
            return [f"{card.subject_name} được xếp loại “{band}” năm {card.year} ({score} "
                    "điểm).",
                    "Sau khi ghi quyết định, phiếu bị khóa; chỉ quản trị mở lại được và phải "
                    "ghi rõ lý do."]
        return [f"{card.subject_name} được công nhận “{label}” năm {card.year} với {score} "
                "điểm.",
                "Sau khi ghi quyết định, phiếu bị khóa; chỉ quản trị mở lại được và phải ghi "
                "rõ lý do."]
    if name == "refuse":
        return [f"{card.subject_name} không được công nhận “{label}” năm {card.year}.",
                "Sau khi ghi quyết định, phiếu bị khóa; chỉ quản trị mở lại được và phải ghi "
                "rõ lý do."]
    if name == "reopen":
        return ["Quyết định đã ghi bị xóa khỏi phiếu; phiếu trở lại trạng thái “Đã thẩm định”."]
    return []


def _confirm_page(request, card_, step, form, *, error: str = ""):
    """The confirmation page of a transition (the decisions' form: number, date, reason).

    ``error`` is the domain's refusal of a POST: shown with the unmet conditions of a
    refused recognition; the form stays (with the input) while the step is still open."""
    user = request.user
    refusal = card_.workflow.refusal(card_, step.name, user)
    unmet = []
    if step.name == "recognise" and card_.state == "appraised" and (error or refusal):
        unmet = domain.unmet(card_) if card_.framework.recognition_label else []
    typed = ""
    if refusal and form is not None and form.is_bound:
        typed = (form.data.get("decision_number", "") or "").strip()
    return render(request, "scorecards/card_confirm.html", {
        "card": card_, "step": step, "form": None if refusal else form,
        "refusal": error or refusal, "unmet": unmet, "typed": typed,
        "decision": step.name in DECISIONS, "lines": _confirm_lines(card_, step.name),
        "self_total": rules.fmt(card_.self_total) if card_.self_total is not None else "",
        "appraised_total": (rules.fmt(card_.appraised_total)
                            if card_.appraised_total is not None else ""),
        "breadcrumbs": _crumbs(card_, (step.label, None), board=parent_board(card_, user)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def transition(request, pk, name):
    """Submit, return (reason), finish the appraisal, decide (number, date; after a
    confirmation page) or reopen (reason)."""
    if name not in TRANSITIONS:
        raise Http404("Không tìm thấy.")
    user = request.user
    card_ = _card(request, pk)
    step = card_.workflow.transitions[name]
    data = request.POST if request.method == "POST" else None
    form = _decision_form(data, step) if name in DECISIONS else _reason_form(data, step)
    if request.method == "GET":
        return _confirm_page(request, card_, step, form)
    if not form.is_valid():
        mark_invalid(form)
        if name in DECISIONS:
            return _confirm_page(request, card_, step, form)
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _render_card(request, pk, action_forms={name: form})
    extra = {}
    if name in DECISIONS:
        extra = {"decision_number": form.cleaned_data["decision_number"],
                 "decision_date": form.cleaned_data["decision_date"]}
    try:
        domain.transition(card_, name, user, form.reason_text(), **extra)
    except (TransitionError, PermissionDenied, ValidationError) as exc:
        if name in DECISIONS:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            return _confirm_page(request, card_, step, form, error=text)
        http.flash_refusal(request, exc)
        return _render_card(request, pk, action_forms={name: form})
    messages.success(request, DONE[name])
    return redirect(card_url(card_))


# Files ---------------------------------------------------------------------------------------------
def _serve(field_file):
    """A stored evidence file as an attachment — only ever after a scoped fetch."""
    if not field_file:
        raise Http404("Không có tệp.")
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404("Tệp không còn trên máy chủ.") from exc
    return FileResponse(handle, as_attachment=True, filename=PurePosixPath(field_file.name).name)


@login_required
@require_safe
def line_evidence(request, pk, criterion_pk):
    card_ = _card(request, pk)
    line = get_object_or_404(card_.lines.all(), criterion_id=criterion_pk)
    return _serve(line.evidence)


@login_required
@require_safe
def evaluation_evidence(request, pk, period):
    card_ = _card(request, pk)
    found = get_object_or_404(card_.evaluations.all(), period=period)
    return _serve(found.evidence)


def _document(request, pk, extension: str, make, title: str, file_title: str):
    if extension not in ("docx", "pdf"):
        raise Http404("Không tìm thấy.")
    card_ = _card(request, pk)
    name = f"{file_title} {printing.model_name(card_)} {card_.year} - {card_.subject_name}"
    return produce(request, lambda: make(card_), name=name, extension=extension,
                   back=card_url(card_, "in-an"), title=title, back_label="Quay lại phiếu",
                   breadcrumbs=_crumbs(card_, (title, None)))


@login_required
@require_safe
def registration_document(request, pk, extension):
    return _document(request, pk, extension, printing.registration_docx,
                     "Không tạo được bản đăng ký", "Bản đăng ký")


@login_required
@require_safe
def scorecard_document(request, pk, extension):
    return _document(request, pk, extension, printing.scorecard_docx,
                     "Không tạo được phiếu chấm điểm", "Phiếu chấm điểm")


# My units' scorecards -------------------------------------------------------------------------------
def office_units(user) -> list[Unit]:
    """The active units on which the user holds an office role (admin, secretariat,
    leader): one query after the role paths the request has already read."""
    paths = set()
    for role in OFFICE:
        covered = scoping.covered_paths(user, [role])
        if covered is scoping.EVERYTHING:
            return []
        paths.update(covered)
    if not paths:
        return []
    return list(Unit.objects.filter(path__in=sorted(paths), is_active=True)
                .select_related("kind").order_by("path"))


def _chosen_year(request, raw: str) -> int:
    raw = (raw or "").strip()
    if not raw:
        return this_year()
    if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    messages.error(request, f"Năm “{raw[:20]}” không hợp lệ (từ 2000 đến 2100). Đang hiển thị "
                            "năm hiện tại.")
    return this_year()


def _applies(framework: Framework, unit: Unit) -> bool:
    kinds = {kind.pk for kind in framework.unit_kinds.all()}
    return framework.subject == Subject.UNITS and (not kinds or unit.kind_id in kinds)


def _start(request, year: int):
    """POST “Đăng ký”: make the scorecard (domain.start), then open its registration."""
    user = request.user
    raw_framework = request.POST.get("bo", "")
    if not (raw_framework.isascii() and raw_framework.isdigit()):
        raise Http404("Không tìm thấy.")
    framework = get_object_or_404(Framework.objects.prefetch_related("unit_kinds"),
                                  pk=int(raw_framework), is_active=True)
    person = unit = None
    if framework.subject == Subject.PEOPLE:
        person = Person.objects.filter(user=user).select_related("unit").first()
        if person is None:
            raise Http404("Không tìm thấy.")
    else:
        raw_unit = request.POST.get("don_vi", "")
        if not (raw_unit.isascii() and raw_unit.isdigit() and len(raw_unit) <= 18):
            raise Http404("Không tìm thấy.")
        unit = scoping.get_scoped_or_404(Unit.objects.select_related("kind"), user, OFFICE,
                                         pk=int(raw_unit), is_active=True)
    try:
        made = domain.start(framework, unit, year, user, person=person)
    except (PermissionDenied, ValidationError) as exc:
        http.flash_refusal(request, exc)
        return redirect(mine_url(year))
    if made.state == "draft":
        messages.success(request, f"Đã lập phiếu “{framework.name}” năm {year}. Hãy ghi nội "
                                  "dung đăng ký theo từng tiêu chí rồi bấm “Gửi đăng ký”.")
    return redirect(card_url(made, "dang-ky"))


@login_required
@require_http_methods(["GET", "POST"])
def mine(request):
    """The scorecards of the units whose office I am (and mine), for a year."""
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    year = _chosen_year(request, source.get("nam", ""))
    if request.method == "POST":
        return _start(request, year)
    units = office_units(user)
    person = Person.objects.filter(user=user).select_related("unit").first()
    frameworks = list(Framework.objects.filter(is_active=True).prefetch_related("unit_kinds")
                      .order_by("name"))
    condition = Q(pk__in=[])
    if units:
        condition |= Q(unit__in=units, person__isnull=True)
    if person is not None:
        condition |= Q(person=person)
    cards = {}
    if units or person is not None:
        for found in Scorecard.objects.filter(condition, year=year).select_related("framework"):
            cards[(found.framework.code, found.unit_id if not found.person_id else None,
                   found.person_id)] = found
    rows = []
    for unit in units:
        for framework in frameworks:
            if _applies(framework, unit):
                rows.append(_mine_row(framework, cards.get((framework.code, unit.pk, None)),
                                      year, unit=unit))
    if person is not None:
        for framework in frameworks:
            if framework.subject == Subject.PEOPLE:
                rows.append(_mine_row(framework, cards.get((framework.code, None, person.pk)),
                                      year, person=person))
    current = this_year()
    return render(request, "scorecards/card_mine.html", {
        "rows": rows, "year": year, "units": units, "person": person,
        "previous_url": mine_url(year - 1), "next_url": mine_url(year + 1),
        "current_url": mine_url(current) if year != current else None,
        "superuser": user.is_superuser,
        "board_url": boards_url(year) if units or user.is_superuser else None,
        "breadcrumbs": [("Bộ tiêu chí của đơn vị", None)],
    })


def _mine_row(framework, found, year: int, *, unit=None, person=None) -> dict:
    row = {"framework": framework, "unit": unit, "person": person, "card": found,
           "url": card_url(found) if found else None}
    if found is None:
        row["due"] = due_text(framework, year)
    if found is not None:
        bands = found.framework.bands
        final = found.appraised_total if found.appraised_total is not None else found.self_total
        row.update({
            "state": found.get_state_display(),
            "state_badge": STATE_BADGES.get(found.state, "text-bg-light"),
            "score": rules.fmt(final) if final is not None else "",
            "band": rules.band_label(found.band, bands) if bands and found.band else "",
            "locked": found.state in LOCKED,
        })
    return row


def due_text(framework: Framework, year: int) -> str:
    day, month = (int(part) for part in framework.registration_due.split("/"))
    return f"{date(year, month, day):%d/%m/%Y}"


urlpatterns = [
    path("don-vi/", mine, name="mine"),
    path("phieu/<int:pk>/", card, name="card"),
    path("phieu/<int:pk>/dang-ky/", commitments, name="card_commitments"),
    path("phieu/<int:pk>/tu-danh-gia/", evaluation, name="card_evaluation"),
    path("phieu/<int:pk>/tu-danh-gia/<int:period>/minh-chung/", evaluation_evidence,
         name="card_evaluation_evidence"),
    path("phieu/<int:pk>/tu-cham/", self_score, name="card_self_score"),
    path("phieu/<int:pk>/minh-chung/<int:criterion_pk>/", line_evidence,
         name="card_line_evidence"),
    path("phieu/<int:pk>/tham-dinh/", appraisal, name="card_appraisal"),
    path("phieu/<int:pk>/chuyen/<slug:name>/", transition, name="card_transition"),
    path("phieu/<int:pk>/ban-dang-ky.<str:extension>", registration_document,
         name="card_registration_doc"),
    path("phieu/<int:pk>/phieu-cham-diem.<str:extension>", scorecard_document,
         name="card_scorecard_doc"),
]
