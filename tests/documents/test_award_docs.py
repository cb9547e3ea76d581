"""The proposal letter and the award decision, opened with python-docx."""

import io
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from docx import Document

from thidua.documents import award_docs
from thidua.documents.award_docs import AwardLine, Candidate, money
from thidua.documents.models import IssuerProfile
from thidua.documents.numbering import issue_number

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 5)


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def rows_of(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.fixture
def state_profile(tree):
    return IssuerProfile.objects.create(
        unit=tree.ward_a, doc_format="state", parent_body="UBND tỉnh Thử nghiệm",
        body_name="Ủy ban nhân dân phường An Bình", symbol="UBND", place="An Bình",
        signer_on_behalf="", signer_title="Chủ tịch", signer_name="Lê Văn Chủ")


def candidates(count: int) -> list[Candidate]:
    return [Candidate(f"Người thứ {n}", "Chuyên viên", "Văn phòng", "Giấy khen",
                      f"Hoàn thành xuất sắc nhiệm vụ năm 2025 ({n})") for n in range(1, count + 1)]


def proposal(unit, people, **extra):
    values = {"reference": "07/TTr-UBND", "day": DAY, "summary": "Về việc đề nghị tặng Giấy khen",
              "form_label": "Giấy khen", "candidates": people,
              "granting_body": "Chủ tịch Ủy ban nhân dân tỉnh Thử nghiệm"}
    values.update(extra)
    return award_docs.proposal_docx(unit, **values)


def test_proposal_header_bases_list_and_marked_narrative(tree, state_profile):
    people = [Candidate("Chi bộ Tổ dân phố 1", "", "Đảng bộ phường An Bình", "Giấy khen",
                        "Hoàn thành xuất sắc nhiệm vụ", collective=True),
              *candidates(2)]
    document = open_docx(proposal(tree.ward_a, people))
    header = document.tables[0].rows[0].cells
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1].text
    assert "Số: 07/TTr-UBND" in header[0].text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG AN BÌNH" in header[0].text
    assert "An Bình, ngày 05 tháng 3 năm 2026" in header[1].text
    paragraphs = [p.text for p in document.paragraphs]
    assert "TỜ TRÌNH" in paragraphs
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Thử nghiệm" in paragraphs
    assert "Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;" in paragraphs
    assert any(p.startswith("Căn cứ Nghị định số 152/2025/NĐ-CP") for p in paragraphs)
    assert any("tặng Giấy khen cho 01 tập thể và 02 cá nhân, cụ thể như sau:" in p
               for p in paragraphs)
    narrative = next(p for p in document.paragraphs if p.text.startswith("[Tóm tắt thành tích"))
    assert narrative.runs[0].font.highlight_color is not None  # marked for people to write
    table = rows_of(document.tables[1])
    assert table[0] == ["STT", "Họ và tên / Tập thể", "Chức vụ, đơn vị", "Hình thức",
                        "Thành tích"]
    assert table[1][:2] == ["I", "TẬP THỂ (01)"]
    assert table[2] == ["1", "Chi bộ Tổ dân phố 1", "Đảng bộ phường An Bình", "Giấy khen",
                        "Hoàn thành xuất sắc nhiệm vụ"]
    assert table[3][:2] == ["II", "CÁ NHÂN (02)"]
    assert table[4][:3] == ["1", "Người thứ 1", "Chuyên viên, Văn phòng"]
    assert table[5][0] == "2"
    assert "Kính trình Chủ tịch Ủy ban nhân dân tỉnh Thử nghiệm xem xét, quyết định./." \
        in paragraphs
    assert not any(p.paragraph_format.page_break_before for p in document.paragraphs)


def test_proposal_reasons_replace_the_marked_place(tree, state_profile):
    text = all_text(open_docx(proposal(tree.ward_a, candidates(1),
                                       reasons_text="Đơn vị dẫn đầu cụm thi đua năm 2025.")))
    assert "Đơn vị dẫn đầu cụm thi đua năm 2025." in text
    assert "[Tóm tắt thành tích" not in text


def test_a_long_proposal_puts_the_list_in_an_annex_after_the_signature(tree, state_profile):
    document = open_docx(proposal(tree.ward_a, candidates(award_docs.ANNEX_FROM + 5)))
    paragraphs = document.paragraphs
    assert any("cho 15 cá nhân (có danh sách kèm theo)." in p.text for p in paragraphs)
    annex = next(p for p in paragraphs if p.text.startswith("DANH SÁCH ĐỀ NGHỊ TẶNG GIẤY KHEN"))
    assert annex.paragraph_format.page_break_before
    assert any(p.text == "(Kèm theo Tờ trình số 07/TTr-UBND ngày 05/03/2026 của "
               "Đảng bộ phường An Bình)" for p in paragraphs)
    body = document.element.body
    signature, annex_table = document.tables[1], document.tables[2]
    assert "Lê Văn Chủ" in signature.rows[0].cells[1].text
    assert body.index(signature._tbl) < body.index(annex._p) < body.index(annex_table._tbl)
    rows = rows_of(annex_table)
    assert len(rows) == 1 + 15 and rows[15][:2] == ["15", "Người thứ 15"]


def test_decision_articles_amounts_and_annex(tree, state_profile):
    awardees = [AwardLine("Chi bộ Tổ dân phố 1", "", "Đảng bộ phường An Bình", collective=True,
                          amount=Decimal("1490400")),
                AwardLine("Nguyễn Văn An", "Bí thư", "Chi bộ Tổ dân phố 1", amount=702000),
                AwardLine("Trần Thị Bình", "Đảng viên", "Chi bộ Tổ dân phố 2")]
    data = award_docs.decision_docx(tree.ward_a, reference="05/QĐ-UBND", day=DAY,
                                    form_label="Giấy khen", awardees=awardees,
                                    proposer="Văn phòng Ủy ban nhân dân phường",
                                    executors=["Văn phòng Ủy ban nhân dân phường"])
    document = open_docx(data)
    header = document.tables[0].rows[0].cells
    assert "Số: 05/QĐ-UBND" in header[0].text
    paragraphs = [p.text for p in document.paragraphs]
    assert "QUYẾT ĐỊNH" in paragraphs and "Về việc tặng Giấy khen" in paragraphs
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG AN BÌNH" in paragraphs
    assert paragraphs.index("CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG AN BÌNH") \
        < paragraphs.index("Căn cứ Luật Thi đua, khen thưởng số 06/2022/QH15;") \
        < paragraphs.index("Xét đề nghị của Văn phòng Ủy ban nhân dân phường.") \
        < paragraphs.index("QUYẾT ĐỊNH:")
    first = next(p for p in document.paragraphs if p.text.startswith("Điều 1."))
    assert first.runs[0].bold and first.runs[0].text == "Điều 1. "
    assert "Tặng Giấy khen cho 01 tập thể và 02 cá nhân có tên trong danh sách" in first.text
    assert "tổng số tiền thưởng: 2.192.400 đồng." in first.text
    assert any(p.startswith("Điều 2. Kinh phí khen thưởng chi từ Quỹ thi đua") for p in paragraphs)
    assert any(p.startswith("Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Văn phòng Ủy ban")
               for p in paragraphs)
    assert "(Kèm theo Quyết định số 05/QĐ-UBND ngày 05/03/2026)" in paragraphs
    assert "- Như Điều 3" in all_text(document)
    annex = rows_of(document.tables[2])
    assert annex[0][-1] == "Số tiền thưởng (đồng)"
    assert annex[2] == ["1", "Chi bộ Tổ dân phố 1", "Đảng bộ phường An Bình", "Giấy khen",
                        "1.490.400"]
    assert annex[4] == ["1", "Nguyễn Văn An", "Bí thư, Chi bộ Tổ dân phố 1", "Giấy khen",
                        "702.000"]
    assert annex[5][-1] == ""  # no money for this one
    assert annex[-1] == ["", "Tổng cộng", "", "", "2.192.400"]


def test_decision_amounts_given_apart_and_without_money(tree, state_profile):
    people = candidates(2)
    with_money = open_docx(award_docs.decision_docx(
        tree.ward_a, reference="06/QĐ-UBND", day=DAY, form_label="Giấy khen", awardees=people,
        reward_amounts=[351000, Decimal("351000.5")]))
    assert rows_of(with_money.tables[2])[1][-1] == "351.000"
    assert rows_of(with_money.tables[2])[2][-1] == "351.001"  # rounded half up to the đồng
    without = open_docx(award_docs.decision_docx(
        tree.ward_a, reference="07/QĐ-UBND", day=DAY, form_label="Giấy khen", awardees=people))
    assert "Số tiền thưởng (đồng)" not in rows_of(without.tables[2])[0]
    assert "đồng" not in "\n".join(p.text for p in without.paragraphs if p.text.startswith("Điều"))
    with pytest.raises(ValueError):
        award_docs.decision_docx(tree.ward_a, reference="08/QĐ-UBND", day=DAY,
                                 form_label="Giấy khen", awardees=people, reward_amounts=[1])


def test_money_and_counts():
    assert money(1234000) == "1.234.000 đồng"
    assert money(Decimal("999.5")) == "1.000 đồng"
    assert money(0) == "0 đồng"
    assert award_docs.count_text([Candidate("A"), Candidate("B", collective=True)]) \
        == "01 tập thể và 01 cá nhân"
    assert award_docs.count_text(candidates(12)) == "12 cá nhân"


def test_party_decision_with_a_number_from_the_register(tree, users):
    issued = issue_number(tree.ward_a, "QĐ", users["secretariat"], subject="Tặng Giấy khen")
    document = open_docx(award_docs.decision_docx(
        tree.ward_a, reference=issued.reference, day=DAY, form_label="Giấy khen",
        awardees=candidates(1)))
    left = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
    assert "*" in left and f"Số {issued.reference}" in left and issued.reference == "1-QĐ/ĐU"
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in document.tables[0].rows[0].cells[1].text
    # The profile's "T/M BAN CHẤP HÀNH" names the deciding body.
    assert "BAN CHẤP HÀNH ĐẢNG BỘ PHƯỜNG AN BÌNH" in [p.text for p in document.paragraphs]


def test_any_unicode_in_names(tree, state_profile):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    people = [Candidate(f"{nfd} 🎉", "Chuyên viên \x07", "Phòng <Văn hóa> & Thông tin",
                        "Giấy khen", "Thành tích “xuất sắc” 😀")]
    for data in (proposal(tree.ward_a, people),
                 award_docs.decision_docx(tree.ward_a, reference="09/QĐ-UBND", day=DAY,
                                          form_label="Giấy khen", awardees=people)):
        text = all_text(open_docx(data))
        assert "Nguyễn Thị Ánh Tuyết 🎉" in text  # NFC
        assert nfd not in text and "\x07" not in text
        assert "Phòng <Văn hóa> & Thông tin" in text
