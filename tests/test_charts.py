"""The server-drawn SVG charts (``poe_ops.charts``): what they draw is what they were given,
their words say the same, user text is escaped, and nothing in them needs script or inline CSS
(the strict CSP)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from poe_ops.charts import (
    Mark,
    Series,
    bar_chart,
    hbar_chart,
    line_chart,
    nice_ceiling,
    timeline,
)

SVG = "{http://www.w3.org/2000/svg}"


def _text(element: ET.Element, tag: str) -> str | None:
    found = element.find(f"{SVG}{tag}")
    assert found is not None, tag
    return found.text


def _num(element: ET.Element, attribute: str) -> float:
    return float(str(element.get(attribute)))


def _tree(chart: Any) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 — our own markup


@pytest.mark.parametrize(
    ("highest", "top", "step"),
    [
        (0, 1, 1),
        (3, 3, 1),
        (7, 8, 2),
        (10, 10, 2),
        (16, 20, 5),
        (95, 100, 20),
        (1234, 1250, 250),
        (12, 15, 5),
    ],
)
def test_the_value_axis_ends_on_a_round_number(highest, top, step):
    assert nice_ceiling(highest) == (top, step)


def test_a_bar_chart_draws_each_value_to_scale_and_says_it_in_words():
    chart = bar_chart(
        "Arrivals", ["Mon", "Tue"], [Series("JFK", [5, 10])], alt="Arrivals: Mon 5, Tue 10."
    )
    root = _tree(chart)
    assert root.get("role") == "img"
    assert _text(root, "title") == "Arrivals"
    assert _text(root, "desc") == "Arrivals: Mon 5, Tue 10."
    bars = root.findall(f"{SVG}rect")
    heights = [_num(b, "height") for b in bars]
    assert len(bars) == 2 and heights[1] == pytest.approx(2 * heights[0], rel=0.01)
    assert [_text(b, "title") for b in bars] == ["Mon, JFK: 5", "Tue, JFK: 10"]


def test_stacked_bars_sit_on_each_other_and_a_legend_names_the_series():
    chart = bar_chart(
        "Hand-over", ["<1 h"], [Series("JFK", [2]), Series("ORD", [3])], alt="x", stacked=True
    )
    root = _tree(chart)
    jfk, ord_ = [r for r in root.findall(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    # ORD's bar starts where JFK's ends.
    assert _num(ord_, "y") + _num(ord_, "height") == pytest.approx(_num(jfk, "y"), abs=0.2)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "JFK" in texts and "ORD" in texts


def test_a_line_chart_has_a_point_per_day_per_series():
    chart = line_chart(
        "Per day",
        ["1 Mar", "2 Mar", "3 Mar"],
        [Series("JFK", [1, 0, 2]), Series("ORD", [0, 4, 1])],
        alt="x",
    )
    root = _tree(chart)
    lines = root.findall(f"{SVG}polyline")
    assert [len(str(line.get("points")).split()) for line in lines] == [3, 3]
    assert len(root.findall(f"{SVG}circle")) == 6


def test_user_text_is_escaped_and_nothing_needs_script_or_inline_css():
    name = '<script>alert("x")</script>'
    chart = hbar_chart("Causes & effects", [(name, 2.0), ("Other", 1.0)], alt=f"{name}: 2")
    markup = str(chart.svg)
    assert "<script" not in markup
    assert "&lt;script&gt;" in markup
    assert not re.search(r"<style|style=|javascript:|on[a-z]+=", markup)
    desc = _tree(chart).find(f"{SVG}desc")  # well-formed XML
    assert desc is not None and desc.text == f"{name}: 2"


def test_a_flight_label_on_the_now_line_keeps_its_letters_clear():
    """The board's strip (2026-11-30 screenshot): a flight landing minutes from now had its
    label crossed by the dashed "now" line, and a label on the upper row could meet the word
    "now". The word has a row of its own above the labels, and each label sits on a white box
    drawn over the line."""
    hours = [f"{h:02d}" for h in range(17, 27)]
    marks = [Mark(1.0, "QR747 · 3"), Mark(1.95, "EK231 · 2"), Mark(2.05, "TK33 · 9")]
    tree = _tree(timeline("t", hours, marks, alt="a", now=2))
    texts = list(tree.iter(f"{SVG}text"))
    (word,) = [t for t in texts if t.text == "now"]
    labels = [t for t in texts if "·" in (t.text or "")]
    assert [t.text for t in labels] == ["QR747 · 3", "EK231 · 2", "TK33 · 9"]
    boxes = list(tree.iter(f"{SVG}rect"))
    assert len(boxes) == len(labels)
    # The word's baseline is above the top of every label's box.
    assert _num(word, "y") < min(_num(box, "y") for box in boxes)
    (now_line,) = [line for line in tree.iter(f"{SVG}line") if line.get("stroke-dasharray")]
    line_x = _num(now_line, "x1")
    drawn = list(tree)
    for text, box in zip(labels, boxes, strict=True):
        assert box.get("fill") == "#fff"
        left, right = _num(box, "x"), _num(box, "x") + _num(box, "width")
        assert left < _num(text, "x") < right
        # Painted after the line (over it), before its own words.
        assert drawn.index(now_line) < drawn.index(box) < drawn.index(text)
    crossed = [t.text for t, b in zip(labels, boxes, strict=True)
               if _num(b, "x") < line_x < _num(b, "x") + _num(b, "width")]  # fmt: skip
    assert crossed == ["EK231 · 2", "TK33 · 9"]
    assert word.get("text-anchor") == "start" and _num(word, "x") > line_x

    # At the strip's right end the word goes to the left of its line.
    late = _tree(timeline("t", hours, [], alt="a", now=len(hours) - 1))
    (word,) = [t for t in late.iter(f"{SVG}text") if t.text == "now"]
    assert word.get("text-anchor") == "end"
