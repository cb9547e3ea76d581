"""The frameworks shipped with the system (editable: an edit makes a new version).

- "Chi bộ bốn tốt" and "Đảng bộ cơ sở bốn tốt": the four criteria of Nghị quyết
  21-NQ/TW (2022) with the sub-items of the registration form of the seed plan
  (Đảng ủy Thi hành án dân sự tỉnh Tuyên Quang, 06/01/2026). Points per item
  were not found (they are province rules, DOMAIN.md §5): default 4 × 25,
  recognised at a total ≥ 90 with every criterion ≥ 20 and the organisation
  graded HTT or better that year.
- Party-organisation yearly grading on 100 points with the bands of Quy định
  366-QĐ/TW (30/8/2025): ≥90 HTXS, 70–<90 HTT, 50–<70 HT, <50 KHT. The split
  of the 100 points between the groups is a default.
- "Nụ cười công sở" (UBND tỉnh Bắc Giang, 2021–2025): conduct toward work,
  citizens, businesses and colleagues, with the "4 xin, 4 luôn"; for
  individuals, recognised at ≥ 90 and graded HTT or better by KPI that year.
"""

from __future__ import annotations

from decimal import Decimal

PARTY_ORG_BANDS = [
    ["htxs", "Hoàn thành xuất sắc nhiệm vụ", 90],
    ["htt", "Hoàn thành tốt nhiệm vụ", 70],
    ["ht", "Hoàn thành nhiệm vụ", 50],
    ["kht", "Không hoàn thành nhiệm vụ", 0],
]
BON_TOT_RULE = {
    "min_total": 90, "min_per_group": 20,
    "conditions": [{"kind": "framework_band", "framework": "xep_loai_to_chuc_dang",
                    "min_band": "htt"}],
}

BON_TOT_GROUPS = [
    ("1", "Hoàn thành tốt nhiệm vụ chính trị", [
        ("Lãnh đạo cụ thể hóa chỉ thị, nghị quyết, chương trình, kế hoạch của cấp ủy cấp "
         "trên; chương trình công tác trọng tâm năm và các nghị quyết, kết luận của cấp ủy để "
         "triển khai và tổ chức thực hiện có hiệu quả", 5),
        ("Lãnh đạo thực hiện đầy đủ và hoàn thành tốt các chỉ tiêu, nhiệm vụ chính trị đạt và "
         "vượt chỉ tiêu được giao trong năm", 4),
        ("Lãnh đạo đấu tranh ngăn chặn, đẩy lùi biểu hiện suy thoái, “tự diễn biến”, “tự "
         "chuyển hóa”; đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; "
         "phòng, chống tham nhũng, lãng phí, tiêu cực", 4),
        ("Lãnh đạo tốt công tác kiểm tra, giám sát và kỷ luật của Đảng; kịp thời giải quyết "
         "vấn đề bức xúc, không để vụ việc tồn đọng, khiếu nại đông người, vượt cấp", 4),
        ("Lãnh đạo thực hiện tốt công tác xây dựng Đảng, tổ chức cán bộ và quản lý đảng viên",
         4),
        ("Kết nạp đảng viên đạt chỉ tiêu được giao, bảo đảm chất lượng", 4),
    ]),
    ("2", "Chất lượng sinh hoạt tốt", [
        ("Thực hiện đầy đủ, có chất lượng các kỳ họp của cấp ủy, chi bộ và các cuộc họp theo "
         "quy định và quy chế làm việc", 13),
        ("Chuẩn bị tốt và thường xuyên đổi mới nội dung sinh hoạt; thực hiện nghiêm túc, hiệu "
         "quả tự phê bình và phê bình; nâng cao hiệu quả lãnh đạo, tổ chức thực hiện nghị "
         "quyết", 12),
    ]),
    ("3", "Đoàn kết tốt, kỷ luật tốt", [
        ("Quán triệt sâu sắc nghị quyết, chỉ thị, hướng dẫn về sinh hoạt cấp ủy; thực hiện "
         "nguyên tắc tập trung dân chủ, tự phê bình và phê bình, giữ gìn kỷ cương, kỷ luật", 5),
        ("Xây dựng, thực hiện nghiêm quy chế làm việc; tăng cường đoàn kết nội bộ", 5),
        ("Không có cấp ủy viên, đảng viên vi phạm quy định những điều đảng viên không được làm",
         5),
        ("Thực hiện tốt kỷ luật, kỷ cương hành chính; tạo chuyển biến mạnh mẽ trong thực thi "
         "công vụ", 5),
        ("Lãnh đạo xây dựng cơ quan, các tổ chức đoàn thể vững mạnh, hoạt động hiệu lực, hiệu "
         "quả", 5),
    ]),
    ("4", "Cán bộ, đảng viên tốt", [
        ("Nêu gương tốt về đạo đức, lối sống, phòng chống suy thoái về tư tưởng chính trị, đạo "
         "đức, lối sống", 5),
        ("Nêu gương tốt về nói đi đôi với làm; dám nghĩ, dám làm, dám chịu trách nhiệm vì lợi "
         "ích chung", 5),
        ("Nêu gương tốt về thực hiện chức trách, nhiệm vụ; ứng dụng công nghệ số; hoàn thành "
         "đúng tiến độ, chất lượng", 5),
        ("Nêu gương tốt về chấp hành kỷ luật, kỷ cương, tự phê bình và phê bình, đoàn kết, gắn "
         "bó với Nhân dân; làm tốt công tác phát triển đảng viên", 5),
        ("Đảng viên giữ chức vụ lãnh đạo, quản lý và bí thư nêu cao vai trò tiên phong, gương "
         "mẫu trong sinh hoạt cấp ủy, chi bộ", 5),
    ]),
]

PARTY_ORG_GROUPS = [
    ("1", "Kết quả lãnh đạo thực hiện nhiệm vụ chính trị", [], 40),
    ("2", "Công tác xây dựng Đảng về chính trị, tư tưởng, đạo đức", [], 20),
    ("3", "Công tác tổ chức, cán bộ và quản lý đảng viên", [], 20),
    ("4", "Công tác kiểm tra, giám sát và kỷ luật đảng", [], 20),
]

SMILE_GROUPS = [
    ("1", "Đối với công việc", [
        ("Chấp hành nghiêm giờ giấc, nội quy, quy chế của cơ quan", 9),
        ("Hoàn thành nhiệm vụ đúng tiến độ, chất lượng; không gây phiền hà, sách nhiễu", 8),
        ("Trang phục gọn gàng, đeo thẻ công chức; không làm việc riêng trong giờ làm việc", 8),
    ]),
    ("2", "Đối với Nhân dân (“4 xin”: xin chào, xin lỗi, xin cảm ơn, xin phép)", [
        ("Chào hỏi, lắng nghe, hướng dẫn tận tình, rõ ràng một lần đủ", 13),
        ("Xin lỗi khi chậm trễ, sai sót; cảm ơn khi người dân góp ý", 12),
    ]),
    ("3", "Đối với doanh nghiệp", [
        ("Tôn trọng, bình đẳng, giải quyết công việc đúng hạn, công khai, minh bạch", 25),
    ]),
    ("4", "Đối với đồng nghiệp (“4 luôn”: luôn mỉm cười, luôn nhẹ nhàng, luôn lắng nghe, "
          "luôn giúp đỡ)", [
        ("Tôn trọng, đoàn kết, chia sẻ, giúp đỡ đồng nghiệp", 13),
        ("Góp ý thẳng thắn, xây dựng; không nói xấu, gây mất đoàn kết", 12),
    ]),
]

FRAMEWORKS = [
    {"code": "chi_bo_bon_tot", "name": "Chi bộ bốn tốt", "recognition_label": "Chi bộ bốn tốt",
     "source": "Nghị quyết 21-NQ/TW (16/6/2022); tiêu chí của tỉnh (Quy định 18-QĐ/TU, Tuyên "
               "Quang)", "subject": "units", "unit_kinds": ["chi_bo"], "rule": BON_TOT_RULE,
     "groups": BON_TOT_GROUPS},
    {"code": "dang_bo_co_so_bon_tot", "name": "Đảng bộ cơ sở bốn tốt",
     "recognition_label": "Đảng bộ cơ sở bốn tốt",
     "source": "Nghị quyết 21-NQ/TW (16/6/2022); tiêu chí của tỉnh (Quy định 18-QĐ/TU, Tuyên "
               "Quang)", "subject": "units", "unit_kinds": ["dang_bo_co_so", "dang_uy_xa"],
     "rule": BON_TOT_RULE, "groups": BON_TOT_GROUPS},
    {"code": "xep_loai_to_chuc_dang", "name": "Đánh giá, xếp loại chất lượng tổ chức đảng",
     "recognition_label": "", "source": "Quy định 366-QĐ/TW (30/8/2025)", "subject": "units",
     "unit_kinds": ["chi_bo", "dang_bo_co_so", "dang_uy_xa"], "rule": {},
     "bands": PARTY_ORG_BANDS, "registration_due": "31/12", "evaluation_every": 12,
     "groups": [(code, title, [], points) for code, title, _items, points in PARTY_ORG_GROUPS]},
    {"code": "nu_cuoi_cong_so", "name": "Nụ cười công sở",
     "recognition_label": "Thực hiện tốt “Nụ cười công sở”",
     "source": "Kế hoạch “Nụ cười công sở” giai đoạn 2021–2025 (UBND tỉnh Bắc Giang)",
     "subject": "people", "unit_kinds": [],
     "rule": {"min_total": 90, "conditions": [{"kind": "kpi_year", "min_grade": "htt"}]},
     "groups": SMILE_GROUPS},
]


def install(Framework, Criterion, UnitKind) -> int:  # noqa: N803 (models passed in)
    """Create the shipped frameworks that are missing (by code); return how many."""
    made = 0
    for spec in FRAMEWORKS:
        if Framework.objects.filter(code=spec["code"]).exists():
            continue
        framework = Framework.objects.create(
            code=spec["code"], version=1, name=spec["name"], source=spec["source"],
            subject=spec["subject"], rule=spec["rule"], bands=spec.get("bands", []),
            recognition_label=spec["recognition_label"],
            registration_due=spec.get("registration_due", "15/01"),
            evaluation_every=spec.get("evaluation_every", 3))
        framework.unit_kinds.set(UnitKind.objects.filter(code__in=spec["unit_kinds"]))
        for order, group in enumerate(spec["groups"], start=1):
            code, title, items = group[0], group[1], group[2]
            own = group[3] if len(group) > 3 else sum(points for _t, points in items)
            parent = Criterion.objects.create(framework=framework, order=order, code=code,
                                              title=title, max_points=Decimal(own))
            for index, (text, points) in enumerate(items, start=1):
                Criterion.objects.create(framework=framework, parent=parent, order=index,
                                         code=f"{code}.{index}", title=text,
                                         max_points=Decimal(points))
        made += 1
    return made


def ensure_frameworks() -> int:
    """The shipped frameworks in the live models (tests flush the data migration's rows)."""
    from thidua.org.defaults import ensure_unit_kinds
    from thidua.org.models import UnitKind
    from thidua.scorecards.models import Criterion, Framework

    ensure_unit_kinds()
    return install(Framework, Criterion, UnitKind)
