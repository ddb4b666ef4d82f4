"""Bar charts drawn on the server as inline SVG: no script, no library, readable with JavaScript off.

Each chart is an <svg role="img"> named by its <title> and described by its <desc> (what it shows, the extremes);
the page puts the table of the same figures right under it, the text alternative a screen reader or a person copying
figures uses. Geometry is computed here, the template only writes the elements; colours come from classes in
static/dashboards/dashboards.css (the Content-Security-Policy allows no inline style).
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 84, 12, 14, 46
MAX_X_LABELS = 12


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[int | float | Decimal]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str  # "Mar 3 — Revenue: $1,234.00": the hover text


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


class _PlotEdges:
    """The left and right edges of a chart's plot inside its SVG, from the chart's width."""

    width: int

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT


@dataclass
class BarChart(_PlotEdges):
    chart_id: str
    title: str
    description: str
    bars: list[Bar] = field(default_factory=list)
    x_labels: list[Label] = field(default_factory=list)
    y_ticks: list[Label] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css class, series name)
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def baseline(self) -> int:
        return self.height - BOTTOM


def nice_ceiling(value: float) -> float:
    """The round number (1, 2, 2.5 or 5 times a power of ten) at or above `value`: the top of the axis."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def bar_chart(*, chart_id: str, title: str, description: str, categories: Sequence[str], series: Sequence[Series],
              formatter: Callable[[object], str] = str) -> BarChart:
    """Grouped vertical bars: one group per category, one bar per series, from a zero baseline."""
    chart = BarChart(chart_id=chart_id, title=title, description=description)
    plot_width = chart.plot_right - chart.plot_left
    plot_height = chart.baseline - TOP
    values = [float(v or 0) for s in series for v in s.values]
    top = nice_ceiling(max(values, default=0))
    whole = all(isinstance(v, int) for s in series for v in s.values)
    for step in range(3):
        value = top * step / 2
        if whole and not value.is_integer():
            continue  # no "12.5 orders" on the axis
        chart.y_ticks.append(Label(x=chart.plot_left - 6, y=chart.baseline - plot_height * step / 2,
                                   text=formatter(int(value) if value.is_integer() else Decimal(str(value)))))
    count = max(1, len(categories))
    group = plot_width / count
    bar_width = group * 0.8 / max(1, len(series))
    every = math.ceil(count / MAX_X_LABELS)
    for index, category in enumerate(categories):
        left = chart.plot_left + group * index + group * 0.1
        for number, one in enumerate(series):
            value = one.values[index] or 0
            height = plot_height * float(value) / top
            chart.bars.append(Bar(x=round(left + bar_width * number, 2), y=round(chart.baseline - height, 2),
                                  width=round(max(bar_width - 1, 1), 2), height=round(height, 2),
                                  css=f"dash-s{number}", title=f"{category} — {one.name}: {formatter(value)}"))
        if index % every == 0:
            chart.x_labels.append(Label(x=round(chart.plot_left + group * (index + 0.5), 2),
                                        y=chart.baseline + 16, text=str(category)))
    chart.legend = [(f"dash-s{number}", one.name) for number, one in enumerate(series)]
    return chart


# Line charts: one series of (x, y) points on two numeric axes from zero, e.g. the 80/20 curve (cumulative % of
# customers against cumulative % of revenue). Drawn by templates/dashboards/partials/line_chart.html (the section
# partial picks it by `kind`); the same rules as the bars: a <title>, a <desc>, the table of the points below.


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    title: str  # the hover text of the point


@dataclass(frozen=True)
class Mark:
    """One point called out (e.g. where 80 % of revenue is reached): drop lines to both axes and a label."""

    x: float
    y: float
    text: str
    label_x: float
    label_y: float
    anchor: str = "start"  # the label's text-anchor: "end" when the point is near the right edge


@dataclass
class LineChart(_PlotEdges):
    chart_id: str
    title: str
    description: str
    points: list[Point] = field(default_factory=list)
    x_labels: list[Label] = field(default_factory=list)
    y_ticks: list[Label] = field(default_factory=list)
    x_title: str = ""
    y_title: str = ""
    mark: Mark | None = None
    diagonal: bool = False  # a dashed line from the origin to the top right corner (e.g. "every customer equal")
    width: int = WIDTH
    height: int = HEIGHT + 20  # room for the x axis' title
    kind: str = "line"

    @property
    def plot_top(self) -> int:
        return TOP

    @property
    def baseline(self) -> int:
        return self.height - BOTTOM - 20

    @property
    def polyline(self) -> str:
        """The points as the value of <polyline points="…">."""
        return " ".join(f"{p.x},{p.y}" for p in self.points)

    @property
    def x_title_y(self) -> int:
        return self.height - 8

    @property
    def y_title_x(self) -> int:
        return 16

    @property
    def middle_y(self) -> float:
        return round((self.plot_top + self.baseline) / 2, 2)


def line_chart(*, chart_id: str, title: str, description: str,
               points: Sequence[tuple[int | float | Decimal, int | float | Decimal, str]],
               x_top: float, y_top: float, x_title: str = "", y_title: str = "", ticks: int = 5,
               formatter: Callable[[object], str] = str, mark: tuple | None = None,
               diagonal: bool = False) -> LineChart:
    """A line through `points` ((x, y, hover text), in the order given) on axes from 0 to x_top and 0 to y_top, with
    `ticks` + 1 labels on each axis; `mark` = (x, y, text) calls one point out."""
    chart = LineChart(chart_id=chart_id, title=title, description=description, x_title=x_title, y_title=y_title,
                      diagonal=diagonal)
    plot_width = chart.plot_right - chart.plot_left
    plot_height = chart.baseline - chart.plot_top

    def to_x(value) -> float:
        return round(chart.plot_left + plot_width * float(value) / x_top, 2)

    def to_y(value) -> float:
        return round(chart.baseline - plot_height * float(value) / y_top, 2)

    for step in range(ticks + 1):
        x_value, y_value = x_top * step / ticks, y_top * step / ticks
        chart.x_labels.append(Label(x=to_x(x_value), y=chart.baseline + 16, text=formatter(_tick(x_value))))
        chart.y_ticks.append(Label(x=chart.plot_left - 6, y=to_y(y_value), text=formatter(_tick(y_value))))
    chart.points = [Point(x=to_x(x), y=to_y(y), title=text) for x, y, text in points]
    if mark is not None:
        x, y, text = mark
        right = float(x) < x_top * 0.6
        chart.mark = Mark(x=to_x(x), y=to_y(y), text=text, label_x=round(to_x(x) + (8 if right else -8), 2),
                          label_y=round(min(to_y(y) + 18, chart.baseline - 6), 2), anchor="start" if right else "end")
    return chart


def _tick(value: float):
    return int(value) if float(value).is_integer() else Decimal(str(value))
