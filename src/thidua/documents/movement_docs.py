"""Documents of a movement: the plan itself, a unit's registration, the review report.

Each function reads what it needs in a few queries and writes the body with
:class:`~thidua.documents.render.Body`; the frame (header, signature) comes
from the issuing unit's profile.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from thidua.documents import numbering
from thidua.documents.issuers import profile_for
from thidua.documents.render import Body, frame_for, render_document, roman
from thidua.movements import indicators
from thidua.movements.engine import STATUS_LABELS, Dashboard

PLAN, REGISTRATION, REPORT = "ke_hoach", "dang_ky", "bao_cao"
KINDS = {PLAN: "Kế hoạch", REGISTRATION: "Bản đăng ký thi đua", REPORT: "Báo cáo"}


def number(value: Decimal | float | None) -> str:
    """12.50 → "12,5"; None → "—"."""
    if value is None:
        return "—"
    text = f"{Decimal(str(value)).quantize(Decimal('0.01')).normalize():f}"
    return text.replace(".", ",")


def goal_text(target) -> str:
    unit = indicators.get(target.indicator).unit_label_for(target.params or {})
    return f"{target.get_comparator_display()} {number(target.goal)}{unit}"


def _period(movement) -> str:
    return f"từ ngày {movement.starts_on:%d/%m/%Y} đến ngày {movement.ends_on:%d/%m/%Y}"


# The plan ----------------------------------------------------------------------------------
def plan_docx(movement) -> bytes:
    """The plan (Kế hoạch) as the movement records it."""
    contents = list(movement.contents.all())
    targets = list(movement.targets.all())
    milestones = list(movement.milestones.all())
    kinds = list(movement.participant_kinds.values_list("name", flat=True))

    def body(doc: Body):
        section = iter(range(1, 20))
        doc.heading(f"{roman(next(section))}.", "Mục đích, yêu cầu")
        if movement.theme:
            doc.labelled("Chủ đề", movement.theme)
        doc.text(f"Phong trào được tổ chức {_period(movement)}, trong phạm vi "
                 f"{movement.scope_unit.name}.")
        if kinds:
            doc.text("Đối tượng tham gia: " + "; ".join(kinds) + ".")
        if contents:
            doc.heading(f"{roman(next(section))}.", "Nội dung thi đua")
            for index, content in enumerate(contents, start=1):
                doc.heading(f"{index}.", content.title, level=2)
                for line in (content.text or "").splitlines():
                    if line.strip():
                        doc.text(line.strip())
        if targets:
            doc.heading(f"{roman(next(section))}.", "Chỉ tiêu")
            doc.table(["STT", "Chỉ tiêu", "Mức phải đạt", "Hạn đạt"],
                      [(str(i), t.wording, goal_text(t),
                        f"{t.deadline:%d/%m/%Y}" if t.deadline else "Cuối kỳ")
                       for i, t in enumerate(targets, start=1)],
                      widths_mm=[13, 99, 28, 25], centred=[0])
        if milestones:
            doc.heading(f"{roman(next(section))}.", "Thời gian, tiến độ thực hiện")
            doc.table(["STT", "Nội dung", "Thời hạn", "Thực hiện"],
                      [(str(i), m.title, f"{m.due_on:%d/%m/%Y}", m.actor)
                       for i, m in enumerate(milestones, start=1)],
                      widths_mm=[13, 84, 25, 43], centred=[0])
        doc.heading(f"{roman(next(section))}.", "Tổ chức thực hiện")
        doc.to_write("Phân công trách nhiệm của các cơ quan, đơn vị (do đơn vị ban hành viết)")

    frame = frame_for(movement.issuing_unit, kind_label=KINDS[PLAN], summary=movement.title,
                      reference=movement.document_number, day=movement.issued_on,
                      recipients=["Các chi bộ, đảng bộ trực thuộc", "Lưu Văn phòng"])
    return render_document(PLAN, frame, body)


# A registration ----------------------------------------------------------------------------
def registration_docx(registration) -> bytes:
    """A unit's (or person's) registration with its commitments, under the unit's name."""
    movement = registration.movement
    commitments = list(registration.commitments.select_related("content", "target"))
    who = registration.person.full_name if registration.person_id else registration.unit.name

    def body(doc: Body):
        doc.text(f"Thực hiện Kế hoạch số {movement.document_number} ngày "
                 f"{movement.issued_on:%d/%m/%Y} về {movement.title}, {who} đăng ký thi đua "
                 "với các nội dung sau:")
        rows = []
        for index, commitment in enumerate(commitments, start=1):
            under = (commitment.target.wording if commitment.target_id
                     else commitment.content.title if commitment.content_id else "")
            rows.append((str(index), under, commitment.text,
                         number(commitment.number) if commitment.number is not None else ""))
        if rows:
            doc.table(["STT", "Nội dung, chỉ tiêu", "Đăng ký thực hiện", "Số lượng"], rows,
                      widths_mm=[13, 64, 68, 20], centred=[0],
                      numeric=[3])
        else:
            doc.to_write("Chưa có nội dung đăng ký")
        if registration.note:
            doc.labelled("Ghi chú", registration.note)
        doc.text(f"{who} cam kết thực hiện đầy đủ các nội dung đã đăng ký.")

    day = (registration.submitted_at.date() if registration.submitted_at else date.today())
    reference = numbering.blank_reference("ĐK", profile_for(registration.unit))
    frame = frame_for(registration.unit, kind_label=KINDS[REGISTRATION],
                      summary=f"Thi đua thực hiện {movement.title}", reference=reference,
                      day=day, recipients=[movement.issuing_unit.name, "Lưu"])
    return render_document(REGISTRATION, frame, body)


# The review report --------------------------------------------------------------------------
REPORT_KINDS = {"interim": "sơ kết", "final": "tổng kết"}


def review_report_docx(movement, unit, as_of: date, stage: str = "final",
                       reference: str | None = None, awards: list | None = None) -> bytes:
    """The interim or final review report of ``movement`` for ``unit`` at ``as_of``.

    Filled from the data: the plan's contents, every target with its value at
    the report date and the child units that met or missed it, the units
    still lagging (up to 50 per target, with the count), the practices and
    exemplars, the awards made; the narrative parts are marked for people
    to write. Without ``reference`` the number is left blank (``      -BC/ĐU``).
    """
    from thidua.movements.models import Exemplar, Practice

    dashboard = Dashboard(movement, unit, as_of=as_of)
    root = dashboard.root
    targets = dashboard.targets()
    contents = list(movement.contents.all())
    practices = list(Practice.objects.filter(movement=movement, unit__path__startswith=root.path)
                     .select_related("unit").order_by("unit__path", "name")[:500])
    exemplars = list(Exemplar.objects.filter(movement=movement, unit__path__startswith=root.path)
                     .select_related("unit", "person").order_by("unit__path", "pk")[:500])
    lagging = dashboard.lagging_many(targets) if targets else {}
    stage_word = REPORT_KINDS.get(stage, "tổng kết")

    def body(doc: Body):
        section = iter(range(1, 20))
        doc.text(f"Thực hiện Kế hoạch số {movement.document_number} ngày "
                 f"{movement.issued_on:%d/%m/%Y} về {movement.title}, {root.name} báo cáo "
                 f"{stage_word} kết quả thực hiện đến ngày {as_of:%d/%m/%Y} như sau:")
        doc.heading(f"{roman(next(section))}.", "Công tác lãnh đạo, chỉ đạo, tổ chức thực hiện")
        doc.to_write("Việc quán triệt, tuyên truyền, ban hành văn bản hướng dẫn; cách làm "
                     "của đơn vị (do đơn vị viết)")
        if contents:
            doc.text("Các nội dung thi đua của kế hoạch:")
            for content in contents:
                doc.bullet(content.title)
        doc.heading(f"{roman(next(section))}.", "Kết quả thực hiện các chỉ tiêu")
        rows = []
        for index, target in enumerate(targets, start=1):
            row = dashboard.row(target)
            unit_label = indicators.get(target.indicator).unit_label_for(target.params or {})
            rows.append((str(index), target.wording, goal_text(target),
                         f"{number(row.value)}{unit_label if row.value is not None else ''}",
                         STATUS_LABELS[row.status]))
        if rows:
            doc.table(["STT", "Chỉ tiêu", "Mức phải đạt", f"Kết quả đến {as_of:%d/%m/%Y}",
                       "Đánh giá"], rows, widths_mm=[13, 77, 25, 28, 22], centred=[0],
                      numeric=[3])
        for index, target in enumerate(targets, start=1):
            children = dashboard.child_rows(target)
            if not children:
                continue
            doc.heading(f"{index}.", target.wording, level=2)
            met = [r.unit.name for r in children if r.status == "met"]
            missed = [(r.unit.name, number(r.value)) for r in children
                      if r.status in ("behind", "overdue")]
            doc.labelled(f"Đơn vị đạt ({len(met)})", "; ".join(met) or "Chưa có")
            if missed:
                doc.table(["Đơn vị chưa đạt", "Kết quả"], missed, widths_mm=[120, 40],
                          numeric=[1])
            shown, count = lagging.get(target.pk, ([], 0))
            if count > len(children) and shown:
                doc.text(f"Các đơn vị cơ sở chưa đạt: {count} đơn vị, trong đó: "
                         + "; ".join(f"{r.unit.name} ({number(r.value)})" for r in shown)
                         + ("…" if count > len(shown) else "."))
        doc.heading(f"{roman(next(section))}.", "Mô hình, cách làm hay; gương điển hình")
        if practices:
            doc.table(["STT", "Mô hình, cách làm hay", "Đơn vị", "Trạng thái"],
                      [(str(i), p.name, p.unit.name, p.get_state_display())
                       for i, p in enumerate(practices, start=1)],
                      widths_mm=[13, 77, 50, 25], centred=[0])
        else:
            doc.text("Chưa có mô hình, cách làm hay được ghi nhận trong hệ thống.")
        if exemplars:
            doc.table(["STT", "Tập thể, cá nhân", "Thành tích tiêu biểu"],
                      [(str(i), e.person.full_name if e.person_id else e.unit.name, e.citation)
                       for i, e in enumerate(exemplars, start=1)],
                      widths_mm=[13, 55, 97], centred=[0])
        doc.heading(f"{roman(next(section))}.", "Công tác khen thưởng")
        if awards:
            doc.table(["STT", "Tập thể, cá nhân", "Hình thức", "Quyết định"],
                      [(str(i), *a) for i, a in enumerate(awards, start=1)],
                      widths_mm=[13, 67, 45, 40], centred=[0])
        else:
            doc.text("Chưa có quyết định khen thưởng nào gắn với phong trào trong hệ thống.")
        doc.heading(f"{roman(next(section))}.", "Đánh giá chung")
        doc.heading("1.", "Ưu điểm", level=2)
        doc.to_write("Ưu điểm (do đơn vị viết)")
        doc.heading("2.", "Hạn chế, nguyên nhân", level=2)
        doc.to_write("Hạn chế và nguyên nhân (do đơn vị viết)")
        doc.heading(f"{roman(next(section))}.", "Phương hướng, nhiệm vụ thời gian tới")
        doc.to_write("Phương hướng, nhiệm vụ, đề xuất, kiến nghị (do đơn vị viết)")

    frame = frame_for(root, kind_label=KINDS[REPORT],
                      summary=f"{stage_word.capitalize()} {movement.title}",
                      reference=reference or numbering.blank_reference("BC", profile_for(root)),
                      day=as_of,
                      recipients=[movement.issuing_unit.name, "Lưu"])
    return render_document(REPORT, frame, body)
