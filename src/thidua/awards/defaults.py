"""The shipped catalogue of titles and forms, and the base salary (the admin may edit them).

Sources: Luật Thi đua, khen thưởng 06/2022/QH15 (in force 01/01/2024), Nghị định
152/2025/NĐ-CP (replaced Nghị định 98/2023 from 01/7/2025), DOMAIN.md §2.

Each entry names its rule in ``rules.RULES`` and the rule's parameters; a parameter set
marked ``"to_check": True`` is a province default that has not been confirmed against a
published text (❓ in DOMAIN.md) and should be checked by the province's TĐKT office.

Reward coefficients: the titles' coefficients are those of DOMAIN.md §2. The coefficients of
Giấy khen, Bằng khen cấp tỉnh and Bằng khen Thủ tướng are left at 0 on purpose: their values
in Nghị định 152/2025/NĐ-CP were not verified; the admin sets them in the catalogue.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

#: Grassroots unit kinds (cấp cơ sở) that grant the grassroots titles and Giấy khen.
GRASSROOTS_GRANTORS = ["xa_phuong", "ubnd", "dang_uy_xa", "co_quan_chuyen_mon",
                       "don_vi_su_nghiep", "dang_bo_co_so"]
#: Provincial unit kinds that grant the provincial titles and Bằng khen.
PROVINCE_GRANTORS = ["tinh", "tinh_uy"]

#: The catalogue: one dict per AwardType (``granted_by`` lists unit kind codes; an empty
#: list means nobody in the province's tree grants it: it is proposed upwards).
CATALOGUE: list[dict] = [
    {
        "code": "ldtt", "name": "Lao động tiên tiến", "short_name": "LĐTT",
        "kind": "title", "subject": "person", "level": "co_so", "order": 10,
        "granted_by": GRASSROOTS_GRANTORS, "coefficient": "0.3",
        "rule": "ldtt",
        "params": {"grade": "htt", "discipline_blocks_from": "khien_trach",
                   "registration_required": False},
        "source": "Luật Thi đua, khen thưởng 2022, Điều 24; Nghị định 152/2025/NĐ-CP",
    },
    {
        "code": "cstdcs", "name": "Chiến sĩ thi đua cơ sở", "short_name": "CSTĐCS",
        "kind": "title", "subject": "person", "level": "co_so", "order": 20,
        "granted_by": GRASSROOTS_GRANTORS, "coefficient": "1.0",
        "quota_share": "0.15", "quota_base": "ldtt",
        "rule": "cstdcs",
        "params": {"base": "ldtt", "grade": "htxs", "initiative_level": "co_so",
                   "initiatives": 1, "quota_minimum": 0},
        "source": "Luật Thi đua, khen thưởng 2022, Điều 21 khoản 3; Nghị định 152/2025/NĐ-CP",
    },
    {
        "code": "cstd_tinh", "name": "Chiến sĩ thi đua cấp tỉnh", "short_name": "CSTĐ tỉnh",
        "kind": "title", "subject": "person", "level": "tinh", "order": 30,
        "granted_by": PROVINCE_GRANTORS, "coefficient": "3.0",
        "rule": "cstd_tinh",
        "params": {"title": "cstdcs", "years": 3, "initiative_level": "tinh",
                   "initiatives": 1},
        "source": "Luật Thi đua, khen thưởng 2022, Điều 21 khoản 2; Nghị định 152/2025/NĐ-CP",
    },
    {
        "code": "cstd_toan_quoc", "name": "Chiến sĩ thi đua toàn quốc",
        "short_name": "CSTĐ toàn quốc",
        "kind": "title", "subject": "person", "level": "nha_nuoc", "order": 40,
        "granted_by": [], "coefficient": "4.5", "secret_ballot": True,
        "rule": "cstd_toan_quoc",
        "params": {"title": "cstd_tinh", "years": 2, "period": 3,
                   "initiative_level": "toan_quoc", "initiatives": 1},
        "source": "Luật Thi đua, khen thưởng 2022, Điều 21 khoản 1; Nghị định 152/2025/NĐ-CP",
    },
    {
        "code": "giay_khen", "name": "Giấy khen", "short_name": "Giấy khen",
        "kind": "form", "subject": "person", "level": "co_so", "order": 50,
        "granted_by": GRASSROOTS_GRANTORS, "coefficient": "0",
        "rule": "manual", "params": {},
        "source": "Luật Thi đua, khen thưởng 2022, Điều 75; tiêu chuẩn do bộ, ngành, tỉnh quy định",
    },
    {
        "code": "bang_khen_tinh", "name": "Bằng khen của Chủ tịch UBND tỉnh",
        "short_name": "Bằng khen tỉnh",
        "kind": "form", "subject": "person", "level": "tinh", "order": 60,
        "granted_by": PROVINCE_GRANTORS, "coefficient": "0",
        "rule": "bang_khen_tinh",
        "params": {"title": "cstdcs", "title_years": 2,
                   "grade": "htxs", "grade_years": 2,
                   "initiative_level": "co_so", "initiatives": 2},
        "source": "Luật Thi đua, khen thưởng 2022, Điều 74 khoản 1; Nghị định 152/2025/NĐ-CP",
    },
    {
        "code": "bang_khen_ttcp", "name": "Bằng khen của Thủ tướng Chính phủ",
        "short_name": "Bằng khen Thủ tướng",
        "kind": "form", "subject": "person", "level": "nha_nuoc", "order": 70,
        "granted_by": [], "coefficient": "0", "secret_ballot": True,
        "rule": "bang_khen_ttcp",
        "params": {"prior_awards": ["bang_khen_tinh", "cstd_tinh"], "years": 5,
                   "grade": "htxs", "grade_years": 5,
                   "initiative_level": "co_so", "initiatives": 2,
                   "to_check": True},
        "source": "Luật Thi đua, khen thưởng 2022, Điều 71; Nghị định 152/2025/NĐ-CP "
                  "(số năm, số sáng kiến: mặc định của tỉnh, cần kiểm tra)",
    },
    {
        "code": "tt_ldtt", "name": "Tập thể lao động tiên tiến", "short_name": "Tập thể LĐTT",
        "kind": "title", "subject": "collective", "level": "co_so", "order": 110,
        "granted_by": GRASSROOTS_GRANTORS, "coefficient": "0.8",
        "rule": "tt_ldtt",
        "params": {"grade": "htt", "member_title": "ldtt", "ldtt_share_over": "0.5",
                   "discipline_blocks_from": "canh_cao"},
        "source": "Luật Thi đua, khen thưởng 2022, Điều 26, 27; Nghị định 152/2025/NĐ-CP",
    },
    {
        "code": "tt_ldxs", "name": "Tập thể lao động xuất sắc", "short_name": "Tập thể LĐXS",
        "kind": "title", "subject": "collective", "level": "tinh", "order": 120,
        "granted_by": PROVINCE_GRANTORS, "coefficient": "1.5",
        "rule": "tt_ldxs",
        "params": {"grade": "htxs", "members_grade": "ht", "member_title": "ldtt",
                   "ldtt_share_min": "0.7", "member_top_title": "cstdcs", "cstdcs_min": 1,
                   "discipline_blocks_from": "canh_cao", "requires": "tt_ldtt"},
        "source": "Luật Thi đua, khen thưởng 2022, Điều 26, 27; Nghị định 152/2025/NĐ-CP",
    },
]

#: (effective from, amount in đồng, source) of the base salary (mức lương cơ sở).
BASE_SALARIES = [
    (datetime.date(2024, 7, 1), Decimal(2_340_000), "Nghị định 73/2024/NĐ-CP"),
]


def ensure_catalogue(apps=None) -> None:
    """Create the catalogue entries and base salaries that are missing (never overwrite the
    admin's edits). ``apps`` is the migration state's registry in a data migration; without it
    the current models are used (tests, demo, after a flush)."""
    if apps is None:
        from django.apps import apps as django_apps
        apps = django_apps
    AwardType = apps.get_model("awards", "AwardType")
    BaseSalary = apps.get_model("awards", "BaseSalary")
    UnitKind = apps.get_model("org", "UnitKind")

    kinds = {k.code: k for k in UnitKind.objects.all()}
    existing = {t.code: t for t in AwardType.objects.all()}
    created = {}
    for entry in CATALOGUE:
        if entry["code"] in existing:
            continue
        fields = {k: v for k, v in entry.items() if k not in {"granted_by", "quota_base"}}
        for name in ("coefficient", "quota_share"):
            if name in fields:
                fields[name] = Decimal(fields[name])
        award_type = AwardType.objects.create(**fields)
        award_type.granted_by.set([kinds[c] for c in entry["granted_by"] if c in kinds])
        created[entry["code"]] = award_type
    everything = {**existing, **created}
    for entry in CATALOGUE:
        base = entry.get("quota_base")
        if base and entry["code"] in created and base in everything:
            AwardType.objects.filter(pk=created[entry["code"]].pk).update(
                quota_base=everything[base])

    known = set(BaseSalary.objects.values_list("effective_from", flat=True))
    BaseSalary.objects.bulk_create([
        BaseSalary(effective_from=day, amount=amount, source=source)
        for day, amount, source in BASE_SALARIES if day not in known
    ])
