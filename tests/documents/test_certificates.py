"""Certificates on blank paper: one landscape page each, every line where the layout says."""

import io
import unicodedata
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from docx import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.oxml.ns import qn

from thidua.documents import certificates
from thidua.documents.award_docs import AwardLine
from thidua.documents.certificates import DEFAULT_LAYOUT, EDGE_MM, LINES
from thidua.documents.models import IssuerProfile

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 5)


def awardees(count: int) -> list[AwardLine]:
    return [AwardLine(f"Người được khen {n}", "Chuyên viên", "Văn phòng Đảng ủy",
                      achievements=f"Đã có thành tích xuất sắc năm 2025 ({n})")
            for n in range(1, count + 1)]


def make(unit, people, **extra):
    data = certificates.certificates_docx(people, issuer_unit=unit,
                                          decision_reference="05/QĐ-UBND", day=DAY, **extra)
    return Document(io.BytesIO(data))


def lines_of(table) -> dict[str, object]:
    """The certificate's rows by the text they hold."""
    return {row.cells[0].text: row for row in table.rows}


def first_top_mm(document) -> float:
    """Where the first certificate's first row starts: the top margin and the separator."""
    separator = document.paragraphs[0].paragraph_format.line_spacing
    return round(document.sections[0].top_margin.mm + separator.mm, 1)


@pytest.fixture
def profile(tree):
    return IssuerProfile.objects.create(
        unit=tree.ward_a, doc_format="state", parent_body="UBND tỉnh Thử nghiệm",
        body_name="Ủy ban nhân dân phường An Bình", symbol="UBND", place="An Bình",
        signer_on_behalf="TM. Ủy ban nhân dân", signer_title="Chủ tịch",
        signer_name="Lê Văn Chủ")


def test_one_landscape_page_per_awardee_without_a_trailing_blank_page(tree, profile):
    document = make(tree.ward_a, awardees(3))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert section.orientation == 1  # landscape
    assert not section.header.paragraphs[0].text and "PAGE" not in section.header._element.xml
    assert len(document.tables) == 3
    breaks = [p for p in document.paragraphs if p.paragraph_format.page_break_before]
    assert len(breaks) == 2  # between the certificates only
    body = list(document.element.body.iterchildren())
    assert body[-2].tag == qn("w:p") and body[-3].tag == qn("w:tbl")  # then sectPr
    last = document.paragraphs[-1]
    assert not last.text and not last.paragraph_format.page_break_before
    assert last.paragraph_format.line_spacing.pt == certificates.SEPARATOR_PT
    assert "w:br" not in document.element.body.xml  # no hard break that could add a page


def test_each_page_carries_its_awardee(tree, profile):
    people = [AwardLine("Chi bộ Tổ dân phố 1", collective=True), *awardees(2)]
    tables = make(tree.ward_a, people).tables
    texts = [[row.cells[0].text for row in table.rows] for table in tables]
    assert [t[1:4] for t in texts] == [
        ["Chi bộ Tổ dân phố 1", "", ""],
        ["Người được khen 1", "Chuyên viên, Văn phòng Đảng ủy",
         "Đã có thành tích xuất sắc năm 2025 (1)"],
        ["Người được khen 2", "Chuyên viên, Văn phòng Đảng ủy",
         "Đã có thành tích xuất sắc năm 2025 (2)"],
    ]
    assert texts[0][0] == texts[2][0] == "ỦY BAN NHÂN DÂN PHƯỜNG AN BÌNH"
    assert texts[0][4:] == texts[2][4:]
    # The copies keep the first page's fonts.
    name = tables[2].rows[1].cells[0].paragraphs[0].runs[0]
    assert name.bold and name.font.size.pt == DEFAULT_LAYOUT["name"]["size"]


def test_the_variable_text_only(tree, profile):
    document = make(tree.ward_a, awardees(1))
    texts = [row.cells[0].text for row in document.tables[0].rows]
    assert texts == [
        "ỦY BAN NHÂN DÂN PHƯỜNG AN BÌNH",
        "Người được khen 1",
        "Chuyên viên, Văn phòng Đảng ủy",
        "Đã có thành tích xuất sắc năm 2025 (1)",
        "An Bình, ngày 05 tháng 3 năm 2026",
        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH",
        "Quyết định số 05/QĐ-UBND ngày 05/03/2026",
        "Lê Văn Chủ",
    ]
    assert "GIẤY KHEN" not in "\n".join(texts)  # printed on the paper already
    fonts = {run.font.name for table in document.tables for row in table.rows
             for para in row.cells[0].paragraphs for run in para.runs}
    assert fonts == {"Times New Roman"}


def test_default_positions_applied(tree, profile):
    table = make(tree.ward_a, awardees(1)).tables[0]
    rows = lines_of(table)
    name = rows["Người được khen 1"]
    expected = DEFAULT_LAYOUT["name"]
    para = name.cells[0].paragraphs[0]
    assert para.runs[0].font.size.pt == expected["size"] and para.runs[0].bold
    assert round(para.paragraph_format.left_indent.mm) == expected["left"] - EDGE_MM
    assert round(para.paragraph_format.right_indent.mm) == expected["right"] - EDGE_MM
    # The row runs from the name's top to the next line's top, at least.
    assert name.height_rule == WD_ROW_HEIGHT_RULE.AT_LEAST
    assert round(name.height.mm, 1) == DEFAULT_LAYOUT["position"]["top"] - expected["top"]
    # The first line starts at the page's top margin plus the one-point separator.
    document = make(tree.ward_a, awardees(1))
    assert first_top_mm(document) == DEFAULT_LAYOUT["issuer"]["top"]


def test_the_units_layout_and_the_callers_are_merged(tree, profile):
    profile.certificate_layout = {"name": {"top": 90, "size": 24}, "unknown": {"top": 1}}
    profile.save()
    rows = lines_of(make(tree.ward_a, awardees(1),
                         layout={"name": {"left": 50.5}}).tables[0])
    name = rows["Người được khen 1"].cells[0].paragraphs[0]
    assert name.runs[0].font.size.pt == 24
    assert round(name.paragraph_format.left_indent.mm, 1) == 45.5
    assert round(rows["ỦY BAN NHÂN DÂN PHƯỜNG AN BÌNH"].height.mm, 1) == 90 - 40
    assert round(rows["Người được khen 1"].height.mm, 1) == 100 - 90


def test_lines_are_printed_in_the_order_of_their_tops(tree, profile):
    layout = {"decision": {"top": 20, "left": 20, "right": 200, "size": 10}}
    document = make(tree.ward_a, awardees(1), layout=layout)
    first = document.tables[0].rows[0]
    assert first.cells[0].text.startswith("Quyết định số")
    assert round(first.height.mm, 1) == 40 - 20
    assert first_top_mm(document) == 20


def test_unicode_names(tree, profile):
    nfd = unicodedata.normalize("NFD", "Đặng Thị Ánh Tuyết")
    document = make(tree.ward_a, [AwardLine(f"{nfd} 🎉\x0b", "Bí thư <chi bộ>")])
    texts = [row.cells[0].text for row in document.tables[0].rows]
    assert "Đặng Thị Ánh Tuyết 🎉" in texts and "Bí thư <chi bộ>" in texts


def test_layout_validation():
    with pytest.raises(ValidationError) as caught:
        certificates.validate_layout({"name": {"top": 250, "size": 50},
                                      "issuer": {"left": 150, "right": 140}})
    text = " ".join(caught.value.messages)
    assert "“Tên cá nhân, tập thể”: cách mép trên phải từ 0 đến 200 mm" in text
    assert "cỡ chữ phải từ 8 đến 40" in text
    assert "“Cơ quan khen thưởng”: lề trái và lề phải để lại quá ít chỗ" in text
    with pytest.raises(ValidationError, match="“Chức vụ, đơn vị” phải thấp hơn dòng "
                                              "“Tên cá nhân, tập thể” ít nhất 10,6 mm"):
        certificates.validate_layout({"position": {"top": 90}})
    with pytest.raises(ValidationError, match="vượt quá mép dưới"):
        certificates.validate_layout({"signer": {"top": 200, "size": 20}})
    assert certificates.validate_layout({}) == DEFAULT_LAYOUT
    assert certificates.validate_layout({"name": {"top": "84.5"}})["name"]["top"] == 84.5


def test_nobody_to_print(tree, profile):
    with pytest.raises(ValidationError, match="Chưa có tập thể, cá nhân"):
        make(tree.ward_a, [])


def test_saving_a_layout_needs_the_units_office(tree, users):
    layout = {key: dict(values) for key, values in DEFAULT_LAYOUT.items()}
    layout["name"]["top"] = 88
    certificates.save_layout(users["secretariat"], tree.ward_a, layout)
    saved = IssuerProfile.objects.get(unit=tree.ward_a).certificate_layout
    assert saved["name"]["top"] == 88 and set(saved) == set(LINES)
    assert certificates.layout_for(tree.ward_a)["name"]["top"] == 88
    for user in (users["leader"], users["other"], users["staff"]):
        with pytest.raises(PermissionDenied):
            certificates.save_layout(user, tree.ward_a, layout)
    with pytest.raises(ValidationError):
        certificates.save_layout(users["admin"], tree.ward_a, {"name": {"size": 4}})
    assert IssuerProfile.objects.get(unit=tree.ward_a).certificate_layout["name"]["top"] == 88


LONG_ACHIEVEMENT = ("Đã có thành tích xuất sắc trong phong trào thi đua yêu nước, hoàn thành xuất "
                    "sắc nhiệm vụ được giao " * 12)[:1000]  # the longest the award list takes


def run_size(table, row: int) -> float:
    return int(table.rows[row].cells[0]._tc.find(".//" + qn("w:sz")).get(qn("w:val"))) / 2


def test_a_long_achievement_or_name_is_printed_smaller_to_keep_its_room(tree):
    """Printed at its own size, 1,000 characters of achievement pushed the date, the signer
    and the decision off their places and the certificate onto a second sheet."""
    people = [AwardLine("Nguyễn Văn An", "Bí thư", "Chi bộ 1", "Giấy khen", "Ngắn gọn"),
              AwardLine("Nguyễn Văn An", "Bí thư", "Chi bộ 1", "Giấy khen", LONG_ACHIEVEMENT),
              AwardLine("Trần Thị Bình " * 18, "Đảng viên", "Chi bộ 2", "Giấy khen", "Ngắn")]
    document = Document(io.BytesIO(certificates.certificates_docx(
        people, issuer_unit=tree.ward_a, decision_reference="15-QĐ/ĐU", day=date(2026, 3, 5))))
    order = sorted(LINES, key=lambda k: (DEFAULT_LAYOUT[k]["top"], list(LINES).index(k)))
    name, achievement = order.index("name"), order.index("achievement")
    short, long_text, long_name = document.tables
    assert run_size(short, achievement) == DEFAULT_LAYOUT["achievement"]["size"]
    assert run_size(long_text, achievement) < DEFAULT_LAYOUT["achievement"]["size"]
    assert run_size(long_name, name) < DEFAULT_LAYOUT["name"]["size"]
    assert run_size(long_name, achievement) == DEFAULT_LAYOUT["achievement"]["size"]


def test_a_line_that_cannot_fit_even_small_is_refused_in_vietnamese(tree):
    with pytest.raises(ValidationError, match="Dòng “Thành tích” quá dài để in trên giấy khen"):
        certificates.certificates_docx(
            [AwardLine("A", achievements="x " * 5000)], issuer_unit=tree.ward_a,
            decision_reference="15-QĐ/ĐU", day=date(2026, 3, 5))
