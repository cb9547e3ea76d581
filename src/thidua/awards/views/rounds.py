"""Award rounds: list, open, candidates, nominate, vote, sign, appraise, decide, revoke.

Every page reaches its round through :func:`round_or_404` (the readers of the round's
unit and its council members; the granting unit is an ancestor, so its people read it
too): another unit's round answers 404. Every change is a POST that goes through
:mod:`thidua.awards.rounds`, which decides who may do what; irreversible steps (sign
the proposal, sign the decision, revoke) ask for a confirmation first.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from thidua.awards import docs, rounds
from thidua.awards.forms_rounds import (
    AppraisalForm,
    ConfirmForm,
    DecisionForm,
    NominationForm,
    ReasonForm,
    RevokeForm,
    RoundForm,
    SignForm,
    VoteForm,
    apply_errors,
)
from thidua.awards.models import (
    LEADERS,
    OFFICE,
    ROUND_WORKFLOW,
    Award,
    AwardRound,
    AwardType,
    Nomination,
    Subject,
)
from thidua.core import http, scoping
from thidua.core.roles import READ_ROLES, Role
from thidua.documents.views.movement import produce
from thidua.org.models import Person, Unit

#: Who reads a round: the directory's readers and the council's members.
VIEW_ROLES = READ_ROLES | {Role.COUNCIL}
STEPS = [("open", "Lập danh sách"), ("voting", "Hội đồng biểu quyết"), ("voted", "Hội đồng đã xét"),
         ("signed", "Ký tờ trình"), ("appraised", "Thẩm định"), ("decided", "Quyết định")]
STATE_BADGES = {"open": "text-bg-info", "voting": "text-bg-warning", "voted": "text-bg-primary",
                "signed": "text-bg-secondary", "appraised": "text-bg-dark",
                "decided": "text-bg-success"}
DONE = {"start_voting": "Đã trình Hội đồng; các thành viên có thể biểu quyết.",
        "close_voting": "Đã kết thúc biểu quyết; kết quả và biên bản đã được ghi.",
        "reopen": "Đã mở lại danh sách; các phiếu biểu quyết đã được hủy.",
        "appraise": "Đã hoàn thành thẩm định; chờ lãnh đạo cấp quyết định ký quyết định."}


#: Steps that cannot be undone: the button's form must carry the confirmation box.
CONFIRMED = {"appraise": "Hãy đánh dấu ô xác nhận trước khi hoàn thành thẩm định: sau bước này "
                         "kết quả thẩm định không sửa được nữa."}


# Helpers --------------------------------------------------------------------------------------
def round_url(round_, anchor: str = "") -> str:
    url = reverse("awards:round", args=[round_.pk])
    return f"{url}#{anchor}" if anchor else url


def _rounds(user):
    return scoping.scope(AwardRound.objects.select_related("unit", "granting_unit", "movement"),
                         user, VIEW_ROLES)


def round_or_404(request, pk) -> AwardRound:
    return scoping.get_scoped_or_404(
        AwardRound.objects.select_related("unit", "unit__kind", "granting_unit",
                                          "granting_unit__kind", "movement", "signed_by",
                                          "created_by"),
        request.user, VIEW_ROLES, pk=pk)


def _nomination(request, round_, nid) -> Nomination:
    return get_object_or_404(Nomination.objects.select_related("award_type", "person", "unit",
                                                               "round"),
                             pk=nid, round=round_)


def _crumbs(round_=None, *tail):
    crumbs = [("Đợt xét khen thưởng", reverse("awards:rounds"))]
    if round_ is not None:
        crumbs.append((round_.name, round_url(round_) if tail else None))
    return [*crumbs, *tail]


def _posted(request):
    """The POST data of a form (an empty POST too: a missing confirmation is an error)."""
    return request.POST if request.method == "POST" else None


def _may(user, unit, roles) -> bool:
    return scoping.covers(user, unit.path, roles)


def _history(round_) -> list[dict]:
    return [{"at": log.at, "label": ROUND_WORKFLOW.transitions[log.transition].label
             if log.transition in ROUND_WORKFLOW.transitions else log.transition,
             "actor": (log.actor.get_full_name() or log.actor.get_username()) if log.actor else "—",
             "to": ROUND_WORKFLOW.label(log.to_state), "reason": log.reason}
            for log in ROUND_WORKFLOW.history(round_)]


def _office_units(user):
    return scoping.scope(Unit.objects.filter(is_active=True), user, OFFICE).select_related("kind")


# List and opening ------------------------------------------------------------------------------
@login_required
@require_safe
def round_list(request):
    if not scoping.roles_of(request.user) & VIEW_ROLES:
        raise PermissionDenied("Bạn không có quyền xem các đợt xét khen thưởng.")
    rows = (_rounds(request.user).annotate(nominated=Count("nominations"))
            .order_by("-year", "unit__path", "-pk"))
    unit_id = request.GET.get("don-vi", "")
    unit = None
    if unit_id.isdigit():
        unit = scoping.get_scoped_or_404(Unit, request.user, VIEW_ROLES, pk=int(unit_id))
        rows = rows.filter(unit__path__startswith=unit.path)
    rows = list(rows[:200])
    for row in rows:
        row.state_badge = STATE_BADGES.get(row.state, "text-bg-light")
    return render(request, "awards/round_list.html", {
        "rounds": rows, "unit": unit,
        "may_open": _office_units(request.user).exists(),
        "breadcrumbs": [("Đợt xét khen thưởng", None)],
    })


@login_required
@require_http_methods(["GET", "POST"])
def round_new(request):
    units = list(_office_units(request.user).order_by("path")[:500])
    if not units:
        raise PermissionDenied("Bạn không có quyền mở đợt xét khen thưởng.")
    chosen = request.POST.get("don-vi") or request.GET.get("don-vi") or ""
    unit = next((u for u in units if str(u.pk) == chosen), units[0])
    options = rounds.granting_options(unit)
    form = RoundForm(_posted(request), granting_units=options,
                     movements=rounds.movements_for(unit))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = rounds.open_round(request.user, unit, data["year"],
                                       granting_unit=data["granting_unit"], name=data["name"],
                                       movement=data["movement"],
                                       objections_until=data["objections_until"])
        except PermissionDenied as exc:
            http.flash_refusal(request, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Đã mở đợt xét “{round_.name}”.")
            return redirect(round_url(round_))
    return render(request, "awards/round_new.html", {
        "form": form, "units": units, "unit": unit, "options": options,
        "breadcrumbs": _crumbs(None, ("Mở đợt xét", None)),
    }, status=400 if form.errors else 200)


# The round page --------------------------------------------------------------------------------
def _nominations(round_):
    return list(round_.nominations.select_related("award_type", "person", "unit",
                                                  "council_lower_to", "appraised_to"))


@login_required
@require_safe
def round_detail(request, pk):
    round_ = round_or_404(request, pk)
    user = request.user
    nominations = _nominations(round_)
    awards = {a.nomination_id: a for a in Award.objects.filter(nomination__round=round_)
              .select_related("award_type")}
    for n in nominations:
        n.award_row = awards.get(n.pk)
        n.proposed_type = rounds.council_type(n) if n.council_outcome in rounds.PROPOSED else None
        n.final = rounds.final_type(n) if n.appraisal in rounds.GRANTED else None
    order = [s for s, _ in STEPS]
    reached = order.index(round_.state)
    steps = [{"state": s, "label": label, "done": i < reached, "current": i == reached}
             for i, (s, label) in enumerate(STEPS)]
    office = _may(user, round_.unit, OFFICE)
    member = rounds.is_member(user, round_)
    granting_office = _may(user, round_.granting_unit, OFFICE)
    granting_leader = _may(user, round_.granting_unit, LEADERS)
    decision = rounds.decision_of(round_)
    return render(request, "awards/round_detail.html", {
        "round": round_, "nominations": nominations, "steps": steps,
        "state_badge": STATE_BADGES.get(round_.state), "history": _history(round_),
        "office": office, "member": member, "granting_office": granting_office,
        "granting_leader": granting_leader, "decision": decision,
        "may_sign": round_.state == "voted" and _may(user, round_.unit, LEADERS),
        "may_start": round_.state == "open" and office,
        "may_close": round_.state == "voting" and office,
        "may_reopen": round_.state in ("voting", "voted") and office,
        "reason_form": ReasonForm(),
        "members": rounds.council_members(round_) if round_.state == "voting" else [],
        "breadcrumbs": _crumbs(round_),
    })


@login_required
@require_POST
def round_transition(request, pk, name):
    round_ = round_or_404(request, pk)
    actions = {"start_voting": lambda: rounds.start_voting(request.user, round_),
               "close_voting": lambda: rounds.close_voting(request.user, round_),
               "reopen": lambda: rounds.reopen(request.user, round_,
                                               request.POST.get("reason", "")),
               "appraise": lambda: rounds.finish_appraisal(request.user, round_)}
    if name not in actions:
        raise Http404("Không tìm thấy.")
    if name in CONFIRMED and not request.POST.get("confirm"):
        messages.error(request, CONFIRMED[name])
        return redirect(reverse("awards:round_appraisal", args=[round_.pk])
                        if name == "appraise" else round_url(round_))
    try:
        actions[name]()
    except (PermissionDenied, ValidationError) as exc:
        http.flash_refusal(request, exc)
    else:
        messages.success(request, DONE[name])
    return redirect(round_url(round_))


# Candidates and nominations -------------------------------------------------------------------
def _may_nominate(request, round_) -> None:
    if not _may(request.user, round_.unit, OFFICE):
        raise PermissionDenied("Bạn không có quyền lập danh sách đề nghị của đơn vị này.")


@login_required
@require_safe
def round_candidates(request, pk):
    round_ = round_or_404(request, pk)
    _may_nominate(request, round_)
    evaluation = rounds.evaluate(round_)
    types = {t.code: t for t in rounds.grantable_types(round_.granting_unit)}
    nominated = set(round_.nominations.values_list("award_type__code", "person_id", "unit_id"))
    nominated = {(code, pid) if pid else (code, None, uid) for code, pid, uid in nominated}

    def row(candidate) -> dict:
        key = ((candidate.award_type, candidate.person_id) if candidate.person_id
               else (candidate.award_type, None, candidate.unit_id))
        return {"c": candidate, "type": types.get(candidate.award_type),
                "nominated": key in nominated}

    counts = {}
    for c in evaluation.candidates:
        counts[c.award_type] = counts.get(c.award_type, 0) + 1
    tabs = [{"code": code, "name": t.name, "count": counts.get(code, 0)}
            for code, t in types.items() if not t.is_manual]
    chosen = request.GET.get("loai", "")
    if chosen not in types:
        chosen = ""
    candidates = [row(c) for c in evaluation.candidates if not chosen or c.award_type == chosen]
    near = [row(c) for c in evaluation.near_misses if not chosen or c.award_type == chosen]
    # The evaluation's quota counts the eligible; the round refuses on its own list.
    quotas = [{"type": types.get(code), "code": code, "quota": q,
               "round": rounds.quota_state(round_, types[code]) if code in types else None}
              for code, q in evaluation.quotas.items()]
    return render(request, "awards/round_candidates.html", {
        "round": round_, "candidates": candidates, "near_misses": near, "quotas": quotas,
        "open": round_.state == "open", "tabs": tabs, "chosen": chosen,
        "breadcrumbs": _crumbs(round_, ("Danh sách đủ điều kiện", None)),
    })


@login_required
@require_POST
def nominate_candidate(request, pk):
    """Nominate one candidate of the candidates page (its answer is computed again)."""
    round_ = round_or_404(request, pk)
    _may_nominate(request, round_)
    award_type = get_object_or_404(AwardType, code=request.POST.get("award_type", ""))
    person = unit = None
    try:
        if award_type.subject == Subject.PERSON:
            person = get_object_or_404(Person.objects.select_related("unit"),
                                       pk=int(request.POST.get("person", "0") or 0),
                                       unit__path__startswith=round_.unit.path)
        else:
            unit = get_object_or_404(Unit, pk=int(request.POST.get("unit", "0") or 0),
                                     path__startswith=round_.unit.path)
    except ValueError as exc:
        raise Http404("Không tìm thấy.") from exc
    try:
        rounds.nominate(request.user, round_, award_type, person=person, unit=unit,
                        achievement=request.POST.get("achievement", ""))
    except (PermissionDenied, ValidationError) as exc:
        http.flash_refusal(request, exc)
    else:
        messages.success(request, f"Đã đề nghị “{award_type.name}” cho "
                                  f"{person.full_name if person else unit.name}.")
    return redirect(reverse("awards:round_candidates", args=[round_.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def nomination_new(request, pk):
    round_ = round_or_404(request, pk)
    _may_nominate(request, round_)
    types = rounds.grantable_types(round_.granting_unit)
    form = NominationForm(_posted(request), round_=round_, award_types=types,
                          initial={"award_type": request.GET.get("loai")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind = data["award_type"]
        try:
            nomination = rounds.nominate(
                request.user, round_, kind,
                person=data["person"] if kind.subject == Subject.PERSON else None,
                unit=data["unit"] if kind.subject == Subject.COLLECTIVE else None,
                achievement=data["achievement"], justification=data["justification"])
        except PermissionDenied as exc:
            http.flash_refusal(request, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Đã thêm đề nghị: {nomination}.")
            return redirect(round_url(round_, "danh-sach"))
    return render(request, "awards/nomination_form.html", {
        "round": round_, "form": form, "open": round_.state == "open",
        "breadcrumbs": _crumbs(round_, ("Thêm đề nghị", None)),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def nomination_remove(request, pk, nid):
    round_ = round_or_404(request, pk)
    nomination = _nomination(request, round_, nid)
    try:
        rounds.remove_nomination(request.user, nomination)
    except (PermissionDenied, ValidationError) as exc:
        http.flash_refusal(request, exc)
    else:
        messages.success(request, f"Đã bỏ đề nghị: {nomination}.")
    return redirect(round_url(round_, "danh-sach"))


# Council ------------------------------------------------------------------------------------------
def _lower_options(award_type, all_types):
    return [t for t in all_types if rounds.is_lower(t, award_type)]


@login_required
@require_http_methods(["GET", "POST"])
def round_vote(request, pk):
    round_ = round_or_404(request, pk)
    if not rounds.is_member(request.user, round_):
        raise PermissionDenied("Chỉ thành viên Hội đồng Thi đua – Khen thưởng mới biểu quyết.")
    nominations = list(_nominations(round_))
    all_types = rounds.grantable_types(round_.granting_unit)  # lower forms within authority
    voted = rounds.voted_by(request.user, round_)
    bound = {}
    if request.method == "POST":
        nomination = _nomination(request, round_, request.POST.get("nomination", "0")
                                 if request.POST.get("nomination", "").isdigit() else 0)
        form = VoteForm(request.POST, prefix=f"n{nomination.pk}",
                        lower_options=_lower_options(nomination.award_type, all_types))
        if form.is_valid():
            try:
                rounds.cast_vote(request.user, nomination, form.cleaned_data["choice"],
                                 form.cleaned_data["lower_to"])
            except PermissionDenied as exc:
                http.flash_refusal(request, exc)
            except ValidationError as exc:
                apply_errors(form, exc)
                bound[nomination.pk] = form
            else:
                messages.success(request, f"Đã ghi biểu quyết cho đề nghị: {nomination}.")
                return redirect(reverse("awards:round_vote", args=[round_.pk]))
        else:
            bound[nomination.pk] = form
    rows = []
    for n in nominations:
        options = _lower_options(n.award_type, all_types)
        rows.append({"n": n, "voted": n.pk in voted, "secret": n.award_type.secret_ballot,
                     "has_lower": bool(options),
                     "form": bound.get(n.pk) or VoteForm(prefix=f"n{n.pk}",
                                                         lower_options=options)})
    return render(request, "awards/round_vote.html", {
        "round": round_, "rows": rows, "voting": round_.state == "voting",
        "any_secret": any(r["secret"] for r in rows),
        "breadcrumbs": _crumbs(round_, ("Biểu quyết", None)),
    }, status=400 if bound else 200)


@login_required
@require_safe
def round_results(request, pk):
    round_ = round_or_404(request, pk)
    return render(request, "awards/round_results.html", {
        "round": round_, "minutes": round_.minutes or {},
        "breadcrumbs": _crumbs(round_, ("Kết quả biểu quyết", None)),
    })


# Proposal letter -----------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def round_sign(request, pk):
    round_ = round_or_404(request, pk)
    if not _may(request.user, round_.unit, LEADERS):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị mới ký tờ trình.")
    form = SignForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            rounds.sign_proposal(request.user, round_,
                                 proposal_date=form.cleaned_data["proposal_date"],
                                 proposal_number=form.cleaned_data["proposal_number"])
        except PermissionDenied as exc:
            http.flash_refusal(request, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Đã ký Tờ trình số {round_.proposal_number}; hồ sơ đã "
                                      f"gửi {round_.granting_unit.name}.")
            return redirect(round_url(round_))
    return render(request, "awards/round_sign.html", {
        "round": round_, "form": form, "lines": list(rounds.proposed(round_)),
        "may": round_.state == "voted",
        "breadcrumbs": _crumbs(round_, ("Ký tờ trình", None)),
    }, status=400 if form.errors else 200)


@login_required
@require_safe
def proposal_download(request, pk):
    round_ = round_or_404(request, pk)
    if not round_.proposal_date:
        messages.error(request, "Tờ trình chưa được ký.")
        return redirect(round_url(round_))
    return produce(request, lambda: docs.proposal_docx(round_),
                   name=f"Tờ trình {round_.proposal_number} {round_.unit.name}",
                   extension="docx", back=round_url(round_), title="Tờ trình")


@login_required
@require_safe
def minutes_download(request, pk):
    round_ = round_or_404(request, pk)
    if not round_.minutes:
        messages.error(request, "Hội đồng chưa kết thúc biểu quyết: chưa có biên bản.")
        return redirect(round_url(round_))
    return produce(request, lambda: docs.minutes_docx(round_),
                   name=f"Biên bản họp Hội đồng {round_.unit.name} {round_.year}",
                   extension="docx", back=round_url(round_), title="Biên bản")


# Appraisal -----------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def round_appraisal(request, pk):
    round_ = round_or_404(request, pk)
    if not _may(request.user, round_.granting_unit, OFFICE):
        raise PermissionDenied("Chỉ văn phòng của cấp quyết định mới thẩm định đề nghị.")
    all_types = rounds.grantable_types(round_.granting_unit)  # lower forms within authority
    lines = list(rounds.proposed(round_))
    bound = {}
    if request.method == "POST":
        nid = request.POST.get("nomination", "")
        nomination = _nomination(request, round_, int(nid) if nid.isdigit() else 0)
        form = AppraisalForm(request.POST, prefix=f"n{nomination.pk}", lower_options=_lower_options(
            rounds.council_type(nomination), all_types))
        if form.is_valid():
            data = form.cleaned_data
            try:
                rounds.appraise(request.user, nomination, data["appraisal"],
                                reason=data["appraisal_reason"], lower_to=data["appraised_to"])
            except PermissionDenied as exc:
                http.flash_refusal(request, exc)
            except ValidationError as exc:
                apply_errors(form, exc)
                bound[nomination.pk] = form
            else:
                messages.success(request, f"Đã ghi kết quả thẩm định: {nomination}.")
                return redirect(reverse("awards:round_appraisal", args=[round_.pk]))
        else:
            bound[nomination.pk] = form
    rows = [{"n": n, "type": rounds.council_type(n),
             "form": bound.get(n.pk) or AppraisalForm(
                 prefix=f"n{n.pk}", initial={"appraisal": n.appraisal or "accepted",
                                             "appraisal_reason": n.appraisal_reason,
                                             "appraised_to": n.appraised_to_id},
                 lower_options=_lower_options(rounds.council_type(n), all_types))}
            for n in lines]
    return render(request, "awards/round_appraisal.html", {
        "round": round_, "rows": rows, "appraising": round_.state == "signed",
        "missing": sum(1 for n in lines if not n.appraisal),
        "breadcrumbs": _crumbs(round_, ("Thẩm định", None)),
    }, status=400 if bound else 200)


# Decision ------------------------------------------------------------------------------------------
def _may_decide(request, round_) -> None:
    if not _may(request.user, round_.granting_unit, LEADERS):
        raise PermissionDenied("Chỉ lãnh đạo của cấp quyết định mới ban hành quyết định.")


@login_required
@require_http_methods(["GET", "POST"])
def decision_page(request, pk):
    round_ = round_or_404(request, pk)
    decision = rounds.decision_of(round_)
    leader = _may(request.user, round_.granting_unit, LEADERS)
    form = None
    if leader and (decision is None or not decision.is_signed):
        initial = ({"date": decision.date, "signer": decision.signer,
                    "signer_title": decision.signer_title, "number": decision.number}
                   if decision else {"signer_title": ""})
        form = DecisionForm(_posted(request), initial=initial)
    if request.method == "POST":
        _may_decide(request, round_)
        if decision is not None and decision.is_signed:
            messages.error(request, rounds.SIGNED_DECISION)
            return redirect(reverse("awards:decision", args=[round_.pk]))
        if form.is_valid():
            data = form.cleaned_data
            try:
                decision = rounds.draft_decision(request.user, round_, day=data["date"],
                                                 signer=data["signer"],
                                                 signer_title=data["signer_title"],
                                                 number=data["number"])
            except PermissionDenied as exc:
                http.flash_refusal(request, exc)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Đã lưu dự thảo quyết định.")
                return redirect(reverse("awards:decision", args=[round_.pk]))
    granted = [n for n in rounds.proposed(round_) if n.appraisal in rounds.GRANTED]
    base = rounds.base_salary_on(decision.date) if decision else None
    lines = [{"n": n, "type": rounds.final_type(n),
              "amount": rounds.reward_amount(rounds.final_type(n).coefficient, base.amount)
              if base else None} for n in granted]
    awards = list(decision.awards.select_related("award_type", "person", "unit")) \
        if decision and decision.is_signed else []
    shown = base
    if decision is not None and decision.is_signed and decision.base_salary is not None:
        # What the money was computed with, whatever the table says since.
        shown = {"amount": decision.base_salary, "effective_from": None}
    return render(request, "awards/decision_detail.html", {
        "round": round_, "decision": decision, "form": form, "lines": lines, "awards": awards,
        "base": shown, "leader": leader, "may_draft": round_.state == "appraised",
        "has_forms": any(a.award_type.kind == "form" for a in awards),
        "breadcrumbs": _crumbs(round_, ("Quyết định khen thưởng", None)),
    }, status=400 if form is not None and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def decision_sign(request, pk):
    round_ = round_or_404(request, pk)
    _may_decide(request, round_)
    decision = rounds.decision_of(round_)
    if decision is None:
        messages.error(request, "Hãy lập dự thảo quyết định (ngày, người ký) trước khi ký.")
        return redirect(reverse("awards:decision", args=[round_.pk]))
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            rounds.sign_decision(request.user, decision)
        except PermissionDenied as exc:
            http.flash_refusal(request, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Đã ký Quyết định số {decision.number}; khen thưởng đã "
                                      "được ghi vào lịch sử của từng cá nhân, tập thể.")
            return redirect(reverse("awards:decision", args=[round_.pk]))
    granted = [n for n in rounds.proposed(round_) if n.appraisal in rounds.GRANTED]
    return render(request, "awards/decision_confirm.html", {
        "round": round_, "decision": decision, "form": form, "count": len(granted),
        "signed": decision.is_signed,
        "breadcrumbs": _crumbs(round_, ("Quyết định khen thưởng",
                                        reverse("awards:decision", args=[round_.pk])),
                               ("Ký quyết định", None)),
    }, status=400 if form.errors else 200)


def _signed_decision(request, round_):
    decision = rounds.decision_of(round_)
    if decision is None or not decision.is_signed:
        return None
    return decision


@login_required
@require_safe
def decision_download(request, pk):
    round_ = round_or_404(request, pk)
    decision = _signed_decision(request, round_)
    if decision is None:
        messages.error(request, "Quyết định chưa được ký.")
        return redirect(round_url(round_))
    return produce(request, lambda: docs.decision_docx(decision),
                   name=f"Quyết định {decision.number}", extension="docx",
                   back=reverse("awards:decision", args=[round_.pk]), title="Quyết định")


@login_required
@require_safe
def certificates_download(request, pk):
    round_ = round_or_404(request, pk)
    decision = _signed_decision(request, round_)
    back = reverse("awards:decision", args=[round_.pk])
    if decision is None:
        messages.error(request, "Quyết định chưa được ký.")
        return redirect(round_url(round_))
    if not docs.certificate_lines(decision):
        messages.error(request, "Quyết định không có hình thức khen thưởng (Giấy khen, Bằng "
                                "khen) nào để in.")
        return redirect(back)
    return produce(request, lambda: docs.certificates_docx(decision),
                   name=f"Giấy khen theo Quyết định {decision.number}", extension="docx",
                   back=back, title="Giấy khen")


# Revocation ------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def award_revoke(request, award_pk):
    award = scoping.get_scoped_or_404(
        Award.objects.select_related("award_type", "person", "unit", "decision",
                                     "decision__granting_unit", "nomination__round"),
        request.user, READ_ROLES, pk=award_pk)
    granting = award.decision.granting_unit if award.decision_id else award.unit
    if not _may(request.user, granting, LEADERS):
        raise PermissionDenied("Chỉ lãnh đạo của cấp đã quyết định khen thưởng mới được thu hồi.")
    form = RevokeForm(_posted(request))
    back = (round_url(award.nomination.round) if award.nomination_id else reverse("awards:rounds"))
    if request.method == "POST" and form.is_valid():
        try:
            rounds.revoke(award, request.user, form.cleaned_data["reason"],
                          form.cleaned_data["decision_text"])
        except PermissionDenied as exc:
            http.flash_refusal(request, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Đã thu hồi: {award}.")
            return redirect(back)
    return render(request, "awards/decision_revoke.html", {
        "award": award, "form": form, "back": back,
        "breadcrumbs": [("Đợt xét khen thưởng", reverse("awards:rounds")),
                        ("Thu hồi khen thưởng", None)],
    }, status=400 if form.errors else 200)


urlpatterns = [
    path("dot-xet/", round_list, name="rounds"),
    path("dot-xet/mo/", round_new, name="round_new"),
    path("dot-xet/<int:pk>/", round_detail, name="round"),
    path("dot-xet/<int:pk>/thao-tac/<slug:name>/", round_transition, name="round_transition"),
    path("dot-xet/<int:pk>/du-dieu-kien/", round_candidates, name="round_candidates"),
    path("dot-xet/<int:pk>/de-nghi/", nominate_candidate, name="nominate_candidate"),
    path("dot-xet/<int:pk>/de-nghi/them/", nomination_new, name="nomination_new"),
    path("dot-xet/<int:pk>/de-nghi/<int:nid>/bo/", nomination_remove, name="nomination_remove"),
    path("dot-xet/<int:pk>/bieu-quyet/", round_vote, name="round_vote"),
    path("dot-xet/<int:pk>/ket-qua/", round_results, name="round_results"),
    path("dot-xet/<int:pk>/ky-to-trinh/", round_sign, name="round_sign"),
    path("dot-xet/<int:pk>/to-trinh.docx", proposal_download, name="proposal_docx"),
    path("dot-xet/<int:pk>/bien-ban.docx", minutes_download, name="minutes_docx"),
    path("dot-xet/<int:pk>/tham-dinh/", round_appraisal, name="round_appraisal"),
    path("dot-xet/<int:pk>/quyet-dinh/", decision_page, name="decision"),
    path("dot-xet/<int:pk>/quyet-dinh/ky/", decision_sign, name="decision_sign"),
    path("dot-xet/<int:pk>/quyet-dinh.docx", decision_download, name="decision_docx"),
    path("dot-xet/<int:pk>/giay-khen.docx", certificates_download, name="certificates_docx"),
    path("da-khen/<int:award_pk>/thu-hoi/", award_revoke, name="award_revoke"),
]
