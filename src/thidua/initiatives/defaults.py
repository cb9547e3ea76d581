"""The default list of fields of application (editable by the admin afterwards)."""

DEFAULT_FIELDS = [
    ("hanh_chinh", "Hành chính, quản lý nhà nước"),
    ("cai_cach_hanh_chinh", "Cải cách hành chính, một cửa"),
    ("chuyen_doi_so", "Công nghệ thông tin, chuyển đổi số"),
    ("xay_dung_dang", "Xây dựng Đảng, đoàn thể"),
    ("kinh_te", "Kinh tế, tài chính, ngân sách"),
    ("nong_nghiep", "Nông nghiệp, nông thôn mới"),
    ("giao_duc", "Giáo dục, đào tạo"),
    ("y_te", "Y tế"),
    ("van_hoa_xa_hoi", "Văn hóa, xã hội"),
    ("tai_nguyen_moi_truong", "Tài nguyên, môi trường"),
    ("quoc_phong_an_ninh", "Quốc phòng, an ninh, trật tự"),
    ("khac", "Lĩnh vực khác"),
]


def ensure_fields(model=None) -> None:
    """Create the default fields that are missing (never changes existing ones)."""
    if model is None:
        from thidua.initiatives.models import ApplicationField as model
    existing = set(model.objects.values_list("code", flat=True))
    model.objects.bulk_create([model(code=code, name=name, order=index * 10)
                               for index, (code, name) in enumerate(DEFAULT_FIELDS, 1)
                               if code not in existing])
