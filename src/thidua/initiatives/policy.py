"""The council's scoring rule as data with defaults.

Source: DOMAIN.md §4 — each province sets its own scoring; the default here
is novelty 30, effectiveness 40, replicability 30, recognised when the mean
score is at least 50 and more than half of the members vote yes. A council
keeps its copy in ``Council.rule``; a closed session keeps the copy it used.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    max_points: int


DEFAULT_CRITERIA = (
    Criterion("novelty", "Tính mới", 30),
    Criterion("effectiveness", "Hiệu quả", 40),
    Criterion("replicability", "Khả năng nhân rộng", 30),
)


@dataclass(frozen=True)
class CouncilRule:
    criteria: tuple[Criterion, ...] = field(default=DEFAULT_CRITERIA)
    #: The mean total score at or above which an initiative may be recognised.
    pass_mean: Decimal = Decimal(50)
    #: The share of the council's members voting yes that must be exceeded.
    yes_share_over: Decimal = Decimal("0.5")

    def to_dict(self) -> dict:
        data = asdict(self)
        data["criteria"] = [asdict(c) for c in self.criteria]
        data["pass_mean"] = str(self.pass_mean)
        data["yes_share_over"] = str(self.yes_share_over)
        return data

    @classmethod
    def from_dict(cls, data: dict | None) -> CouncilRule:
        if not data:
            return DEFAULT_RULE
        return cls(
            criteria=tuple(Criterion(str(c["code"]), str(c["name"]), int(c["max_points"]))
                           for c in data.get("criteria") or [asdict(c) for c in DEFAULT_CRITERIA]),
            pass_mean=Decimal(str(data.get("pass_mean", DEFAULT_RULE.pass_mean))),
            yes_share_over=Decimal(str(data.get("yes_share_over", DEFAULT_RULE.yes_share_over))),
        )

    @property
    def max_total(self) -> int:
        return sum(c.max_points for c in self.criteria)


DEFAULT_RULE = CouncilRule()
