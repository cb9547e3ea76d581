"""Writing initiative applications and moving them through the workflow.

Every function takes the acting user, checks his authority and raises
``PermissionDenied`` or ``ValidationError`` with a Vietnamese message naming
the field at fault. The rules of law each live in one function naming their
source:

- the reviewing unit of a level (:func:`reviewing_unit_for`, Nghị định 13/2012/NĐ-CP
  Điều 5: the head of the unit where the initiative is applied recognises it at the
  grassroots level; the province recognises it at its level);
- the authors' shares (:func:`check_authors`, Điều lệ sáng kiến Điều 2: each co-author's
  share of the creative work, together the whole);
- the three months the council has to decide (:func:`review_deadline`, Nghị định
  13/2012/NĐ-CP Điều 8 khoản 2).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from thidua.core import scoping
from thidua.core.roles import MANAGE_ROLES
from thidua.core.text import clean_text, nfc
from thidua.initiatives.models import (
    AUTHOR_EDITS,
    INITIATIVE_WORKFLOW,
    NEXT_LEVEL,
    SECRETARIAT,
    ApplicationField,
    Attachment,
    Author,
    Initiative,
    Level,
)
from thidua.initiatives.search_text import build_search_text
from thidua.org.choices import PersonStatus
from thidua.org.models import Person, Unit

# Rules as data -------------------------------------------------------------------------

#: Unit kinds whose unit reviews the grassroots initiatives of its subtree (the commune
#: or ward party committee, a department): the nearest such ancestor-or-self reviews.
#: Setting ``INITIATIVE_GRASSROOTS_KINDS`` replaces the list.
DEFAULT_GRASSROOTS_KINDS = ("xa_phuong", "dang_uy_xa", "dang_bo_co_so", "co_quan_chuyen_mon")
#: Attachments: the largest file (setting ``INITIATIVE_ATTACHMENT_MAX_BYTES``) and how many.
DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 20
#: Extension → the first bytes such a file starts with (the content is checked, not only
#: the name: a renamed executable or HTML page is refused). .doc/.xls are OLE2 files;
#: .docx/.xlsx are ZIP files that must hold the part Word/Excel opens first.
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ATTACHMENT_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "docx": (b"PK\x03\x04",),
    "doc": (OLE2,),
    "xlsx": (b"PK\x03\x04",),
    "xls": (OLE2,),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
ZIP_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
ATTACHMENT_HELP = "PDF, Word (.docx, .doc), Excel (.xlsx, .xls), ảnh (.jpg, .png)"

LABELS = {
    "title": "Tên sáng kiến", "unit": "Đơn vị chủ quản", "field": "Lĩnh vực áp dụng",
    "level": "Cấp đề nghị công nhận", "year": "Năm",
    "first_applied_on": "Ngày áp dụng lần đầu (hoặc áp dụng thử)",
    "problem": "Thực trạng, vấn đề cần giải quyết", "solution": "Nội dung giải pháp",
    "novelty": "Tính mới, điểm khác biệt", "confidential": "Nội dung cần bảo mật",
    "conditions": "Điều kiện cần thiết để áp dụng", "benefits": "Hiệu quả, lợi ích thu được",
    "benefit_amount": "Giá trị làm lợi ước tính", "trial_people": "Những người đã áp dụng thử",
    "authors": "Tác giả",
}
TEXTS = ("title", "problem", "solution", "novelty", "confidential", "conditions", "benefits",
         "trial_people")
REQUIRED = ("title", "field", "level", "year", "first_applied_on", "problem", "solution",
            "novelty", "benefits")
#: Content copied into a proposal to the next level.
CONTENT = ("title", "unit", "field", "first_applied_on", "problem", "solution", "novelty",
           "confidential", "conditions", "benefits", "benefit_amount", "trial_people")
MAX_TEXT = 20000


def grassroots_kinds() -> tuple[str, ...]:
    return tuple(getattr(settings, "INITIATIVE_GRASSROOTS_KINDS", DEFAULT_GRASSROOTS_KINDS))


def attachment_max_bytes() -> int:
    return int(getattr(settings, "INITIATIVE_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES))


def province_of(unit: Unit) -> str:
    """The materialised path of the province (the root of ``unit``'s tree)."""
    return unit.path[:Unit.steplen]


def reviewing_unit_for(unit: Unit, level: str) -> Unit:
    """The unit whose council reviews an initiative of ``unit`` at ``level``.

    Source: Nghị định 13/2012/NĐ-CP Điều 5 and Thông tư 18/2013/TT-BKHCN — the grassroots
    level is recognised by the head of the unit where it is applied (here the nearest
    ancestor-or-self whose kind is a grassroots kind, default the commune/ward; failing
    one, the ancestor just below the province); the provincial level by the province (the
    root of the tree); the national level is only recorded there too.
    """
    if level != Level.GRASSROOTS:
        return unit if unit.depth == 1 else Unit.objects.get(path=province_of(unit))
    ancestors = list(Unit.objects.filter(path__in=scoping.ancestor_paths([unit.path]))
                     .select_related("kind").order_by("-depth"))
    kinds = set(grassroots_kinds())
    for ancestor in ancestors:
        if ancestor.kind.code in kinds:
            return ancestor
    below_root = [a for a in ancestors if a.depth == 2]
    return below_root[0] if below_root else unit


def review_deadline(accepted_on: date) -> date:
    """The day by which the council decides: three months after acceptance
    (Nghị định 13/2012/NĐ-CP Điều 8 khoản 2)."""
    return accepted_on + relativedelta(months=3)


def days_left(initiative: Initiative, today: date | None = None) -> int | None:
    """Days until the review deadline (negative: overdue); None when not running."""
    if initiative.review_due_on is None or initiative.is_decided:
        return None
    return (initiative.review_due_on - (today or timezone.localdate())).days


# Who may do what -----------------------------------------------------------------------

def is_owner(user, initiative: Initiative) -> bool:
    return user.is_authenticated and initiative.created_by_id == user.pk


def manages_unit(user, unit: Unit) -> bool:
    return scoping.covers(user, unit.path, MANAGE_ROLES)


def may_edit(user, initiative: Initiative) -> bool:
    return is_owner(user, initiative) or manages_unit(user, initiative.unit)


def reviews(user, initiative: Initiative) -> bool:
    """The secretariat (or admin) of the reviewing unit: accepts and returns."""
    return scoping.covers(user, initiative.reviewing_unit.path, SECRETARIAT)


def is_author(user, initiative: Initiative) -> bool:
    """Whether ``user`` is one of the authors: he may not accept or return the application
    himself (nobody reviews his own initiative). The office that entered a paper
    application for its staff (its writer, not an author) still receives it."""
    return user.is_authenticated and Author.objects.filter(
        initiative=initiative, person__user=user).exists()


def person_of(user) -> Person | None:
    return Person.objects.filter(user=user).select_related("unit").first() if user.pk else None


def edit_refusal(initiative: Initiative) -> str | None:
    """Why the content of ``initiative`` may not change now (None when it may)."""
    if initiative.state == "recognised":
        return "Sáng kiến đã được công nhận, không thể sửa nội dung hay tác giả."
    if initiative.state == "refused":
        return "Sáng kiến đã có kết luận không công nhận, không thể sửa nội dung hay tác giả."
    if initiative.state not in AUTHOR_EDITS:
        return (f"Đơn đang ở trạng thái “{initiative.get_state_display()}”, không thể sửa; "
                "chỉ sửa được khi đang soạn hoặc được trả lại để bổ sung.")
    return None


def require_editable(user, initiative: Initiative) -> None:
    if not may_edit(user, initiative):
        raise PermissionDenied("Chỉ người lập đơn hoặc văn phòng của đơn vị mới được sửa đơn.")
    refusal = edit_refusal(initiative)
    if refusal:
        raise ValidationError(refusal)


# Checking values -----------------------------------------------------------------------

def check_values(values: dict) -> dict:
    """The cleaned content, or ValidationError {field: message} naming each field at fault."""
    errors: dict[str, str] = {}
    cleaned: dict = {}
    for name in TEXTS:
        text = nfc(str(values.get(name) or "")).strip()
        if name == "title":
            text = clean_text(text)
        limit = Initiative._meta.get_field(name).max_length or MAX_TEXT
        if len(text) > limit:
            errors[name] = f"“{LABELS[name]}” dài quá {limit} ký tự."
        cleaned[name] = text
    field = values.get("field")
    if isinstance(field, int | str) and field != "":
        field = ApplicationField.objects.filter(pk=field, is_active=True).first()
    if field is not None and field != "" and not isinstance(field, ApplicationField):
        field = None
    cleaned["field"] = field or None
    level = values.get("level") or Level.GRASSROOTS
    if level not in Level.values:
        errors["level"] = f"Cấp đề nghị công nhận “{level}” không hợp lệ."
    cleaned["level"] = level
    year = values.get("year")
    if year not in (None, ""):
        try:
            year = int(year)
            if not 2000 <= year <= 2100:
                raise ValueError
        except (TypeError, ValueError):
            errors["year"] = "Năm phải là số từ 2000 đến 2100."
            year = None
    cleaned["year"] = year or None
    day = values.get("first_applied_on")
    if day not in (None, "") and not isinstance(day, date):
        errors["first_applied_on"] = f"“{LABELS['first_applied_on']}” không phải ngày hợp lệ."
        day = None
    if isinstance(day, date) and day > timezone.localdate():
        errors["first_applied_on"] = (f"“{LABELS['first_applied_on']}” không được sau hôm nay: "
                                      "sáng kiến phải đã được áp dụng hoặc áp dụng thử.")
    cleaned["first_applied_on"] = day or None
    amount = values.get("benefit_amount")
    if amount in (None, ""):
        amount = None
    else:
        try:
            amount = Decimal(str(amount).replace(".", "").replace(",", "").replace(" ", ""))
            if not amount.is_finite() or amount < 0 or amount >= Decimal(10) ** 16:
                raise InvalidOperation
        except InvalidOperation:
            errors["benefit_amount"] = f"“{LABELS['benefit_amount']}” phải là số đồng không âm."
            amount = None
    cleaned["benefit_amount"] = amount
    for name in REQUIRED:
        if name not in errors and cleaned.get(name) in (None, ""):
            errors[name] = f"Chưa nhập “{LABELS[name]}”."
    if errors:
        raise ValidationError(errors)
    return cleaned


@dataclass(frozen=True)
class AuthorLine:
    person: Person
    share: Decimal


def _share(value, row: int) -> Decimal:
    try:
        share = Decimal(str(value).strip().removesuffix("%").strip().replace(",", "."))
        if not share.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {"authors": f"Tác giả thứ {row}: tỷ lệ đóng góp “{value}” không phải số."}) from None
    if share <= 0 or share > 100:
        raise ValidationError(
            {"authors": f"Tác giả thứ {row}: tỷ lệ đóng góp phải lớn hơn 0 và không quá 100%."})
    if share != share.quantize(Decimal("0.01")):
        raise ValidationError(
            {"authors": f"Tác giả thứ {row}: tỷ lệ đóng góp chỉ lấy tối đa 2 chữ số thập phân."})
    return share


def check_authors(unit: Unit, lines: list[tuple], *, creator=None,
                  creator_may_be_absent: bool = False) -> list[AuthorLine]:
    """The authors as (person, share), or ValidationError {"authors": message}.

    Source: Điều lệ sáng kiến (Nghị định 13/2012/NĐ-CP) Điều 2 — the co-authors of an
    initiative share it, each with his part: at least one author, each once, every one an
    active person of the province, the parts summing to exactly 100%. ``lines`` hold
    (person or person id or staff code, share); the person who writes the application is
    normally one of them (``creator``), unless the office enters it for them.
    """
    if not lines:
        raise ValidationError({"authors": "Đơn phải có ít nhất một tác giả."})
    keys = [who for who, _share_value in lines]
    ids = {k.pk if isinstance(k, Person) else k for k in keys if not isinstance(k, str)}
    codes = {k for k in keys if isinstance(k, str)}
    found = {p.pk: p for p in Person.objects.filter(pk__in=ids).select_related("unit")}
    by_code = {p.staff_code: p for p in Person.objects.filter(staff_code__in=codes)
               .select_related("unit")}
    province = province_of(unit)
    result, seen, total = [], set(), Decimal(0)
    for row, (who, share_value) in enumerate(lines, 1):
        if isinstance(who, str):
            person = by_code.get(who)
        else:
            person = found.get(who.pk if isinstance(who, Person) else who)
        if person is None:
            raise ValidationError({"authors": f"Tác giả thứ {row}: không tìm thấy cán bộ “{who}”."})
        if not person.unit.path.startswith(province):
            raise ValidationError({"authors": f"Tác giả thứ {row} ({person.full_name}) là một "
                                              "tác giả ngoài tỉnh: chỉ chọn cán bộ trong tỉnh."})
        if person.status != PersonStatus.ACTIVE:
            raise ValidationError({"authors": f"Tác giả thứ {row} ({person.full_name}) không còn "
                                              "đang công tác."})
        if person.pk in seen:
            raise ValidationError({"authors": f"{person.full_name} được ghi hai lần trong danh "
                                              "sách tác giả."})
        seen.add(person.pk)
        share = _share(share_value, row)
        total += share
        result.append(AuthorLine(person, share))
    if total != 100:
        raise ValidationError({"authors": f"Tổng tỷ lệ đóng góp của các tác giả là "
                                          f"{_percent(total)}%, phải đúng 100%."})
    if creator is not None and not creator_may_be_absent:
        own = Person.objects.filter(user=creator).values_list("pk", flat=True).first()
        if own is None or own not in seen:
            raise ValidationError({"authors": "Người lập đơn phải là một trong các tác giả "
                                              "(văn phòng đơn vị có thể lập đơn thay)."})
    return result


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


# Writing an application ----------------------------------------------------------------

def _write_authors(initiative: Initiative, authors: list[AuthorLine]) -> None:
    Author.objects.filter(initiative=initiative).delete()
    Author.objects.bulk_create([Author(initiative=initiative, person=line.person,
                                       share=line.share, order=index)
                                for index, line in enumerate(authors, 1)])


def _refresh_text(initiative: Initiative) -> None:
    initiative.search_text = build_search_text(initiative)
    Initiative.objects.filter(pk=initiative.pk).update(search_text=initiative.search_text)


#: The most units offered in the office's list of units it writes for (by path order).
OFFICE_UNITS_SHOWN = 300


def office_units_for(user) -> list[Unit]:
    """The active units the user's office roles cover (the office may enter an application
    for its staff): the first ``OFFICE_UNITS_SHOWN`` in tree order, one query."""
    if not scoping.covered_paths(user, MANAGE_ROLES):
        return []
    return list(scoping.scope(Unit.objects.filter(is_active=True), user, MANAGE_ROLES)
                .order_by("path").only("pk", "name", "path", "depth")[:OFFICE_UNITS_SHOWN])


def may_create_for(user, unit: Unit) -> bool:
    person = person_of(user)
    return (person is not None and person.unit_id == unit.pk) or manages_unit(user, unit)


@transaction.atomic
def create_application(user, unit: Unit, values: dict, authors: list[tuple]) -> Initiative:
    """A new draft application of ``unit`` with its authors."""
    if not may_create_for(user, unit):
        raise PermissionDenied("Bạn chỉ lập được đơn sáng kiến cho đơn vị mình công tác.")
    cleaned = check_values(values)
    lines = check_authors(unit, authors, creator=user,
                          creator_may_be_absent=manages_unit(user, unit))
    initiative = Initiative(unit=unit, created_by=user, state=INITIATIVE_WORKFLOW.initial,
                            reviewing_unit=reviewing_unit_for(unit, cleaned["level"]),
                            **cleaned)
    initiative.save()
    _write_authors(initiative, lines)
    _refresh_text(initiative)
    return initiative


@transaction.atomic
def update_application(user, initiative: Initiative, values: dict,
                       authors: list[tuple] | None = None) -> Initiative:
    """Change the content (and the authors when given) of a draft or returned application."""
    require_editable(user, initiative)
    cleaned = check_values(values)
    if authors is not None:
        lines = check_authors(initiative.unit, authors, creator=initiative.created_by,
                              creator_may_be_absent=(initiative.created_by is None
                                                     or manages_unit(initiative.created_by,
                                                                     initiative.unit)))
    for name, value in cleaned.items():
        setattr(initiative, name, value)
    initiative.reviewing_unit = reviewing_unit_for(initiative.unit, initiative.level)
    changed = Initiative.objects.filter(pk=initiative.pk, state__in=AUTHOR_EDITS).update(
        **cleaned, reviewing_unit=initiative.reviewing_unit, updated_at=timezone.now())
    if not changed:
        raise ValidationError("Đơn vừa được nộp hoặc thay đổi trạng thái. Hãy tải lại trang.")
    if authors is not None:
        _write_authors(initiative, lines)
    _refresh_text(initiative)
    return initiative


def check_attachment(upload) -> None:
    """Refuse a file of a type not allowed, whose content does not match its extension,
    or larger than the limit (``INITIATIVE_ATTACHMENT_MAX_BYTES``, default 10 MB)."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_SIGNATURES:
        raise ValidationError(f"Tệp “{name}” không đúng định dạng cho phép: {ATTACHMENT_HELP}.")
    limit = attachment_max_bytes()
    if upload.size > limit:
        raise ValidationError(f"Tệp “{name}” dung lượng {_megabytes(upload.size)} MB, vượt giới "
                              f"hạn {_megabytes(limit)} MB.")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    bad = ValidationError(f"Nội dung tệp “{name}” không phải tệp .{extension} hợp lệ "
                          "(tệp hỏng hoặc bị đổi đuôi).")
    if not head.startswith(ATTACHMENT_SIGNATURES[extension]):
        raise bad
    if extension in ZIP_PARTS:
        try:
            with zipfile.ZipFile(upload) as archive:
                if ZIP_PARTS[extension] not in archive.namelist():
                    raise bad
        except zipfile.BadZipFile:
            raise bad from None
        finally:
            upload.seek(0)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")


def _lock_editable(user, initiative: Initiative) -> None:
    """``require_editable`` on the stored state, the row locked until the transaction ends
    (a submission arriving meanwhile waits; one that came first is seen)."""
    require_editable(user, initiative)
    initiative.state = (Initiative.objects.select_for_update().values_list("state", flat=True)
                        .get(pk=initiative.pk))
    require_editable(user, initiative)


def add_attachment(user, initiative: Initiative, upload) -> Attachment:
    require_editable(user, initiative)
    check_attachment(upload)
    with transaction.atomic():
        _lock_editable(user, initiative)
        if initiative.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationError(f"Mỗi đơn có tối đa {MAX_ATTACHMENTS} tệp đính kèm.")
        name = clean_text(upload.name)[:255]
        return Attachment.objects.create(initiative=initiative, file=upload, name=name,
                                         size=upload.size, uploaded_by=user)


def delete_attachment(user, attachment: Attachment) -> None:
    with transaction.atomic():
        _lock_editable(user, attachment.initiative)
        attachment.delete()
    attachment.file.delete(save=False)


# The workflow --------------------------------------------------------------------------

@dataclass
class Submitted:
    initiative: Initiative
    #: The most similar initiatives of the province with their similarity (0–1).
    similar: list


def similar_to(initiative: Initiative, limit: int = 5) -> list:
    """The most similar initiatives of the province (the bank's duplicate check)."""
    from thidua.initiatives import search

    text = " ".join(filter(None, (initiative.problem, initiative.solution, initiative.novelty,
                                  initiative.benefits)))
    # A proposal to the next level repeats its lower-level original on purpose: not a duplicate.
    previous = initiative.previous_id
    found = search.similar(initiative.title, text, province_path=province_of(initiative.unit),
                           exclude_id=initiative.pk, limit=limit + 1 if previous else limit)
    return [pair for pair in found if pair[0].pk != previous][:limit]


def submit(user, initiative: Initiative) -> Submitted:
    """Send the application to the reviewing unit; similar initiatives are shown, never
    a reason to refuse (the council judges what is new)."""
    if not may_edit(user, initiative):
        raise PermissionDenied("Chỉ người lập đơn hoặc văn phòng của đơn vị mới được nộp đơn.")
    refusal = edit_refusal(initiative)
    if refusal:
        raise ValidationError(refusal)
    # The stored content must still be complete (an old draft, a renamed field).
    check_values({name: getattr(initiative, name) for name in LABELS
                  if name not in ("unit", "authors")})
    lines = [(a.person_id, a.share) for a in initiative.authors.all()]
    check_authors(initiative.unit, lines)
    with transaction.atomic():
        INITIATIVE_WORKFLOW.apply(initiative, "submit", user)
        initiative.submitted_at = timezone.now()
        Initiative.objects.filter(pk=initiative.pk).update(submitted_at=initiative.submitted_at)
    return Submitted(initiative, similar_to(initiative))


def _require_reviewer(user, initiative: Initiative, what: str) -> None:
    if not reviews(user, initiative):
        raise PermissionDenied(f"Chỉ văn phòng của {initiative.reviewing_unit.name} mới được "
                               f"{what} đơn này.")
    if is_author(user, initiative):
        raise PermissionDenied(f"Bạn là tác giả của sáng kiến này nên không được tự {what} "
                               "đơn; cán bộ khác của văn phòng thực hiện.")


def accept(initiative: Initiative, user) -> Initiative:
    """Accept the application for review: the three months start today."""
    _require_reviewer(user, initiative, "tiếp nhận")
    today = timezone.localdate()
    with transaction.atomic():
        INITIATIVE_WORKFLOW.apply(initiative, "accept", user)
        initiative.accepted_on = today
        initiative.review_due_on = review_deadline(today)
        Initiative.objects.filter(pk=initiative.pk).update(
            accepted_on=initiative.accepted_on, review_due_on=initiative.review_due_on)
    return initiative


def return_for_completion(initiative: Initiative, user, reason: str) -> Initiative:
    """Give the application back to its authors to complete (the reason is required)."""
    _require_reviewer(user, initiative, "trả lại")
    INITIATIVE_WORKFLOW.apply(initiative, "return", user, reason=reason)
    return initiative


def proposal_refusal(user, initiative: Initiative) -> str | None:
    if initiative.state != "recognised":
        return "Chỉ đề nghị cấp trên công nhận một sáng kiến đã được công nhận."
    if initiative.level not in NEXT_LEVEL:
        return "Sáng kiến đã ở cấp cao nhất, không có cấp trên để đề nghị."
    if not (is_owner(user, initiative) or reviews(user, initiative)
            or manages_unit(user, initiative.unit)):
        return "Chỉ người lập đơn hoặc văn phòng của đơn vị mới được đề nghị cấp trên."
    if initiative.proposals.exclude(state="refused").exists():
        return "Sáng kiến này đã được đề nghị lên cấp trên."
    return None


@transaction.atomic
def propose_to_next_level(initiative: Initiative, user) -> Initiative:
    """A new application at the next level made from a recognised initiative: the same
    content and authors, ``previous`` pointing back. Proposed by the reviewing unit's
    office it goes straight in as submitted; by the author it starts as a draft he may
    complete before submitting."""
    refusal = proposal_refusal(user, initiative)
    if refusal:
        raise (PermissionDenied if "Chỉ người" in refusal else ValidationError)(refusal)
    level = NEXT_LEVEL[Level(initiative.level)]
    by_office = reviews(user, initiative)
    authors = list(initiative.authors.all())
    if by_office:
        # Sent straight as submitted: the checks of ``submit`` run here (an author may have
        # retired or moved out of the province since the recognition).
        check_authors(initiative.unit, [(a.person_id, a.share) for a in authors])
    proposal = Initiative(
        **{name: getattr(initiative, name) for name in CONTENT},
        level=level, year=timezone.localdate().year, previous=initiative,
        reviewing_unit=reviewing_unit_for(initiative.unit, level),
        created_by=initiative.created_by or user,
        state="submitted" if by_office else "draft",
        submitted_at=timezone.now() if by_office else None,
    )
    proposal.save()
    Author.objects.bulk_create([Author(initiative=proposal, person_id=a.person_id,
                                       share=a.share, order=a.order)
                                for a in authors])
    _refresh_text(proposal)
    if by_office:
        INITIATIVE_WORKFLOW.log_created([proposal], "submit", user, source="draft")
    return proposal
