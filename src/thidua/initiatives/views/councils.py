"""Council screens: a unit's councils, a council (members, rule, sessions), a session
(agenda, progress, the close), an agenda item (the application for the council and the
member's ballot), the minutes (page, print, .xlsx) and “Hội đồng của tôi”.

Who reaches what: a council, its sessions and items are reached by the office of its
unit (``councils.MANAGERS`` covering it) and by its members; anyone else gets 404,
exactly as for a missing id. A unit's list of councils is the office's. Every change
goes through :mod:`thidua.initiatives.councils`, which decides who may do what.

Secrecy: before a session closes no page shows another member's ballot — the session
page shows how many members scored each item (“3/5 đã chấm”), the item page shows the
reader's own ballot only. The minutes (every ballot) exist once the session is closed.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from thidua.core import http, scoping, xlsx
from thidua.core.workflow import TransitionError
from thidua.initiatives import councils
from thidua.initiatives.forms_councils import (
    BallotForm,
    CouncilForm,
    MemberForm,
    ReasonForm,
    RuleForm,
    ScheduleForm,
    SessionForm,
    apply_errors,
)
from thidua.initiatives.models import (
    INITIATIVE_WORKFLOW,
    AgendaItem,
    Ballot,
    Council,
    CouncilMember,
    Initiative,
    Session,
)
from thidua.initiatives.policy import CouncilRule
from thidua.org.models import Unit

CANDIDATES_SHOWN = 200


# Helpers -----------------------------------------------------------------------------------
def _council(request, pk) -> Council:
    return get_object_or_404(councils.visible_councils(request.user).select_related("unit"),
                             pk=pk)


def _session(request, pk) -> Session:
    visible = councils.visible_councils(request.user)
    return get_object_or_404(Session.objects.select_related("council__unit")
                             .filter(council__in=visible), pk=pk)


def _item(request, pk) -> AgendaItem:
    visible = councils.visible_councils(request.user)
    return get_object_or_404(
        AgendaItem.objects.select_related("session__council__unit", "initiative__unit",
                                          "initiative__field")
        .filter(session__council__in=visible), pk=pk)


def _unit_crumbs(unit, *tail):
    return [(unit.name, reverse("org:unit_detail", args=[unit.pk])),
            ("Hội đồng sáng kiến", reverse("initiatives:council_list", args=[unit.pk])), *tail]


def _council_crumbs(council, user, *tail):
    first = (_unit_crumbs(council.unit) if councils.may_manage(user, council)
             else [("Hội đồng của tôi", reverse("initiatives:council_mine"))])
    return [*first, (council.name, reverse("initiatives:council", args=[council.pk])), *tail]


def _session_crumbs(session, user, *tail):
    label = f"Phiên họp ngày {session.held_on:%d/%m/%Y}"
    return _council_crumbs(session.council, user,
                           (label, reverse("initiatives:session", args=[session.pk])), *tail)


def _rule_rows(rule: CouncilRule) -> list[tuple[str, str, int]]:
    return [(c.code, c.name, c.max_points) for c in rule.criteria]


# A unit's councils -------------------------------------------------------------------------
@login_required
@require_safe
def council_index(request):
    """The councils the user may open (this year by default) and the units whose councils
    he sets up."""
    year = _year(request)
    rows = list(councils.visible_councils(request.user).filter(year=year)
                .select_related("unit").order_by("unit__path", "level"))
    units = []
    if not request.user.is_superuser:
        paths = scoping.covered_paths(request.user, councils.MANAGERS)
        units = list(Unit.objects.filter(path__in=paths, is_active=True).order_by("path"))
    else:
        units = list(Unit.objects.filter(depth=1).order_by("path"))
    return render(request, "initiatives/council_index.html", {
        "councils": rows, "units": units, "year": year,
        "years": range(timezone.localdate().year + 1, timezone.localdate().year - 5, -1),
        "breadcrumbs": [("Hội đồng sáng kiến", None)],
    })


def _year(request) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("nam") or this_year)
    except ValueError:
        return this_year
    return year if this_year - 5 <= year <= this_year + 1 else this_year


@login_required
@require_http_methods(["GET", "POST"])
def council_list(request, unit_pk):
    unit = scoping.get_scoped_or_404(Unit.objects.all(), request.user, councils.MANAGERS,
                                     pk=unit_pk)
    form = CouncilForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            council = councils.create_council(request.user, unit, data["level"], data["year"],
                                              name=data["name"],
                                              decision_number=data["decision_number"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Đã lập {council.name}.")
            return redirect("initiatives:council", pk=council.pk)
    rows = list(unit.initiative_councils.annotate(
        members_count=Count("members", distinct=True),
        sessions_count=Count("sessions", distinct=True)).order_by("-year", "level"))
    return render(request, "initiatives/council_list.html", {
        "unit": unit, "councils": rows, "form": form,
        "breadcrumbs": _unit_crumbs(unit)[:-1] + [("Hội đồng sáng kiến", None)],
    })


# A council -----------------------------------------------------------------------------------
@login_required
@require_safe
def council_detail(request, pk):
    council = _council(request, pk)
    user = request.user
    manager = councils.may_manage(user, council)
    members = list(councils.members_of(council))
    me = next((m for m in members if m.user_id == user.pk), None)
    sessions = list(council.sessions.annotate(items_count=Count("items"))
                    .order_by("-held_on", "-pk"))
    rule = councils.rule_of(council)
    context = {
        "council": council, "members": members, "me": me, "sessions": sessions,
        "rule": rule, "criteria": _rule_rows(rule), "manager": manager,
        "pass_mean": councils.fmt(rule.pass_mean),
        "yes_share": councils.share_words(rule.yes_share_over),
        "may_open_session": manager or councils.is_officer(me),
        "breadcrumbs": _council_crumbs(council, user)[:-1] + [(council.name, None)],
    }
    if manager:
        context["member_form"] = MemberForm()
        context["candidates"] = list(councils.candidate_users(council)
                                     .exclude(initiative_councils__council=council)
                                     .order_by("username")[:CANDIDATES_SHOWN])
        context["rule_locked"] = councils.rule_locked_reason(council)
    if context["may_open_session"]:
        context["session_form"] = SessionForm()
    return render(request, "initiatives/council_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def council_rule(request, pk):
    council = _council(request, pk)
    councils.require_manager(request.user, council)
    locked = councils.rule_locked_reason(council)
    if request.method == "POST":
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                rule = councils.check_rule(form.raw_criteria(), form.cleaned_data["pass_mean"],
                                           form.cleaned_data["yes_share_over"])
                councils.set_rule(request.user, council, rule)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Đã lưu quy tắc chấm điểm.")
                return redirect("initiatives:council", pk=council.pk)
    else:
        form = RuleForm.for_rule(councils.rule_of(council))
    return render(request, "initiatives/council_rule.html", {
        "council": council, "form": form, "locked": locked,
        "breadcrumbs": _council_crumbs(council, request.user, ("Quy tắc chấm điểm", None)),
    })


@login_required
@require_POST
def member_add(request, pk):
    council = _council(request, pk)
    councils.require_manager(request.user, council)
    form = MemberForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        account = get_user_model().objects.filter(username=data["username"].strip()).first()
        try:
            member = councils.add_member(request.user, council, account, data["role"],
                                         data["title"])
        except ValidationError as exc:
            http.flash_refusal(request, exc)
        else:
            messages.success(request, f"Đã thêm {councils.display_name(member.user)} "
                                      f"({member.get_role_display().lower()}).")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("initiatives:council", args=[council.pk]) + "#thanh-vien")


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, pk, member_pk):
    """A confirmation page, then the removal (the number of members is what the yes votes
    of every open session are counted against)."""
    council = _council(request, pk)
    member = get_object_or_404(CouncilMember.objects.select_related("user"), council=council,
                               pk=member_pk)
    councils.require_manager(request.user, council)
    if request.method == "GET":
        return render(request, "initiatives/council_member_remove.html", {
            "council": council, "member": member,
            "name": councils.display_name(member.user),
            "open_sessions": council.sessions.filter(is_closed=False).count(),
            "yes_share": councils.share_words(councils.rule_of(council).yes_share_over),
            "breadcrumbs": _council_crumbs(council, request.user,
                                           ("Rút thành viên khỏi hội đồng", None)),
        })
    try:
        councils.remove_member(request.user, member)
    except ValidationError as exc:
        http.flash_refusal(request, exc)
    else:
        messages.success(request, f"Đã rút {councils.display_name(member.user)} khỏi hội đồng.")
    return redirect(reverse("initiatives:council", args=[council.pk]) + "#thanh-vien")


@login_required
@require_POST
def session_add(request, pk):
    council = _council(request, pk)
    if not councils.may_open_session(request.user, council):
        raise PermissionDenied(councils.NOT_OFFICER)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            session = councils.create_session(request.user, council, form.cleaned_data["held_on"],
                                              form.cleaned_data["place"])
        except ValidationError as exc:
            http.flash_refusal(request, exc)
        else:
            messages.success(request, f"Đã tạo phiên họp ngày {session.held_on:%d/%m/%Y}.")
            return redirect("initiatives:session", pk=session.pk)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("initiatives:council", args=[council.pk]) + "#phien-hop")


# A session -----------------------------------------------------------------------------------
def _agenda(session: Session, member: CouncilMember | None) -> list[AgendaItem]:
    """The items with their ballot counts and whether ``member`` scored each (no scores)."""
    items = session.items.select_related("initiative", "initiative__unit").annotate(
        ballots_count=Count("ballots", distinct=True))
    if member is not None:
        items = items.annotate(mine=Count("ballots", filter=Q(ballots__member=member),
                                          distinct=True))
    return list(items.order_by("order", "pk"))


@login_required
@require_safe
def session_detail(request, pk):
    session = _session(request, pk)
    council = session.council
    user = request.user
    me = councils.membership(user, council)
    officer = councils.is_officer(me)
    members_count = council.members.count()
    items = _agenda(session, me)
    context = {
        "session": session, "council": council, "me": me, "officer": officer,
        "items": items, "members_count": members_count,
        "manager": councils.may_manage(user, council),
        "breadcrumbs": _session_crumbs(session, user)[:-1]
        + [(f"Phiên họp ngày {session.held_on:%d/%m/%Y}", None)],
    }
    if officer and not session.is_closed:
        context["schedule_form"] = ScheduleForm(initiatives=councils.schedulable(session))
        context["close_refusal"] = councils.close_refusal(session)
    return render(request, "initiatives/session_detail.html", context)


@login_required
@require_POST
def session_schedule(request, pk):
    session = _session(request, pk)
    councils.require_officer(request.user, session.council)
    # The id posted is looked up in the council's subtree only, drafts left out (another
    # unit's application or a draft is not named); the domain says why one of the subtree
    # is refused (state, unit, level).
    try:
        wanted = int(request.POST.get("initiative") or "")
    except ValueError:
        wanted = None
    initiative = Initiative.objects.filter(
        pk=wanted, unit__path__startswith=session.council.unit.path).exclude(
        state="draft").first()  # a draft is its author's alone: not even named
    if initiative is None:
        messages.error(request, "Không tìm thấy sáng kiến này trong các sáng kiến của đơn vị.")
    else:
        try:
            councils.schedule(request.user, session, initiative)
        except (ValidationError, TransitionError) as exc:
            http.flash_refusal(request, exc)
        else:
            messages.success(request, f"Đã đưa “{initiative.title}” vào phiên họp.")
    return redirect("initiatives:session", pk=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def item_unschedule(request, pk):
    item = _item(request, pk)
    councils.require_officer(request.user, item.session.council)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            councils.unschedule(request.user, item, form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Đã rút “{item.initiative.title}” khỏi phiên họp.")
            return redirect("initiatives:session", pk=item.session_id)
    return render(request, "initiatives/session_unschedule.html", {
        "item": item, "session": item.session, "form": form,
        "breadcrumbs": _session_crumbs(item.session, request.user,
                                       ("Rút sáng kiến khỏi phiên họp", None)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def session_close(request, pk):
    session = _session(request, pk)
    councils.require_officer(request.user, session.council)
    if session.is_closed:
        return redirect("initiatives:session_minutes", pk=session.pk)
    refusal = councils.close_refusal(session)
    if request.method == "POST":
        try:
            councils.close_session(session, request.user)
        except ValidationError as exc:
            http.flash_refusal(request, exc)
            return redirect("initiatives:session", pk=session.pk)
        messages.success(request, "Đã kết thúc phiên họp và ghi kết quả xét công nhận.")
        return redirect("initiatives:session_minutes", pk=session.pk)
    items = _agenda(session, None)
    return render(request, "initiatives/session_close.html", {
        "session": session, "council": session.council, "items": items,
        "members_count": session.council.members.count(), "refusal": refusal,
        "breadcrumbs": _session_crumbs(session, request.user, ("Kết thúc phiên họp", None)),
    })


# An agenda item ------------------------------------------------------------------------------
@login_required
@require_safe
def item_detail(request, pk):
    item = _item(request, pk)
    return _item_page(request, item)


def _item_page(request, item: AgendaItem, form: BallotForm | None = None, status: int = 200):
    session = item.session
    council = session.council
    me = councils.membership(request.user, council)
    mine = Ballot.objects.filter(item=item, member=me).first() if me else None
    rule = councils.rule_of(council)
    editing = not session.is_closed and (
        request.GET.get("sua") == "1" or (form is not None and form.data.get("sua")))
    if me and not session.is_closed and form is None:
        form = BallotForm(initial=BallotForm.initial_of(mine) if mine else None, rule=rule)
    initiative = item.initiative
    return render(request, "initiatives/session_item.html", {
        "item": item, "session": session, "council": council, "initiative": initiative,
        "authors": list(initiative.authors.select_related("person").order_by("order", "pk")),
        "attachments": list(initiative.attachments.order_by("pk")),
        "me": me, "mine": mine, "form": form, "editing": bool(editing and mine),
        "criteria": rule.criteria, "officer": councils.is_officer(me),
        "my_scores": [(c.name, councils.fmt(_score(mine, c.code)), c.max_points)
                      for c in rule.criteria] if mine else [],
        "state_label": INITIATIVE_WORKFLOW.label(initiative.state),
        "breadcrumbs": _session_crumbs(session, request.user, (initiative.title, None)),
    }, status=status)


def _score(ballot, code):
    value = ballot.scores.get(code)
    return None if value is None else Decimal(str(value))


@login_required
@require_POST
def item_ballot(request, pk):
    item = _item(request, pk)
    council = item.session.council
    if councils.membership(request.user, council) is None:
        raise Http404("Không tìm thấy.")  # the office reads the item; only members score
    form = BallotForm(request.POST, rule=councils.rule_of(council))
    if form.is_valid():
        change = request.POST.get("sua") == "1"
        action = councils.change_ballot if change else councils.cast_ballot
        try:
            action(request.user, item, form.scores(), form.vote_yes(),
                   form.cleaned_data["comment"])
        except ValidationError as exc:
            apply_errors(form, exc, form.error_keys())
        else:
            messages.success(request, "Đã lưu phiếu chấm của bạn." if change
                             else "Đã ghi phiếu chấm của bạn.")
            return redirect("initiatives:session_item", pk=item.pk)
    return _item_page(request, item, form, status=200)


# Minutes -------------------------------------------------------------------------------------
def _closed_session(request, pk) -> Session:
    session = _session(request, pk)
    if not session.is_closed:
        raise Http404("Phiên họp chưa kết thúc.")
    return session


def minutes_rows(session: Session) -> dict:
    """The minutes as the page and the export show them, from the data kept at the close."""
    minutes = session.minutes or {}
    rule = CouncilRule.from_dict(session.rule)
    members = minutes.get("members", [])
    items = []
    for entry in minutes.get("items", []):
        by_member = {b["member"]: b for b in entry.get("ballots", [])}
        lines = []
        for member in members:
            ballot = by_member.get(member["id"])
            lines.append({
                "member": member,
                "ballot": ballot,
                "scores": [councils.fmt(_dec(ballot["scores"].get(c.code))) if ballot else ""
                           for c in rule.criteria],
                "total": councils.fmt(_dec(ballot["total"])) if ballot else "",
                "vote": ("Đồng ý" if ballot["vote_yes"] else "Không đồng ý") if ballot
                else ("Không chấm" if member.get("present") else "Vắng"),
                "comment": ballot.get("comment", "") if ballot else "",
            })
        items.append({**entry, "lines": lines, "mean_text": councils.fmt(_dec(entry["mean"]))})
    return {"rule": rule, "members": members, "items": items,
            "present": sum(1 for m in members if m.get("present")),
            "pass_mean": councils.fmt(rule.pass_mean),
            "yes_share": councils.share_words(rule.yes_share_over)}


def _dec(value):
    return None if value in (None, "") else Decimal(str(value))


@login_required
@require_safe
def session_minutes(request, pk):
    session = _closed_session(request, pk)
    return render(request, "initiatives/session_minutes.html", {
        "session": session, "council": session.council, **minutes_rows(session),
        "breadcrumbs": _session_crumbs(session, request.user, ("Biên bản", None)),
    })


@login_required
@require_safe
def session_minutes_xlsx(request, pk):
    session = _closed_session(request, pk)
    data = minutes_rows(session)
    rule = data["rule"]
    columns = [xlsx.Column("STT", 6, xlsx.INTEGER), xlsx.Column("Sáng kiến", 40, wrap=True),
               xlsx.Column("Thành viên", 24), xlsx.Column("Vai trò", 16),
               *(xlsx.Column(f"{c.name} (tối đa {c.max_points})", 12, xlsx.DECIMAL)
                 for c in rule.criteria),
               xlsx.Column("Tổng điểm", 10, xlsx.DECIMAL), xlsx.Column("Biểu quyết", 14),
               xlsx.Column("Ý kiến", 30, wrap=True), xlsx.Column("Điểm trung bình", 12,
                                                                 xlsx.DECIMAL),
               xlsx.Column("Đồng ý / số thành viên", 14), xlsx.Column("Kết quả", 16),
               xlsx.Column("Số giấy chứng nhận / lý do", 40, wrap=True)]

    def rows():
        for index, item in enumerate(data["items"], start=1):
            result = "Được công nhận" if item["passed"] else "Không công nhận"
            note = item["certificate_number"] if item["passed"] else item["reasons"]
            for line in item["lines"]:
                ballot = line["ballot"]
                scores = [_dec(ballot["scores"].get(c.code)) if ballot else None
                          for c in rule.criteria]
                yield [index, item["title"], line["member"]["name"], line["member"]["role_label"],
                       *scores, _dec(ballot["total"]) if ballot else None, line["vote"],
                       line["comment"], _dec(item["mean"]),
                       f"{item['yes_votes']}/{item['members_count']}", result, note]

    council = session.council
    workbook = xlsx.list_workbook(
        "Biên bản chấm điểm sáng kiến", columns, rows(),
        context=[council.name, f"Phiên họp ngày {session.held_on:%d/%m/%Y}"
                 + (f" tại {session.place}" if session.place else ""),
                 f"Sáng kiến được công nhận khi điểm trung bình từ {data['pass_mean']} và quá "
                 f"{data['yes_share']} số thành viên đồng ý."],
        filters_text="Toàn bộ phiếu chấm của phiên họp.", sheet_title="Biên bản")
    return xlsx.xlsx_response(workbook, f"bien-ban-hoi-dong-{session.held_on:%d-%m-%Y}.xlsx")


# My councils ---------------------------------------------------------------------------------
@login_required
@require_safe
def council_mine(request):
    """The sessions of the councils the user sits on: open ones first, with the items he
    still has to score."""
    memberships = list(CouncilMember.objects.filter(user=request.user)
                       .select_related("council__unit"))
    by_council = {m.council_id: m for m in memberships}
    sessions = list(Session.objects.filter(council_id__in=by_council)
                    .select_related("council__unit")
                    .prefetch_related(Prefetch(
                        "items", queryset=AgendaItem.objects.select_related("initiative")
                        .annotate(mine=Count("ballots", filter=Q(
                            ballots__member__user=request.user))).order_by("order", "pk")))
                    .order_by("is_closed", "-held_on", "-pk"))
    rows = []
    for session in sessions:
        items = list(session.items.all())
        rows.append({"session": session, "member": by_council[session.council_id],
                     "todo": [i for i in items if not i.mine and not session.is_closed],
                     "items_count": len(items)})
    return render(request, "initiatives/council_mine.html", {
        "memberships": memberships, "rows": rows,
        "todo_count": sum(len(r["todo"]) for r in rows),
        "breadcrumbs": [("Hội đồng của tôi", None)],
    })


urlpatterns = [
    path("hoi-dong/", council_index, name="council_index"),
    path("hoi-dong/cua-toi/", council_mine, name="council_mine"),
    path("hoi-dong/don-vi/<int:unit_pk>/", council_list, name="council_list"),
    path("hoi-dong/<int:pk>/", council_detail, name="council"),
    path("hoi-dong/<int:pk>/quy-tac/", council_rule, name="council_rule"),
    path("hoi-dong/<int:pk>/thanh-vien/them/", member_add, name="council_member_add"),
    path("hoi-dong/<int:pk>/thanh-vien/<int:member_pk>/rut/", member_remove,
         name="council_member_remove"),
    path("hoi-dong/<int:pk>/phien-hop/them/", session_add, name="session_add"),
    path("phien-hop/<int:pk>/", session_detail, name="session"),
    path("phien-hop/<int:pk>/dua-vao/", session_schedule, name="session_schedule"),
    path("phien-hop/<int:pk>/ket-thuc/", session_close, name="session_close"),
    path("phien-hop/<int:pk>/bien-ban/", session_minutes, name="session_minutes"),
    path("phien-hop/<int:pk>/bien-ban.xlsx", session_minutes_xlsx, name="session_minutes_xlsx"),
    path("phien-hop/muc/<int:pk>/", item_detail, name="session_item"),
    path("phien-hop/muc/<int:pk>/cham/", item_ballot, name="session_ballot"),
    path("phien-hop/muc/<int:pk>/rut/", item_unschedule, name="session_unschedule"),
]
