"""A map of Germany with the Engagierte Städte as points, rendered on the server as inline SVG.

Everything comes from data the project ships (``core/geo/germany_states.json``, Natural Earth,
public domain): no tiles, no requests to third parties, no JavaScript, and no inline ``style``
attributes, so it works under the site's strict Content Security Policy. Colours come from
``static/css/map.css``; the SVG also carries presentation attributes with the same colours so it
still looks right where that stylesheet is not loaded.

States and points share one projection: a Lambert conformal conic projection with standard
parallels 48°40′ and 53°40′ N and central meridian 10°30′ E (the parameters of the usual
conformal map of Germany), scaled into a viewBox of ``VIEWBOX_HEIGHT`` units.
"""

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

DATA_FILE = Path(__file__).resolve().parent / "geo" / "germany_states.json"

VIEWBOX_HEIGHT = 1000
PADDING = 12
POINT_RADIUS = 11
# A zoomed map (zoom=True) shows the points' area with this margin, at least this share of Germany's
# height (so that one town or two neighbours do not fill the whole map), at most all of it.
ZOOM_MARGIN = 60
ZOOM_MIN_HEIGHT = 280

LAND_FILL = "#e8efe9"
LAND_STROKE = "#9bb5a8"
POINT_FILL = "#0b5f55"
POINT_STROKE = "#ffffff"

_PHI1, _PHI2, _PHI0, _LAMBDA0 = (math.radians(v) for v in (48 + 2 / 3, 53 + 2 / 3, 51.0, 10.5))
_N = math.log(math.cos(_PHI1) / math.cos(_PHI2)) / math.log(
    math.tan(math.pi / 4 + _PHI2 / 2) / math.tan(math.pi / 4 + _PHI1 / 2)
)
_F = math.cos(_PHI1) * math.tan(math.pi / 4 + _PHI1 / 2) ** _N / _N
_RHO0 = _F / math.tan(math.pi / 4 + _PHI0 / 2) ** _N


def lambert(lon: float, lat: float) -> tuple[float, float]:
    """Lambert conformal conic (unit sphere); x grows to the east, y to the north."""
    rho = _F / math.tan(math.pi / 4 + math.radians(lat) / 2) ** _N
    theta = _N * (math.radians(lon) - _LAMBDA0)
    return rho * math.sin(theta), _RHO0 - rho * math.cos(theta)


class _Frame:
    """Maps lon/lat to viewBox coordinates (y downwards), fitted to the states' bounding box."""

    def __init__(self, projected_rings: Iterable[list[tuple[float, float]]]):
        xs, ys = [], []
        for ring in projected_rings:
            xs.extend(x for x, _ in ring)
            ys.extend(y for _, y in ring)
        self.min_x, self.max_y = min(xs), max(ys)
        self.scale = (VIEWBOX_HEIGHT - 2 * PADDING) / (max(ys) - min(ys))
        self.width = round((max(xs) - min(xs)) * self.scale + 2 * PADDING)
        self.height = VIEWBOX_HEIGHT

    def to_view(self, x: float, y: float) -> tuple[float, float]:
        return PADDING + (x - self.min_x) * self.scale, PADDING + (self.max_y - y) * self.scale

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        return self.to_view(*lambert(lon, lat))


@cache
def load_states() -> dict[str, dict[str, Any]]:
    """The 16 states from the shipped data file: ``{"DE-BW": {"name": ..., "rings": [[[lon, lat], ...]]}}``."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)["states"]


def _path_data(rings: list[list[tuple[int, int]]]) -> str:
    """Compact path data: an absolute move to each ring's start, then relative integer line steps."""
    parts = []
    for ring in rings:
        (x0, y0), *rest = ring
        out = [f"M{x0} {y0}l"]
        px, py, first = x0, y0, True
        for x, y in rest:
            dx, dy = x - px, y - py
            if dx == 0 and dy == 0:
                continue
            pair = f"{dx}" + (f" {dy}" if dy >= 0 else f"{dy}")
            out.append(pair if first or dx < 0 else f" {pair}")
            px, py, first = x, y, False
        out.append("z")
        parts.append("".join(out))
    return "".join(parts)


@cache
def _map_geometry() -> tuple[_Frame, tuple[tuple[str, str, str], ...]]:
    """The frame and, per state, ``(code, name, path data)``; computed once per process."""
    states = load_states()
    projected = {
        code: [[lambert(lon, lat) for lon, lat in ring] for ring in state["rings"]] for code, state in states.items()
    }
    frame = _Frame(ring for rings in projected.values() for ring in rings)
    paths = []
    for code, rings in projected.items():
        view_rings = []
        for ring in rings:
            points = [frame.to_view(x, y) for x, y in ring]
            rounded = [(round(x), round(y)) for x, y in points]
            if rounded[0] == rounded[-1]:
                rounded.pop()
            if len(set(rounded)) >= 3:
                view_rings.append(rounded)
        paths.append((code, states[code]["name"], _path_data(view_rings)))
    return frame, tuple(paths)


def _field(point: Any, name: str) -> Any:
    if isinstance(point, Mapping):
        return point.get(name)
    return getattr(point, name, None)


def _coordinate(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, ArithmeticError):
        return None
    return number if math.isfinite(number) else None


_SAFE_SCHEMES = {"", "http", "https", "mailto"}


def _safe_url(url: Any) -> str | None:
    """Relative URLs and http(s)/mailto only: never ``javascript:`` or ``data:`` in an href."""
    url = str(url or "").strip()
    # Browsers ignore tabs, newlines and other control characters inside a scheme ("java\tscript:").
    compact = "".join(ch for ch in url if ch > " ")
    if not url or urlsplit(compact).scheme.lower() not in _SAFE_SCHEMES:
        return None
    return url


def _number(value: float) -> str:
    text = f"{value:.1f}"
    return text.removesuffix(".0")


def _zoom_window(frame: _Frame, xy: list[tuple[float, float]]) -> tuple[float, float, float]:
    """The top-left corner and the scale of the area that shows all points, in the frame's proportions."""
    if not xy:
        return 0.0, 0.0, 1.0
    xs, ys = [x for x, _ in xy], [y for _, y in xy]
    aspect = frame.width / frame.height
    height = max(max(ys) - min(ys) + 2 * ZOOM_MARGIN, (max(xs) - min(xs) + 2 * ZOOM_MARGIN) / aspect, ZOOM_MIN_HEIGHT)
    height = min(height, frame.height)
    width = height * aspect
    left = min(max((min(xs) + max(xs) - width) / 2, 0.0), frame.width - width)
    top = min(max((min(ys) + max(ys) - height) / 2, 0.0), frame.height - height)
    return left, top, frame.height / height


def _number4(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def render_germany_map(
    points: Iterable[Any],
    *,
    highlight_states: Iterable[str] = (),
    title: str = "Karte der Engagierten Städte",
    label_id: str | None = None,
    zoom: bool = False,
) -> SafeString:
    """Inline ``<svg>`` of Germany's 16 states with one linked point per town.

    ``points``: objects or dicts with ``name``, ``url``, ``latitude``, ``longitude`` (Decimal, float
    or None – points without both coordinates are left out) and optionally ``css_class`` (extra
    classes for the point's circle). ``highlight_states``: ISO 3166-2 codes such as ``"DE-ST"``,
    drawn with ``class="map-state is-highlighted"``. ``title`` labels the map (``<title>`` +
    ``aria-labelledby``); ``label_id`` sets that title's id (default: derived from the title, so the output is stable and several
    maps can share a page). Points outside the map's frame are left out. Each point is an SVG
    ``<a href>`` (focusable with the keyboard) whose ``<title>`` is the town's name.

    ``zoom=True`` shows only the area of the points (with a margin, never less than
    ``ZOOM_MIN_HEIGHT`` units of Germany's 1,000): the states are scaled up, the points keep their
    size, so towns close together move apart instead of hiding each other.
    """
    frame, state_paths = _map_geometry()
    located = []
    for point in points:
        lat, lon = _coordinate(_field(point, "latitude")), _coordinate(_field(point, "longitude"))
        if lat is not None and lon is not None:
            located.append((point, *frame.project(lon, lat)))
    x0, y0, scale = _zoom_window(frame, [(x, y) for _, x, y in located]) if zoom else (0.0, 0.0, 1.0)
    highlighted = {str(code).upper() for code in highlight_states}
    label_id = label_id or f"map-title-{hashlib.blake2s(title.encode(), digest_size=4).hexdigest()}"

    label = escape(label_id)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map{" is-zoomed" if scale != 1 else ""}"'
        + f' viewBox="0 0 {frame.width} {frame.height}"'
        + f' width="100%" role="group" aria-labelledby="{label}">',
        f'<title id="{label}">{escape(title)}</title>',
        f'<g class="map-states" aria-hidden="true" fill="{LAND_FILL}" stroke="{LAND_STROKE}"'
        + ' stroke-width="1" stroke-linejoin="round" fill-rule="evenodd"'
        + (f' transform="scale({_number4(scale)}) translate({_number(-x0)} {_number(-y0)})">' if scale != 1 else ">"),
    ]
    # Highlighted states last, so that their outline is drawn above their neighbours'.
    for code, name, data in sorted(state_paths, key=lambda item: item[0] in highlighted):
        css = "map-state is-highlighted" if code in highlighted else "map-state"
        out.append(f'<path class="{css}" data-state="{code}" d="{data}"><title>{escape(name)}</title></path>')
    out.append("</g>")

    out.append(f'<g class="map-points" fill="{POINT_FILL}" stroke="{POINT_STROKE}" stroke-width="2">')
    for point, x, y in located:
        x, y = (x - x0) * scale, (y - y0) * scale
        if not (0 <= x <= frame.width and 0 <= y <= frame.height):
            continue
        name = escape(_field(point, "name") or "")
        extra = _field(point, "css_class")
        css = f"map-point {escape(extra)}" if extra else "map-point"
        circle = f'<circle class="{css}" cx="{_number(x)}" cy="{_number(y)}" r="{POINT_RADIUS}"/>'
        url = _safe_url(_field(point, "url"))
        if url:
            out.append(f'<a href="{escape(url)}" class="map-link">{circle}<title>{name}</title></a>')
        else:
            out.append(f'<g class="map-link">{circle}<title>{name}</title></g>')
    out.append("</g></svg>")
    return mark_safe("".join(out))
