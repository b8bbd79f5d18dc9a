"""A server-rendered column chart (SVG drawn by a template): no JavaScript, readable without
styles, and always shown together with a table of the same figures."""

from dataclasses import dataclass, field

# The drawing area in SVG units; the SVG scales to the width of the page.
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 16, 28


@dataclass
class Column:
    label: str
    value: int
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0

    @property
    def center(self) -> float:
        return self.x + self.width / 2


@dataclass
class Marker:
    label: str
    value: int
    x: float = 0
    y: float = 0


@dataclass
class ColumnChart:
    """Columns per category (e.g. per year) and optional markers placed over a category."""

    columns: list[Column]
    markers: list[Marker] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    ticks: list[tuple[int, float]] = field(default_factory=list)
    baseline: float = HEIGHT - BOTTOM
    left: int = LEFT
    right: float = WIDTH - RIGHT

    def __post_init__(self) -> None:
        top = max([c.value for c in self.columns] + [m.value for m in self.markers] + [1])
        step = nice_step(top)
        top = -(-top // step) * step  # round up to a whole step
        plot_height = self.baseline - TOP
        slot = (self.right - self.left) / max(len(self.columns), 1)
        positions = {}
        for index, column in enumerate(self.columns):
            column.width = slot * 0.7
            column.x = self.left + slot * index + (slot - column.width) / 2
            column.height = plot_height * column.value / top
            column.y = self.baseline - column.height
            positions[column.label] = column.center
        for marker in self.markers:
            marker.x = positions.get(marker.label, self.left)
            marker.y = self.baseline - plot_height * marker.value / top
        self.ticks = [(value, self.baseline - plot_height * value / top) for value in range(0, top + 1, step)]


def nice_step(top: int) -> int:
    """A step of 1, 2 or 5 times a power of ten that gives four to eight gridlines up to `top`."""
    power = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * power
            if top / step <= 8:
                return step
        power *= 10
