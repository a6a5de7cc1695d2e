"""Bar charts as geometry for server-rendered SVG. No Django import.

The template draws the bars; this module only does the arithmetic, so a chart needs no
JavaScript and no inline style (the CSP allows neither).
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 380  # the SVG's viewBox width; it scales to the column
BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 160
VALUE_ROOM = 40  # space right of the longest bar for its number


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int
    # Where the number is written: right of the bar.
    text_x: int
    text_y: int


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    height: int
    width: int = WIDTH
    label_width: int = LABEL_WIDTH


def bar_chart(items: list[tuple[str, int]]) -> BarChart:
    """Horizontal bars, the longest filling the room, the others in proportion."""
    largest = max((value for _label, value in items), default=0)
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    bars = []
    for index, (label, value) in enumerate(items):
        y = index * (BAR_HEIGHT + GAP)
        width = round(room * value / largest) if largest else 0
        bars.append(
            Bar(
                label=label,
                value=value,
                y=y,
                width=width,
                text_x=LABEL_WIDTH + width + 6,
                text_y=y + BAR_HEIGHT - 6,
            )
        )
    height = max(len(bars) * (BAR_HEIGHT + GAP) - GAP, BAR_HEIGHT)
    return BarChart(bars=tuple(bars), height=height)
