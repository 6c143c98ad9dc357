"""Bar charts drawn on the server as SVG: no chart library, no script, nothing from another host."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, LABEL_SPACE = 720, 220, 60


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float


def bar_chart(rows: list[tuple[str, float]]) -> dict:
    """The bars of `rows` scaled to the drawing; the tallest bar fills the height."""
    if not rows:
        return {"bars": [], "width": WIDTH, "height": HEIGHT + LABEL_SPACE, "top": 0}
    top = max(value for _, value in rows) or 1
    step = WIDTH / len(rows)
    bars = []
    for index, (label, value) in enumerate(rows):
        height = HEIGHT * value / top
        bars.append(Bar(str(label), value, index * step + step * 0.1, HEIGHT - height, step * 0.8, height))
    return {"bars": bars, "width": WIDTH, "height": HEIGHT + LABEL_SPACE, "top": top, "base": HEIGHT}
