"""The server-rendered SVG map of Germany (core/maps.py); no database needed."""

import itertools
import math
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils.safestring import SafeString

from core.maps import DATA_FILE, load_states, render_germany_map

SVG = "{http://www.w3.org/2000/svg}"

STATE_CODES = {
    "DE-BB", "DE-BE", "DE-BW", "DE-BY", "DE-HB", "DE-HE", "DE-HH", "DE-MV",
    "DE-NI", "DE-NW", "DE-RP", "DE-SH", "DE-SL", "DE-SN", "DE-ST", "DE-TH",
}  # fmt: skip

BERLIN = {
    "name": "Berlin",
    "url": "/staedte/berlin/",
    "latitude": Decimal("52.520008"),
    "longitude": Decimal("13.404954"),
}
KOELN = {"name": "Köln", "url": "/staedte/koeln/", "latitude": Decimal("50.937531"), "longitude": Decimal("6.960279")}
MUENCHEN = {"name": "München", "url": "/staedte/muenchen/", "latitude": 48.137154, "longitude": 11.576124}
FLENSBURG = {"name": "Flensburg", "url": "/staedte/flensburg/", "latitude": 54.7937, "longitude": 9.4469}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # also proves the output is well-formed XML


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    return tuple(float(v) for v in root.get("viewBox").split())


def links(root: ET.Element) -> dict[str, ET.Element]:
    """Point links by their title text."""
    return {a.find(f"{SVG}title").text: a for a in root.iter(f"{SVG}a")}


def centre(link: ET.Element) -> tuple[float, float]:
    circle = link.find(f"{SVG}circle")
    return float(circle.get("cx")), float(circle.get("cy"))


def point_in_rings(lon: float, lat: float, rings) -> bool:
    """Even-odd rule, as the map draws the rings."""
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in itertools.pairwise(ring):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def test_returns_safe_responsive_svg_with_accessible_title():
    svg = render_germany_map([BERLIN], title="Engagierte Städte in Deutschland", label_id="karte-titel")
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert root.get("role") != "img"
    assert root.get("aria-labelledby") == "karte-titel"
    title = root.find(f"{SVG}title")
    assert title.get("id") == "karte-titel"
    assert title.text == "Engagierte Städte in Deutschland"
    assert view_box(root)[:2] == (0, 0)


def test_label_ids_are_stable_and_differ_between_maps_with_different_titles():
    first, again = parse(render_germany_map([])), parse(render_germany_map([]))
    other = parse(render_germany_map([], title="Lage von Stendal"))
    assert first.get("aria-labelledby") == first.find(f"{SVG}title").get("id")
    assert first.get("aria-labelledby") == again.get("aria-labelledby")
    assert first.get("aria-labelledby") != other.get("aria-labelledby")


def test_draws_one_path_per_state():
    root = parse(render_germany_map([]))
    paths = [p for p in root.iter(f"{SVG}path") if "map-state" in p.get("class").split()]
    assert len(paths) == 16
    assert {p.get("data-state") for p in paths} == STATE_CODES
    for path in paths:
        assert re.fullmatch(r"(M\d+ \d+l[-\d ]+z)+", path.get("d")), path.get("data-state")


def test_every_town_is_a_link_to_its_url():
    towns = [BERLIN, KOELN, MUENCHEN, FLENSBURG]
    root = parse(render_germany_map(towns))
    found = links(root)
    assert set(found) == {t["name"] for t in towns}
    for town in towns:
        link = found[town["name"]]
        assert link.get("href") == town["url"]
        circle = link.find(f"{SVG}circle")
        assert "map-point" in circle.get("class").split()
        assert float(circle.get("r")) > 0


def test_accepts_objects_and_extra_css_class():
    town = SimpleNamespace(
        name="Halle (Saale)",
        url="/staedte/halle/",
        latitude=Decimal("51.48"),
        longitude=Decimal("11.97"),
        css_class="is-new",
    )
    link = links(parse(render_germany_map([town])))["Halle (Saale)"]
    assert link.find(f"{SVG}circle").get("class") == "map-point is-new"


def test_escapes_names_and_urls():
    evil = {
        "name": "<script>alert('x')</script> & Co",
        "url": '/staedte/"quoted"/?a=1&b=2',
        "latitude": 51.0,
        "longitude": 10.0,
    }
    svg = render_germany_map([evil], title="Städte <b>& mehr</b>")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "<b>" not in svg
    root = parse(svg)
    link = links(root)["<script>alert('x')</script> & Co"]
    assert link.get("href") == '/staedte/"quoted"/?a=1&b=2'
    assert root.find(f"{SVG}title").text == "Städte <b>& mehr</b>"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,x"]
)
def test_never_links_to_script_urls(url):
    root = parse(render_germany_map([{**BERLIN, "url": url}]))
    assert list(root.iter(f"{SVG}a")) == []
    assert len(list(root.iter(f"{SVG}circle"))) == 1  # still shown, just not linked


def test_skips_points_without_coordinates():
    towns = [
        BERLIN,
        {"name": "Nirgendwo", "url": "/staedte/nirgendwo/", "latitude": None, "longitude": None},
        {"name": "Halb", "url": "/staedte/halb/", "latitude": Decimal("51.0"), "longitude": None},
        SimpleNamespace(name="Ohne", url="/staedte/ohne/", latitude=None, longitude=Decimal("9.0")),
    ]
    root = parse(render_germany_map(towns))
    assert set(links(root)) == {"Berlin"}
    assert len(list(root.iter(f"{SVG}circle"))) == 1


def test_skips_points_far_outside_germany():
    lisbon = {"name": "Lissabon", "url": "/x/", "latitude": 38.72, "longitude": -9.14}
    assert set(links(parse(render_germany_map([lisbon, BERLIN])))) == {"Berlin"}


def test_marks_highlighted_states():
    root = parse(render_germany_map([], highlight_states=["DE-ST", "de-by"]))
    classes = {p.get("data-state"): p.get("class") for p in root.iter(f"{SVG}path")}
    assert classes["DE-ST"] == "map-state is-highlighted"
    assert classes["DE-BY"] == "map-state is-highlighted"
    assert {code for code, css in classes.items() if "is-highlighted" in css} == {"DE-ST", "DE-BY"}


def test_projection_puts_towns_where_they_belong():
    root = parse(render_germany_map([BERLIN, KOELN, MUENCHEN, FLENSBURG]))
    x0, y0, width, height = view_box(root)
    found = links(root)
    berlin, koeln = centre(found["Berlin"]), centre(found["Köln"])
    muenchen, flensburg = centre(found["München"]), centre(found["Flensburg"])
    for x, y in (berlin, koeln, muenchen, flensburg):
        assert x0 <= x <= x0 + width and y0 <= y <= y0 + height
    assert berlin[0] > koeln[0]  # Berlin lies east of Cologne …
    assert berlin[1] < koeln[1]  # … and north of it (y grows downwards)
    assert flensburg[1] < berlin[1] < muenchen[1]
    # Germany is taller than wide: roughly 870 km north–south, 640 km east–west.
    assert 0.6 < width / height < 0.9


def test_state_data_puts_capitals_in_their_states():
    states = load_states()
    assert set(states) == STATE_CODES
    capitals = {
        "DE-BE": (13.405, 52.52), "DE-BY": (11.576, 48.137), "DE-NW": (6.773, 51.227), "DE-HB": (8.807, 53.075),
        "DE-ST": (11.628, 52.121), "DE-SH": (10.123, 54.323), "DE-BB": (13.064, 52.391), "DE-HH": (9.994, 53.551),
    }  # fmt: skip
    for code, (lon, lat) in capitals.items():
        assert point_in_rings(lon, lat, states[code]["rings"]), code
        others = [c for c in states if c != code and point_in_rings(lon, lat, states[c]["rings"])]
        assert others == [], (code, others)


def test_no_inline_styles_or_scripts_and_compact_output():
    svg = render_germany_map([BERLIN, KOELN], highlight_states=["DE-BE"])
    assert "style=" not in svg
    assert "<script" not in svg
    path_data = sum(len(p.get("d")) for p in parse(svg).iter(f"{SVG}path"))
    assert path_data < 25_000
    assert len(svg) < 30_000
    assert DATA_FILE.stat().st_size < 60_000


def test_state_data_is_loaded_once():
    assert load_states() is load_states()


HEIDELBERG = {"name": "Heidelberg", "url": "/staedte/heidelberg/", "latitude": 49.40768, "longitude": 8.69079}
WEINHEIM = {"name": "Weinheim", "url": "/staedte/weinheim/", "latitude": 49.54887, "longitude": 8.66697}


def centres(svg: str) -> list[tuple[float, float]]:
    return [(float(c.get("cx")), float(c.get("cy"))) for c in parse(svg).iter(f"{SVG}circle")]


def test_a_zoomed_map_moves_neighbouring_towns_apart_and_keeps_their_size():
    whole = centres(render_germany_map([HEIDELBERG, WEINHEIM]))
    zoomed_svg = render_germany_map([HEIDELBERG, WEINHEIM], zoom=True)
    zoomed = centres(zoomed_svg)

    assert math.dist(*zoomed) > 3 * math.dist(*whole)  # 16 km apart: they no longer overlap
    assert math.dist(*zoomed) > 2 * 11  # two radii: both points are seen
    assert {c.get("r") for c in parse(zoomed_svg).iter(f"{SVG}circle")} == {"11"}
    states = parse(zoomed_svg).find(f"{SVG}g[@class='map-states']")
    assert states.get("transform").startswith("scale(")
    view_width, view_height = map(float, parse(zoomed_svg).get("viewBox").split()[2:])
    assert all(0 <= x <= view_width and 0 <= y <= view_height for x, y in zoomed)


def test_a_map_without_zoom_or_points_is_not_transformed():
    assert parse(render_germany_map([HEIDELBERG])).find(f"{SVG}g[@class='map-states']").get("transform") is None
    assert parse(render_germany_map([], zoom=True)).find(f"{SVG}g[@class='map-states']").get("transform") is None
