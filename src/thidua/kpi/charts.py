"""The distribution of grades per month, as a server-rendered SVG (no JavaScript).

One stacked bar per month: how many people of the unit were graded HTXS,
HTT, HT and KHT (finalised sheets). Each segment carries a ``<title>`` (the
month, the grade in full and the count), the chart a ``<title>``/``<desc>``
pair with every figure in words for screen readers, and a legend in
Vietnamese under the bars. Text from the data (the unit's name) is escaped;
the numbers and coordinates are computed here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from thidua.kpi.policy import Grade
from thidua.movements.charts import AXIS_COLOUR, TEXT_COLOUR, Frame, month_label, nice_ceiling

GRADE_COLOURS = {Grade.HTXS: "#198754", Grade.HTT: "#0d6efd", Grade.HT: "#ffc107",
                 Grade.KHT: "#dc3545"}
FRAME = Frame(width=640, height=250, left=34, right=10, top=14, bottom=64)
TEXT = f'font-size="11" fill="{TEXT_COLOUR}" font-family="sans-serif"'


def _num(value: float) -> str:
    return f"{value:.1f}"


def _axis_top(distribution) -> int:
    highest = max((sum(counts.values()) for _month, counts in distribution), default=0)
    if highest <= 4:
        return 4
    return math.ceil(nice_ceiling(highest))


def describe(distribution: Sequence[tuple[date, dict[str, int]]]) -> str:
    """The figures in words: "T1/2026: 2 HTXS, 5 HTT, 0 HT, 0 KHT; T2/2026: chưa có…"."""
    parts = []
    for month, counts in distribution:
        if not sum(counts.values()):
            parts.append(f"{month_label(month)}: chưa có phiếu được chốt")
        else:
            parts.append(f"{month_label(month)}: " + ", ".join(
                f"{counts[g]} {Grade.SHORT[g]}" for g in Grade.ORDER))
    return "; ".join(parts) + "."


def grade_distribution_chart(distribution: Sequence[tuple[date, dict[str, int]]], *,
                             title: str, chart_id: str) -> SafeString:
    """Stacked bars of the grades per month; ``chart_id`` must be unique in the page."""
    frame = FRAME
    top = _axis_top(distribution)
    count = max(len(distribution), 1)
    slot = frame.plot_width / count
    bar = slot * 0.62
    ident = escape(chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="thidua-chart" role="img" '
        f'viewBox="0 0 {frame.width} {frame.height}" width="100%" '
        f'style="max-width:{frame.width}px" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(describe(distribution))}</desc>',
        f'<line x1="{frame.left}" y1="{_num(frame.base)}" x2="{frame.width - frame.right}" '
        f'y2="{_num(frame.base)}" stroke="{AXIS_COLOUR}"/>',
        f'<line x1="{frame.left}" y1="{frame.top}" x2="{frame.left}" y2="{_num(frame.base)}" '
        f'stroke="{AXIS_COLOUR}"/>',
    ]
    for value in sorted({0, top // 2, top}):
        y = frame.y(value, top)
        parts.append(f'<text class="y-label" x="{frame.left - 4}" y="{_num(y + 4)}" '
                     f'text-anchor="end" {TEXT}>{value}</text>')
    for index, (month, counts) in enumerate(distribution):
        x = frame.left + slot * index + (slot - bar) / 2
        stacked = 0
        for grade in reversed(Grade.ORDER):  # KHT at the bottom, HTXS on top
            number = counts.get(grade, 0)
            if not number:
                continue
            y_top = frame.y(stacked + number, top)
            height = frame.y(stacked, top) - y_top
            parts.append(
                f'<rect class="bar bar-{grade}" x="{_num(x)}" y="{_num(y_top)}" '
                f'width="{_num(bar)}" height="{_num(height)}" fill="{GRADE_COLOURS[grade]}">'
                f"<title>{escape(month_label(month))} — {escape(Grade.LABELS[grade])}: "
                f"{number} người</title></rect>")
            stacked += number
        parts.append(f'<text class="x-label" x="{_num(x + bar / 2)}" '
                     f'y="{_num(frame.base + 15)}" text-anchor="middle" {TEXT}>'
                     f"T{month.month}</text>")
    parts.append(_legend(frame))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text from the data is escaped above


def _legend(frame: Frame) -> str:
    """The four grades in words, in two rows under the month labels."""
    parts = ['<g class="legend">']
    column = (frame.width - frame.left) / 2
    for index, grade in enumerate(Grade.ORDER):
        x = frame.left + column * (index % 2)
        y = frame.base + 30 + 16 * (index // 2)
        parts.append(f'<rect x="{_num(x)}" y="{_num(y - 9)}" width="10" height="10" '
                     f'fill="{GRADE_COLOURS[grade]}"/>'
                     f'<text x="{_num(x + 14)}" y="{_num(y)}" {TEXT}>'
                     f"{escape(Grade.SHORT[grade])} — {escape(Grade.LABELS[grade])}</text>")
    parts.append("</g>")
    return "".join(parts)
