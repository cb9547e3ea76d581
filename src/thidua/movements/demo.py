"""Demo movements: the four real plans of DOMAIN.md §1, with facts as of late 2026.

A. "Năm nâng cao chất lượng cán bộ cơ sở" — Đảng ủy phường Bắc Kạn, 167-KH/ĐU.
B. "Chi bộ bốn tốt", "Đảng bộ cơ sở bốn tốt" 2026 — the plan of Đảng ủy Thi hành
   án dân sự tỉnh Tuyên Quang (06/01/2026), applied by the Bắc Kạn ward: the
   demo logins and the ward's 18 cells can then run and measure it. Keeping the
   Tuyên Quang issuer would need a second party committee with its own cells
   and logins that nobody in the demo uses.
C. "Nụ cười công sở" 2021–2025 — UBND tỉnh Bắc Giang: historic, closed.
D. "Ít nhất 01 sáng kiến, giải pháp/năm" — Tỉnh ủy Cao Bằng, 26-KH/TU, 2025–2030.

C and D are other provinces' plans: their issuers are added as separate roots
(D with two bodies of the provincial committee and their staff, so that its
"100% take part" target has people to count). Only the demo administrator,
a superuser, sees them.

Every fact carries a fixed date taken from the plans' own dates (registrations
before the deadline, reports before 01/12/2026…), so that the dashboards of
late 2026 show targets met, behind and overdue. Facts dated after today
(``timezone.localdate()``) are left out: the demo never shows the future.
Plans are launched through :func:`domain.launch` with their issue date as
"today" — their deadlines were ahead then — and the workflow logs are
backdated to the plan's dates: this is historic data entry.

Deterministic (no randomness; the people come from the org demo, itself
seeded) and idempotent (plan A present → nothing is done).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from thidua.core.models import TransitionLog
from thidua.movements import domain
from thidua.movements.models import (
    Commitment,
    Content,
    Exemplar,
    Milestone,
    Movement,
    Practice,
    Registration,
    Target,
    UnitReport,
)
from thidua.org import demo as org_demo
from thidua.org.models import Person, Unit, UnitKind
from thidua.org.tree import bulk_add

PARTY_ORGS = ["chi_bo", "dang_bo_co_so"]
ALL_STAFF = ["can_bo", "cong_chuc", "vien_chuc", "chien_si", "nguoi_lao_dong",
             "khong_chuyen_trach"]


# --- plan specifications ----------------------------------------------------------------------

@dataclass(frozen=True)
class MilestoneSpec:
    key: str
    kind: str
    title: str
    due_on: date
    actor: str
    actor_kinds: tuple[str, ...] = ()
    requires_report: bool = False


@dataclass(frozen=True)
class TargetSpec:
    key: str
    wording: str
    indicator: str
    goal: str
    comparator: str = "gte"
    deadline: date | None = None
    params: dict = field(default_factory=dict)
    #: For ``reports_on_time``: the key of the milestone whose reports are measured.
    milestone: str = ""


@dataclass(frozen=True)
class PlanSpec:
    number: str
    symbol: str
    issued_on: date
    issuer: str
    title: str
    theme: str
    starts_on: date
    ends_on: date
    participant_kinds: tuple[str, ...]
    staff_categories: tuple[str, ...]
    contents: tuple[tuple[str, str], ...]
    milestones: tuple[MilestoneSpec, ...]
    targets: tuple[TargetSpec, ...]


def manual(key, wording, measure, goal, *, comparator="gte", deadline=None, percent=True):
    """A target entered by hand until the app owning its facts measures it."""
    params = {"measure": measure}
    if percent:
        params["unit_label"] = "%"
    return TargetSpec(key, wording, "manual", goal, comparator, deadline, params)


END_2026 = date(2026, 12, 31)

PLAN_A = PlanSpec(
    number="167", symbol="KH/ĐU", issued_on=date(2026, 6, 19), issuer="BK",
    title="Năm nâng cao chất lượng cán bộ cơ sở",
    theme="Nâng cao chất lượng cán bộ cơ sở - Trách nhiệm, kỷ cương, gần dân, sát dân, "
          "phục vụ Nhân dân",
    starts_on=date(2026, 6, 19), ends_on=END_2026,
    participant_kinds=tuple(PARTY_ORGS),
    staff_categories=("can_bo", "cong_chuc", "khong_chuyen_trach"),
    contents=(
        ("Nâng cao chất lượng chính trị",
         "Bản lĩnh chính trị vững vàng, phẩm chất đạo đức, lối sống trong sáng; học tập và làm "
         "theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; kiên quyết đấu tranh với biểu hiện "
         "suy thoái, “tự diễn biến”, “tự chuyển hóa”."),
        ("Nâng cao năng lực tham mưu, tổ chức thực hiện",
         "Nắm chắc chức trách, nhiệm vụ theo vị trí việc làm; tham mưu đúng, trúng, kịp thời; "
         "tổ chức thực hiện đến nơi đến chốn, có sản phẩm cụ thể."),
        ("Đạo đức công vụ, kỷ luật, kỷ cương hành chính",
         "Chấp hành nghiêm quy chế làm việc, giờ giấc, văn hóa công sở; không gây phiền hà, "
         "sách nhiễu; nói đi đôi với làm."),
        ("Nâng cao chất lượng phục vụ Nhân dân",
         "Gần dân, sát dân, lắng nghe và giải quyết kịp thời kiến nghị của người dân, tổ chức; "
         "giải quyết thủ tục hành chính đúng hạn, trước hạn; nâng cao sự hài lòng của người "
         "dân."),
        ("Xây dựng mô hình, điển hình tiên tiến",
         "Mỗi cơ quan, đơn vị, tập thể và cá nhân xây dựng ít nhất 01 mô hình, cách làm hiệu "
         "quả; phát hiện, biểu dương, nhân rộng điển hình tiên tiến; chấn chỉnh, xử lý trường "
         "hợp thiếu trách nhiệm."),
    ),
    milestones=(
        # The plan's summary gives no registration date; the demo assumes 15/07/2026,
        # four weeks after the issue, as ward plans usually allow.
        MilestoneSpec("registration", "registration",
                      "Các tổ chức cơ sở đảng, chi bộ trực thuộc đăng ký nội dung thi đua",
                      date(2026, 7, 15), "Các tổ chức cơ sở đảng, chi bộ trực thuộc",
                      tuple(PARTY_ORGS)),
        MilestoneSpec("reports", "report",
                      "Gửi báo cáo tổng kết về Đảng ủy phường (trước ngày 01/12/2026)",
                      date(2026, 11, 30), "Các tổ chức cơ sở đảng, chi bộ trực thuộc",
                      tuple(PARTY_ORGS), requires_report=True),
        MilestoneSpec("final", "final",
                      "Ban Thường vụ Đảng ủy tổng kết Năm nâng cao chất lượng cán bộ cơ sở "
                      "(trước ngày 10/12/2026)",
                      date(2026, 12, 9), "Ban Thường vụ Đảng ủy phường"),
    ),
    targets=(
        TargetSpec("registered",
                   "100% tổ chức cơ sở đảng, chi bộ trực thuộc đăng ký nội dung thi đua",
                   "units_registered", "100", deadline=date(2026, 7, 15),
                   params={"unit_kinds": PARTY_ORGS}),
        manual("reviewed",
               "100% tổ chức cơ sở đảng, chi bộ trực thuộc rà soát đội ngũ cán bộ theo chức "
               "danh, vị trí việc làm, khung năng lực; 100% đánh giá chất lượng tổ chức đảng",
               "Tỷ lệ tổ chức đảng đã rà soát đội ngũ cán bộ và đánh giá chất lượng tổ chức "
               "đảng", "100", deadline=END_2026),
        manual("positions", "Bố trí đủ cán bộ theo vị trí việc làm trong năm 2026",
               "Tỷ lệ vị trí việc làm đã bố trí đủ cán bộ", "100", deadline=END_2026),
        manual("training_plan", "Xây dựng kế hoạch đào tạo, bồi dưỡng cán bộ giai đoạn "
               "2026 - 2030", "Đã ban hành kế hoạch (1: đã ban hành; 0: chưa)", "1",
               deadline=END_2026, percent=False),
        manual("qualified", "Đến hết năm 2028, 100% cán bộ đạt chuẩn theo vị trí việc làm",
               "Tỷ lệ cán bộ đạt chuẩn theo vị trí việc làm", "100",
               deadline=date(2028, 12, 31)),
        # Measured by the KPI app: the share of the ward's cadres and civil servants whose
        # sheet of the last ended month is finalised (the KPI demo leaves one missing).
        TargetSpec("kpi", "100% cán bộ, công chức phường được đánh giá, xếp loại chất lượng "
                   "hằng tháng theo KPI, gắn với sản phẩm, tiến độ, chất lượng, thái độ phục vụ",
                   "kpi_coverage", "100", deadline=END_2026,
                   params={"mode": "latest_month", "staff_categories": ["can_bo", "cong_chuc"]}),
        manual("trained", "100% cán bộ, công chức phường được đào tạo, bồi dưỡng, cập nhật "
               "kiến thức: kỹ năng nghiệp vụ, đạo đức công vụ, văn hóa công sở, công nghệ "
               "thông tin, chuyển đổi số", "Tỷ lệ cán bộ, công chức phường đã được bồi dưỡng "
               "trong năm", "100", deadline=END_2026),
        manual("leaders_trained", "100% cấp ủy viên, cán bộ lãnh đạo và cán bộ trong quy "
               "hoạch được bồi dưỡng", "Tỷ lệ cấp ủy viên, cán bộ lãnh đạo, cán bộ quy hoạch "
               "đã được bồi dưỡng", "100", deadline=END_2026),
        TargetSpec("practices", "Mỗi tổ chức cơ sở đảng, chi bộ trong phạm vi phong trào xây "
                   "dựng ít nhất 01 mô hình, cách làm hiệu quả", "units_with_practices", "100",
                   deadline=END_2026, params={"unit_kinds": PARTY_ORGS, "min_count": 1}),
        manual("late_dossiers", "Giảm tỷ lệ hồ sơ thủ tục hành chính giải quyết quá hạn so "
               "với năm 2025", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết quá hạn (năm 2025: "
               "3,2%)", "3.2", comparator="lt", deadline=END_2026),
        manual("on_time_dossiers", "Tăng tỷ lệ hồ sơ giải quyết đúng hạn, trước hạn so với "
               "năm 2025", "Tỷ lệ hồ sơ giải quyết đúng hạn, trước hạn (năm 2025: 96,8%)",
               "96.8", comparator="gt", deadline=END_2026),
        manual("satisfaction", "Nâng cao mức độ hài lòng của người dân, tổ chức so với năm "
               "2025", "Tỷ lệ người dân, tổ chức hài lòng (năm 2025: 90,5%)", "90.5",
               comparator="gt", deadline=END_2026),
        TargetSpec("reports_in", "100% tổ chức cơ sở đảng, chi bộ trực thuộc gửi báo cáo tổng "
                   "kết trước ngày 01/12/2026", "reports_on_time", "100",
                   deadline=date(2026, 11, 30), milestone="reports"),
    ),
)

PLAN_B = PlanSpec(
    # The scan lost the plan's number; 98 is the demo's.
    number="98", symbol="KH/ĐU", issued_on=date(2026, 1, 6), issuer="BK",
    title="Xây dựng “Chi bộ bốn tốt”, “Đảng bộ cơ sở bốn tốt” năm 2026",
    theme="Thực hiện Nghị quyết số 21-NQ/TW ngày 16/6/2022 của Ban Chấp hành Trung ương khóa "
          "XIII về tăng cường củng cố, xây dựng tổ chức cơ sở đảng và nâng cao chất lượng đội "
          "ngũ đảng viên trong giai đoạn mới",
    starts_on=date(2026, 1, 6), ends_on=END_2026,
    participant_kinds=tuple(PARTY_ORGS), staff_categories=(),
    contents=(
        ("Hoàn thành tốt nhiệm vụ chính trị",
         "Cụ thể hóa chỉ thị, nghị quyết, chương trình, kế hoạch của cấp ủy cấp trên; hoàn "
         "thành tốt các chỉ tiêu, nhiệm vụ chính trị, đạt và vượt chỉ tiêu được giao năm 2026; "
         "lãnh đạo tốt công tác kiểm tra, giám sát và kỷ luật của Đảng; kết nạp đảng viên đạt "
         "chỉ tiêu, bảo đảm chất lượng."),
        ("Chất lượng sinh hoạt tốt",
         "Thực hiện đầy đủ, có chất lượng các kỳ họp, cuộc họp theo quy định và quy chế làm "
         "việc; chuẩn bị tốt, thường xuyên đổi mới nội dung sinh hoạt; thực hiện nghiêm túc, "
         "hiệu quả tự phê bình và phê bình."),
        ("Đoàn kết tốt, kỷ luật tốt",
         "Thực hiện nguyên tắc tập trung dân chủ; giữ gìn kỷ cương, kỷ luật trong Đảng; tăng "
         "cường đoàn kết nội bộ; không có cấp ủy viên, đảng viên vi phạm quy định những điều "
         "đảng viên không được làm."),
        ("Cán bộ, đảng viên tốt",
         "Nêu gương về đạo đức, lối sống, nói đi đôi với làm; hoàn thành chức trách, nhiệm vụ "
         "được giao, tăng cường ứng dụng công nghệ số; đảng viên giữ chức vụ lãnh đạo, quản lý "
         "và bí thư chi bộ nêu cao vai trò tiên phong, gương mẫu."),
    ),
    milestones=(
        MilestoneSpec("registration", "registration",
                      "Các chi bộ ban hành kế hoạch và đăng ký thực hiện mô hình “Chi bộ bốn "
                      "tốt” (xong trước ngày 15/01/2026)", date(2026, 1, 14),
                      "Các chi bộ trực thuộc", ("chi_bo",)),
        *(MilestoneSpec(f"q{n}", "other", f"Văn phòng Đảng ủy tổng hợp kết quả thực hiện quý "
                        f"{roman}", due, "Văn phòng Đảng ủy")
          for n, roman, due in ((1, "I", date(2026, 3, 31)), (2, "II", date(2026, 6, 30)),
                                (3, "III", date(2026, 9, 30)))),
        MilestoneSpec("self_assessment", "report",
                      "Các chi bộ tự đánh giá, chấm điểm, đề nghị công nhận “Chi bộ bốn tốt” "
                      "(trước ngày 10/12/2026)", date(2026, 12, 9), "Các chi bộ trực thuộc",
                      ("chi_bo",), requires_report=True),
        MilestoneSpec("final", "final",
                      "Tổng kết việc xây dựng “Chi bộ bốn tốt”, “Đảng bộ cơ sở bốn tốt” "
                      "(trước ngày 13/12/2026)", date(2026, 12, 12),
                      "Ban Chấp hành Đảng bộ phường"),
    ),
    targets=(
        TargetSpec("registered", "100% chi bộ trực thuộc ban hành kế hoạch và đăng ký thực hiện "
                   "mô hình “Chi bộ bốn tốt” trước ngày 15/01/2026", "units_registered", "100",
                   deadline=date(2026, 1, 14), params={"unit_kinds": ["chi_bo"]}),
        # Measured on the scorecards ("bốn tốt" recognitions of the year).
        TargetSpec("cells_recognised", "Trên 90% chi bộ trực thuộc được công nhận “Chi bộ bốn "
                   "tốt”", "scorecard_recognised", "90", "gt", END_2026,
                   params={"framework": "chi_bo_bon_tot", "unit_kinds": ["chi_bo"],
                           "year": 2026}),
        TargetSpec("committee_recognised", "Đảng bộ phường được công nhận “Đảng bộ cơ sở bốn "
                   "tốt”", "scorecard_recognised", "100", "gte", END_2026,
                   params={"framework": "dang_bo_co_so_bon_tot", "unit_kinds": ["dang_uy_xa"],
                           "year": 2026}),
    ),
)

PLAN_C = PlanSpec(
    # The scan lost the plan's number and date; 2021 and KH-UBND are certain, the
    # number and the day are the demo's.
    number="95", symbol="KH-UBND", issued_on=date(2021, 3, 15), issuer="UBND-BG",
    title="Phong trào thi đua “Nụ cười công sở” trong cán bộ, công chức, viên chức tỉnh Bắc "
          "Giang giai đoạn 2021 - 2025",
    theme="Nghe dân nói, nói dân hiểu, làm dân tin; việc chưa xong chưa rời công sở",
    starts_on=date(2021, 3, 15), ends_on=date(2025, 12, 31),
    participant_kinds=(), staff_categories=("can_bo", "cong_chuc", "vien_chuc", "chien_si"),
    contents=(
        ("Đối với công việc", "Phải trách nhiệm, sáng tạo, chuyên nghiệp, theo phương châm "
                              "“Việc chưa xong chưa rời công sở”."),
        ("Đối với Nhân dân", "Nghe dân nói, nói dân hiểu, làm dân tin."),
        ("Đối với doanh nghiệp", "Phải lắng nghe và đồng hành."),
        ("Đối với đồng nghiệp", "Phải đoàn kết, hợp tác và hành động vì một Bắc Giang phát "
                                "triển và bền vững."),
        ("Thực hiện “4 xin, 4 luôn” khi giao tiếp với người dân, tổ chức, doanh nghiệp",
         "Xin chào, xin lỗi, xin cảm ơn, xin phép; luôn mỉm cười, luôn nhẹ nhàng, luôn lắng "
         "nghe, luôn giúp đỡ."),
    ),
    milestones=(
        *(MilestoneSpec(f"year{y}", "other", f"Các cơ quan, đơn vị, địa phương đánh giá kết quả "
                        f"thực hiện Phong trào năm {y}", date(y, 12, 31),
                        "Các cơ quan, đơn vị, địa phương")
          for y in (2021, 2023, 2024)),
        MilestoneSpec("interim", "interim", "Sơ kết Phong trào thi đua (năm 2022)",
                      date(2022, 12, 31), "UBND tỉnh và các cơ quan, đơn vị, địa phương"),
        MilestoneSpec("final", "final", "Tổng kết Phong trào thi đua vào dịp Hội nghị điển hình "
                      "tiên tiến, Đại hội thi đua yêu nước các cấp (năm 2025)",
                      date(2025, 12, 31), "UBND tỉnh và các cơ quan, đơn vị, địa phương"),
    ),
    targets=(
        manual("yearly_review", "Hằng năm, 100% cơ quan, đơn vị, địa phương tổ chức đánh giá "
               "kết quả thực hiện Phong trào thi đua", "Tỷ lệ cơ quan, đơn vị, địa phương đã "
               "đánh giá kết quả thực hiện Phong trào trong năm", "100",
               deadline=date(2025, 12, 31)),
        manual("rating_devices", "Lắp đặt phần mềm, hệ thống để người dân đánh giá tinh thần, "
               "thái độ làm việc, phong cách ứng xử của cán bộ, công chức, viên chức tại Bộ "
               "phận tiếp nhận và trả kết quả các cấp", "Tỷ lệ Bộ phận tiếp nhận và trả kết quả "
               "có hệ thống để người dân đánh giá", "100", deadline=date(2025, 12, 31)),
    ),
)

PLAN_D = PlanSpec(
    number="26", symbol="KH/TU", issued_on=date(2025, 11, 5), issuer="TU-CB",
    title="Mỗi đảng viên, cán bộ, công chức, viên chức, chiến sĩ và người lao động trên địa "
          "bàn tỉnh có ít nhất 01 sáng kiến, giải pháp/năm",
    theme="Đổi mới, sáng tạo vì sự phát triển nhanh và bền vững của tỉnh Cao Bằng",
    starts_on=date(2025, 11, 5), ends_on=date(2030, 12, 31),
    participant_kinds=(), staff_categories=tuple(ALL_STAFF),
    contents=(
        ("Đối với cán bộ, đảng viên",
         "Nêu gương trong đổi mới tư duy, dám nghĩ, dám làm, dám chịu trách nhiệm; đi đầu "
         "trong thi đua, gắn với nhiệm vụ chính trị được giao, góp phần đổi mới, nâng cao chất "
         "lượng lãnh đạo, chỉ đạo, điều hành."),
        ("Đối với công chức, viên chức",
         "Chủ động, sáng tạo, phối hợp hiệu quả; thi đua sát với nhiệm vụ, vị trí việc làm; "
         "cải thiện chất lượng phục vụ người dân; thực hiện các mô hình “Cơ quan hành chính "
         "kiểu mẫu”, “Chính quyền thân thiện”, “Văn hóa công sở”."),
        ("Đối với cán bộ, chiến sĩ lực lượng vũ trang",
         "Đổi mới, nâng cao chất lượng huấn luyện, sẵn sàng chiến đấu, xây dựng chính quy, "
         "rèn luyện kỷ luật; cải tiến công tác hậu cần, kỹ thuật, mô hình học cụ, vũ khí, trang "
         "bị."),
        ("Đối với người lao động",
         "Sáng tạo, trách nhiệm trong lao động, sản xuất; cải tiến kỹ thuật, quy trình, rút "
         "ngắn thao tác, tiết kiệm nguyên vật liệu, nâng cao năng suất, chất lượng sản phẩm."),
    ),
    milestones=(
        MilestoneSpec("launch", "other", "Phát động thi đua, phổ biến mục tiêu, nội dung thi "
                      "đua đến các địa phương, đơn vị (quý IV/2025)", date(2025, 12, 31),
                      "Các cấp ủy, chính quyền, đơn vị, địa phương"),
        MilestoneSpec("interim", "interim", "Sơ kết, đánh giá bước đầu kết quả thực hiện "
                      "Phong trào thi đua (quý IV/2027)", date(2027, 12, 31),
                      "Các địa phương, đơn vị; Ban Tuyên giáo và Dân vận Tỉnh ủy tổng hợp"),
        MilestoneSpec("final", "final", "Tổng kết, biểu dương tập thể, cá nhân có thành tích "
                      "xuất sắc (quý IV/2030)", date(2030, 12, 31), "Ban Thường vụ Tỉnh ủy"),
    ),
    targets=(
        TargetSpec("take_part", "100% cán bộ, đảng viên, công chức, viên chức, chiến sĩ và "
                   "người lao động hưởng ứng thi đua", "people_registered", "100"),
        # Measured live from the initiatives recognised in the year (initiatives app).
        TargetSpec("initiatives", "100% cán bộ, đảng viên, công chức, viên chức, chiến sĩ và "
                   "người lao động có ít nhất 01 sáng kiến, giải pháp/năm được Hội đồng sáng "
                   "kiến các cấp công nhận", "initiative_people_share", "100",
                   deadline=date(2030, 12, 31)),
        manual("initiative_bank", "Xây dựng cơ sở dữ liệu, ngân hàng sáng kiến, giải pháp cấp "
               "tỉnh để tập hợp, lưu trữ, chia sẻ giữa các ngành, địa phương",
               "Đã đưa vào sử dụng (1: có; 0: chưa)", "1", percent=False),
    ),
)

# --- units and people of the other provinces --------------------------------------------------

# (code, name, short name, kind, parent code, division code)
OTHER_UNITS = [
    ("UBND-BG", "Ủy ban nhân dân tỉnh Bắc Giang", "UBND tỉnh Bắc Giang", "ubnd", None, "24"),
    ("TU-CB", "Tỉnh ủy Cao Bằng", "Tỉnh ủy Cao Bằng", "tinh_uy", None, "04"),
    ("TU-CB-VP", "Văn phòng Tỉnh ủy Cao Bằng", "Văn phòng Tỉnh ủy", "ban_dang", "TU-CB", ""),
    ("TU-CB-TGDV", "Ban Tuyên giáo và Dân vận Tỉnh ủy Cao Bằng", "Ban Tuyên giáo và Dân vận",
     "ban_dang", "TU-CB", ""),
]
#: Bắc Giang was merged into Bắc Ninh from 01/07/2025; plan C stays as its history.
BAC_GIANG_MERGED_ON = date(2025, 7, 1)

# (staff code, name, gender, ethnicity, unit code, category, position)
CAO_BANG_STAFF = [
    ("TUCB0001", "Nông Văn Thành", "nam", "Tày", "TU-CB-VP", "can_bo", "Chánh Văn phòng Tỉnh ủy"),
    ("TUCB0002", "Hoàng Thị Thu Hà", "nu", "Nùng", "TU-CB-VP", "cong_chuc", "Phó Chánh Văn phòng"),
    ("TUCB0003", "Lục Văn Tiến", "nam", "Tày", "TU-CB-VP", "cong_chuc", "Trưởng phòng Tổng hợp"),
    ("TUCB0004", "Đàm Thị Ngọc", "nu", "Tày", "TU-CB-VP", "cong_chuc", "Chuyên viên"),
    ("TUCB0005", "Bế Văn Hùng", "nam", "Nùng", "TU-CB-VP", "cong_chuc", "Chuyên viên"),
    ("TUCB0006", "Lương Thị Huyền", "nu", "Tày", "TU-CB-VP", "cong_chuc", "Chuyên viên"),
    ("TUCB0007", "Triệu Văn Khánh", "nam", "Dao", "TU-CB-VP", "vien_chuc",
     "Viên chức công nghệ thông tin"),
    ("TUCB0008", "Sầm Thị Oanh", "nu", "Tày", "TU-CB-VP", "nguoi_lao_dong", "Nhân viên văn thư"),
    ("TUCB0009", "Ma Văn Dũng", "nam", "Tày", "TU-CB-TGDV", "can_bo",
     "Trưởng Ban Tuyên giáo và Dân vận"),
    ("TUCB0010", "La Thị Hằng", "nu", "Nùng", "TU-CB-TGDV", "cong_chuc", "Phó Trưởng Ban"),
    ("TUCB0011", "Hà Văn Long", "nam", "Tày", "TU-CB-TGDV", "cong_chuc",
     "Trưởng phòng Tuyên truyền"),
    ("TUCB0012", "Nông Thị Phượng", "nu", "Tày", "TU-CB-TGDV", "cong_chuc", "Chuyên viên"),
    ("TUCB0013", "Hoàng Văn Quân", "nam", "Nùng", "TU-CB-TGDV", "cong_chuc", "Chuyên viên"),
    ("TUCB0014", "Lý Thị Mai", "nu", "Mông", "TU-CB-TGDV", "cong_chuc", "Chuyên viên"),
    ("TUCB0015", "Đinh Văn Nam", "nam", "Kinh", "TU-CB-TGDV", "cong_chuc", "Chuyên viên"),
]

# --- facts of plan A ---------------------------------------------------------------------------

# The ward's 18 directly attached cells (org demo).
CELLS = ["BK-CB-DDT", "BK-CB-UB", "BK-CB-CA", "BK-CB-QS", "BK-CB-YT", "BK-CB-TH",
         *(f"BK-CB-TDP{i:02d}" for i in range(1, 13))]

# Registrations for A: cell → (submitted on, accepted on, returned on + reason).
# 15 accepted (one late), one waiting for review, one returned, TDP12 never registered:
# the registration target is overdue at 83%.
A_REGISTRATIONS = {
    "BK-CB-DDT": (date(2026, 6, 26), date(2026, 6, 29), None),
    "BK-CB-UB": (date(2026, 6, 30), date(2026, 7, 2), None),
    "BK-CB-CA": (date(2026, 7, 1), date(2026, 7, 3), None),
    "BK-CB-QS": (date(2026, 7, 2), date(2026, 7, 6), None),
    "BK-CB-YT": (date(2026, 7, 3), date(2026, 7, 6), None),
    "BK-CB-TH": (date(2026, 7, 6), date(2026, 7, 8), None),
    "BK-CB-TDP01": (date(2026, 7, 7), date(2026, 7, 9), None),
    "BK-CB-TDP02": (date(2026, 7, 8), date(2026, 7, 10), None),
    "BK-CB-TDP03": (date(2026, 7, 8), date(2026, 7, 10), None),
    "BK-CB-TDP04": (date(2026, 7, 9), date(2026, 7, 13), None),
    "BK-CB-TDP05": (date(2026, 7, 10), date(2026, 7, 13), None),
    "BK-CB-TDP06": (date(2026, 7, 13), date(2026, 7, 14), None),
    "BK-CB-TDP07": (date(2026, 7, 14), date(2026, 7, 15), None),
    "BK-CB-TDP08": (date(2026, 7, 14), date(2026, 7, 16), None),
    "BK-CB-TDP09": (date(2026, 7, 22), date(2026, 7, 24), None),
    "BK-CB-TDP10": (date(2026, 11, 12), None, None),
    "BK-CB-TDP11": (date(2026, 7, 10), None,
                    (date(2026, 7, 13), "Nội dung đăng ký chưa gắn với chức danh, vị trí việc làm "
                                        "của cán bộ; đề nghị bổ sung chỉ tiêu cụ thể cho từng "
                                        "nội dung.")),
}

# Practices for A: cell → (name, field, started on, recognised on or None, for replication).
# 12 of the 18 cells have one: the practices target is behind.
A_PRACTICES = {
    "BK-CB-DDT": ("Mỗi cán bộ, công chức một việc làm vì Nhân dân", "Dân vận",
                  date(2026, 7, 1), date(2026, 10, 15), False),
    "BK-CB-UB": ("Một cửa thân thiện - không hẹn lần hai", "Cải cách hành chính",
                 date(2026, 7, 6), date(2026, 10, 15), True),
    "BK-CB-CA": ("Camera an ninh tổ dân phố", "An ninh trật tự", date(2026, 7, 20), None, False),
    "BK-CB-QS": ("Dân quân giúp dân ngày cuối tuần", "Quốc phòng", date(2026, 8, 1), None, False),
    "BK-CB-YT": ("Khám sức khỏe định kỳ cho người cao tuổi tại tổ dân phố", "Y tế",
                 date(2026, 7, 15), None, False),
    "BK-CB-TH": ("Thư viện xanh thân thiện", "Giáo dục", date(2026, 9, 5), None, False),
    "BK-CB-TDP01": ("Tổ dân phố sáng - xanh - sạch - đẹp", "Môi trường", date(2026, 7, 20),
                    None, False),
    "BK-CB-TDP02": ("Đảng viên nhận đỡ đầu hộ khó khăn", "An sinh xã hội", date(2026, 8, 3),
                    None, False),
    "BK-CB-TDP03": ("Nhóm Zalo tổ dân phố - kết nối chính quyền với Nhân dân", "Chuyển đổi số",
                    date(2026, 7, 25), date(2026, 10, 15), True),
    "BK-CB-TDP05": ("Hướng dẫn người dân nộp hồ sơ dịch vụ công trực tuyến", "Chuyển đổi số",
                    date(2026, 8, 10), None, False),
    "BK-CB-TDP06": ("Dân vận khéo trong giải phóng mặt bằng", "Dân vận", date(2026, 8, 17),
                    None, False),
    "BK-CB-TDP08": ("Câu lạc bộ hát then, đàn tính", "Văn hóa", date(2026, 9, 12), None, False),
}

# Final reports for A (due 30/11/2026): 7 of 18 cells have sent theirs by 21/11.
A_REPORTS = {
    "BK-CB-UB": date(2026, 11, 10), "BK-CB-DDT": date(2026, 11, 12),
    "BK-CB-CA": date(2026, 11, 16), "BK-CB-TDP03": date(2026, 11, 17),
    "BK-CB-YT": date(2026, 11, 18), "BK-CB-TDP01": date(2026, 11, 20),
    "BK-CB-TDP02": date(2026, 11, 21),
}

# Manual values: target key → (unit code, [(measured on, value)]), the latest one counts.
A_VALUES = {
    "reviewed": ("BK", [(date(2026, 8, 31), "72.22"), (date(2026, 9, 30), "100")]),
    "positions": ("BK", [(date(2026, 9, 30), "94.44")]),
    "training_plan": ("BK", [(date(2026, 9, 15), "1")]),
    "qualified": ("BK", [(date(2026, 10, 31), "81.3")]),
    "trained": ("BK", [(date(2026, 9, 30), "58"), (date(2026, 10, 31), "72.5")]),
    "leaders_trained": ("BK", [(date(2026, 10, 31), "100")]),
    "late_dossiers": ("BK-HCC", [(date(2026, 8, 31), "2.9"), (date(2026, 10, 31), "1.4")]),
    "on_time_dossiers": ("BK-HCC", [(date(2026, 8, 31), "97.1"), (date(2026, 10, 31), "98.6")]),
    "satisfaction": ("BK-HCC", [(date(2026, 8, 31), "88.9"), (date(2026, 10, 31), "89.7")]),
}

A_COMMITMENTS = {
    1: "100% đảng viên học tập, quán triệt nghị quyết, chỉ thị của cấp trên; không có đảng "
       "viên vi phạm tư cách.",
    4: "Giải quyết kịp thời kiến nghị của người dân trong địa bàn, không để tồn đọng.",
}

# --- facts of plans B, C and D -----------------------------------------------------------------

#: B: every cell registered before 15/01/2026 but TDP12 (19/01, late); all accepted.
B_LATE_CELL = "BK-CB-TDP12"

C_VALUES = {
    "yearly_review": [(date(2021, 12, 31), "88.6"), (date(2022, 12, 31), "97.1"),
                      (date(2023, 12, 31), "100"), (date(2024, 12, 31), "100"),
                      (date(2025, 6, 30), "100")],
    "rating_devices": [(date(2022, 12, 31), "45"), (date(2023, 12, 31), "78.3"),
                       (date(2024, 12, 31), "100")],
}

# D: staff code → (submitted on, accepted on or None); 11 of 15 have taken part.
D_REGISTRATIONS = {
    "TUCB0001": (date(2025, 11, 20), date(2025, 11, 25)),
    "TUCB0002": (date(2025, 11, 21), date(2025, 11, 25)),
    "TUCB0003": (date(2025, 11, 24), date(2025, 11, 28)),
    "TUCB0004": (date(2025, 11, 26), date(2025, 12, 2)),
    "TUCB0007": (date(2025, 12, 3), date(2025, 12, 8)),
    "TUCB0009": (date(2025, 11, 20), date(2025, 11, 25)),
    "TUCB0010": (date(2025, 11, 27), date(2025, 12, 2)),
    "TUCB0011": (date(2025, 12, 10), date(2025, 12, 15)),
    "TUCB0012": (date(2026, 1, 8), None),
    "TUCB0013": (date(2026, 1, 12), None),
    "TUCB0015": (date(2026, 2, 2), None),
}
D_VALUES = {"initiative_bank": [(date(2026, 9, 30), "0")]}


# --- helpers ----------------------------------------------------------------------------------

@dataclass
class Demo:
    """What every step shares: today, the units by code, and the acting demo logins."""

    today: date
    units: dict[str, Unit]
    secretariat: object  # the ward's office ("vanphong")
    admin: object  # the demo administrator ("quantri"), a superuser

    def happened(self, day: date | None) -> bool:
        """Whether a fact dated ``day`` is in the past: later facts are left out."""
        return day is not None and day <= self.today


def moment(day: date, hour: int = 9) -> datetime:
    """An office-hours instant of ``day`` in local time, for backdated timestamps."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def backdate(log, day: date, hour: int = 9) -> None:
    """Put a workflow log entry at the date the plan says it happened."""
    TransitionLog.objects.filter(pk=log.pk).update(at=moment(day, hour))


def is_loaded() -> bool:
    return Movement.objects.filter(issuing_unit__code=PLAN_A.issuer, number=PLAN_A.number,
                                   symbol=PLAN_A.symbol, issued_on=PLAN_A.issued_on).exists()


def _ensure_other_units() -> None:
    """The issuers of plans C and D (and D's two bodies), as separate roots."""
    existing = set(Unit.objects.filter(code__in=[u[0] for u in OTHER_UNITS])
                   .values_list("code", flat=True))
    kinds = {k.code: k for k in UnitKind.objects.all()}
    by_code = dict(Unit.objects.in_bulk(existing, field_name="code"))
    pairs = []
    for code, name, short, kind, parent, division in OTHER_UNITS:
        if code in existing:
            continue
        unit = Unit(code=code, name=name, short_name=short, kind=kinds[kind],
                    sector=kinds[kind].sector, division_code=division)
        if code == "UBND-BG":
            unit.is_active, unit.merged_on = False, BAC_GIANG_MERGED_ON
        by_code[code] = unit
        pairs.append((unit, by_code[parent] if parent else None))
    bulk_add(pairs)


def _ensure_cao_bang_staff(units: dict[str, Unit]) -> None:
    """The people plan D's "100% take part" target counts (its denominator)."""
    existing = set(Person.objects.filter(staff_code__in=[p[0] for p in CAO_BANG_STAFF])
                   .values_list("staff_code", flat=True))
    for code, name, gender, ethnicity, unit_code, category, position in CAO_BANG_STAFF:
        if code not in existing:
            Person.objects.create(
                staff_code=code, full_name=name, gender=gender, ethnicity=ethnicity,
                unit=units[unit_code], staff_category=category, position=position,
                job_position=position, is_leader=position.startswith(("Chánh", "Trưởng Ban")),
                is_party_member=category in {"can_bo", "cong_chuc"})


def _create_plan(spec: PlanSpec, demo: Demo, user) -> tuple[Movement, dict[str, Target]]:
    """The movement in draft, with its contents, milestones and targets as the plan states
    them; the targets are returned by their key for the facts that follow."""
    kinds = {k.code: k for k in UnitKind.objects.all()}
    issuer = demo.units[spec.issuer]
    movement = Movement(
        number=spec.number, symbol=spec.symbol, issued_on=spec.issued_on, issuing_unit=issuer,
        scope_unit=issuer, title=spec.title, theme=spec.theme, starts_on=spec.starts_on,
        ends_on=spec.ends_on, staff_categories=list(spec.staff_categories), created_by=user)
    movement.full_clean()
    movement.save()
    movement.participant_kinds.set([kinds[code] for code in spec.participant_kinds])
    Content.objects.bulk_create([
        Content(movement=movement, order=order, title=title, text=text)
        for order, (title, text) in enumerate(spec.contents, start=1)])
    milestones = {}
    for m in spec.milestones:
        milestone = Milestone.objects.create(
            movement=movement, kind=m.kind, title=m.title, due_on=m.due_on, actor=m.actor,
            requires_report=m.requires_report)
        milestone.actor_kinds.set([kinds[code] for code in m.actor_kinds])
        milestones[m.key] = milestone
    targets = {}
    for order, t in enumerate(spec.targets, start=1):
        params = dict(t.params)
        if t.milestone:
            params["milestone"] = milestones[t.milestone].pk
        targets[t.key] = domain.save_target(user, Target(
            movement=movement, order=order, wording=t.wording, indicator=t.indicator,
            params=params, comparator=t.comparator, goal=Decimal(t.goal), deadline=t.deadline))
    return movement, targets


def _launch(movement: Movement, user, demo: Demo) -> None:
    """Launch as on the plan's issue date, when every deadline was still ahead."""
    if not demo.happened(movement.issued_on):
        return
    backdate(domain.launch(user, movement, today=movement.issued_on), movement.issued_on, 8)
    movement.refresh_from_db()


def _register(demo: Demo, movement: Movement, unit: Unit, user, commitments, *, submitted: date,
              person=None) -> Registration | None:
    """A registration with its commitments, submitted on ``submitted`` (None if that is ahead).

    Late or not is judged against the plan's registration deadline on the day it
    was sent, not on the day the demo is loaded.
    """
    if not demo.happened(submitted):
        return None
    deadline = domain.registration_deadline(movement)
    registration = domain.start_registration(user, movement, unit, person=person)
    Commitment.objects.bulk_create([
        Commitment(registration=registration, content=content, text=text, number=number)
        for content, text, number in commitments])
    backdate(domain.submit_registration(user, registration), submitted)
    Registration.objects.filter(pk=registration.pk).update(
        submitted_at=moment(submitted), is_late=bool(deadline and submitted > deadline),
        created_at=moment(submitted, 8))
    registration.refresh_from_db()
    return registration


def _review(demo: Demo, reviewer, registration: Registration | None, decision: str,
            day: date | None, reason: str = "") -> None:
    if registration is None or not demo.happened(day):
        return
    backdate(domain.review_registration(reviewer, registration, decision, reason), day, 15)
    if decision == "accept":
        Registration.objects.filter(pk=registration.pk).update(accepted_at=moment(day, 15))


def _enter_values(demo: Demo, target: Target, unit: Unit, values, user) -> None:
    for day, value in values:
        if demo.happened(day):
            domain.enter_manual_value(user, target, unit, value=Decimal(value), measured_on=day,
                                      note="Số liệu báo cáo định kỳ.")


# --- the plans ---------------------------------------------------------------------------------

def _plan_a(demo: Demo) -> Movement:
    movement, targets = _create_plan(PLAN_A, demo, demo.secretariat)
    _launch(movement, demo.secretariat, demo)
    contents = {c.order: c for c in movement.contents.all()}
    cell_leader = get_user_model().objects.filter(username="chibo1").first()
    for code, (submitted, accepted, returned) in A_REGISTRATIONS.items():
        unit = demo.units[code]
        # A cell with its own login registers itself; the others through the ward's office.
        user = cell_leader if cell_leader and code == "BK-CB-TDP01" else demo.secretariat
        practice = A_PRACTICES.get(code)
        model = f"Xây dựng mô hình “{practice[0]}”" if practice else \
            "Xây dựng ít nhất 01 mô hình, cách làm hiệu quả"
        commitments = [(contents[1], A_COMMITMENTS[1], None), (contents[4], A_COMMITMENTS[4], None),
                       (contents[5], model, Decimal(1))]
        registration = _register(demo, movement, unit, user, commitments, submitted=submitted)
        _review(demo, demo.secretariat, registration, "accept", accepted)
        if returned:
            _review(demo, demo.secretariat, registration, "return", *returned)
    _practices_a(demo, movement)
    _reports_a(demo, movement)
    for key, (unit_code, values) in A_VALUES.items():
        _enter_values(demo, targets[key], demo.units[unit_code], values, demo.secretariat)
    _exemplars_a(demo, movement)
    return movement


def _practices_a(demo: Demo, movement: Movement) -> None:
    for code, (name, field_name, started, recognised, replicate) in A_PRACTICES.items():
        if not demo.happened(started):
            continue
        practice = Practice.objects.create(
            unit=demo.units[code], movement=movement, name=name, field=field_name,
            started_on=started, created_by=demo.secretariat,
            description=f"Mô hình của {demo.units[code].name} trong Năm nâng cao chất lượng cán "
                        f"bộ cơ sở.")
        if demo.happened(recognised):
            domain.recognise_practice(demo.secretariat, practice, on=recognised,
                                      replicate=replicate)


def _reports_a(demo: Demo, movement: Movement) -> None:
    milestone = movement.milestones.get(kind="report")
    reports = {r.unit.code: r for r in UnitReport.objects.filter(milestone=milestone)
               .select_related("unit", "milestone__movement")}
    for code, day in A_REPORTS.items():
        report = reports.get(code)
        if report is None or not demo.happened(day):
            continue
        domain.submit_report(demo.secretariat, report,
                             text=f"Báo cáo tổng kết Năm nâng cao chất lượng cán bộ cơ sở của "
                                  f"{report.unit.name}.")
        UnitReport.objects.filter(pk=report.pk).update(submitted_at=moment(day, 16))


def _exemplars_a(demo: Demo, movement: Movement) -> None:
    """One collective and one individual praised at the ward's October review."""
    if not demo.happened(date(2026, 10, 15)):
        return
    one_stop = demo.units["BK-HCC"]
    person = Person.objects.filter(unit=one_stop, is_leader=True).order_by("staff_code").first()
    Exemplar.objects.create(
        movement=movement, unit=demo.units["BK-CB-UB"], marked_on=date(2026, 10, 15),
        created_by=demo.secretariat,
        citation="Mô hình “Một cửa thân thiện - không hẹn lần hai”: không có hồ sơ quá hạn từ "
                 "tháng 8/2026.")
    if person is not None:
        Exemplar.objects.create(
            movement=movement, unit=one_stop, person=person, marked_on=date(2026, 10, 15),
            created_by=demo.secretariat,
            citation="Tận tình hướng dẫn người dân, được người dân đánh giá hài lòng cao nhất "
                     "Trung tâm quý III/2026.")


def _plan_b(demo: Demo) -> Movement:
    from thidua.scorecards.defaults import ensure_frameworks

    ensure_frameworks()  # the frameworks plan B's targets are measured on
    movement, _targets = _create_plan(PLAN_B, demo, demo.secretariat)
    _launch(movement, demo.secretariat, demo)
    contents = list(movement.contents.all())
    for index, code in enumerate(CELLS):
        late = code == B_LATE_CELL
        submitted = date(2026, 1, 19) if late else date(2026, 1, 8 + index % 7)
        accepted = date(2026, 1, 21) if late else date(2026, 1, 16 + index % 5)
        commitments = [(c, f"Phấn đấu đạt tiêu chí “{c.title}”.", None) for c in contents]
        registration = _register(demo, movement, demo.units[code], demo.secretariat, commitments,
                                 submitted=submitted)
        _review(demo, demo.secretariat, registration, "accept", accepted)
    return movement


def _plan_c(demo: Demo) -> Movement:
    """Historic: launched in 2021, values entered year by year, closed after the final review."""
    movement, targets = _create_plan(PLAN_C, demo, demo.admin)
    _launch(movement, demo.admin, demo)
    for key, values in C_VALUES.items():
        _enter_values(demo, targets[key], demo.units["UBND-BG"], values, demo.admin)
    if demo.happened(movement.ends_on) and movement.state == "launched":
        backdate(domain.close(demo.admin, movement), movement.ends_on, 16)
    return movement


def _plan_d(demo: Demo) -> Movement:
    movement, targets = _create_plan(PLAN_D, demo, demo.admin)
    _launch(movement, demo.admin, demo)
    contents = {c.order: c for c in movement.contents.all()}
    people = Person.objects.in_bulk(list(D_REGISTRATIONS), field_name="staff_code")
    for code, (submitted, accepted) in D_REGISTRATIONS.items():
        person = people[code]
        content = contents[1] if person.staff_category == "can_bo" else contents[2]
        commitments = [(content, "Đăng ký ít nhất 01 sáng kiến, giải pháp năm 2026 gắn với "
                                 "nhiệm vụ được giao.", Decimal(1))]
        registration = _register(demo, movement, person.unit, demo.admin, commitments,
                                 submitted=submitted, person=person)
        _review(demo, demo.admin, registration, "accept", accepted)
    for key, values in D_VALUES.items():
        _enter_values(demo, targets[key], demo.units["TU-CB"], values, demo.admin)
    return movement


@transaction.atomic
def load(stdout=None) -> bool:
    """Enter the four plans and their facts; return False when they are already there."""
    if is_loaded():
        return False
    org_demo.load(stdout)  # the ward and its logins come first (a no-op when present)
    _ensure_other_units()
    units = {u.code: u for u in Unit.objects.filter(
        code__in=[*CELLS, "BK", "BK-HCC", *(u[0] for u in OTHER_UNITS)])}
    _ensure_cao_bang_staff(units)
    users = get_user_model().objects.in_bulk(["vanphong", "quantri"], field_name="username")
    demo = Demo(today=timezone.localdate(), units=units, secretariat=users["vanphong"],
                admin=users["quantri"])
    movements = [_plan_a(demo), _plan_b(demo), _plan_c(demo), _plan_d(demo)]
    if stdout is not None:
        stdout.write(f"Đã tạo {len(movements)} phong trào thi đua mẫu: "
                     + "; ".join(m.document_number for m in movements) + ".")
    return True
