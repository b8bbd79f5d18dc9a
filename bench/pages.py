"""The pages the benchmark measures, the same on the demo and on the large directory.

Every address exists in both databases: the large one holds the demo network too, and its
synthetic towns join the demo's networks, so these pages grow with the data.
"""

from dataclasses import dataclass, field

NETWORK = "landesnetzwerk-engagierte-staedte-sachsen-anhalt"
FILTERED = f"/staedte/?land=sachsen-anhalt&netzwerk={NETWORK}"
HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str
    headers: dict = field(default_factory=dict)
    lighthouse: bool = False

    @property
    def fragment(self) -> bool:
        return self.headers.get("HX-Request") == "true"


PAGES = [
    Page("home", "Home `/`", "/", lighthouse=True),
    Page("towns", "Town directory `/staedte/`", "/staedte/", lighthouse=True),
    Page("towns-filtered", "Directory filtered (state + network)", FILTERED),
    Page("towns-fragment", "Directory filtered, HTMX fragment", FILTERED, headers=HTMX),
    Page("town", "Town page (Wittenberg)", "/staedte/wittenberg/", lighthouse=True),
    Page("network", "Network page (Landesnetzwerk Sachsen-Anhalt)", f"/netzwerke/{NETWORK}/"),
    Page("matrix", "Membership matrix `/mitgliedschaften/`", "/mitgliedschaften/"),
    Page("networks", "Network list `/netzwerke/`", "/netzwerke/"),
    Page("state", "State page (Sachsen-Anhalt)", "/laender/sachsen-anhalt/"),
    Page("meetings", "Meeting list `/treffen/`", "/treffen/"),
]

BY_KEY = {page.key: page for page in PAGES}
