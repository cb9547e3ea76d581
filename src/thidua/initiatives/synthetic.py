"""Initiatives over the synthetic province, for the bank's benchmarks (``bench/initiative_bench.py``).

:func:`generate` lays ``count`` initiatives (default 100,000) over a province made by
:mod:`thidua.org.synthetic`: titles and content composed from a word bank of local
administration ("Giải pháp nâng cao hiệu quả tiếp nhận hồ sơ trực tuyến tại bộ phận một cửa
xã Đông Sơn"), one to three authors from the owner unit's commune, years 2019–2026, mostly
recognised (some refused, under review, submitted, drafts), at the commune level mostly and
at the province level sometimes. ``search_text`` is computed like
``search_text.build_search_text`` (folded title, field, content, authors); the confidential
part is filled for some and is never in it.

Rows go in with :func:`thidua.core.bulk.insert_rows` (``COPY`` on PostgreSQL,
``executemany`` on SQLite): the SQLite FTS5 triggers fire for every row, the PostgreSQL GIN
index updates as rows arrive. The same seed gives the same texts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from thidua.core.bulk import insert_rows
from thidua.core.text import nfc
from thidua.initiatives.defaults import ensure_fields
from thidua.initiatives.models import ApplicationField, Author, Initiative
from thidua.initiatives.search_text import join_folded
from thidua.org.models import Person, Unit

BATCH = 5000
YEARS = range(2019, 2027)


def _list(text: str) -> list[str]:
    return [nfc(item.strip()) for item in text.split(";") if item.strip()]


OPENINGS = _list(
    "Giải pháp nâng cao hiệu quả; Giải pháp rút ngắn thời gian; Sáng kiến cải tiến quy trình;"
    " Mô hình; Ứng dụng công nghệ thông tin trong; Đổi mới phương thức; Giải pháp số hóa;"
    " Nâng cao chất lượng; Cải cách thủ tục; Tăng cường công tác; Xây dựng phần mềm hỗ trợ;"
    " Giải pháp tiết kiệm chi phí; Sáng kiến đổi mới cách làm; Áp dụng mã QR trong;"
    " Giải pháp phối hợp liên thông")
SUBJECTS = {
    "cai_cach_hanh_chinh": _list(
        "tiếp nhận hồ sơ trực tuyến; trả kết quả thủ tục hành chính; đăng ký khai sinh;"
        " chứng thực bản sao; đăng ký hộ kinh doanh; cấp giấy phép xây dựng;"
        " giải quyết khiếu nại tố cáo; tiếp công dân; lưu trữ hồ sơ điện tử"),
    "chuyen_doi_so": _list(
        "thanh toán không dùng tiền mặt; chữ ký số; cơ sở dữ liệu dân cư; dịch vụ công trực tuyến;"
        " quản lý văn bản điện tử; họp trực tuyến; tổ công nghệ số cộng đồng;"
        " định danh điện tử; bản đồ số"),
    "kinh_te": _list(
        "thu ngân sách xã; quản lý tài sản công; quyết toán vốn đầu tư; thu thuế hộ kinh doanh;"
        " kiểm soát chi thường xuyên; huy động nguồn lực xã hội hóa"),
    "nong_nghiep": _list(
        "trồng chè hữu cơ; nuôi cá lồng; chăn nuôi gà đồi; phòng chống dịch tả lợn;"
        " sản phẩm OCOP; tưới nhỏ giọt cho cây ăn quả; trồng rừng gỗ lớn; xây dựng nông thôn mới"),
    "giao_duc": _list(
        "dạy học tiếng Việt cho trẻ dân tộc thiểu số; bán trú cho học sinh; phổ cập bơi;"
        " thư viện thân thiện; kiểm định chất lượng giáo dục; ôn thi tốt nghiệp"),
    "y_te": _list(
        "tiêm chủng mở rộng; quản lý bệnh không lây nhiễm; khám chữa bệnh bảo hiểm y tế;"
        " chăm sóc sức khỏe người cao tuổi; hồ sơ sức khỏe điện tử; phòng chống sốt xuất huyết"),
    "xay_dung_dang": _list(
        "sinh hoạt chi bộ; phát triển đảng viên; quản lý hồ sơ đảng viên; học tập nghị quyết;"
        " kiểm tra giám sát; thu nộp đảng phí"),
    "tai_nguyen_moi_truong": _list(
        "phân loại rác tại nguồn; cấp giấy chứng nhận quyền sử dụng đất; xử lý nước thải;"
        " quản lý khai thác cát sỏi; trồng cây xanh"),
    "quoc_phong_an_ninh": _list(
        "tuyển quân; camera an ninh khu dân cư; phòng cháy chữa cháy; tổ tự quản an ninh trật tự;"
        " quản lý cư trú"),
    "van_hoa_xa_hoi": _list(
        "chi trả trợ cấp xã hội; giảm nghèo bền vững; bảo tồn văn hóa dân tộc; du lịch cộng đồng;"
        " xây dựng gia đình văn hóa; giải quyết việc làm"),
}
PLACES = _list(
    "tại bộ phận một cửa; tại Ủy ban nhân dân; tại trạm y tế; tại trường tiểu học;"
    " tại các thôn bản; tại hợp tác xã; trong cơ quan; tại khu dân cư; tại Văn phòng HĐND và UBND")
TOOLS = _list(
    "phần mềm dùng chung; mã QR; nhóm Zalo của thôn; bảng tính Excel; cổng dịch vụ công quốc gia;"
    " ứng dụng trên điện thoại; sổ tay điện tử; loa truyền thanh thông minh; hộp thư góp ý")
PROBLEMS = _list(
    "Người dân phải đi lại nhiều lần để hoàn thiện hồ sơ; Thời gian giải quyết kéo dài, nhiều"
    " hồ sơ trễ hạn; Việc tra cứu thông tin bằng sổ giấy mất nhiều thời gian; Số liệu giữa các"
    " bộ phận không thống nhất; Cán bộ phải nhập liệu nhiều lần trên nhiều hệ thống;"
    " Tỷ lệ người dân tham gia còn thấp; Chi phí in ấn, văn phòng phẩm lớn; Công tác theo dõi,"
    " đôn đốc chưa kịp thời; Nhiều hộ dân ở xa trung tâm, đường đi khó khăn")
ACTIONS = _list(
    "xây dựng quy trình mới gồm các bước rõ ràng; phân công cán bộ đầu mối theo dõi;"
    " lập danh mục và hướng dẫn mẫu; số hóa toàn bộ hồ sơ lưu trữ; tổ chức tập huấn cho cán bộ"
    " và người dân; niêm yết công khai tại nhà văn hóa; kết nối dữ liệu với cấp tỉnh;"
    " thiết lập lịch tiếp nhận lưu động tại thôn; gửi nhắc việc tự động hằng tuần")
RESULTS = _list(
    "thời gian giải quyết giảm một nửa; tỷ lệ hồ sơ đúng hạn đạt trên chín mươi phần trăm;"
    " tiết kiệm hàng chục triệu đồng mỗi năm; người dân hài lòng hơn; không còn hồ sơ thất lạc;"
    " số lượt giao dịch trực tuyến tăng gấp ba; giảm số lần đi lại của người dân;"
    " được các xã lân cận học tập và áp dụng")
NOVELTIES = _list(
    "Lần đầu áp dụng tại địa phương; Khác với cách làm cũ là ghi chép thủ công; Kết hợp"
    " công cụ sẵn có, không phát sinh chi phí; Có thể nhân rộng ra các xã khác;"
    " Quy trình được chuẩn hóa thành biểu mẫu")
SECRETS = _list(
    "Tài khoản quản trị hệ thống; Danh sách số điện thoại cá nhân; Cấu hình máy chủ nội bộ")


@dataclass(frozen=True)
class Spec:
    province_code: str = "SYN-TTN"
    count: int = 100_000
    seed: int = 1
    recognised_share: float = 0.85


@dataclass
class Result:
    initiatives: int
    authors: int
    recognised: int


class AlreadyExists(Exception):
    """The province already has synthetic initiatives."""


def _where(rng: random.Random, commune_name: str) -> str:
    place = rng.choice(PLACES)
    return f"{place} {commune_name.removeprefix('Đảng bộ ')}"


def compose(rng: random.Random, field_code: str, commune_name: str) -> dict[str, str]:
    """Title and content of one initiative from the word bank."""
    subject = rng.choice(SUBJECTS.get(field_code) or SUBJECTS["cai_cach_hanh_chinh"])
    title = f"{rng.choice(OPENINGS)} {subject} {_where(rng, commune_name)}"
    tool = rng.choice(TOOLS)
    steps = rng.sample(ACTIONS, 3)
    results = rng.sample(RESULTS, 2)
    return {
        "title": title[:500],
        "problem": f"{rng.choice(PROBLEMS)} trong công tác {subject}. "
                   f"{rng.choice(PROBLEMS)}.",
        "solution": f"Sử dụng {tool} để {steps[0]}; {steps[1]}; {steps[2]} "
                    f"đối với công tác {subject}.",
        "novelty": f"{rng.choice(NOVELTIES)}. {rng.choice(NOVELTIES)} nhờ {tool}.",
        "benefits": f"Sau khi áp dụng, {results[0]}; {results[1]}.",
    }


def _state(rng: random.Random, spec: Spec) -> str:
    draw = rng.random()
    if draw < spec.recognised_share:
        return "recognised"
    for state, share in (("refused", 0.05), ("in_review", 0.03), ("accepted", 0.02),
                         ("submitted", 0.02), ("returned", 0.01)):
        draw -= share
        if draw < spec.recognised_share:
            return state
    return "draft"


FIELDS = ["title", "unit", "reviewing_unit", "field", "level", "year", "first_applied_on",
          "problem", "solution", "novelty", "confidential", "conditions", "benefits",
          "benefit_amount", "trial_people", "state", "submitted_at", "accepted_on",
          "review_due_on", "decided_on", "certificate_number", "certificate_date",
          "refusal_reasons", "previous", "search_text", "created_by", "created_at",
          "updated_at"]
AUTHOR_FIELDS = ["initiative", "person", "share", "order"]


@transaction.atomic
def generate(spec: Spec) -> Result:
    """Write ``spec.count`` initiatives with their authors over the province."""
    root = Unit.objects.get(code=spec.province_code, depth=1)
    province = Unit.objects.filter(path__startswith=root.path)
    if Initiative.objects.filter(unit__path__startswith=root.path).exists():
        raise AlreadyExists(spec.province_code)
    ensure_fields()
    fields = list(ApplicationField.objects.filter(is_active=True).order_by("order"))
    communes = list(province.filter(depth=root.depth + 1).order_by("path"))
    by_path = {c.path: c for c in communes}
    units_of: dict[int, list[int]] = {c.pk: [] for c in communes}
    for pk, path in province.filter(depth__gt=root.depth + 1).values_list("pk", "path"):
        commune = by_path.get(path[:len(root.path) + Unit.steplen])
        if commune is not None:
            units_of[commune.pk].append(pk)
    people_of: dict[int, list[tuple[int, str]]] = {c.pk: [] for c in communes}
    step = len(root.path) + Unit.steplen
    for pk, name, path in (Person.objects.filter(unit__path__startswith=root.path)
                           .values_list("pk", "full_name", "unit__path").order_by("pk")):
        commune = by_path.get(path[:step])
        if commune is not None and len(people_of[commune.pk]) < 400:
            people_of[commune.pk].append((pk, name))
    communes = [c for c in communes if people_of[c.pk]]
    if not communes:
        raise ValueError("The province has no people to be authors.")

    rng = random.Random(spec.seed)
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    day = {}

    def d(value: date | None):
        if value is None:
            return None
        if value not in day:
            day[value] = ops.adapt_datefield_value(value)
        return day[value]

    hundred = ops.adapt_decimalfield_value(100, 5, 2)
    shares = {n: [ops.adapt_decimalfield_value(v, 5, 2) for v in split]
              for n, split in ((1, [100]), (2, [60, 40]), (3, [50, 30, 20]))}
    authors_plan: list[list[int]] = []
    recognised = 0

    def rows():
        nonlocal recognised
        for number in range(spec.count):
            commune = rng.choice(communes)
            field = rng.choice(fields)
            text = compose(rng, field.code, commune.name)
            year = rng.choice(YEARS)
            state = _state(rng, spec)
            recognised += state == "recognised"
            province_level = rng.random() < 0.1
            owner = rng.choice(units_of[commune.pk] or [commune.pk])
            team = rng.sample(people_of[commune.pk], min(len(people_of[commune.pk]),
                                                         rng.choice((1, 1, 2, 3))))
            authors_plan.append([pk for pk, _name in team])
            first = date(year, rng.randint(1, 9), rng.randint(1, 28))
            accepted = first + timedelta(days=rng.randint(30, 90))
            reviewed = state not in ("draft", "submitted", "returned")
            decided = state in ("recognised", "refused")
            decided_on = accepted + timedelta(days=rng.randint(20, 100)) if decided else None
            yield (
                text["title"], owner, root.pk if province_level else commune.pk, field.pk,
                "tinh" if province_level else "co_so", year, d(first),
                text["problem"], text["solution"], text["novelty"],
                rng.choice(SECRETS) if rng.random() < 0.2 else "", "", text["benefits"],
                None, "", state, now if state != "draft" else None,
                d(accepted) if reviewed else None,
                d(accepted + timedelta(days=90)) if reviewed else None,
                d(decided_on),
                f"{number + 1}/QĐ-SK" if state == "recognised" else "",
                d(decided_on) if state == "recognised" else None,
                "Điểm trung bình dưới mức đạt." if state == "refused" else "",
                None,
                join_folded([text["title"], field.name, text["problem"], text["solution"],
                             text["novelty"], text["benefits"], *(n for _pk, n in team)]),
                None, now, now,
            )

    count = insert_rows(Initiative, FIELDS, rows(), batch=BATCH)
    ids = list(Initiative.objects.filter(unit__path__startswith=root.path)
               .order_by("pk").values_list("pk", flat=True))
    if len(ids) != count:
        raise RuntimeError(f"{len(ids)} initiatives found, {count} written")
    authors = insert_rows(Author, AUTHOR_FIELDS, (
        (initiative_id, person_id, shares[len(team)][index] if len(team) in shares else hundred,
         index + 1)
        for initiative_id, team in zip(ids, authors_plan, strict=True)
        for index, person_id in enumerate(team)), batch=BATCH)
    return Result(initiatives=count, authors=authors, recognised=recognised)
