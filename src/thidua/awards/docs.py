"""The documents of a round: the proposal letter (tờ trình), the council's minutes (biên
bản), the decision (quyết định) and the certificates (giấy khen, bằng khen).

They are made from the round's records through the documents app
(``documents.award_docs``, ``documents.certificates``, ``documents.render``); nothing
here writes to the database.
"""

from __future__ import annotations

from collections.abc import Iterable

from thidua.awards.models import AwardRound, Decision, Kind
from thidua.awards.rounds import GRANTED, council_type, final_type, proposed
from thidua.documents import award_docs, certificates
from thidua.documents.render import Body, frame_for, render_document

MINUTES = "bien_ban_hdtdkt"
MINUTES_HEADERS = ["STT", "Họ và tên / Tập thể", "Đề nghị", "Đồng ý", "Không đồng ý",
                   "Hạ mức", "Kết quả"]
MINUTES_WIDTHS = [12, 45, 38, 16, 18, 16, 35]


def _position(nomination) -> str:
    return nomination.person.position if nomination.person_id else ""


def _form_label(types: Iterable) -> str:
    names = sorted({t.name for t in types})
    return names[0] if len(names) == 1 else "danh hiệu thi đua và hình thức khen thưởng"


def proposal_lines(round_: AwardRound) -> list[award_docs.Candidate]:
    """The proposal's list: the nominations the council agreed to (or lowered)."""
    return [award_docs.Candidate(
        name=n.subject_name, position=_position(n), unit_name=n.unit.name,
        form_label=council_type(n).name, achievements=n.achievement or n.justification,
        collective=n.person_id is None) for n in proposed(round_)]


def proposal_docx(round_: AwardRound) -> bytes:
    nominations = list(proposed(round_))
    lines = proposal_lines(round_)
    bases = []
    if round_.minutes.get("closed_at"):
        bases.append(f"Căn cứ Biên bản họp Hội đồng Thi đua - Khen thưởng {round_.unit.name} "
                     f"ngày {round_.minutes['closed_at'][8:10]}/{round_.minutes['closed_at'][5:7]}/"
                     f"{round_.minutes['closed_at'][:4]};")
    return award_docs.proposal_docx(
        round_.unit, reference=round_.proposal_number or "", day=round_.proposal_date,
        summary=f"Về việc đề nghị khen thưởng năm {round_.year}",
        form_label=_form_label(council_type(n) for n in nominations),
        candidates=lines, granting_body=round_.granting_unit.name, bases=bases)


def minutes_docx(round_: AwardRound) -> bytes:
    """The council's minutes: attendance, the rule, the counts per nomination."""
    minutes = round_.minutes or {}
    closed = minutes.get("closed_at", "")
    day = round_.proposal_date
    if closed:
        from datetime import date

        day = date(int(closed[:4]), int(closed[5:7]), int(closed[8:10]))

    def body(doc: Body):
        doc.text(f"Hội đồng Thi đua - Khen thưởng {round_.unit.name} họp xét khen thưởng: "
                 f"{round_.name}.")
        members = minutes.get("members", [])
        doc.labelled("Thành phần", f"{minutes.get('present', 0)}/{minutes.get('total', 0)} "
                                   "thành viên Hội đồng tham gia biểu quyết")
        for member in members:
            doc.bullet(f"{member['name']}" + ("" if member.get("present") else " (vắng)"))
        doc.labelled("Nguyên tắc biểu quyết", minutes.get("rule", ""))
        rows = [(str(i), r["subject"], r["award_type"], str(r["agree"]), str(r["disagree"]),
                 str(r["lower"]), r["outcome_label"] + (f": {r['lower_to']}" if r["lower_to"]
                                                       else ""))
                for i, r in enumerate(minutes.get("nominations", []), start=1)]
        doc.labelled("Kết quả biểu quyết", "")
        doc.table(MINUTES_HEADERS, rows, widths_mm=MINUTES_WIDTHS, centred=[0, 3, 4, 5])
        if any(r.get("secret_ballot") for r in minutes.get("nominations", [])):
            doc.text("Các hình thức cấp Nhà nước được biểu quyết bằng phiếu kín.", italic=True)
        doc.text("Biên bản kết thúc cùng ngày, đã thông qua các thành viên dự họp./.")

    frame = frame_for(round_.unit, kind_label="Biên bản",
                      summary="Họp Hội đồng Thi đua - Khen thưởng", reference="", day=day,
                      recipients=["Lưu hồ sơ khen thưởng"])
    return render_document(MINUTES, frame, body)


def award_lines(decision: Decision) -> list[award_docs.AwardLine]:
    awards = (decision.awards.select_related("award_type", "person", "unit")
              .order_by("award_type__order", "nomination__order", "pk"))
    return [award_docs.AwardLine(
        name=a.person.full_name if a.person_id else a.unit.name,
        position=a.person.position if a.person_id else "", unit_name=a.unit.name,
        form_label=a.award_type.name, achievements=a.achievement,
        collective=a.person_id is None, amount=a.amount) for a in awards]


def decision_docx(decision: Decision) -> bytes:
    round_ = decision.round
    lines = award_lines(decision)
    types = [final_type(n) for n in proposed(round_).filter(appraisal__in=GRANTED)]
    return award_docs.decision_docx(
        decision.granting_unit, reference=decision.number, day=decision.date,
        form_label=_form_label(types), awardees=lines,
        proposer=(f"{round_.unit.name} tại Tờ trình số {round_.proposal_number} ngày "
                  f"{round_.proposal_date:%d/%m/%Y}" if round_.proposal_date else round_.unit.name),
        summary=f"Về việc khen thưởng năm {round_.year}",
        achievement_text=f"trong năm {round_.year}")


def certificate_lines(decision: Decision) -> list[award_docs.AwardLine]:
    """The awardees of forms (Giấy khen, Bằng khen): the titles get no certificate here."""
    return [line for line, award in zip(award_lines(decision), decision.awards.select_related(
        "award_type").order_by("award_type__order", "nomination__order", "pk"), strict=True)
        if award.award_type.kind == Kind.FORM]


def certificates_docx(decision: Decision) -> bytes:
    return certificates.certificates_docx(
        certificate_lines(decision), issuer_unit=decision.granting_unit,
        decision_reference=decision.number, day=decision.date,
        achievement=f"Đã có thành tích xuất sắc trong năm {decision.round.year}")
