"""The realistic mix: the many different addresses real visitors ask for, written to a file that
bench/mix.lua replays with wrk.

    DATABASE_URL=… python bench/mix.py FILE

Visitors combine the directory's filters, page through results, let htmx fetch result lists
and open town and network pages; few of them ask for the same address as someone before them.
The addresses are drawn (with a fixed seed, so every run replays the same mix) from the
filters' real choices in the database the benchmark serves:

- at least 2,000 distinct filter addresses: the town directory (states, networks, kinds of
  network, size classes, join years, coordination, sorts, pages), the meetings (networks,
  states, formats, kinds, years), the networks and the membership matrix (states, kinds,
  pages), each a full page or, for about a third, the htmx fragment;
- 500 town pages and 200 network pages, drawn from all towns and networks.

One address per line: "page" or "htmx", a tab, the path. Prints how many of each kind.
"""

import os
import random
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagiert.settings")

import django

django.setup()

from cities.models import PROGRAMME_START_YEAR, City, CoordinationModel, SizeClass, State
from events.models import Meeting, MeetingFormat, MeetingKind
from networks.models import Network, NetworkKind

SEED = 2026
FILTER_URLS = 2_000
TOWN_PAGES = 500
NETWORK_PAGES = 200
HTMX_SHARE = 1 / 3
TOWN_SORTS = ["-name", "beitritt", "-beitritt", "einwohner", "-einwohner"]


class Choices:
    """The values the filters offer, read from the database."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.states = list(State.objects.order_by("name").values_list("slug", flat=True))
        networks = list(Network.objects.values_list("slug", "kind"))
        # Most visitors look for the networks they know: the state and federal networks, then any.
        self.known_networks = [slug for slug, kind in networks if kind in (NetworkKind.STATE, NetworkKind.FEDERAL)]
        self.networks = [slug for slug, _ in networks]
        self.kinds = [kind for kind in NetworkKind.values if kind != NetworkKind.FEDERAL]
        self.sizes = list(SizeClass.values)
        self.coordination = list(CoordinationModel.values)
        self.join_years = list(range(PROGRAMME_START_YEAR, 2026))
        self.meeting_years = sorted(
            {day.year for day in Meeting.objects.filter(starts_on__isnull=False).dates("starts_on", "year")}
        )

    def network(self) -> str:
        return self.rng.choice(self.known_networks if self.rng.random() < 0.4 else self.networks)

    def some(self, values: list, most: int = 2) -> list:
        return self.rng.sample(values, self.rng.randint(1, min(most, len(values))))


def town_filters(c: Choices) -> list[tuple[str, str]]:
    rng = c.rng
    params: list[tuple[str, str]] = []
    narrow = False
    options = ["land", "netzwerk", "art", "groesse", "seit", "koordination", "sortierung"]
    for option in rng.sample(options, rng.choice([1, 1, 2, 2, 2, 3])):
        if option == "land":
            params += [("land", state) for state in c.some(c.states)]
            narrow = True
        elif option == "netzwerk":
            params.append(("netzwerk", c.network()))
            narrow = True
        elif option == "art":
            params += [("art", kind) for kind in c.some(c.kinds)]
        elif option == "groesse":
            params.append(("groesse", rng.choice(c.sizes)))
        elif option == "seit":
            params.append(("seit_von", str(rng.choice(c.join_years))))
        elif option == "koordination":
            params.append(("koordination", rng.choice(c.coordination)))
        else:
            params.append(("sortierung", rng.choice(TOWN_SORTS)))
    if not narrow and rng.random() < 0.5:
        params.append(("seite", str(rng.randint(2, 20))))
    return params


def meeting_filters(c: Choices) -> list[tuple[str, str]]:
    rng = c.rng
    params: list[tuple[str, str]] = []
    for option in rng.sample(["netzwerk", "land", "format", "art", "jahr"], rng.choice([1, 2])):
        if option == "netzwerk":
            params.append(("netzwerk", c.network()))
        elif option == "land":
            params.append(("land", rng.choice(c.states)))
        elif option == "format":
            params.append(("format", rng.choice(MeetingFormat.values)))
        elif option == "art":
            params.append(("art", rng.choice(MeetingKind.values)))
        else:
            params.append(("jahr", str(rng.choice(c.meeting_years))))
    return params


def network_filters(c: Choices) -> list[tuple[str, str]]:
    rng = c.rng
    params = [("art", kind) for kind in c.some(c.kinds)] if rng.random() < 0.6 else []
    if not params or rng.random() < 0.5:
        params.append(("land", rng.choice(c.states)))
    if rng.random() < 0.3:
        params.append(("seite", str(rng.randint(2, 5))))
    return params


def matrix_filters(c: Choices) -> list[tuple[str, str]]:
    rng = c.rng
    params = [("land", rng.choice(c.states))]
    if rng.random() < 0.5:
        params.append(("art", rng.choice(c.kinds)))
    if rng.random() < 0.5:
        params.append(("seite", str(rng.randint(2, 4))))
    return params


def build(rng: random.Random) -> list[tuple[str, str]]:
    c = Choices(rng)
    # Shares of the filter addresses: the directory most, then meetings, networks, the matrix.
    kinds = [("/staedte/", town_filters, 0.6), ("/treffen/", meeting_filters, 0.2)]
    kinds += [("/netzwerke/", network_filters, 0.1), ("/mitgliedschaften/", matrix_filters, 0.1)]
    urls: dict[tuple[str, str], None] = {}
    while len(urls) < FILTER_URLS:
        path, make, _ = rng.choices(kinds, weights=[share for *_, share in kinds])[0]
        query = urlencode(make(c))
        mode = "htmx" if rng.random() < HTMX_SHARE else "page"
        urls[(mode, f"{path}?{query}")] = None
    towns = list(City.objects.order_by("pk").values_list("slug", flat=True))
    for slug in rng.sample(towns, min(TOWN_PAGES, len(towns))):
        urls[("page", f"/staedte/{slug}/")] = None
    networks = list(Network.objects.order_by("pk").values_list("slug", flat=True))
    for slug in rng.sample(networks, min(NETWORK_PAGES, len(networks))):
        urls[("page", f"/netzwerke/{slug}/")] = None
    mix = list(urls)
    rng.shuffle(mix)
    return mix


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    mix = build(random.Random(SEED))
    Path(sys.argv[1]).write_text("".join(f"{mode}\t{path}\n" for mode, path in mix))
    print(describe(mix))


def describe(mix: list[tuple[str, str]]) -> str:
    """„2,700 addresses: 1,326 of the town directory (468 of them htmx fragments), …“"""
    lists = {"/staedte/": "of the town directory", "/treffen/": "of the meeting list"}
    lists |= {"/netzwerke/": "of the network list", "/mitgliedschaften/": "of the membership matrix"}
    pages, fragments, details = Counter(), Counter(), Counter()
    for mode, path in mix:
        base, query = path.split("?")[0], "?" in path
        if query:
            pages[base] += 1
            fragments[base] += mode == "htmx"
        else:
            details["town pages" if base.startswith("/staedte/") else "network pages"] += 1
    parts = [f"{pages[base]:,} {label} ({fragments[base]:,} of them htmx fragments)" for base, label in lists.items()]
    parts += [f"{count:,} {name}" for name, count in sorted(details.items(), reverse=True)]
    return f"{len(mix):,} addresses: " + ", ".join(parts) + "."


if __name__ == "__main__":
    main()
