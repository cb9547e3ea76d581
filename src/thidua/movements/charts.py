"""Small charts drawn on the server as inline SVG.

The dashboard shows each target's value over time. Deployments often sit on
closed networks and the pages must work without JavaScript, so the chart is
plain SVG markup written here: a polyline of the values, a dashed line at the
goal, Vietnamese axis labels ("T6/2026"), and a ``<title>``/``<desc>`` pair
that a screen reader reads out. Every piece of text that comes from data
(target wording, unit names) goes through :func:`django.utils.html.escape`;
the numbers and coordinates are computed here and are never user text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

LINE_COLOUR = "#0d6efd"
GOAL_COLOUR = "#198754"
AXIS_COLOUR = "#adb5bd"
TEXT_COLOUR = "#495057"
#: At most this many month labels under the axis, so that they never overlap.
MAX_X_LABELS = 5


@lru_cache(maxsize=4096)
def format_number(value, places: int = 2) -> str:
    """A number as Vietnamese documents write it: "1.234,5", "100", "—" for none.

    Rounded half up to ``places`` decimals, trailing zeros dropped, "." between
    thousands and "," before the decimals. Cached: a dashboard prints the same
    few values (0 %, 100 %, 1, 2…) a thousand times.
    """
    if value is None:
        return "—"
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    integer, _dot, fraction = f"{abs(number):f}".partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(integer):,}".replace(",", ".")
    return sign + grouped + ("," + fraction if fraction else "")


def month_label(day: date) -> str:
    """"T6/2026": the month as dashboards and reports label it."""
    return f"T{day.month}/{day.year}"


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ not below ``value``: round axis maxima."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10 ** exponent
        if candidate >= value - 1e-9:
            return float(candidate)
    return float(10 ** (exponent + 1))  # pragma: no cover - the loop always returns


@dataclass(frozen=True)
class Frame:
    """The drawing area inside the margins, and how values map onto it."""

    width: int = 360
    height: int = 150
    left: int = 40
    right: int = 12
    top: int = 12
    bottom: int = 24

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def base(self) -> float:
        return self.top + self.plot_height

    def x(self, index: int, count: int) -> float:
        if count <= 1:
            return self.left + self.plot_width / 2
        return self.left + self.plot_width * index / (count - 1)

    def y(self, value: float, top_value: float) -> float:
        return self.base - self.plot_height * (value / top_value)


def _num(value: float) -> str:
    """A coordinate with one decimal: short markup, exact enough for pixels."""
    return f"{value:.1f}"


def _x_label_indexes(count: int) -> list[int]:
    """Which points get a month label: evenly spread, the last one always."""
    if count <= MAX_X_LABELS:
        return list(range(count))
    step = math.ceil((count - 1) / (MAX_X_LABELS - 1))
    indexes = list(range(0, count - 1, step))
    if count - 1 - indexes[-1] < step / 2:
        indexes.pop()
    return [*indexes, count - 1]


def _axis_top(values: Sequence[float], goal: float | None, floor: float) -> float:
    highest = max([*values, goal or 0.0, floor])
    return nice_ceiling(highest)


def _value_text(value, unit_label: str) -> str:
    return format_number(value) + unit_label if value is not None else "chưa có số liệu"


def line_chart(series: Sequence[tuple[date, Decimal | None]], *, title: str, chart_id: str,
               goal: Decimal | None = None, goal_text: str = "", unit_label: str = "",
               floor: float = 0.0, frame: Frame | None = None) -> SafeString:
    """An inline SVG line chart of ``series`` (month-end date, value) with the goal dashed.

    ``title`` names the chart for screen readers (escaped here); ``chart_id``
    must be unique in the page (it ties ``aria-labelledby`` to the title).
    ``floor`` is the least top of the value axis (100 for a percentage, so
    that 40 % does not fill the chart). Points without a value (no
    denominator yet) are left out of the line.
    """
    frame = frame or Frame()
    known = [(index, float(value)) for index, (_day, value) in enumerate(series)
             if value is not None]
    top = _axis_top([v for _i, v in known], float(goal) if goal is not None else None, floor)
    count = len(series)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="thidua-chart" role="img" '
        f'viewBox="0 0 {frame.width} {frame.height}" width="100%" '
        f'style="max-width:{frame.width}px" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(_description(series, goal_text, unit_label))}'
        f"</desc>",
        *_axes(frame, top, series),
    ]
    if goal is not None:
        parts.append(_goal_line(frame, float(goal), top, goal_text))
    if len(known) > 1:
        points = " ".join(f"{_num(frame.x(i, count))},{_num(frame.y(v, top))}" for i, v in known)
        parts.append(f'<polyline class="series" fill="none" stroke="{LINE_COLOUR}" '
                     f'stroke-width="2" points="{points}"/>')
    for index, value in known:
        day, raw = series[index]
        parts.append(
            f'<circle cx="{_num(frame.x(index, count))}" cy="{_num(frame.y(value, top))}" r="3" '
            f'fill="{LINE_COLOUR}"><title>{escape(month_label(day))}: '
            f"{escape(_value_text(raw, unit_label))}</title></circle>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text from the data is escaped above


def _description(series, goal_text: str, unit_label: str) -> str:
    """The values in words, for those who cannot see the line."""
    values = "; ".join(f"{month_label(day)}: {_value_text(value, unit_label)}"
                       for day, value in series)
    return f"{values}. Mục tiêu {goal_text}." if goal_text else f"{values}."


def _axes(frame: Frame, top: float, series) -> list[str]:
    """Both axes, three value labels (0, half, top) and the month labels."""
    text = f'font-size="10" fill="{TEXT_COLOUR}" font-family="sans-serif"'
    parts = [
        f'<line x1="{frame.left}" y1="{_num(frame.base)}" x2="{frame.width - frame.right}" '
        f'y2="{_num(frame.base)}" stroke="{AXIS_COLOUR}"/>',
        f'<line x1="{frame.left}" y1="{frame.top}" x2="{frame.left}" y2="{_num(frame.base)}" '
        f'stroke="{AXIS_COLOUR}"/>',
    ]
    for value in (0.0, top / 2, top):
        y = frame.y(value, top)
        parts.append(f'<text class="y-label" x="{frame.left - 4}" y="{_num(y + 3)}" '
                     f'text-anchor="end" {text}>{escape(format_number(value, 1))}</text>')
    count = len(series)
    for index in _x_label_indexes(count):
        anchor = "end" if count > 1 and index == count - 1 else (
            "start" if count > 1 and index == 0 else "middle")
        parts.append(f'<text class="x-label" x="{_num(frame.x(index, count))}" '
                     f'y="{frame.height - 6}" text-anchor="{anchor}" {text}>'
                     f"{escape(month_label(series[index][0]))}</text>")
    return parts


def _goal_line(frame: Frame, goal: float, top: float, goal_text: str) -> str:
    y = _num(frame.y(goal, top))
    label = f"Mục tiêu {goal_text}" if goal_text else "Mục tiêu"
    return (f'<g class="goal"><line x1="{frame.left}" y1="{y}" x2="{frame.width - frame.right}" '
            f'y2="{y}" stroke="{GOAL_COLOUR}" stroke-width="1.5" stroke-dasharray="5 4"/>'
            f'<title>{escape(label)}</title></g>')
