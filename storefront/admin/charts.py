"""The geometry of the dashboard's charts; the SVG itself is written by templates/_charts.html.

Numbers in, coordinates out: nothing here knows HTML, so every piece of text
(creator names, dates) reaches the page through the template's autoescaping.

An SVG scales to its box with its text, so one drawing cannot suit a desktop and
a phone: 13 units of text in a 1000-unit-wide chart are 4 pixels on a phone.
Each chart is therefore drawn twice (`Drawn`): wide, and narrow for phones, with
fewer day labels and room for its text; the stylesheet shows the one that fits,
without JavaScript.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, TypeVar

from storefront.funnels.report import Row

T = TypeVar("T")

# The funnel's steps in order: (report field, label, CSS class of its colour).
STEPS = (
    ("visits", "Visits", "visits"),
    ("product_views", "Product views", "views"),
    ("add_to_carts", "Add-to-carts", "adds"),
    ("checkouts", "Checkouts", "checkouts"),
)


# Room for value labels on the left and dates below the plot.
MARGIN = {"left": 56, "top": 14, "right": 36, "bottom": 36}
MAX_DAY_LABELS = 8
# A phone's drawing: about as many units as the pixels it gets, so 12 units of
# text read as 12 pixels; a date label needs about 45 of them, and room to breathe.
NARROW_WIDTH = 360
NARROW_MARGIN = {"left": 44, "top": 12, "right": 24, "bottom": 32}
NARROW_DAY_LABELS = 4


@dataclass(frozen=True)
class Drawn(Generic[T]):
    """One chart drawn for wide screens and for phones (templates show the one that fits)."""

    wide: T
    narrow: T


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    css: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Funnel:
    width: int
    height: int
    bars: list[Bar]
    value_x: float  # where the numbers start, right of the bars' room
    label_x: float  # where the step names end, left of the bars


def funnel(figures: Row, *, width: int, bar_height: int, gap: int, label_width: int = 0,
           value_width: int = 40, centred: bool = False, lead: int = 0) -> Funnel:
    """Four bars for `figures` (a report.Row), each as long as its count relative
    to the largest of the four.

    Product views may outnumber visits (a visitor looks at several products),
    so the scale is the largest count, not the first. `centred` draws the
    classic funnel shape; otherwise bars start at the left edge. `lead` leaves
    that much room above each bar (for its words, on a phone).
    """
    values = [int(getattr(figures, key)) for key, _, _ in STEPS]
    area = width - label_width - value_width
    largest = max(values) or 1
    bars = []
    for i, ((key, label, css), value) in enumerate(zip(STEPS, values, strict=True)):
        # A count above zero always shows, however small next to the largest.
        length = max(area * value / largest, 2.0) if value else 0.0
        x = label_width + ((area - length) / 2 if centred else 0.0)
        bars.append(Bar(key, label, css, value, round(x, 1), i * (lead + bar_height + gap) + lead,
                        round(length, 1), bar_height))
    height = len(STEPS) * (lead + bar_height + gap) - gap
    return Funnel(width, height, bars, label_width + area + 6, label_width - 10)


def small_funnel(figures: Row) -> Funnel:
    """A table cell's funnel: bars from the left, numbers after them."""
    return funnel(figures, width=150, bar_height=10, gap=4, value_width=40)


def large_funnel(figures: Row) -> Drawn:
    """A creator page's funnel: labelled, centred bars; on a phone, each step's words
    above its bar, the bars from the left."""
    return Drawn(funnel(figures, width=900, bar_height=40, gap=14, label_width=140,
                        value_width=230, centred=True),
                 funnel(figures, width=NARROW_WIDTH, bar_height=16, gap=14, value_width=0,
                        lead=22))


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: str
    value: int


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    css: str
    points: list[Point]

    @property
    def path(self) -> str:
        """The `points` attribute of an SVG polyline."""
        return " ".join(f"{p.x},{p.y}" for p in self.points)


@dataclass(frozen=True)
class Tick:
    at: float  # y for a value tick, x for a day tick
    value: int | str


@dataclass(frozen=True)
class Trend:
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    lines: list[Line]
    value_ticks: list[Tick]
    day_ticks: list[Tick]


def trends(days: Sequence[Mapping]) -> Drawn:
    """`trend(days)` for wide screens and for phones."""
    return Drawn(trend(days), trend(days, width=NARROW_WIDTH, height=240, margin=NARROW_MARGIN,
                                    day_labels=NARROW_DAY_LABELS))


def trend(days: Sequence[Mapping], *, width: int = 1000, height: int = 300,
          margin: Mapping[str, int] = MARGIN, day_labels: int = MAX_DAY_LABELS) -> Trend:
    """One line per funnel step over `days` (report.daily's dicts), on a shared scale."""
    left, top = margin["left"], margin["top"]
    right, bottom = width - margin["right"], height - margin["bottom"]
    ticks = value_scale(max((int(day[key]) for day in days for key, _, _ in STEPS), default=0))
    top_value = ticks[-1]

    def x_of(i: int) -> float:
        if len(days) == 1:
            return (left + right) / 2
        return round(left + (right - left) * i / (len(days) - 1), 1)

    def y_of(value: int) -> float:
        return round(bottom - (bottom - top) * value / top_value, 1)

    lines = [
        Line(key, label, css, [Point(x_of(i), y_of(int(day[key])), day["day"], int(day[key]))
                               for i, day in enumerate(days)])
        for key, label, css in STEPS
    ]
    return Trend(width, height, left, top, right, bottom, lines,
                 [Tick(y_of(v), v) for v in ticks],
                 _day_ticks([day["day"] for day in days], x_of, day_labels))


def _day_ticks(days: Sequence[str], x_of, most: int = MAX_DAY_LABELS) -> list[Tick]:
    """At most `most` day labels: every n-th day counting back from the last, so today
    always has one."""
    every = max(1, math.ceil(len(days) / most))
    return [Tick(x_of(i), days[i]) for i in range(len(days) - 1, -1, -every)][::-1]


@dataclass(frozen=True)
class Column:
    """One day's bar of net sales."""

    day: str
    net_sales: Decimal
    orders: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Revenue:
    currency: str
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    columns: list[Column]
    value_ticks: list[Tick]
    day_ticks: list[Tick]


def revenues(days: Sequence, currency: str) -> Drawn:
    """`revenue(days, currency)` for wide screens and for phones."""
    return Drawn(revenue(days, currency),
                 revenue(days, currency, width=NARROW_WIDTH, height=220,
                         margin={**NARROW_MARGIN, "left": 52}, day_labels=NARROW_DAY_LABELS))


def revenue(days: Sequence, currency: str, *, width: int = 1000, height: int = 260,
            margin: Mapping[str, int] = MARGIN, day_labels: int = MAX_DAY_LABELS) -> Revenue:
    """A bar per day of net sales in `currency` (revenue.Day: day, orders, net_sales).

    A day whose refunds outweigh its sales (net sales below 0) draws no bar;
    its figure is still in the bar's title.
    """
    left, top = margin["left"], margin["top"]
    right, bottom = width - margin["right"], height - margin["bottom"]
    ticks = value_scale(math.ceil(max((day.net_sales for day in days), default=0)))
    slot = (right - left) / max(len(days), 1)
    bar = max(min(slot * 0.7, 48.0), 1.0)

    def x_of(i: int) -> float:
        return round(left + slot * (i + 0.5), 1)

    columns = []
    for i, day in enumerate(days):
        value = max(day.net_sales, Decimal(0))
        length = float(bottom - top) * float(value) / ticks[-1]
        # Any sale shows, however small next to the biggest day.
        length = max(length, 1.5) if value else 0.0
        columns.append(Column(day.day, day.net_sales, day.orders, round(x_of(i) - bar / 2, 1),
                              round(bottom - length, 1), round(bar, 1), round(length, 1)))
    return Revenue(currency, width, height, left, top, right, bottom, columns,
                   [Tick(round(bottom - (bottom - top) * v / ticks[-1], 1), v) for v in ticks],
                   _day_ticks([day.day for day in days], x_of, day_labels))


def value_scale(largest: int, steps: int = 4) -> list[int]:
    """Round tick values from 0 to at least `largest`: 0, 5, 10, 15 rather than 0, 4.25, ..."""
    if largest <= 0:
        return [0, 1]
    rough = largest / steps
    magnitude = 10 ** math.floor(math.log10(rough))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    step = max(int(step), 1)  # counts are whole numbers
    return list(range(0, math.ceil(largest / step) * step + 1, step))
