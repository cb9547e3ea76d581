"""Scorecard write operations: frameworks and their versions, the yearly cycle.

Every function takes the acting user and checks authority (the subject unit's
office — leader, secretariat, admin — writes its scorecard; the parent's
office appraises; the parent's leaders decide), raising PermissionDenied or
ValidationError with Vietnamese messages naming the criterion. The workflow
(core) logs each step; a decided scorecard is locked until an admin reopens it
with a reason.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from thidua.core import scoping
from thidua.core.text import clean_text
from thidua.movements.facts import check_upload
from thidua.scorecards import rules
from thidua.scorecards.models import (
    OFFICE,
    SUBJECT_EDITS,
    Commitment,
    Criterion,
    Evaluation,
    Framework,
    Scorecard,
    ScoreLine,
    Subject,
)
from thidua.scorecards.models import _from_above as from_above_refusal

CENT = Decimal("0.01")


# Frameworks ---------------------------------------------------------------------------------
def nodes(framework: Framework) -> list[rules.Node]:
    return [rules.Node(c.pk, c.code, c.title, c.max_points, c.parent_id, c.min_points)
            for c in framework.criteria.all()]


def new_version(framework: Framework, user) -> Framework:
    """Copy ``framework`` (criteria included) as its next version, which becomes the active
    one; the scorecards made on the old version keep it."""
    if not user.is_superuser:
        raise PermissionDenied("Chỉ quản trị hệ thống mới sửa được bộ tiêu chí.")
    with transaction.atomic():
        old_pk = framework.pk
        framework = Framework.objects.get(pk=old_pk)  # the caller's object stays the old one
        criteria = list(framework.criteria.order_by("parent_id", "order", "pk"))
        kinds = list(framework.unit_kinds.all())
        Framework.objects.filter(code=framework.code, is_active=True).update(is_active=False)
        latest = Framework.objects.filter(code=framework.code).order_by("-version").first()
        framework.pk = None
        framework._state.adding = True
        framework.version = latest.version + 1
        framework.previous_id = old_pk
        framework.is_active = True
        framework.created_by = user
        framework.save()
        framework.unit_kinds.set(kinds)
        copies: dict[int, Criterion] = {}
        for criterion in sorted(criteria, key=lambda c: c.parent_id is not None):
            old = criterion.pk
            criterion.pk = None
            criterion._state.adding = True
            criterion.framework = framework
            criterion.parent = copies.get(criterion.parent_id) if criterion.parent_id else None
            criterion.save()
            copies[old] = criterion
    return framework


def edit_refusal(framework: Framework) -> str | None:
    if framework.is_frozen:
        return ("Bộ tiêu chí này đã được dùng để chấm điểm nên không sửa trực tiếp được: hãy "
                "tạo phiên bản mới (các phiếu đã chấm giữ nguyên phiên bản cũ).")
    return None


def save_criterion(framework: Framework, user, data: dict, criterion: Criterion | None = None
                   ) -> Criterion:
    """Add or change a criterion of a framework version no scorecard uses yet."""
    if not user.is_superuser:
        raise PermissionDenied("Chỉ quản trị hệ thống mới sửa được bộ tiêu chí.")
    refusal = edit_refusal(framework)
    if refusal:
        raise ValidationError(refusal)
    criterion = criterion or Criterion(framework=framework)
    for name, value in data.items():
        setattr(criterion, name, value)
    criterion.full_clean(exclude=["framework", "parent"])
    criterion.save()
    return criterion


# Who may ------------------------------------------------------------------------------------
def may_write(card: Scorecard, user) -> bool:
    """The subject's office (or, for a person's scorecard, the person)."""
    if card.person_id and card.person.user_id == user.pk:
        return True
    return scoping.covers(user, card.unit.path, OFFICE)


def _check_subject_edit(card: Scorecard, user) -> None:
    if card.is_locked:
        raise PermissionDenied("Phiếu đã có quyết định công nhận nên đã khóa, không sửa được. "
                               "Quản trị có thể mở lại (ghi rõ lý do) để cấp trên quyết định lại.")
    if card.state not in SUBJECT_EDITS:
        raise PermissionDenied(f"Phiếu đang ở trạng thái “{card.get_state_display()}”: đơn vị "
                               "không sửa được nữa.")
    if not may_write(card, user):
        raise PermissionDenied("Bạn không có quyền sửa phiếu của đơn vị này.")


# The cycle ----------------------------------------------------------------------------------
def start(framework: Framework, unit, year: int, user, person=None) -> Scorecard:
    """The subject's scorecard of ``year`` (made on first use), on the active version."""
    if not framework.is_active:
        raise ValidationError("Bộ tiêu chí này không còn áp dụng; hãy dùng phiên bản hiện hành.")
    if framework.subject == Subject.PEOPLE:
        if person is None:
            raise ValidationError("Bộ tiêu chí này dành cho cá nhân: hãy chọn cán bộ.")
        unit = person.unit
    elif person is not None:
        raise ValidationError("Bộ tiêu chí này dành cho tổ chức, không dành cho cá nhân.")
    own = person is not None and person.user_id == user.pk
    if not own and not scoping.covers(user, unit.path, OFFICE):
        raise PermissionDenied("Bạn không có quyền đăng ký cho đơn vị này.")
    kinds = set(framework.unit_kinds.values_list("pk", flat=True))
    if framework.subject == Subject.UNITS and kinds and unit.kind_id not in kinds:
        raise ValidationError(f"Bộ tiêu chí “{framework.name}” không áp dụng cho loại đơn vị "
                              f"“{unit.kind.name}”.")
    lookup = {"framework__code": framework.code, "year": year}
    lookup.update({"person": person} if person else {"unit": unit, "person__isnull": True})
    card = Scorecard.objects.filter(**lookup).select_related("framework", "unit").first()
    if card is not None:
        return card
    try:
        with transaction.atomic():
            card = Scorecard.objects.create(framework=framework, unit=unit, person=person,
                                            year=year, created_by=user)
            ScoreLine.objects.bulk_create([ScoreLine(scorecard=card, criterion_id=node.pk)
                                           for node in rules.scorable(nodes(framework))])
    except IntegrityError:
        card = Scorecard.objects.get(**lookup)
    return card


def save_commitments(card: Scorecard, user, texts: dict[int, str]) -> None:
    """The registration: what the subject commits to under each group (until it is sent)."""
    _check_subject_edit(card, user)
    if card.state != "draft":
        raise PermissionDenied("Đã gửi đăng ký nên không sửa được nội dung đăng ký nữa.")
    groups = {c.pk: c for c in card.framework.criteria.all() if c.parent_id is None}
    unknown = set(texts) - set(groups)
    if unknown:
        raise ValidationError("Tiêu chí không thuộc bộ tiêu chí của phiếu.")
    with transaction.atomic():
        for pk, text in texts.items():
            text = clean_text(text) if "\n" not in (text or "") else (text or "").strip()
            if text:
                Commitment.objects.update_or_create(scorecard=card, criterion_id=pk,
                                                    defaults={"text": text})
            else:
                Commitment.objects.filter(scorecard=card, criterion_id=pk).delete()


def registration_due(card: Scorecard) -> date:
    day, month = (int(part) for part in card.framework.registration_due.split("/"))
    return date(card.year, month, day)


def register(card: Scorecard, user):
    groups = [c for c in card.framework.criteria.all() if c.parent_id is None]
    written = set(card.commitments.values_list("criterion_id", flat=True))
    missing = [g.code for g in groups if g.pk not in written]
    if missing:
        raise ValidationError(f"Chưa ghi nội dung đăng ký cho tiêu chí: {', '.join(missing)}.")
    with transaction.atomic():
        log = card.workflow.apply(card, "register", user)
        card.registered_at = timezone.now()
        card.is_late = timezone.localdate() > registration_due(card)
        card.save(update_fields=["registered_at", "is_late", "updated_at"])
    return log


def evaluate(card: Scorecard, user, period: int, note: str, evidence=None) -> Evaluation:
    """A periodic self-evaluation (quarter 1–4 by default)."""
    if card.is_locked or card.state == "draft":
        raise ValidationError("Chỉ tự đánh giá định kỳ sau khi đã đăng ký và trước khi có "
                              "quyết định.")
    if not may_write(card, user):
        raise PermissionDenied("Bạn không có quyền tự đánh giá cho đơn vị này.")
    periods = 12 // max(1, card.framework.evaluation_every)
    if not 1 <= int(period) <= periods:
        raise ValidationError({"period": f"Kỳ đánh giá phải từ 1 đến {periods}."})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Cần ghi kết quả tự đánh giá."})
    if evidence:
        check_upload(evidence)
    evaluation, _ = Evaluation.objects.update_or_create(
        scorecard=card, period=period, defaults={"note": note, "submitted_by": user})
    if evidence:
        evaluation.evidence = evidence
        evaluation.save(update_fields=["evidence"])
    return evaluation


def parse_points(raw, criterion: Criterion) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError({str(criterion.pk): f"Tiêu chí {criterion.code}: “{raw}” không "
                                                  "phải là số."}) from None
    if not value.is_finite() or value < 0:
        raise ValidationError({str(criterion.pk): f"Tiêu chí {criterion.code}: điểm không được "
                                                  "âm."})
    if value > criterion.max_points:
        raise ValidationError({str(criterion.pk): (
            f"Tiêu chí {criterion.code}: {rules.fmt(value)} điểm vượt mức tối đa "
            f"{rules.fmt(criterion.max_points)}.")})
    if value != value.quantize(CENT):
        raise ValidationError({str(criterion.pk): f"Tiêu chí {criterion.code}: chỉ ghi tối đa "
                                                  "hai chữ số thập phân."})
    return value


def _lines(card: Scorecard) -> dict[int, ScoreLine]:
    return {line.criterion_id: line for line in card.lines.select_related("criterion")}


def self_score(card: Scorecard, user, scores: dict[int, tuple], files: dict | None = None) -> None:
    """The year-end self-score: {criterion id: (points, note)}, evidence files by criterion."""
    _check_subject_edit(card, user)
    if card.state == "draft":
        raise ValidationError("Cần gửi đăng ký trước khi tự chấm điểm.")
    lines = _lines(card)
    errors, parsed = {}, {}
    for pk, (raw, note) in scores.items():
        line = lines.get(int(pk))
        if line is None:
            errors[str(pk)] = "Tiêu chí không thuộc phiếu."
            continue
        try:
            parsed[line.criterion_id] = (parse_points(raw, line.criterion), (note or "").strip())
        except ValidationError as exc:
            errors.update(exc.message_dict)
    for pk, upload in (files or {}).items():
        try:
            check_upload(upload)
        except ValidationError as exc:
            errors[str(pk)] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for pk, (points, note) in parsed.items():
            line = lines[pk]
            if points != line.self_points:  # an appraisal of the old self-score is stale
                line.appraised_points, line.appraisal_reason = None, ""
            line.self_points, line.self_note = points, note
            if files and pk in files:
                line.evidence = files[pk]
            line.save()
        refresh_totals(card)


def appraise(card: Scorecard, user, scores: dict[int, tuple]) -> None:
    """The parent's appraisal: {criterion id: (points, reason)}; a reason when it differs."""
    if card.state != "submitted":
        raise ValidationError("Chỉ thẩm định phiếu đã được đề nghị công nhận.")
    above = from_above_refusal(card, user)
    if above or not scoping.covers(user, card.unit.path, OFFICE):
        raise PermissionDenied(above or "Bạn không có quyền thẩm định phiếu này.")
    lines = _lines(card)
    errors, parsed = {}, {}
    for pk, (raw, reason) in scores.items():
        line = lines.get(int(pk))
        if line is None:
            errors[str(pk)] = "Tiêu chí không thuộc phiếu."
            continue
        try:
            points = parse_points(raw, line.criterion)
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        reason = clean_text(reason)
        if points is not None and points != line.self_points and not reason:
            errors[str(pk)] = (f"Tiêu chí {line.criterion.code}: cần ghi lý do khi điểm thẩm "
                               "định khác điểm tự chấm.")
            continue
        parsed[line.criterion_id] = (points, reason)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for pk, (points, reason) in parsed.items():
            line = lines[pk]
            line.appraised_points, line.appraisal_reason = points, reason
            line.save(update_fields=["appraised_points", "appraisal_reason"])
        refresh_totals(card)


def refresh_totals(card: Scorecard) -> None:
    """Store the self and appraised totals (and the band of a grading) on the scorecard."""
    tree = nodes(card.framework)
    lines = list(card.lines.all())
    mine = {line.criterion_id: line.self_points for line in lines}
    theirs = {line.criterion_id: (line.appraised_points if line.appraised_points is not None
                                  else line.self_points) for line in lines}
    card.self_total = rules.total(tree, mine)
    appraised = any(line.appraised_points is not None for line in lines)
    card.appraised_total = rules.total(tree, theirs) if appraised else None
    final = card.appraised_total if card.appraised_total is not None else card.self_total
    card.band = rules.band_for(final, card.framework.bands) if card.framework.bands else ""
    Scorecard.objects.filter(pk=card.pk).update(self_total=card.self_total,
                                                appraised_total=card.appraised_total,
                                                band=card.band, updated_at=timezone.now())


# Guards (called by the workflow) -------------------------------------------------------------
def unscored_refusal(card: Scorecard) -> str | None:
    missing = [line.criterion.code for line in card.lines.select_related("criterion")
               if line.self_points is None]
    if missing:
        return f"Chưa tự chấm điểm các tiêu chí: {', '.join(missing)}."
    return None


def unappraised_refusal(card: Scorecard) -> str | None:
    return None  # items left unappraised keep the self-score (copied when appraisal ends)


def final_points(card: Scorecard) -> dict[int, Decimal | None]:
    return {line.criterion_id: (line.appraised_points if line.appraised_points is not None
                                else line.self_points) for line in card.lines.all()}


def extra_conditions(card: Scorecard) -> list[str]:
    """The rule's conditions outside the scorecard: another framework's grade, the KPI year."""
    from thidua.kpi.models import YearResult
    from thidua.kpi.policy import Grade

    unmet = []
    for condition in card.framework.rule.get("conditions", []):
        kind = condition.get("kind")
        if kind == "framework_band":
            other = (Scorecard.objects.filter(framework__code=condition["framework"],
                                              unit=card.unit, person__isnull=True,
                                              year=card.year, state="recognised")
                     .select_related("framework").first())
            shape = (Framework.objects.filter(code=condition["framework"])
                     .order_by("-is_active", "-version").first())
            bands = other.framework.bands if other else (shape.bands if shape else [])
            floor = condition.get("min_band", "htt")
            if other is None or rules.band_rank(other.band, bands) > rules.band_rank(floor, bands):
                unmet.append(f"Tổ chức đảng chưa được xếp loại "
                             f"“{rules.band_label(floor, bands) if bands else floor.upper()}” "
                             f"trở lên trong năm {card.year}.")
        elif kind == "kpi_year" and card.person_id:
            floor = condition.get("min_grade", Grade.HTT)
            result = YearResult.objects.filter(person_id=card.person_id, year=card.year).first()
            if result is None or not Grade.at_least(result.grade, floor):
                unmet.append(f"Chưa được xếp loại “{Grade.LABELS[floor]}” trở lên theo KPI năm "
                             f"{card.year}.")
    return unmet


def unmet(card: Scorecard) -> list[str]:
    return rules.unmet_conditions(nodes(card.framework), final_points(card),
                                  card.framework.rule, extra_conditions(card))


def recognition_refusal(card: Scorecard) -> str | None:
    if not card.framework.recognition_label:
        return None  # a grading: the decision records the band
    missing = unmet(card)
    if missing:
        return "Chưa đủ điều kiện công nhận: " + " ".join(missing)
    return None


# Transitions --------------------------------------------------------------------------------
def transition(card: Scorecard, name: str, user, reason: str = "", *,
               decision_number: str = "", decision_date: date | None = None):
    """Submit, return, finish the appraisal, decide (recognise / refuse) or reopen."""
    if name in ("recognise", "refuse"):
        decision_number = clean_text(decision_number)
        if not decision_number or decision_date is None:
            raise ValidationError("Cần ghi số và ngày quyết định.")
    with transaction.atomic():
        if name == "appraise":
            card.lines.filter(appraised_points__isnull=True).exclude(
                self_points__isnull=True).update(appraised_points=_self_points())
            refresh_totals(card)
        log = card.workflow.apply(card, name, user, reason)
        now = timezone.now()
        updates = {}
        if name == "submit":
            updates["submitted_at"] = now
        elif name in ("recognise", "refuse"):
            updates.update(decision_number=decision_number, decision_date=decision_date,
                           decided_at=now)
        elif name == "reopen":
            updates.update(decision_number="", decision_date=None, decided_at=None)
        if updates:
            Scorecard.objects.filter(pk=card.pk).update(**updates)
            for field, value in updates.items():
                setattr(card, field, value)
    return log


def _self_points():
    from django.db.models import F

    return F("self_points")


def start_year(year: int | None = None) -> int:
    return year or timezone.localdate().year
