"""The scoring policy: every figure of the grading rules, as data with defaults.

Nghị định 335/2025/NĐ-CP (civil servants, from 01/01/2026) is the default;
a province or a unit subtree may keep its own (Khánh Hòa grades general
criteria on 20 points, reform and IT on 10 and tasks on 70, with bands
90/80/50). A :class:`Policy` is the immutable value the scoring functions
take; ``ScoringPolicy`` rows store it, and a closed month keeps a copy of the
one it was graded with (``UnitMonth.policy``) so that later edits never
change a closed period.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal


class Grade:
    """The four grades, best first (Nghị định 335/2025/NĐ-CP)."""

    HTXS = "htxs"
    HTT = "htt"
    HT = "ht"
    KHT = "kht"

    LABELS = {
        HTXS: "Hoàn thành xuất sắc nhiệm vụ",
        HTT: "Hoàn thành tốt nhiệm vụ",
        HT: "Hoàn thành nhiệm vụ",
        KHT: "Không hoàn thành nhiệm vụ",
    }
    SHORT = {HTXS: "HTXS", HTT: "HTT", HT: "HT", KHT: "KHT"}
    #: Best first; the rank is the index (lower is better).
    ORDER = [HTXS, HTT, HT, KHT]
    CHOICES = list(LABELS.items())

    @classmethod
    def rank(cls, grade: str) -> int:
        return cls.ORDER.index(grade)

    @classmethod
    def at_least(cls, grade: str, floor: str) -> bool:
        """``grade`` is ``floor`` or better."""
        return cls.rank(grade) <= cls.rank(floor)


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    max_points: Decimal


class YearMethod:
    MEAN = "mean"
    MEDIAN = "median"
    CHOICES = [(MEAN, "Trung bình cộng điểm các tháng"),
               (MEDIAN, "Trung vị điểm các tháng")]


#: The five general criteria of Nghị định 335/2025/NĐ-CP, 6 points each (30 in all).
DEFAULT_CRITERIA = (
    Criterion("chinh_tri", "Chính trị, tư tưởng", Decimal(6)),
    Criterion("dao_duc", "Đạo đức, lối sống", Decimal(6)),
    Criterion("ky_luat", "Ý thức tổ chức kỷ luật", Decimal(6)),
    Criterion("phuc_vu", "Tác phong, thái độ phục vụ nhân dân", Decimal(6)),
    Criterion("doi_moi", "Tinh thần đổi mới, sáng tạo, dám nghĩ, dám làm", Decimal(6)),
)


@dataclass(frozen=True)
class Policy:
    general_criteria: tuple[Criterion, ...] = DEFAULT_CRITERIA
    task_points: Decimal = Decimal(70)
    #: How the task points split between quantity, quality and timeliness. The
    #: decree names the three measures without a split (no source found): equal.
    quantity_weight: Decimal = Decimal(1)
    quality_weight: Decimal = Decimal(1)
    timeliness_weight: Decimal = Decimal(1)
    #: Share of a product's quality points lost per major error, and of its
    #: timeliness points per late delivery (Nghị định 335/2025/NĐ-CP: 25%).
    error_deduction_pct: Decimal = Decimal(25)
    late_deduction_pct: Decimal = Decimal(25)
    #: Lowest score of each grade (≥90 HTXS, 70–<90 HTT, 50–<70 HT, <50 KHT).
    htxs_min: Decimal = Decimal(90)
    htt_min: Decimal = Decimal(70)
    ht_min: Decimal = Decimal(50)
    #: HTXS at most this share of those graded HTT or better, per unit and task group.
    htxs_cap_pct: Decimal = Decimal(20)
    year_method: str = YearMethod.MEAN
    #: Leaders carry their unit's result: this share of the task points follows
    #: the unit (100% when every subordinate reaches HT, 50% when one is KHT).
    leader_unit_share_pct: Decimal = Decimal(50)
    leader_unit_full_pct: Decimal = Decimal(100)
    leader_unit_partial_pct: Decimal = Decimal(50)
    name: str = "Nghị định 335/2025/NĐ-CP (mặc định)"
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def general_points(self) -> Decimal:
        return sum((c.max_points for c in self.general_criteria), Decimal(0))

    @property
    def total_points(self) -> Decimal:
        return self.general_points + self.task_points

    def criterion(self, code: str) -> Criterion | None:
        return next((c for c in self.general_criteria if c.code == code), None)

    # Storage ----------------------------------------------------------------
    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        data["general_criteria"] = [
            {"code": c.code, "label": c.label, "max_points": str(c.max_points)}
            for c in self.general_criteria]
        return {key: (str(value) if isinstance(value, Decimal) else value)
                for key, value in data.items()}

    @classmethod
    def from_json(cls, data: dict) -> Policy:
        defaults = cls()
        values = {}
        for name in cls.__dataclass_fields__:
            if name in ("extra",) or name not in data:
                continue
            default = getattr(defaults, name)
            raw = data[name]
            if name == "general_criteria":
                values[name] = tuple(Criterion(c["code"], c["label"], Decimal(str(c["max_points"])))
                                     for c in raw)
            elif isinstance(default, Decimal):
                values[name] = Decimal(str(raw))
            else:
                values[name] = raw
        return replace(defaults, **values)

    def problems(self) -> list[str]:
        """Vietnamese reasons why this policy cannot grade anyone (empty when sound)."""
        errors = []
        if not self.general_criteria:
            errors.append("Cần ít nhất một tiêu chí chung.")
        codes = [c.code for c in self.general_criteria]
        if len(set(codes)) != len(codes):
            errors.append("Mã tiêu chí chung bị trùng.")
        if any(c.max_points <= 0 for c in self.general_criteria):
            errors.append("Điểm tối đa của mỗi tiêu chí chung phải lớn hơn 0.")
        if self.task_points <= 0:
            errors.append("Điểm kết quả thực hiện nhiệm vụ phải lớn hơn 0.")
        if self.total_points != 100:
            errors.append(f"Tổng điểm tiêu chí chung và kết quả nhiệm vụ phải bằng 100 "
                          f"(hiện là {self.total_points.normalize():f}).")
        weights = (self.quantity_weight, self.quality_weight, self.timeliness_weight)
        if any(w < 0 for w in weights) or sum(weights) <= 0:
            errors.append("Trọng số số lượng, chất lượng, tiến độ không được âm và phải có ít "
                          "nhất một trọng số lớn hơn 0.")
        for label, pct in (("Mức trừ mỗi lỗi lớn", self.error_deduction_pct),
                           ("Mức trừ mỗi lần chậm", self.late_deduction_pct),
                           ("Tỷ lệ tối đa HTXS", self.htxs_cap_pct),
                           ("Phần kết quả đơn vị của lãnh đạo", self.leader_unit_share_pct),
                           ("Kết quả đơn vị khi đạt", self.leader_unit_full_pct),
                           ("Kết quả đơn vị khi có người không hoàn thành",
                            self.leader_unit_partial_pct)):
            if not 0 <= pct <= 100:
                errors.append(f"{label} phải từ 0 đến 100%.")
        if not 0 < self.ht_min < self.htt_min < self.htxs_min <= 100:
            errors.append("Ngưỡng điểm phải tăng dần: HT < HTT < HTXS ≤ 100.")
        if self.year_method not in dict(YearMethod.CHOICES):
            errors.append("Cách tính kết quả năm không hợp lệ.")
        return errors


DEFAULT_POLICY = Policy()
