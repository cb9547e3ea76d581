"""The printable documents of a scorecard, and the read-side outline they share with
the scorecard page.

- The registration (Bản đăng ký thực hiện mô hình “Chi bộ bốn tốt” năm YYYY):
  the commitments under each criterion, in the unit's format (Party or state)
  through :mod:`thidua.documents.render` — the frame comes from the unit's
  issuer profile, the template is the "dang_ky" kind's (replaceable by an admin).
- The scorecard (a report, Báo cáo kết quả chấm điểm): the groups and items with their maximum,
  the self-score, the appraised points and the reasons, the totals and the
  result (recognised or not, with the decision; the band of a grading). It
  uses the "bao_cao" kind's template.

:func:`outline` reads a scorecard's criteria, lines and commitments in three
queries and arranges them as the page and the documents show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import attrgetter

from django.utils import timezone

from thidua.documents.render import Body, frame_for, render_document
from thidua.scorecards import rules
from thidua.scorecards.models import Criterion, Scorecard, ScoreLine

REGISTRATION_KIND = "dang_ky"
SCORECARD_KIND = "bao_cao"


# The outline -------------------------------------------------------------------------------------
def _text(name: str) -> property:
    """A read-only property: the points at ``name`` (dotted) as the page writes them."""
    get = attrgetter(name)
    return property(lambda self: rules.fmt(get(self)))


@dataclass
class Item:
    """A scorable criterion (an item, or a group without items) and its line."""

    criterion: Criterion
    group_id: int
    line: ScoreLine | None

    @property
    def pk(self) -> int:
        return self.criterion.pk

    @property
    def self_points(self) -> Decimal | None:
        return self.line.self_points if self.line else None

    @property
    def appraised_points(self) -> Decimal | None:
        return self.line.appraised_points if self.line else None

    @property
    def final_points(self) -> Decimal | None:
        appraised = self.appraised_points
        return appraised if appraised is not None else self.self_points

    max_text = _text("criterion.max_points")
    self_text = _text("self_points")
    appraised_text = _text("appraised_points")

    @property
    def differs(self) -> bool:
        """The appraisal changed the self-score."""
        return self.appraised_points is not None and self.appraised_points != self.self_points

    @property
    def difference(self) -> str:
        if not self.differs:
            return ""
        delta = self.appraised_points - (self.self_points or Decimal(0))
        return ("+" if delta > 0 else "−") + rules.fmt(abs(delta))


@dataclass
class Group:
    criterion: Criterion
    items: list[Item]
    #: The group takes points itself (it has no items).
    is_leaf: bool
    commitment: str = ""
    self_total: Decimal = Decimal(0)
    appraised_total: Decimal | None = None

    max_text = _text("criterion.max_points")
    self_total_text = _text("self_total")
    appraised_total_text = _text("appraised_total")

    @property
    def differs(self) -> bool:
        return self.appraised_total is not None and self.appraised_total != self.self_total


@dataclass
class Outline:
    groups: list[Group] = field(default_factory=list)
    self_total: Decimal = Decimal(0)
    appraised_total: Decimal | None = None
    max_total: Decimal = Decimal(0)
    appraised: bool = False

    max_total_text = _text("max_total")
    self_total_text = _text("self_total")
    appraised_total_text = _text("appraised_total")

    @property
    def items(self) -> list[Item]:
        return [item for group in self.groups for item in group.items]

    @property
    def group_of(self) -> dict[int, int]:
        return {item.pk: group.criterion.pk for group in self.groups for item in group.items}


def outline(card: Scorecard) -> Outline:
    """The card's groups, items, lines, commitments and totals (three queries)."""
    criteria = list(card.framework.criteria.all())
    lines = {line.criterion_id: line for line in card.lines.all()}
    commitments = dict(card.commitments.values_list("criterion_id", "text"))
    nodes = [rules.Node(c.pk, c.code, c.title, c.max_points, c.parent_id, c.min_points)
             for c in criteria]
    children: dict[int, list[Criterion]] = {}
    for criterion in criteria:
        if criterion.parent_id is not None:
            children.setdefault(criterion.parent_id, []).append(criterion)
    self_points = {pk: line.self_points for pk, line in lines.items()}
    appraised = any(line.appraised_points is not None for line in lines.values())
    final = {pk: (line.appraised_points if line.appraised_points is not None
                  else line.self_points) for pk, line in lines.items()}
    self_groups = rules.group_totals(nodes, self_points)
    final_groups = rules.group_totals(nodes, final) if appraised else {}
    result = Outline(appraised=appraised)
    for criterion in criteria:
        if criterion.parent_id is not None:
            continue
        items = children.get(criterion.pk, [])
        leaf = not items
        rows = [Item(c, criterion.pk, lines.get(c.pk)) for c in (items or [criterion])]
        result.groups.append(Group(
            criterion, rows, leaf, commitments.get(criterion.pk, ""),
            self_groups.get(criterion.pk, Decimal(0)), final_groups.get(criterion.pk)))
        result.max_total += criterion.max_points
    result.self_total = sum(self_groups.values(), Decimal(0))
    result.appraised_total = sum(final_groups.values(), Decimal(0)) if appraised else None
    return result


# Wording -----------------------------------------------------------------------------------------
def model_name(card: Scorecard) -> str:
    """“Chi bộ bốn tốt” — the title a recognition gives, else the framework's name."""
    return card.framework.recognition_label or card.framework.name


def result_text(card: Scorecard) -> str:
    """The result in one sentence: the decision, else where the scorecard stands."""
    label = model_name(card)
    decision = ""
    if card.decision_number:
        decision = f" theo Quyết định số {card.decision_number}"
        if card.decision_date:
            decision += f" ngày {card.decision_date:%d/%m/%Y}"
    if card.framework.bands:
        band = rules.band_label(card.band, card.framework.bands) if card.band else ""
        if card.state == "recognised":
            return f"Xếp loại “{band}” năm {card.year}{decision}."
        if band:
            return f"Xếp loại theo điểm (chưa có quyết định): “{band}”."
        return "Chưa có kết quả xếp loại."
    if card.state == "recognised":
        return f"Được công nhận “{label}” năm {card.year}{decision}."
    if card.state == "not_recognised":
        return f"Không được công nhận “{label}” năm {card.year}{decision}."
    return f"Chưa có quyết định công nhận ({card.get_state_display().lower()})."


def _blank_reference(unit, letters: str) -> str:
    """A number left blank to be written by hand: "      -ĐK/CB" (Party), "      /ĐK-UBND"."""
    from thidua.documents.issuers import profile_for

    profile = profile_for(unit)
    if profile.doc_format == "party":
        return f"{' ' * 6}-{letters}/{profile.symbol}"
    return f"{' ' * 6}/{letters}-{profile.symbol}"


def _day(moment) -> date:
    return timezone.localtime(moment).date() if moment else timezone.localdate()


# The registration --------------------------------------------------------------------------------
def registration_docx(card: Scorecard) -> bytes:
    """Bản đăng ký thực hiện mô hình “…” năm YYYY: the commitments per criterion."""
    shape = outline(card)
    framework = card.framework
    label = model_name(card)
    who = card.subject_name
    if card.person_id:
        who = f"Tôi, {card.person.full_name} ({card.unit.name}),"

    def body(doc: Body):
        basis = f" ({framework.source})" if framework.source else ""
        doc.text(f"Căn cứ tiêu chí “{label}”{basis}, {who} đăng ký thực hiện "
                 f"{'mô hình ' if not card.person_id else ''}“{label}” năm {card.year} với các "
                 "nội dung sau:")
        for group in shape.groups:
            doc.heading(f"{group.criterion.code}.", group.criterion.title, level=2)
            lines = [line.strip() for line in group.commitment.splitlines() if line.strip()]
            if lines:
                for line in lines:
                    doc.text(line)
            else:
                doc.to_write(f"Nội dung đăng ký theo tiêu chí {group.criterion.code}")
        doc.text("Các tiêu chí và điểm tối đa để tự đánh giá, chấm điểm cuối năm:", bold=True,
                 indent=False)
        rows = []
        for group in shape.groups:
            rows.append((group.criterion.code, group.criterion.title,
                         rules.fmt(group.criterion.max_points)))
            if not group.is_leaf:
                rows.extend((item.criterion.code, item.criterion.title,
                             rules.fmt(item.criterion.max_points)) for item in group.items)
        rows.append(("", "Tổng cộng", rules.fmt(shape.max_total)))
        doc.table(["Mã", "Tiêu chí", "Điểm tối đa"], rows, widths_mm=[15, 125, 25],
                  numeric=[2])
        subject = "Tôi" if card.person_id else card.unit.name
        doc.text(f"{subject} cam kết phấn đấu thực hiện đầy đủ các nội dung đã đăng ký.")

    frame = frame_for(card.unit, kind_label="Bản đăng ký",
                      summary=f"Thực hiện {'mô hình ' if not card.person_id else ''}"
                              f"“{label}” năm {card.year}",
                      reference=_blank_reference(card.unit, "ĐK"), day=_day(card.registered_at),
                      recipients=_recipients(card))
    return render_document(REGISTRATION_KIND, frame, body)


def _recipients(card: Scorecard) -> list[str]:
    unit = card.unit
    parent = (type(unit).objects.filter(path=unit.path[:-unit.steplen]).first()
              if unit.depth > 1 else None)
    return [f"{parent.name} (báo cáo)" if parent else "Cấp ủy cấp trên (báo cáo)", "Lưu"]


# The scorecard -----------------------------------------------------------------------------------
def scorecard_docx(card: Scorecard) -> bytes:
    """The printable scorecard (a report): groups and items with max, self, appraised points and reasons."""
    shape = outline(card)
    label = model_name(card)

    def points(value) -> str:
        return rules.fmt(value) if value is not None else ""

    def body(doc: Body):
        basis = f" theo {card.framework.source}" if card.framework.source else ""
        doc.text(f"Kết quả tự đánh giá, chấm điểm của {card.subject_name} về thực hiện "
                 f"“{label}” năm {card.year}{basis} và kết quả thẩm định của cấp trên:")
        rows = []
        for group in shape.groups:
            appraised = group.appraised_total if shape.appraised else None
            reason = group.items[0].line.appraisal_reason if (
                group.is_leaf and group.items[0].line) else ""
            rows.append((group.criterion.code, f"{group.criterion.title}".upper(),
                         rules.fmt(group.criterion.max_points), rules.fmt(group.self_total),
                         points(appraised), reason))
            if group.is_leaf:
                continue
            for item in group.items:
                rows.append((item.criterion.code, item.criterion.title,
                             rules.fmt(item.criterion.max_points), points(item.self_points),
                             points(item.appraised_points),
                             item.line.appraisal_reason if item.line else ""))
        rows.append(("", "TỔNG CỘNG", rules.fmt(shape.max_total), rules.fmt(shape.self_total),
                     points(shape.appraised_total), ""))
        doc.table(["Mã", "Tiêu chí", "Điểm tối đa", "Tự chấm", "Thẩm định", "Lý do điều chỉnh"],
                  rows, widths_mm=[12, 73, 15, 17, 18, 30], numeric=[2, 3, 4])
        doc.labelled("Tổng điểm tự chấm", rules.fmt(shape.self_total))
        doc.labelled("Tổng điểm thẩm định",
                     rules.fmt(shape.appraised_total) if shape.appraised else "Chưa thẩm định")
        if card.framework.bands and card.band:
            doc.labelled("Xếp loại theo điểm", rules.band_label(card.band, card.framework.bands))
        doc.labelled("Kết quả", result_text(card))
        if card.is_late:
            doc.text("Ghi chú: đơn vị đăng ký sau thời hạn.", italic=True)

    frame = frame_for(card.unit, kind_label="Báo cáo",
                      summary=f"Kết quả chấm điểm thực hiện “{label}” năm {card.year}",
                      reference=_blank_reference(card.unit, "BC"),
                      day=_day(card.submitted_at or card.updated_at),
                      recipients=_recipients(card))
    return render_document(SCORECARD_KIND, frame, body)


__all__ = ["Group", "Item", "Outline", "outline", "registration_docx", "result_text",
           "scorecard_docx"]
