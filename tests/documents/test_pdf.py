"""Every document kind converted by LibreOffice: the pages expected, page 1 kept as a PNG.

The images go to test-artifacts/documents/ (git-ignored; CI keeps them). All
documents but one are converted in a single LibreOffice run, which costs
about as much as one document; the certificates go through ``render.to_pdf``
itself, and their lines are checked where the layout puts them on the paper.
"""

import io
import shutil
import struct
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from thidua.documents import award_docs, certificates, movement_docs, render
from thidua.documents.award_docs import AwardLine, Candidate
from thidua.documents.models import IssuerProfile

OFFICE = render.office_binary()
PDFTOPPM = shutil.which("pdftoppm")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(OFFICE is None or PDFTOPPM is None,
                       reason="LibreOffice (soffice) and poppler-utils (pdftoppm) are needed "
                              "to convert documents to PDF; .ci/run installs them"),
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"
DAY = date(2026, 3, 5)
MM_PER_PT = 25.4 / 72


def convert_all(documents: dict[str, bytes], folder: Path) -> dict[str, Path]:
    """Convert every .docx to PDF in one LibreOffice run (with its own profile)."""
    sources = []
    for name, data in documents.items():
        source = folder / f"{name}.docx"
        source.write_bytes(data)
        sources.append(str(source))
    subprocess.run([OFFICE, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(folder), *sources],
                   check=True, capture_output=True, timeout=render.PDF_TIMEOUT_S)
    return {name: folder / f"{name}.pdf" for name in documents}


def first_page_png(pdf: Path, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / name
    subprocess.run([PDFTOPPM, "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(target)], check=True, capture_output=True, timeout=60)
    return target.with_suffix(".png")


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def assert_picture(path: Path, landscape: bool = False) -> None:
    assert path.exists()
    # A blank page at 60 dpi compresses to about 2 KB; text and tables make it larger.
    assert path.stat().st_size > 5000, f"{path.name} looks blank"
    width, height = png_size(path)
    assert (width > height) == landscape
    assert (max(width, height), min(width, height)) == pytest.approx((702, 496), abs=3)  # A4


@pytest.fixture
def profile(tree):
    return IssuerProfile.objects.create(
        unit=tree.ward_a, doc_format="party", parent_body="Đảng bộ tỉnh Thử nghiệm",
        body_name="Đảng ủy phường An Bình", symbol="ĐU", place="An Bình",
        signer_on_behalf="T/M Ban Thường vụ", signer_title="Bí thư", signer_name="Trần Văn B")


def registration(launched, tree, users):
    from thidua.movements import domain

    made = domain.start_registration(users["secretariat"], launched, tree.cell_a1)
    domain.save_commitments(users["secretariat"], made, [
        {"content": launched.contents.first(), "text": "Mỗi đảng viên một việc làm cụ thể"},
        {"target": launched.targets.first(), "text": "Đăng ký đúng hạn", "number": 100},
    ])
    return made


def three_awardees() -> list[AwardLine]:
    return [AwardLine("Nguyễn Văn An", "Bí thư", "Chi bộ Tổ dân phố 1", "Giấy khen",
                      "Đã có thành tích xuất sắc năm 2026", amount=702000),
            AwardLine("Trần Thị Bình", "Đảng viên", "Chi bộ Tổ dân phố 2", "Giấy khen",
                      "Đã có thành tích xuất sắc năm 2026", amount=702000),
            AwardLine("Chi bộ Tổ dân phố 1", "", "Đảng bộ phường An Bình", "Giấy khen",
                      "Đã có thành tích tiêu biểu năm 2026", collective=True, amount=1490400)]


@pytest.mark.slow
def test_every_document_kind_converts_with_the_pages_expected(launched, tree, users, profile,
                                                              tmp_path):
    long_list = [Candidate(f"Đảng viên thứ {n}", "Đảng viên", "Chi bộ Tổ dân phố 1",
                           "Giấy khen", "Hoàn thành xuất sắc nhiệm vụ năm 2026")
                 for n in range(1, 41)]
    documents = {
        "ke-hoach": movement_docs.plan_docx(launched),
        "bao-cao-tong-ket": movement_docs.review_report_docx(launched, tree.ward_a,
                                                             date.today(), "final"),
        "dang-ky": movement_docs.registration_docx(registration(launched, tree, users)),
        "to-trinh": award_docs.proposal_docx(
            tree.ward_a, reference="12-TTr/ĐU", day=DAY, summary="Đề nghị tặng Giấy khen",
            form_label="Giấy khen", candidates=long_list,
            granting_body="Ban Thường vụ Đảng ủy phường An Bình"),
        "quyet-dinh": award_docs.decision_docx(
            tree.ward_a, reference="15-QĐ/ĐU", day=DAY, form_label="Giấy khen",
            awardees=three_awardees()),
    }
    pdfs = convert_all(documents, tmp_path)
    pages = {name: len(PdfReader(pdf).pages) for name, pdf in pdfs.items()}
    assert pages["ke-hoach"] >= 1 and pages["bao-cao-tong-ket"] >= 2
    assert pages["dang-ky"] == 1
    assert pages["to-trinh"] > 1  # 40 candidates: the annex runs over pages
    assert pages["quyet-dinh"] == 2  # the decision, then its list on a page of its own
    decision = PdfReader(pdfs["quyet-dinh"])
    assert "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC TẶNG GIẤY KHEN" in decision.pages[1].extract_text()
    assert "2.894.400 đồng" in decision.pages[0].extract_text()
    for name, pdf in pdfs.items():
        assert_picture(first_page_png(pdf, name))
    # The signature block is never split: who signs, for whom and the name on one page.
    for name in ("ke-hoach", "bao-cao-tong-ket", "to-trinh", "quyet-dinh"):
        page = next(p.extract_text() for p in PdfReader(pdfs[name]).pages
                    if "Trần Văn B" in p.extract_text())
        assert "T/M BAN THƯỜNG VỤ" in page and "BÍ THƯ" in page, name


@pytest.mark.slow
def test_certificates_through_render_to_pdf_one_page_each_where_the_layout_says(tree, profile):
    data = certificates.certificates_docx(three_awardees(), issuer_unit=tree.ward_a,
                                          decision_reference="15-QĐ/ĐU", day=DAY)
    pdf_bytes = render.to_pdf(data)
    assert pdf_bytes is not None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "giay-khen.pdf"
    pdf.write_bytes(pdf_bytes)
    reader = PdfReader(pdf)
    assert len(reader.pages) == 3
    assert [p.mediabox.width > p.mediabox.height for p in reader.pages] == [True] * 3
    for page, awardee in zip(reader.pages, three_awardees(), strict=True):
        assert awardee.name in page.extract_text()
    assert_picture(first_page_png(pdf, "giay-khen"), landscape=True)

    # Each line's baseline sits one ascent (≈ 0.9 em) below the top the layout gives.
    baselines: dict[str, float] = {}
    height_pt = float(reader.pages[0].mediabox.height)

    def visit(text, cm, tm, font, size):
        if text.strip() and text.strip() not in baselines:
            baselines[text.strip()] = (height_pt - (tm[5] * cm[3] + cm[5])) * MM_PER_PT

    reader.pages[0].extract_text(visitor_text=visit)
    layout = certificates.DEFAULT_LAYOUT
    for text, key in (("Nguyễn Văn An", "name"), ("BAN THƯỜNG VỤ ĐẢNG ỦY PHƯỜNG AN BÌNH",
                                                    "issuer")):
        found = next(y for t, y in baselines.items() if t.startswith(text))
        expected = layout[key]["top"] + 0.9 * layout[key]["size"] * MM_PER_PT
        assert found == pytest.approx(expected, abs=1.0), (text, found, expected)


@pytest.mark.slow
def test_a_long_achievement_keeps_its_certificate_on_one_sheet(tree, profile):
    from tests.documents.test_certificates import LONG_ACHIEVEMENT

    people = [AwardLine("Nguyễn Văn An", "Bí thư", "Chi bộ 1", "Giấy khen", LONG_ACHIEVEMENT),
              AwardLine("Trần Thị Bình " * 18, "Đảng viên", "Chi bộ 2", "Giấy khen", "Ngắn")]
    pdf = render.to_pdf(certificates.certificates_docx(
        people, issuer_unit=tree.ward_a, decision_reference="15-QĐ/ĐU", day=DAY))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    assert all("Quyết định số 15-QĐ/ĐU" in page.extract_text() for page in reader.pages)
