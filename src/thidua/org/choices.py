"""Fixed vocabularies of the organisation and people records."""

from django.db import models


class Sector(models.TextChoices):
    PARTY = "dang", "Đảng"
    STATE = "nha_nuoc", "Nhà nước"
    FRONT = "mttq", "MTTQ - đoàn thể"
    ARMED = "vu_trang", "Lực lượng vũ trang"
    ENTERPRISE = "doanh_nghiep", "Doanh nghiệp"


class Gender(models.TextChoices):
    MALE = "nam", "Nam"
    FEMALE = "nu", "Nữ"


class StaffCategory(models.TextChoices):
    CADRE = "can_bo", "Cán bộ"
    CIVIL_SERVANT = "cong_chuc", "Công chức"
    PUBLIC_EMPLOYEE = "vien_chuc", "Viên chức"
    WORKER = "nguoi_lao_dong", "Người lao động"
    SOLDIER = "chien_si", "Chiến sĩ"
    PART_TIME = "khong_chuyen_trach", "Người hoạt động không chuyên trách"


class PersonStatus(models.TextChoices):
    ACTIVE = "dang_cong_tac", "Đang công tác"
    TRANSFERRED = "da_chuyen", "Đã chuyển công tác"
    RETIRED = "nghi_huu", "Đã nghỉ hưu"


class DisciplineForm(models.TextChoices):
    """Disciplinary forms, in rising severity (Luật Cán bộ, công chức; Quy định 69-QĐ/TW)."""

    REPRIMAND = "khien_trach", "Khiển trách"
    WARNING = "canh_cao", "Cảnh cáo"
    DEMOTION = "ha_bac_luong", "Hạ bậc lương"
    DEGRADE = "giang_chuc", "Giáng chức"
    REMOVAL = "cach_chuc", "Cách chức"
    DISMISSAL = "bai_nhiem", "Bãi nhiệm"
    FORCED_RESIGNATION = "buoc_thoi_viec", "Buộc thôi việc"
    EXPULSION = "khai_tru", "Khai trừ"


#: Severity rank of each form; rules compare "khiển trách or above", "cảnh cáo or above".
DISCIPLINE_SEVERITY = {form: rank for rank, form in enumerate(DisciplineForm, start=1)}

#: The 54 ethnic groups of Viet Nam, in the order of the official list.
ETHNIC_GROUPS = [
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai",
    "Ngái", "Ê Đê", "Ba Na", "Xơ Đăng", "Sán Chay", "Cơ Ho", "Chăm", "Sán Dìu", "Hrê",
    "Mnông", "Ra Glai", "Xtiêng", "Bru - Vân Kiều", "Thổ", "Giáy", "Cơ Tu", "Gié Triêng",
    "Mạ", "Khơ Mú", "Co", "Tà Ôi", "Chơ Ro", "Kháng", "Xinh Mun", "Hà Nhì", "Chu Ru",
    "Lào", "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn",
    "Cơ Lao", "Cống", "Bố Y", "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ Măm",
]
ETHNICITY_CHOICES = [(name, name) for name in ETHNIC_GROUPS] + [("Nước ngoài", "Người nước ngoài")]

#: Age bands of the people filter: key → (label, min age, max age).
AGE_BANDS = {
    "duoi30": ("Dưới 30 tuổi", None, 29),
    "30-39": ("Từ 30 đến 39 tuổi", 30, 39),
    "40-49": ("Từ 40 đến 49 tuổi", 40, 49),
    "50-59": ("Từ 50 đến 59 tuổi", 50, 59),
    "tu60": ("Từ 60 tuổi trở lên", 60, None),
}
