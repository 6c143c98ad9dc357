"""Bar charts drawn on the server as SVG: no chart library, no script, nothing from another host.

A series over time, with short labels (2026-W49), is drawn as columns with their labels slanted
below them; a series per group, with names ("Kinderrechtenhelpdesk (Defence for Children)"), as
bars side by side with the names in full on their left, wrapped over lines where they are long.
Both have a value axis with a few round numbers. No label is ever cut: the drawing makes the room
it needs (a column's label is left out only where labels would overlap, and is then still in its
column's tooltip and in the table below the chart).

Positions are whole units of the SVG's own coordinates (the page scales the drawing): whole
numbers also print the same in every language, where a Dutch page writes a decimal comma.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

from django.utils.formats import number_format

WIDTH = 720
COLUMN_HEIGHT = 220  # of the tallest possible column
CHAR_WIDTH = 7  # of a character at the labels' 11px, on the wide side: a name must never run off
LINE_HEIGHT = 14
PAD = 8
# Labels up to this long fit under a column (weeks); longer ones are names, each with its own row.
COLUMN_LABEL_CHARS = 10
SLANT = 45  # degrees a column's label is turned, so that neighbours do not run into each other
NAME_CHARS = 26  # a name wraps after this many characters; a longer word stays whole
ROW_HEIGHT = 26  # of a bar with a one-line name
AXIS_VALUES = 5  # about this many values on the axis, 0 included


@dataclass(frozen=True)
class Tick:
    """A value on the axis: its gridline from (x1, y1) to (x2, y2), its number at (text_x, text_y)."""

    text: str
    x1: int
    y1: int
    x2: int
    y2: int
    text_x: int
    text_y: int


@dataclass(frozen=True)
class Name:
    """A bar's label as drawn: its lines, ending (text-anchor end) at (x, y), turned by `rotate` degrees."""

    lines: tuple[str, ...]
    x: int
    y: int
    rotate: int = 0


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: int
    y: int
    width: int
    height: int
    name: Name | None  # None: no room under this column for its label
    # The number written at the end of a bar in a row, at (value_x, value_y); columns have the axis.
    value_text: str = ""
    value_x: int = 0
    value_y: int = 0


@dataclass(frozen=True)
class Chart:
    kind: str  # "columns" (over time) or "rows" (per group)
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    tick_anchor: str  # how a tick's number aligns: "end" left of the columns, "middle" below the rows
    highest: Bar | None


def bar_chart(rows: list[tuple[str, float]]) -> Chart:
    """`rows` of (label, value) as columns when every label is short, else as rows."""
    rows = [(str(label), value) for label, value in rows]
    if not rows:
        return Chart("columns", WIDTH, 0, [], [], "end", None)
    values = axis_values(max(value for _, value in rows), whole=all(float(v).is_integer() for _, v in rows))
    if max(len(label) for label, _ in rows) <= COLUMN_LABEL_CHARS:
        return _columns(rows, values)
    return _rows(rows, values)


def axis_values(top: float, *, whole: bool) -> list[float]:
    """0 and a few round values up to at least `top`: steps of 1, 2, 2.5 or 5 times a power of
    ten, and only whole steps for counts (`whole`)."""
    if top <= 0:
        return [0, 1]
    rough = top / (AXIS_VALUES - 1)
    power = 10 ** math.floor(math.log10(rough))
    multiples = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(multiple * power for multiple in multiples if multiple * power >= rough)
    step = max(step, 1) if whole else step
    count = math.ceil(round(top / step, 9))
    return [_plain(round(index * step, 9)) for index in range(count + 1)]


def _plain(number: float) -> float:
    """3.0 as 3, so that it is written without a decimal."""
    return int(number) if float(number).is_integer() else number


def _number(value: float) -> str:
    return number_format(_plain(value))


def _columns(rows: list[tuple[str, float]], values: list[float]) -> Chart:
    """Columns over time; their labels slanted below them, as many as fit side by side."""
    slant = math.sin(math.radians(SLANT))  # sin and cos are the same at 45 degrees
    reach = round(max(len(label) for label, _ in rows) * CHAR_WIDTH * slant)  # down and to the left
    tick_width = max(len(_number(value)) for value in values) * CHAR_WIDTH + PAD
    step = (WIDTH - tick_width - 2 * PAD) / len(rows)
    left = max(tick_width + PAD, reach - step / 2 + PAD)
    step = (WIDTH - left - PAD) / len(rows)
    # Every n-th label, so that two written labels are a line apart across their slant (and
    # a little more, as positions are rounded).
    every = math.ceil((LINE_HEIGHT + 2) / (step * slant))
    base = PAD + LINE_HEIGHT // 2 + COLUMN_HEIGHT
    bars = []
    for index, (label, value) in enumerate(rows):
        height = round(COLUMN_HEIGHT * value / values[-1])
        middle = round(left + (index + 0.5) * step)
        name = Name((label,), middle + LINE_HEIGHT // 3, base + LINE_HEIGHT, -SLANT) if index % every == 0 else None
        bars.append(Bar(label, value, round(left + (index + 0.1) * step), base - height, round(step * 0.8),
                        height, name))  # fmt: skip
    ticks = []
    for value in values:
        y = round(base - COLUMN_HEIGHT * value / values[-1])
        ticks.append(Tick(_number(value), round(left), y, WIDTH - PAD, y, round(left) - PAD // 2, y + 4))
    height = base + LINE_HEIGHT + reach + PAD
    return Chart("columns", WIDTH, height, bars, ticks, "end", _highest(bars))


def _rows(rows: list[tuple[str, float]], values: list[float]) -> Chart:
    """A bar per group, its name in full on the left, wrapped over lines where it is long."""
    names = [tuple(textwrap.wrap(label, NAME_CHARS, break_long_words=False)) for label, _ in rows]
    name_width = max(len(line) for lines in names for line in lines) * CHAR_WIDTH + 2 * PAD
    value_width = max(len(_number(value)) for _, value in rows) * CHAR_WIDTH + PAD
    plot_width = WIDTH - name_width - value_width - PAD
    bars, y = [], PAD
    for (label, value), lines in zip(rows, names, strict=True):
        height = max(ROW_HEIGHT, len(lines) * LINE_HEIGHT + 10)
        width = round(plot_width * value / values[-1])
        middle = round(y + height / 2 + 4)  # + 4: a line of text centred on its middle
        name = Name(lines, name_width - PAD, middle - round((len(lines) - 1) * LINE_HEIGHT / 2))
        bars.append(Bar(label, value, name_width, y + 3, width, height - 6, name, _number(value),
                        name_width + width + PAD // 2, middle))  # fmt: skip
        y += height
    ticks = []
    for value in values:
        x = round(name_width + plot_width * value / values[-1])
        ticks.append(Tick(_number(value), x, PAD, x, y, x, y + LINE_HEIGHT))
    return Chart("rows", WIDTH, y + LINE_HEIGHT + PAD, bars, ticks, "middle", _highest(bars))


def _highest(bars: list[Bar]) -> Bar:
    return max(bars, key=lambda bar: bar.value)
