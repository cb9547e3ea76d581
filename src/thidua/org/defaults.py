"""Default vocabularies shipped with the system (the admin may edit them)."""

#: (code, name, sector, order) of the unit kinds a Vietnamese province uses.
UNIT_KINDS = [
    ("tinh", "Tỉnh, thành phố", "nha_nuoc", 10),
    ("tinh_uy", "Tỉnh ủy, Thành ủy", "dang", 20),
    ("ban_dang", "Ban, văn phòng cấp ủy", "dang", 30),
    ("xa_phuong", "Xã, phường, đặc khu", "nha_nuoc", 40),
    ("dang_uy_xa", "Đảng ủy xã, phường", "dang", 50),
    ("dang_bo_co_so", "Đảng bộ cơ sở", "dang", 60),
    ("chi_bo", "Chi bộ", "dang", 70),
    ("ubnd", "Ủy ban nhân dân", "nha_nuoc", 80),
    ("co_quan_chuyen_mon", "Cơ quan chuyên môn", "nha_nuoc", 90),
    ("phong_ban", "Phòng, ban", "nha_nuoc", 100),
    ("mot_cua", "Bộ phận một cửa", "nha_nuoc", 110),
    ("don_vi_su_nghiep", "Đơn vị sự nghiệp", "nha_nuoc", 120),
    ("uy_ban_mttq", "Ủy ban Mặt trận Tổ quốc", "mttq", 130),
    ("doan_the", "Tổ chức chính trị - xã hội, đoàn thể", "mttq", 140),
    ("to_dan_pho", "Tổ dân phố, thôn", "nha_nuoc", 150),
    ("vu_trang", "Đơn vị lực lượng vũ trang", "vu_trang", 160),
    ("doanh_nghiep", "Doanh nghiệp", "doanh_nghiep", 170),
]


def ensure_unit_kinds() -> None:
    """Create the default unit kinds that are missing (after a flush, in tests or demo)."""
    from thidua.org.models import UnitKind

    existing = set(UnitKind.objects.values_list("code", flat=True))
    UnitKind.objects.bulk_create([
        UnitKind(code=code, name=name, sector=sector, order=order)
        for code, name, sector, order in UNIT_KINDS if code not in existing
    ])
