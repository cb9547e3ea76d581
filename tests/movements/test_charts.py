"""The server-drawn SVG chart: well-formed, points where the values say, goal dashed,
Vietnamese labels, and every text from the data escaped."""

from datetime import date
from decimal import Decimal

import pytest
from defusedxml import ElementTree

from thidua.movements.charts import (
    Frame,
    format_number,
    line_chart,
    month_label,
    nice_ceiling,
)

SVG = "{http://www.w3.org/2000/svg}"
SERIES = [(date(2026, 6, 30), Decimal("0.00")), (date(2026, 7, 31), Decimal("25.00")),
          (date(2026, 8, 31), None), (date(2026, 9, 15), Decimal("50.00"))]


def parse(svg):
    return ElementTree.fromstring(str(svg))


def points(tree):
    text = tree.find(f"{SVG}polyline").get("points")
    return [tuple(float(v) for v in pair.split(",")) for pair in text.split()]


def test_points_follow_the_values_and_skip_the_unknown():
    frame = Frame()
    tree = parse(line_chart(SERIES, title="Tỷ lệ", chart_id="c1", goal=Decimal(100),
                            goal_text="≥ 100%", unit_label="%", floor=100, frame=frame))
    drawn = points(tree)
    assert len(drawn) == 3  # August has no value: no point
    # x: evenly spaced over the four months; y: 0 at the base, 100 at the top.
    assert [x for x, _y in drawn] == pytest.approx([frame.x(i, 4) for i in (0, 1, 3)], abs=0.1)
    assert drawn[0][1] == pytest.approx(frame.base, abs=0.1)
    assert drawn[1][1] == pytest.approx(frame.base - frame.plot_height / 4, abs=0.1)
    assert drawn[2][1] == pytest.approx(frame.base - frame.plot_height / 2, abs=0.1)
    circles = tree.findall(f"{SVG}circle")
    assert [c.find(f"{SVG}title").text for c in circles] == ["T6/2026: 0%", "T7/2026: 25%",
                                                              "T9/2026: 50%"]


def test_goal_is_a_dashed_line_at_its_height():
    frame = Frame()
    tree = parse(line_chart(SERIES, title="x", chart_id="c2", goal=Decimal(90),
                            goal_text="> 90%", unit_label="%", floor=100, frame=frame))
    goal = tree.find(f"{SVG}g[@class='goal']")
    line = goal.find(f"{SVG}line")
    assert line.get("stroke-dasharray")
    assert float(line.get("y1")) == pytest.approx(frame.base - frame.plot_height * 0.9, abs=0.1)
    assert goal.find(f"{SVG}title").text == "Mục tiêu > 90%"


def test_accessible_title_description_and_month_labels():
    tree = parse(line_chart(SERIES, title="Diễn biến chỉ tiêu 1", chart_id="c3",
                            goal=Decimal(100), goal_text="≥ 100%", unit_label="%"))
    assert tree.get("role") == "img"
    assert tree.get("aria-labelledby") == "c3-title c3-desc"
    assert tree.find(f"{SVG}title").get("id") == "c3-title"
    assert tree.find(f"{SVG}title").text == "Diễn biến chỉ tiêu 1"
    desc = tree.find(f"{SVG}desc").text
    assert desc == ("T6/2026: 0%; T7/2026: 25%; T8/2026: chưa có số liệu; T9/2026: 50%. "
                    "Mục tiêu ≥ 100%.")
    labels = [t.text for t in tree.iter(f"{SVG}text") if t.get("class") == "x-label"]
    assert labels == ["T6/2026", "T7/2026", "T8/2026", "T9/2026"]
    y_labels = [t.text for t in tree.iter(f"{SVG}text") if t.get("class") == "y-label"]
    assert y_labels == ["0", "50", "100"]


def test_malicious_text_is_escaped():
    evil = "<script>alert('x')</script> & “Chi bộ”"
    svg = line_chart(SERIES, title=f"Chỉ tiêu tại {evil}", chart_id='c4"><script>',
                     goal=Decimal(1), goal_text=evil, unit_label="<b>%</b>")
    assert "<script>" not in str(svg) and "<b>" not in str(svg)
    tree = parse(svg)  # still well-formed XML
    assert tree.find(f"{SVG}title").text == f"Chỉ tiêu tại {evil}"
    assert evil in tree.find(f"{SVG}desc").text
    assert not [e for e in tree.iter() if e.tag.endswith("script")]


def test_a_single_value_is_a_dot_without_a_line():
    tree = parse(line_chart([(date(2026, 11, 22), Decimal("12.5"))], title="x", chart_id="c5"))
    assert tree.find(f"{SVG}polyline") is None
    (circle,) = tree.findall(f"{SVG}circle")
    assert circle.find(f"{SVG}title").text == "T11/2026: 12,5"
    assert float(circle.get("cx")) == pytest.approx(Frame().left + Frame().plot_width / 2)


def test_many_months_get_at_most_five_labels_the_last_always():
    series = [(date(2026, m, 28), Decimal(m)) for m in range(1, 13)]
    tree = parse(line_chart(series, title="x", chart_id="c6"))
    labels = [t.text for t in tree.iter(f"{SVG}text") if t.get("class") == "x-label"]
    assert len(labels) <= 5 and labels[0] == "T1/2026" and labels[-1] == "T12/2026"
    assert len(points(tree)) == 12


def test_axis_top_is_round_and_covers_values_and_goal():
    assert [nice_ceiling(v) for v in (0, 0.7, 3, 7, 12, 95, 100, 101, 240)] == [
        1, 1, 5, 10, 20, 100, 100, 200, 250]
    tree = parse(line_chart([(date(2026, 1, 31), Decimal(7))], title="x", chart_id="c7",
                            goal=Decimal(3)))
    y_labels = [t.text for t in tree.iter(f"{SVG}text") if t.get("class") == "y-label"]
    assert y_labels == ["0", "5", "10"]


def test_vietnamese_numbers_and_month_labels():
    assert format_number(Decimal("1234.5")) == "1.234,5"
    assert format_number(Decimal("100.00")) == "100"
    assert format_number(Decimal("0.005")) == "0,01"
    assert format_number(-2.5) == "-2,5"
    assert format_number(None) == "—"
    assert month_label(date(2026, 6, 30)) == "T6/2026"
