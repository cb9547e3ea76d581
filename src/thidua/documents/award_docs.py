"""Documents of an award: the proposal letter (tờ trình) and the decision (quyết định).

They are built from plain data (:class:`Candidate`, :class:`AwardLine`) so the
awards app calls them with what it has computed; nothing here reads awards
tables. The caller takes the document number in the same transaction as the
record it issues, for example::

    from django.db import transaction
    from thidua.documents import award_docs, numbering

    with transaction.atomic():
        issued = numbering.issue_number(unit, "QĐ", user,
                                        subject="Tặng Giấy khen năm 2026")
        data = award_docs.decision_docx(unit, reference=issued.reference, day=date.today(),
                                        form_label="Giấy khen", awardees=lines)

(``"TTr"`` for a proposal letter.) A rolled-back transaction gives the number
back, so the register keeps no gap.

Legal bases: Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định số
152/2025/NĐ-CP (in force from 01/7/2025, replacing 98/2023); Thông tư số
15/2025/TT-BNV (../shared/DOMAIN.md §2). A caller with other bases (a Party
committee's working rules, the council's minutes) passes its own lines.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from thidua.documents import formats
from thidua.documents.render import Body, frame_for, render_document, safe

PROPOSAL, DECISION = "to_trinh", "quyet_dinh"
KINDS = {PROPOSAL: "Tờ trình", DECISION: "Quyết định"}

#: The laws every award document rests on (DOMAIN.md §2).
LEGAL_BASES = (
    "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;",
    "Căn cứ Nghị định số 152/2025/NĐ-CP của Chính phủ quy định chi tiết và hướng dẫn "
    "thi hành một số điều của Luật Thi đua, khen thưởng;",
    "Căn cứ Thông tư số 15/2025/TT-BNV của Bộ Nội vụ về thi đua, khen thưởng;",
)
#: A proposal lists its candidates in the letter up to this many, else in an annex.
ANNEX_FROM = 10
#: What goes with a proposal (DOMAIN.md §2, the dossier).
DOSSIER = (
    "Biên bản họp Hội đồng Thi đua - Khen thưởng;",
    "Báo cáo thành tích của các tập thể, cá nhân được đề nghị;",
    "Quyết định công nhận sáng kiến, đề tài (đối với danh hiệu Chiến sĩ thi đua).",
)
ON_BEHALF_PREFIXES = ("TM.", "T/M", "TM ", "KT.", "K/T", "Q.", "TL.", "T/L", "TUQ.", "T/U")


@dataclass(frozen=True)
class Candidate:
    """One line of a proposal: a person (or, with ``collective``, a collective)."""

    name: str
    position: str = ""
    unit_name: str = ""
    form_label: str = ""
    achievements: str = ""
    #: The level of the form when it has several ("cấp tỉnh", "cấp cơ sở").
    level: str = ""
    collective: bool = False

    @property
    def position_unit(self) -> str:
        return ", ".join(part for part in (self.position, self.unit_name) if part and part.strip())

    def form_text(self, default: str = "") -> str:
        form = self.form_label or default
        return f"{form} ({self.level})" if self.level and form else form or self.level


@dataclass(frozen=True)
class AwardLine(Candidate):
    """One awardee of a decision, with the reward money when there is some."""

    amount: int | Decimal | None = None


# Formatting -----------------------------------------------------------------------------
def thousands(value: int | Decimal) -> str:
    """1234000 → "1.234.000" (rounded to the đồng)."""
    whole = int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"{whole:,}".replace(",", ".")


def money(value: int | Decimal) -> str:
    """1234000 → "1.234.000 đồng"."""
    return f"{thousands(value)} đồng"


def count_text(lines: Sequence[Candidate]) -> str:
    """"02 tập thể và 05 cá nhân" (numbers under ten written with two digits)."""
    collectives = sum(1 for line in lines if line.collective)
    people = len(lines) - collectives
    parts = [f"{n:02d} {noun}" for n, noun in ((collectives, "tập thể"), (people, "cá nhân"))
             if n]
    return " và ".join(parts) or "00 cá nhân"


def authority_line(profile) -> str:
    """Who decides, in capitals, from the issuer's profile: "CHỦ TỊCH ỦY BAN NHÂN DÂN
    PHƯỜNG AN BÌNH", "BAN THƯỜNG VỤ ĐẢNG ỦY PHƯỜNG BẮC KẠN", "ỦY BAN NHÂN DÂN …"."""
    body = safe(profile.body_name).upper().strip()
    on_behalf = safe(profile.signer_on_behalf).upper().strip()
    if on_behalf:
        for prefix in ON_BEHALF_PREFIXES:
            if on_behalf.startswith(prefix):
                on_behalf = on_behalf[len(prefix):].strip()
                break
        if not on_behalf or body.startswith(on_behalf):
            return body
        return f"{on_behalf} {body}"
    title = safe(profile.signer_title).upper().strip()
    return f"{title} {body}".strip() if title else body


# Writing helpers --------------------------------------------------------------------------
def _article(doc: Body, label: str, text: str):
    """"Điều 1. …" with the label in bold, justified, first line indented."""
    para = doc.doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt = para.paragraph_format
    fmt.first_line_indent = Mm(10)
    fmt.space_before, fmt.space_after = Pt(0), Pt(6)
    fmt.line_spacing = 1.15
    formats.set_font(para.add_run(f"{label} "), doc.size, bold=True)
    formats.set_font(para.add_run(safe(text)), doc.size)
    return para


def _centred(doc: Body, text: str, *, bold=False, italic=False, before: float = 0,
             after: float = 6):
    para = doc.text(text, bold=bold, italic=italic, indent=False,
                    align=WD_ALIGN_PARAGRAPH.CENTER)
    para.paragraph_format.space_before = Pt(before)
    para.paragraph_format.space_after = Pt(after)
    return para


def _grouped_rows(lines: Sequence[Candidate], make_row, width: int) -> list[tuple]:
    """Rows numbered 1, 2, … — under "I. TẬP THỂ" and "II. CÁ NHÂN" when both are listed."""
    collectives = [line for line in lines if line.collective]
    people = [line for line in lines if not line.collective]
    if not collectives or not people:
        return [make_row(str(n), line) for n, line in enumerate(lines, start=1)]
    rows = []
    for roman_number, title, group in (("I", "TẬP THỂ", collectives), ("II", "CÁ NHÂN", people)):
        rows.append((roman_number, f"{title} ({len(group):02d})", *[""] * (width - 2)))
        rows.extend(make_row(str(n), line) for n, line in enumerate(group, start=1))
    return rows


def _append_annex(data: bytes, doc_format: str, write) -> bytes:
    """Add an annex on a new page after the signature of a rendered document."""
    document = Document(io.BytesIO(data))
    write(Body(document, doc_format))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _annex_heading(doc: Body, title: str, attached_to: str) -> None:
    first = _centred(doc, title.upper(), bold=True, after=0)
    first.paragraph_format.page_break_before = True
    _centred(doc, attached_to, italic=True, after=12)


# The proposal letter ----------------------------------------------------------------------
PROPOSAL_HEADERS = ["STT", "Họ và tên / Tập thể", "Chức vụ, đơn vị", "Hình thức", "Thành tích"]
PROPOSAL_WIDTHS = [13, 37, 37, 28, 50]


def proposal_docx(unit, *, reference: str, day: date, summary: str, form_label: str,
                  candidates: Sequence[Candidate], granting_body: str, reasons_text: str = "",
                  bases: Sequence[str] = (), recipients: Sequence[str] = (),
                  annex_from: int = ANNEX_FROM) -> bytes:
    """The proposal letter (Tờ trình) of ``unit`` to ``granting_body`` with its candidates.

    ``bases`` adds lines after the laws ("Căn cứ Biên bản họp Hội đồng …"). The
    list is in the letter for up to ``annex_from`` candidates, else in an annex
    after the signature ("Kèm theo Tờ trình số …"). Without ``reasons_text``
    the place for the narrative is marked for people to write.
    """
    candidates = list(candidates)
    in_annex = len(candidates) > annex_from
    forms = sorted({c.form_label for c in candidates if c.form_label} or {form_label})
    form_words = forms[0] if len(forms) == 1 else "các hình thức khen thưởng (" + \
        ", ".join(forms) + ")"

    def row(number: str, c: Candidate) -> tuple:
        return (number, c.name, c.position_unit, c.form_text(form_label), c.achievements)

    rows = _grouped_rows(candidates, row, len(PROPOSAL_HEADERS))

    def body(doc: Body):
        _centred(doc, f"Kính gửi: {granting_body}", after=12)
        for line in (*LEGAL_BASES, *bases):
            doc.text(line, italic=True)
        if reasons_text:
            for line in reasons_text.splitlines():
                if line.strip():
                    doc.text(line.strip())
        else:
            doc.to_write("Tóm tắt thành tích nổi bật, lý do đề nghị khen thưởng và việc xét "
                         "chọn của Hội đồng Thi đua - Khen thưởng (do đơn vị viết)")
        if not candidates:
            doc.to_write("Chưa có tập thể, cá nhân nào trong danh sách đề nghị")
        else:
            text = (f"{unit.name} kính đề nghị {granting_body} xem xét, tặng {form_words} "
                    f"cho {count_text(candidates)}")
            if in_annex:
                doc.text(text + " (có danh sách kèm theo).")
            else:
                doc.text(text + ", cụ thể như sau:")
                doc.table(PROPOSAL_HEADERS, rows, widths_mm=PROPOSAL_WIDTHS, centred=[0])
        doc.labelled("Hồ sơ kèm theo", "")
        for item in DOSSIER:
            doc.bullet(item)
        doc.text(f"Kính trình {granting_body} xem xét, quyết định./.")

    frame = frame_for(unit, kind_label=KINDS[PROPOSAL], summary=summary, reference=reference,
                      day=day, recipients=list(recipients) or ["Như trên", "Lưu VT"])
    data = render_document(PROPOSAL, frame, body)
    if not in_annex:
        return data

    def annex(doc: Body):
        _annex_heading(doc, f"Danh sách đề nghị tặng {form_words}",
                       f"(Kèm theo Tờ trình số {reference} ngày {day:%d/%m/%Y} "
                       f"của {unit.name})")
        doc.table(PROPOSAL_HEADERS, rows, widths_mm=PROPOSAL_WIDTHS, centred=[0])

    return _append_annex(data, frame.doc_format, annex)


# The decision -------------------------------------------------------------------------------
def decision_docx(unit, *, reference: str, day: date, form_label: str,
                  awardees: Sequence[Candidate], reward_amounts: Sequence | None = None,
                  achievement_text: str = "", bases: Sequence[str] = (),
                  proposer: str = "", funding_source: str = "",
                  executors: Sequence[str] = (), summary: str = "",
                  authority: str = "", recipients: Sequence[str] = ()) -> bytes:
    """The award decision (Quyết định) of ``unit`` with the list of awardees in an annex.

    ``reward_amounts``, when given, runs parallel to ``awardees`` (None for no
    money); otherwise an :class:`AwardLine`'s own ``amount`` is used. Amounts
    are written "1.234.000 đồng". ``proposer`` adds "Xét đề nghị của …";
    ``executors`` are named in Điều 3 before the awardees themselves.
    """
    from thidua.documents.issuers import profile_for

    awardees = list(awardees)
    if reward_amounts is not None:
        if len(reward_amounts) != len(awardees):
            raise ValueError("reward_amounts must have one entry per awardee")
        awardees = [replace(a, amount=v) if isinstance(a, AwardLine)
                    else AwardLine(**{f: getattr(a, f) for f in Candidate.__dataclass_fields__},
                                   amount=v)
                    for a, v in zip(awardees, reward_amounts, strict=True)]
    amounts = [getattr(a, "amount", None) for a in awardees]
    with_money = any(v is not None for v in amounts)
    total = sum((Decimal(str(v)) for v in amounts if v is not None), Decimal(0))
    profile = profile_for(unit)
    who_decides = safe(authority).upper() or authority_line(profile)
    summary = summary or f"Về việc tặng {form_label}"
    achievement = safe(achievement_text).strip().rstrip(".") or \
        "xuất sắc trong thực hiện nhiệm vụ"

    headers = ["STT", "Họ và tên / Tập thể", "Chức vụ, đơn vị", "Hình thức"]
    widths = [13, 55, 62, 35]
    if with_money:
        headers.append("Số tiền thưởng (đồng)")
        widths = [13, 45, 49, 30, 28]

    def row(number: str, a: Candidate) -> tuple:
        cells = (number, a.name, a.position_unit, a.form_text(form_label))
        if with_money:
            amount = getattr(a, "amount", None)
            cells += (thousands(amount) if amount is not None else "",)
        return cells

    rows = _grouped_rows(awardees, row, len(headers))
    if with_money:
        rows.append(("", "Tổng cộng", "", "", thousands(total)))

    def body(doc: Body):
        _centred(doc, who_decides, bold=True, after=12)
        for line in (*LEGAL_BASES, *bases):
            doc.text(line, italic=True)
        if proposer:
            doc.text(f"Xét đề nghị của {proposer}.", italic=True)
        _centred(doc, "QUYẾT ĐỊNH:", bold=True, before=6, after=12)
        first = (f"Tặng {form_label} cho {count_text(awardees)} có tên trong danh sách kèm "
                 f"theo Quyết định này, đã có thành tích {achievement}.")
        if with_money:
            first += (f" Mức tiền thưởng của từng tập thể, cá nhân theo danh sách; tổng số "
                      f"tiền thưởng: {money(total)}.")
        _article(doc, "Điều 1.", first)
        if with_money:
            source = funding_source or f"Quỹ thi đua, khen thưởng của {unit.name}"
            _article(doc, "Điều 2.", f"Kinh phí khen thưởng chi từ {source} theo quy định "
                                     "hiện hành.")
        else:
            _article(doc, "Điều 2.", "Các tập thể, cá nhân được khen thưởng được hưởng chế độ "
                                     "theo quy định hiện hành về thi đua, khen thưởng.")
        named = ", ".join(executors) if executors else "Văn phòng, các cơ quan, đơn vị có liên quan"
        _article(doc, "Điều 3.", f"Quyết định này có hiệu lực kể từ ngày ký. {named} và các "
                                 "tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành "
                                 "Quyết định này./.")

    frame = frame_for(unit, kind_label=KINDS[DECISION], summary=summary, reference=reference,
                      day=day, recipients=list(recipients) or ["Như Điều 3", "Lưu VT"])
    data = render_document(DECISION, frame, body)

    def annex(doc: Body):
        _annex_heading(doc, f"Danh sách tập thể, cá nhân được tặng {form_label}",
                       f"(Kèm theo Quyết định số {reference} ngày {day:%d/%m/%Y})")
        if rows:
            doc.table(headers, rows, widths_mm=widths, centred=[0],
                      numeric=[4] if with_money else [])
        else:
            doc.to_write("Danh sách trống")

    return _append_annex(data, frame.doc_format, annex)


__all__ = ["ANNEX_FROM", "LEGAL_BASES", "AwardLine", "Candidate", "authority_line",
           "count_text", "decision_docx", "money", "proposal_docx", "thousands"]
