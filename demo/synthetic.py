"""Synthetic directory data in bulk, for query budgets and benchmarks.

`generate(scale)` adds `scale` times the volume of the demo network (network.toml):
per unit about 23 towns, 24 organisations, 23 people, 10 networks with 55 memberships,
3 seats with their terms, 3 campaigns, 2 sub-groups, 14 meetings and 4 published
reports, plus Länderpartnerschaften for states that have none yet.

Everything is invented but valid: every row passes the models' constraints and
validators, and the fields that the models derive in `save()` (slugs, the folded
`search_text`, `period_ends_on`, dates normalised to the start of their period) are
set here, because `bulk_create` bypasses `save()`. The work is a fixed number of
bulk statements per model, so it stays linear in `scale`: 10,000 towns are about
`generate(435)`, some 140,000 rows, written in 25-35 seconds. A seeded random
generator makes a run reproducible; a second run adds more data with fresh slugs
and names.

Synthetic data is connected to what is already there the way real data is: every
new town joins the federal network, towns join the existing state network of their
state, and some new meetings are held by existing networks with their towns.

`generate_directory(towns, networks, memberships, meetings)` adds exactly that many
towns, networks, memberships and meetings instead (the benchmark's large directory:
10,000 / 1,000 / 100,000 / 50,000), with the same guarantees. Its networks are big,
so that every town belongs to many of them, and the towns already there (the demo's)
join them too.
"""

from __future__ import annotations

import datetime
import json
import math
import random
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from cities.models import (
    PROGRAMME_START_YEAR,
    City,
    CityKind,
    CoordinationModel,
    Organization,
    OrganizationKind,
    Person,
    Sector,
    State,
)
from core.caching import directory_changed
from core.dates import DatePrecision, period_end, period_start
from core.maps import DATA_FILE as STATES_FILE
from core.text import fold, german_slugify
from events.models import (
    Meeting,
    MeetingFormat,
    MeetingKind,
    MeetingReport,
    MeetingStatus,
    ReportStatus,
)
from networks.models import (
    Campaign,
    CommitmentSide,
    Membership,
    MembershipRole,
    Network,
    NetworkKind,
    NetworkStatus,
    PartnershipCommitment,
    Seat,
    SeatTerm,
    StatePartnership,
    SubGroup,
)

# Volume of one unit, as in the demo network.
TOWNS_PER_UNIT = 23
NETWORKS_PER_UNIT = 10
PEOPLE_PER_UNIT = 23
OTHER_ORGANIZATIONS_PER_UNIT = 12  # besides the towns' coordinating bodies (about 12 per unit)
MEETINGS_PER_UNIT = 14
PUBLISHED_REPORTS_PER_UNIT = 4
CAMPAIGNS_PER_UNIT = 3

# The kinds of one unit's ten networks; the first unit of a run also gets a federal one.
UNIT_KINDS = [
    NetworkKind.STATE,
    NetworkKind.STATE,
    NetworkKind.REGIONAL,
    NetworkKind.REGIONAL,
    NetworkKind.REGIONAL,
    NetworkKind.TANDEM,
    NetworkKind.TANDEM,
    NetworkKind.TANDEM,
    NetworkKind.THEMATIC,
    NetworkKind.THEMATIC,
]

# Towns lie in the 13 territorial states; the city states have none in the programme's pattern.
TERRITORIAL_STATES = [
    "DE-BW",
    "DE-BY",
    "DE-BB",
    "DE-HE",
    "DE-MV",
    "DE-NI",
    "DE-NW",
    "DE-RP",
    "DE-SL",
    "DE-SN",
    "DE-ST",
    "DE-SH",
    "DE-TH",
]

NAME_HEADS = [
    "Linden",
    "Birken",
    "Eichen",
    "Rosen",
    "Wiesen",
    "Mühl",
    "Weißen",
    "Buchen",
    "Tannen",
    "Erlen",
    "Falken",
    "Hasel",
    "Sonnen",
    "Stein",
    "Kirch",
    "Schön",
    "Grün",
    "Hohen",
    "Neu",
    "Alt",
    "Lauter",
    "Roß",
    "Bären",
    "Fürsten",
    "Königs",
    "Eschen",
]
NAME_TAILS = [
    "au",
    "feld",
    "bach",
    "berg",
    "brück",
    "dorf",
    "hain",
    "hausen",
    "stadt",
    "tal",
    "wald",
    "walde",
    "heim",
    "bruch",
    "see",
    "furt",
    "ingen",
    "städt",
]
NAME_LEADS = ["", "", "", "", "Bad ", "Ober", "Nieder", "Klein", "Groß"]
NAME_ENDS = ["", "", "", "", " am See", " an der Mulde", " (Saale)", " im Grund"]
TOWN_PREFIXES = ["", "", "", "", "", "Hansestadt", "Große Kreisstadt", "Stadt"]

FIRST_NAMES = [
    "Anna",
    "Jörg",
    "Sören",
    "Jürgen",
    "Bärbel",
    "Ute",
    "Jana",
    "Mehmet",
    "Katrin",
    "Sebastian",
    "Özlem",
    "Frank",
    "Heike",
    "Lars",
    "Monika",
    "Tobias",
    "Sabine",
    "Ralf",
    "Doreen",
    "Maik",
    "Ines",
    "Paul",
]
LAST_NAMES = [
    "Müller",
    "Schröder",
    "Weiß",
    "Groß",
    "Köhler",
    "Krüger",
    "Lange",
    "Hoffmann",
    "Schäfer",
    "Yılmaz",  # noqa: RUF001 (a Turkish name)
    "Neumann",
    "Becker",
    "Fuchs",
    "Strauß",
    "Böhm",
    "Zimmermann",
    "Hartmann",
    "Lehmann",
    "Vogt",
    "Kühn",
]
THEMES = [
    "Ehrenamt und Sport",
    "Engagement im ländlichen Raum",
    "Jugendbeteiligung",
    "Demokratie vor Ort",
    "Klimaschutz im Quartier",
    "Generationendialog",
    "Inklusion",
    "Kultur und Begegnung",
]
ROLES = [
    "Koordinatorin der Engagierten Stadt",
    "Bürgermeister",
    "Oberbürgermeisterin",
    "Prozessmanager",
    "Vorsitzende der Bürgerstiftung",
    "Leiter der Freiwilligenagentur",
    "Unternehmerin",
    "Fachbereichsleiter",
]
ORGANIZATION_TEMPLATES = [
    ("Bürgerstiftung {}", OrganizationKind.FOUNDATION),
    ("Landesarbeitsgemeinschaft Engagement {}", OrganizationKind.NETWORK),
    ("Verein für Nachbarschaftshilfe {}", OrganizationKind.ASSOCIATION),
    ("Hochschule {}", OrganizationKind.UNIVERSITY),
    ("Stadtwerke {}", OrganizationKind.COMPANY),
    ("Ministerium für Soziales {}", OrganizationKind.MINISTRY),
]
BODY = """Die Engagierten Städte trafen sich zum Austausch über **{theme}**.

- Jede Stadt stellte ein Projekt vor.
- Die Runde sammelte offene Fragen für das nächste Treffen.

Die Koordinierungsstellen stimmen sich bis dahin *digital* ab."""

COORDINATE_STEP = Decimal("0.00001")


def generate(scale: int, *, seed: int = 2015) -> None:
    """Add `scale` times the demo's volume of synthetic, valid directory data."""
    if scale < 1:
        return
    with transaction.atomic():
        _Generator(scale, random.Random(f"{seed}-{scale}-{City.objects.count()}")).run()
        # Bulk statements send no model signals; cached pages must still go stale.
        directory_changed()


def generate_directory(
    towns: int = 10_000,
    networks: int = 1_000,
    memberships: int = 100_000,
    meetings: int = 50_000,
    *,
    seed: int = 2015,
) -> None:
    """Add exactly `towns` towns, `networks` networks, `memberships` memberships and `meetings` meetings.

    One person per town, 12 organisations, 3 seats and 3 campaigns per ten networks, and about
    two published reports per seven meetings come with them. The networks are of the demo's
    kinds in the demo's proportions (state, regional, tandem, thematic); every new town joins
    the federal network, and the memberships beyond that are spread over the state, regional
    and thematic networks (state networks biggest), drawn from all towns of their states,
    the existing ones included. `networks` must be a multiple of ten, and `memberships` at
    least `towns` and no more than the towns can hold.
    """
    if networks < NETWORKS_PER_UNIT or networks % NETWORKS_PER_UNIT:
        raise ValueError(f"networks must be a positive multiple of {NETWORKS_PER_UNIT}, not {networks}.")
    if memberships < towns:
        raise ValueError(f"Every new town joins the federal network: memberships must be at least {towns}.")
    with transaction.atomic():
        rng = random.Random(f"{seed}-directory-{towns}-{networks}-{memberships}-{meetings}-{City.objects.count()}")
        _DirectoryGenerator(rng, towns=towns, networks=networks, memberships=memberships, meetings=meetings).run()
        directory_changed()


class _Unique:
    """Hands out names (or slugs) not yet taken, by appending a counter: "Neuau", "Neuau 2" …"""

    def __init__(self, taken, separator=" "):
        self.taken = set(taken)
        self.separator = separator
        self.next_suffix = defaultdict(lambda: 2)

    def __call__(self, wanted: str) -> str:
        candidate = wanted
        while candidate in self.taken:
            candidate = f"{wanted}{self.separator}{self.next_suffix[wanted]}"
            self.next_suffix[wanted] += 1
        self.taken.add(candidate)
        return candidate


class _Generator:
    def __init__(self, scale: int, rng: random.Random):
        self.scale = scale
        self.rng = rng
        self.today = timezone.localdate()
        # How many rows of each kind a run adds. Networks, seats, campaigns and partnerships follow
        # `scale` alone; `generate_directory` sets exact numbers for the others.
        self.town_count = TOWNS_PER_UNIT * scale
        self.organization_count = OTHER_ORGANIZATIONS_PER_UNIT * scale
        self.people_count = PEOPLE_PER_UNIT * scale
        self.meeting_count = MEETINGS_PER_UNIT * scale
        self.published_report_count = PUBLISHED_REPORTS_PER_UNIT * scale
        self.draft_report_count = scale
        self.states = {state.code: state for state in State.objects.all()}
        self.state_shapes = _state_shapes()

    # --- helpers --------------------------------------------------------------------------

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def sample(self, items, count):
        items = list(items)
        return self.rng.sample(items, min(count, len(items)))

    def point_in(self, code: str) -> tuple[Decimal, Decimal]:
        """A random point inside the state's outline (rejection sampling in its bounding box)."""
        rings, (min_lon, min_lat, max_lon, max_lat) = self.state_shapes[code]
        for _ in range(200):
            lon = self.rng.uniform(min_lon, max_lon)
            lat = self.rng.uniform(min_lat, max_lat)
            if _inside(lon, lat, rings):
                break
        lat = min(max(lat, 47.0), 55.1)
        lon = min(max(lon, 5.8), 15.1)
        return Decimal(lat).quantize(COORDINATE_STEP), Decimal(lon).quantize(COORDINATE_STEP)

    def past_date(self, years: float = 4) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(1, int(365 * years)))

    # --- driver ---------------------------------------------------------------------------

    def run(self) -> None:
        self.make_organizations_and_towns()
        self.make_people()
        self.make_networks()
        self.make_memberships()
        self.make_seats()
        self.make_campaigns()
        self.make_partnerships()
        self.make_meetings()

    # --- towns and organisations ------------------------------------------------------------

    def make_organizations_and_towns(self) -> None:
        rng = self.rng
        count = self.town_count
        org_names = _Unique(Organization.objects.values_list("name", flat=True))
        city_slugs = _Unique(City.objects.values_list("slug", flat=True), separator="-")

        towns, coordinators = [], []
        for index in range(count):
            lead = rng.choice(NAME_LEADS)
            head = rng.choice(NAME_HEADS)
            stem = head + rng.choice(NAME_TAILS)
            if lead and not lead.endswith(" "):
                stem = stem.lower()
            name = f"{lead}{stem}{rng.choice(NAME_ENDS)}"
            code = TERRITORIAL_STATES[index % len(TERRITORIAL_STATES)] if index < 26 else rng.choice(TERRITORIAL_STATES)
            kind = rng.choices([CityKind.TOWN, CityKind.MUNICIPALITY, CityKind.LAND], [85, 12, 3])[0]
            prefix = "Gemeinde" if kind == CityKind.MUNICIPALITY else rng.choice(TOWN_PREFIXES)
            population = int(math.exp(rng.uniform(math.log(8_000), math.log(250_000))))
            latitude, longitude = self.point_in(code)
            town = City(
                name=name,
                prefix=prefix,
                kind=kind,
                slug=city_slugs(german_slugify(name)),
                state=self.states[code],
                population=population,
                population_year=2023,
                latitude=latitude,
                longitude=longitude,
                joined_year=rng.randint(PROGRAMME_START_YEAR, self.today.year) if self.chance(0.7) else None,
                active=not self.chance(0.04),
                website=f"https://www.{german_slugify(name)}.example/engagiert",
                description=f"{name} ist eine Engagierte Stadt in {self.states[code].name}.",
            )
            if self.chance(0.55):
                provider = self.chance(0.7)
                official = f"{prefix} {name}".strip()
                body = Organization(
                    name=org_names(f"Freiwilligenagentur {official}" if provider else f"Stadtverwaltung {official}"),
                    kind=OrganizationKind.VOLUNTEER_AGENCY if provider else OrganizationKind.MUNICIPALITY,
                    state=town.state,
                )
                body.search_text = fold(f"{body.name} {body.short_name}")[:300]
                town.coordination_model = CoordinationModel.PROVIDER if provider else CoordinationModel.MUNICIPALITY
                coordinators.append((town, body))
            towns.append(town)

        others = []
        for _ in range(self.organization_count):
            template, kind = rng.choice(ORGANIZATION_TEMPLATES)
            state = self.states[rng.choice(TERRITORIAL_STATES)]
            org = Organization(name=org_names(template.format(state.name)), kind=kind, state=state)
            org.short_name = "".join(word[0] for word in org.name.split() if word[0].isupper())[:60]
            org.search_text = fold(f"{org.name} {org.short_name}")[:300]
            others.append(org)

        Organization.objects.bulk_create([body for _, body in coordinators] + others)
        for town, body in coordinators:
            town.coordinating_organization = body
        for town in towns:
            coordinator = town.coordinating_organization.name if town.coordinating_organization else ""
            town.search_text = fold(" ".join(filter(None, [town.prefix, town.name, coordinator])))[:500]
        City.objects.bulk_create(towns)
        # Each body works in the town it coordinates: one UPDATE, not one per body.
        Organization.objects.filter(pk__in=[body.pk for _, body in coordinators]).update(
            city=Subquery(City.objects.filter(coordinating_organization=OuterRef("pk")).values("pk")[:1])
        )
        for town, body in coordinators:
            body.city = town

        self.towns = towns
        self.organizations = [body for _, body in coordinators] + others
        self.network_organizations = others
        self.towns_by_state = defaultdict(list)
        for town in towns:
            self.towns_by_state[town.state.code].append(town)

    def make_people(self) -> None:
        taken = set(Person.objects.values_list("name", "role"))
        people = []
        for index in range(self.people_count):
            town = self.towns[index % len(self.towns)]
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            role = f"{self.rng.choice(ROLES)}, {town.official_name}"
            suffix = 2
            while (name, role) in taken:
                role = f"{self.rng.choice(ROLES)}, {town.official_name} ({suffix})"
                suffix += 1
            taken.add((name, role))
            people.append(
                Person(
                    name=name,
                    title="Dr." if self.chance(0.1) else "",
                    role=role,
                    sector=self.rng.choice(Sector.values),
                    city=town,
                    organization=town.coordinating_organization if self.chance(0.5) else None,
                )
            )
        Person.objects.bulk_create(people)
        self.people = people
        self.people_by_town = defaultdict(list)
        for person in people:
            self.people_by_town[person.city_id].append(person)

    # --- networks ---------------------------------------------------------------------------

    def make_networks(self) -> None:
        rng = self.rng
        names = _Unique(Network.objects.values_list("name", flat=True))
        slugs = _Unique(Network.objects.values_list("slug", flat=True), separator="-")
        federal = Network.objects.filter(kind=NetworkKind.FEDERAL).order_by("pk").first()
        created_federal = federal is None

        kinds = []
        for unit in range(self.scale):
            unit_kinds = list(UNIT_KINDS)
            if unit == 0:
                unit_kinds[-1] = NetworkKind.FEDERAL
            kinds.extend(unit_kinds)

        networks, plans = [], []
        for index, kind in enumerate(kinds):
            members: list[City] = []
            states: list[State] = []
            if kind == NetworkKind.STATE:
                code = TERRITORIAL_STATES[index % len(TERRITORIAL_STATES)]
                states = [self.states[code]]
                pool = self.towns_by_state.get(code, [])
                members = self.sample(pool, rng.randint(3, 9))
                name = f"Landesnetzwerk Engagierte Städte {self.states[code].name}"
            elif kind == NetworkKind.REGIONAL:
                code = rng.choice(TERRITORIAL_STATES)
                pool = self.towns_by_state.get(code, []) or self.towns
                members = self.sample(pool, rng.randint(3, 8))
                states = sorted({town.state for town in members} or {self.states[code]}, key=lambda s: s.code)
                name = f"Regionalnetzwerk {rng.choice(NAME_HEADS)}land"
            elif kind == NetworkKind.TANDEM:
                members = self.sample(self.towns, rng.randint(2, 4))
                states = sorted({town.state for town in members}, key=lambda s: s.code)
                name = "Tandem " + " – ".join(town.name for town in members)
            elif kind == NetworkKind.THEMATIC:
                members = self.sample(self.towns, rng.randint(0, 5))
                name = f"Themennetzwerk {rng.choice(THEMES)}"
            else:
                name = (
                    "Bundesnetzwerk Engagierte Stadt"
                    if created_federal
                    else f"Bundesweiter Arbeitskreis {rng.choice(THEMES)}"
                )
            name = names(name)
            status = rng.choices(NetworkStatus.values, [80, 12, 8])[0]
            precision = rng.choice([DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY])
            started = period_start(self.past_date(8), precision) if self.chance(0.8) else None
            ended = None
            if status == NetworkStatus.ENDED:
                ended = self.past_date(1)
                if started and ended < started:
                    ended = started
                ended = period_start(ended, DatePrecision.MONTH)
                if started and ended < started:
                    started = ended
            network = Network(
                name=name[:200],
                short_name=name[:80] if len(name) > 80 else "",
                slug=slugs(german_slugify(name)[:190]),
                kind=kind,
                parent=federal if kind != NetworkKind.FEDERAL and not created_federal else None,
                started_on=started,
                started_precision=precision,
                ended_on=ended,
                ended_precision=DatePrecision.MONTH,
                status=status,
                host=rng.choice(self.network_organizations) if self.chance(0.4) else None,
                declared_member_count=len(members) + rng.randint(0, 4) if self.chance(0.3) else None,
                description=f"{name}: ein synthetisches Netzwerk für Lasttests.",
                website="",
            )
            network.search_text = fold(f"{network.name} {network.short_name}")[:300]
            if kind == NetworkKind.FEDERAL and created_federal:
                federal = network
            networks.append(network)
            plans.append((network, members, states))
        Network.objects.bulk_create(networks)

        if created_federal:
            Network.objects.filter(pk__in=[n.pk for n in networks if n.pk != federal.pk]).update(parent=federal)

        _link(Network, "states", [(network, state) for network, _, states in plans for state in states])
        _link(
            Network,
            "partners",
            [
                (network, org)
                for network, _, _ in plans
                for org in self.sample(self.network_organizations, rng.randint(0, 3))
            ],
        )
        self.federal = federal
        self.plans = plans
        self.networks = networks

    def make_memberships(self) -> None:
        self.save_memberships(*self.plan_memberships())

    def plan_memberships(self) -> tuple[list[SubGroup], list[Membership]]:
        """The new sub-groups and memberships, not yet saved."""
        rng = self.rng
        # The existing state networks that stand for exactly one state: new towns of that state join them.
        states_of, started_on = defaultdict(set), {}
        for network_id, state_id, started in (
            Network.objects.filter(kind=NetworkKind.STATE)
            .exclude(pk__in=[n.pk for n in self.networks])
            .values_list("pk", "states", "started_on")
        ):
            states_of[network_id].add(state_id)
            started_on[network_id] = started
        state_networks = defaultdict(list)
        for network_id, state_ids in states_of.items():
            if len(state_ids) == 1 and None not in state_ids:
                state_networks[next(iter(state_ids))].append(network_id)

        subgroups, memberships = [], []
        seen = set()  # (town, network) pairs with a current membership: the new towns have none yet

        def join(town, network_id, since=None, precision=DatePrecision.YEAR, role=MembershipRole.MEMBER, subgroup=None):
            if (town.pk, network_id) in seen:
                return
            seen.add((town.pk, network_id))
            membership = Membership(
                city=town,
                network_id=network_id,
                since=period_start(since, precision) if since else None,
                since_precision=precision,
                role=role,
                subgroup=subgroup,
            )
            memberships.append(membership)

        for town in self.towns:
            since = datetime.date(town.joined_year, 1, 1) if town.joined_year else None
            join(town, self.federal.pk, since)
            if len(state_networks.get(town.state_id, [])) == 1 and self.chance(0.5):
                network_id = state_networks[town.state_id][0]
                joined = max(self.past_date(2), started_on[network_id] or datetime.date.min)
                join(town, network_id, min(joined, self.today), DatePrecision.MONTH)

        for network, members, _ in self.plans:
            groups = []
            if network.kind == NetworkKind.STATE and len(members) >= 4 and self.chance(0.5):
                for label in ("nördliche Städte", "südliche Städte"):
                    group = SubGroup(network=network, name=label, declared_member_count=rng.randint(2, 6))
                    groups.append(group)
                subgroups.extend(groups)
            for position, town in enumerate(members):
                since = network.started_on or self.past_date(5)
                precision = network.started_precision
                if since > self.today:
                    since = self.today
                role = (
                    MembershipRole.FOUNDING
                    if position < 2
                    else rng.choice([MembershipRole.MEMBER, MembershipRole.HOST])
                )
                join(town, network.pk, since, precision, role, groups[position % 2] if groups else None)
                if network.status == NetworkStatus.ENDED and self.chance(0.5):
                    membership = memberships[-1]
                    membership.until = network.ended_on
                    if membership.since and membership.until < membership.since:
                        membership.since = None
                    seen.discard((town.pk, network.pk))
        return subgroups, memberships

    def save_memberships(self, subgroups: list[SubGroup], memberships: list[Membership]) -> None:
        SubGroup.objects.bulk_create(subgroups)
        for membership in memberships:
            if membership.subgroup is not None:
                membership.subgroup_id = membership.subgroup.pk
        Membership.objects.bulk_create(memberships)
        self.members_of = defaultdict(list)
        for membership in memberships:
            if membership.until is None:
                self.members_of[membership.network_id].append(membership.city)

    def make_seats(self) -> None:
        """Three seats per unit on the new state and regional networks; some with a predecessor's term."""
        candidates = [n for n in self.networks if n.kind in (NetworkKind.STATE, NetworkKind.REGIONAL)]
        titles = ["Landessprecher*in Verwaltung", "Landessprecher*in Zivilgesellschaft", "Sprecher*in Wirtschaft"]
        sectors = [Sector.ADMINISTRATION, Sector.CIVIL_SOCIETY, Sector.BUSINESS]
        unique = []
        for index in range(3 * self.scale):
            slot, kind = divmod(index, len(titles))
            rounds, position = divmod(slot, len(candidates))
            title = titles[kind] if rounds == 0 else f"{titles[kind]} ({rounds + 1})"
            unique.append(Seat(network=candidates[position], title=title, sector=sectors[kind]))
        Seat.objects.bulk_create(unique)
        terms = []
        for seat in unique:
            holders = self.people_by_town.get(self.rng.choice(self.members_of.get(seat.network.pk) or self.towns).pk)
            holders = holders or self.people
            elected = self.past_date(2)
            if self.chance(0.4):
                earlier = elected - datetime.timedelta(days=self.rng.randint(400, 1400))
                terms.append(
                    SeatTerm(
                        seat=seat,
                        person=self.rng.choice(self.people),
                        elected_on=earlier,
                        term_ends_on=elected,
                        note="nicht wieder angetreten",
                    )
                )
            terms.append(
                SeatTerm(
                    seat=seat,
                    person=self.rng.choice(holders),
                    elected_on=elected,
                    elected_precision=self.rng.choice([DatePrecision.DAY, DatePrecision.MONTH]),
                    note="gewählt beim Netzwerktreffen",
                )
            )
        for term in terms:
            term.elected_on = period_start(term.elected_on, term.elected_precision)
            if term.term_ends_on and term.term_ends_on <= term.elected_on:
                term.term_ends_on = term.elected_on + datetime.timedelta(days=1)
        SeatTerm.objects.bulk_create(terms)

    def make_campaigns(self) -> None:
        campaigns, links = [], []
        with_members = [n for n in self.networks if self.members_of.get(n.pk)] or self.networks
        for index in range(CAMPAIGNS_PER_UNIT * self.scale):
            network = with_members[index % len(with_members)]
            theme = self.rng.choice(THEMES)
            name = f"Kampagne {theme} {index + 1}"
            started = self.past_date(3)
            ended = started + datetime.timedelta(days=self.rng.randint(60, 400)) if self.chance(0.5) else None
            campaigns.append(
                Campaign(
                    network=network,
                    name=name,
                    slug=german_slugify(name),
                    description=f"Die Städte des Netzwerks werben gemeinsam für {theme}.",
                    started_on=period_start(started, DatePrecision.MONTH),
                    started_precision=DatePrecision.MONTH,
                    ended_on=period_start(ended, DatePrecision.MONTH) if ended else None,
                    ended_precision=DatePrecision.MONTH,
                )
            )
        Campaign.objects.bulk_create(campaigns)
        for campaign in campaigns:
            for town in self.sample(self.members_of.get(campaign.network.pk, []), 4):
                links.append((campaign, town))
        _link(Campaign, "cities", links)

    def make_partnerships(self) -> None:
        """Partnerships for states that have none yet (one per unit of scale, at most all of them)."""
        without = [
            state
            for state in State.objects.filter(partnership__isnull=True).order_by("code")
            if state.code in TERRITORIAL_STATES or self.chance(0.5)
        ][: self.scale]
        ordinal = (StatePartnership.objects.aggregate(Max("ordinal"))["ordinal__max"] or 0) + 1
        partnerships = []
        for state in without:
            place = self.towns_by_state.get(state.code)
            partnerships.append(
                StatePartnership(
                    state=state,
                    ordinal=ordinal,
                    signed_on=self.past_date(3),
                    signed_precision=DatePrecision.DAY,
                    place=self.rng.choice(place).official_name if place else state.name,
                    description=f"{state.name} ist {ordinal}. Länderpartner des Programms (synthetisch).",
                )
            )
            ordinal += 1
        StatePartnership.objects.bulk_create(partnerships)
        commitments, partner_links = [], []
        for partnership in partnerships:
            for side in CommitmentSide.values:
                for position in (1, 2):
                    commitments.append(
                        PartnershipCommitment(
                            partnership=partnership,
                            side=side,
                            text=f"Zusage {position} für {partnership.state.name}",
                            position=position,
                        )
                    )
            for org in self.sample([o for o in self.organizations if o.state_id == partnership.state_id], 2):
                partner_links.append((partnership, org))
        PartnershipCommitment.objects.bulk_create(commitments)
        _link(StatePartnership, "partner_organizations", partner_links)

    # --- meetings ---------------------------------------------------------------------------

    def make_meetings(self) -> None:
        rng = self.rng
        slugs = _Unique(Meeting.objects.values_list("slug", flat=True), separator="-")
        # A few meetings per unit are held by existing networks, with their current member towns.
        existing_members = defaultdict(list)
        existing = list(Network.objects.exclude(kind=NetworkKind.FEDERAL).exclude(pk__in=[n.pk for n in self.networks]))
        if existing:
            towns = {}
            pairs = list(Membership.objects.current().filter(network__in=existing).values_list("network_id", "city_id"))
            for town in City.objects.filter(pk__in={city_id for _, city_id in pairs}):
                towns[town.pk] = town
            for network_id, city_id in pairs:
                existing_members[network_id].append(towns[city_id])
        hosts = [(n, self.members_of.get(n.pk, [])) for n in self.networks if n.kind != NetworkKind.FEDERAL]
        hosts += [(n, existing_members.get(n.pk, [])) for n in existing]

        meetings, plans = [], []
        count = self.meeting_count
        for index in range(count):
            network, members = hosts[index % len(hosts)] if index % 5 else rng.choice(hosts)
            theme = rng.choice(THEMES)
            kind = rng.choice(MeetingKind.values)
            title = f"{MeetingKind(kind).label}: {theme} ({network.name[:80]})"
            precision = rng.choices(
                [DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.QUARTER, DatePrecision.YEAR, None],
                [60, 15, 10, 5, 10],
            )[0]
            starts_on = ends_on = None
            if precision is not None:
                offset = rng.randint(-4 * 365, 365) if index % 4 else rng.randint(1, 365)
                starts_on = period_start(self.today + datetime.timedelta(days=offset), precision)
                if precision == DatePrecision.DAY and self.chance(0.15):
                    ends_on = starts_on + datetime.timedelta(days=1)
            period_ends_on = (ends_on or period_end(starts_on, precision)) if starts_on else None
            upcoming = period_ends_on is not None and period_ends_on >= self.today
            if self.chance(0.05):
                status = MeetingStatus.CANCELLED
            else:
                status = MeetingStatus.PLANNED if upcoming else MeetingStatus.HELD
            participating = self.sample(members, rng.randint(1, 6))
            place_city = rng.choice(participating) if participating and self.chance(0.7) else None
            meeting = Meeting(
                title=title,
                slug=slugs(german_slugify(title)[:190]),
                kind=kind,
                format=rng.choices(MeetingFormat.values, [60, 20, 10, 10])[0],
                status=status,
                starts_on=starts_on,
                date_precision=precision or DatePrecision.DAY,
                ends_on=ends_on,
                period_ends_on=period_ends_on,
                place_city=place_city,
                place_text="" if place_city or self.chance(0.5) else f"Rathaus {rng.choice(NAME_HEADS)}au",
                attendee_count=rng.randint(5, 150) if self.chance(0.5) else None,
                topics=f"{theme}\nBerichte aus den Städten",
                description=f"Treffen des Netzwerks {network.name} zum Thema {theme}.",
            )
            meeting.search_text = fold(f"{meeting.title} {meeting.place_text} {meeting.topics}")[:500]
            meetings.append(meeting)
            plans.append((meeting, network, participating))
        Meeting.objects.bulk_create(meetings)

        network_links, host_links, town_links, people_links = [], [], [], []
        for meeting, network, participating in plans:
            network_links.append((meeting, network))
            town_links.extend((meeting, town) for town in participating)
            host_links.extend((meeting, town) for town in participating[:2])
            people = [p for town in participating for p in self.people_by_town.get(town.pk, [])][:6]
            people_links.extend((meeting, person) for person in people)
        _link(Meeting, "networks", network_links)
        _link(Meeting, "host_cities", host_links)
        _link(Meeting, "participating_cities", town_links)
        _link(Meeting, "participants", people_links)

        held = [meeting for meeting, _, _ in plans if meeting.status == MeetingStatus.HELD and meeting.starts_on]
        reports = []
        wanted = self.published_report_count
        for index, meeting in enumerate(self.sample(held, wanted + self.draft_report_count)):
            published = index < wanted
            theme = meeting.topics.splitlines()[0]
            published_at = None
            if published:
                day = min(meeting.period_ends_on + datetime.timedelta(days=rng.randint(1, 30)), self.today)
                published_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
            next_precision = rng.choice([DatePrecision.QUARTER, DatePrecision.MONTH, DatePrecision.DAY])
            next_on = period_start(self.today + datetime.timedelta(days=rng.randint(30, 300)), next_precision)
            reports.append(
                MeetingReport(
                    meeting=meeting,
                    author=rng.choice(self.people) if self.chance(0.5) else None,
                    lead=f"Bericht vom Treffen zum Thema {theme}.",
                    body=BODY.format(theme=theme),
                    outcomes="Projekte dokumentieren\nNächstes Treffen vorbereiten",
                    next_meeting_on=next_on if self.chance(0.6) else None,
                    next_meeting_precision=next_precision,
                    status=ReportStatus.PUBLISHED if published else ReportStatus.DRAFT,
                    published_at=published_at,
                )
            )
        MeetingReport.objects.bulk_create(reports)


# Relative size of the networks that `generate_directory` grows, by kind; tandems keep their two to
# four towns, and ended networks and federal working groups keep what `plan_memberships` gave them.
GROWTH_WEIGHTS = {NetworkKind.STATE: 4.0, NetworkKind.REGIONAL: 2.0, NetworkKind.THEMATIC: 1.0}


class _DirectoryGenerator(_Generator):
    """`_Generator` with exact numbers of towns, networks, memberships and meetings."""

    def __init__(self, rng: random.Random, *, towns: int, networks: int, memberships: int, meetings: int):
        super().__init__(networks // NETWORKS_PER_UNIT, rng)
        self.town_count = towns
        self.people_count = towns
        self.meeting_count = meetings
        self.published_report_count = meetings * PUBLISHED_REPORTS_PER_UNIT // MEETINGS_PER_UNIT
        self.draft_report_count = meetings // MEETINGS_PER_UNIT
        self.membership_count = memberships

    def make_memberships(self) -> None:
        subgroups, memberships = self.plan_memberships()
        federal = [m for m in memberships if m.network_id == self.federal.pk]
        others = [m for m in memberships if m.network_id != self.federal.pk]
        wanted = self.membership_count - len(federal)
        if len(others) > wanted:
            others = others[:wanted]
        else:
            others += self.more_memberships(wanted - len(others), others)
        self.save_memberships(subgroups, federal + others)
        self.update_declared_counts()

    def more_memberships(self, count: int, planned: list[Membership]) -> list[Membership]:
        """`count` further current memberships in the growing networks, none twice."""
        rng = self.rng
        members = defaultdict(set)
        for membership in planned:
            if membership.until is None:
                members[membership.network_id].add(membership.city.pk)
        new_pks = {town.pk for town in self.towns}
        everyone = self.towns + list(City.objects.exclude(pk__in=new_pks).select_related("state").order_by("pk"))
        by_state = defaultdict(list)
        for town in everyone:
            by_state[town.state_id].append(town)

        growing, weights, pools = [], [], []
        for network, _, states in self.plans:
            weight = GROWTH_WEIGHTS.get(network.kind)
            if weight is None or network.status == NetworkStatus.ENDED:
                continue
            pool = [town for state in states for town in by_state[state.pk]] if states else everyone
            growing.append(network)
            weights.append(weight * rng.lognormvariate(0, 0.5))
            pools.append(pool)

        # Shares of `count` by weight, capped by the towns a network can still take; what the caps
        # leave over goes round the networks that still have room, one membership at a time.
        room = [len(pool) - len(members[network.pk]) for network, pool in zip(growing, pools, strict=False)]
        if sum(room) < count:
            raise ValueError(f"The towns can hold only {sum(room)} more memberships, not {count}.")
        total = sum(weights)
        shares = [min(int(count * weight / total), space) for weight, space in zip(weights, room, strict=False)]
        missing = count - sum(shares)
        while missing:
            for index in range(len(growing)):
                if missing and shares[index] < room[index]:
                    shares[index] += 1
                    missing -= 1

        added = []
        for network, pool, share in zip(growing, pools, shares, strict=False):
            current = members[network.pk]
            drawn = rng.sample(pool, min(len(pool), share + len(current)))
            since = min(network.started_on or self.past_date(5), self.today)
            for town in [town for town in drawn if town.pk not in current][:share]:
                added.append(
                    Membership(
                        city=town,
                        network_id=network.pk,
                        since=period_start(since, network.started_precision),
                        since_precision=network.started_precision,
                        role=rng.choice([MembershipRole.MEMBER, MembershipRole.HOST]),
                    )
                )
        return added

    def update_declared_counts(self) -> None:
        """A count "according to the source" below the named members would read oddly: raise it."""
        changed = []
        for network in self.networks:
            named = len(self.members_of.get(network.pk, []))
            if network.declared_member_count is not None and network.declared_member_count < named:
                network.declared_member_count = min(named + self.rng.randint(0, 4), 32_000)
                changed.append(network)
        Network.objects.bulk_update(changed, ["declared_member_count"])


def _link(model, field_name: str, pairs) -> None:
    """Bulk-insert rows of a many-to-many table: `pairs` of (source object, target object)."""
    field = model._meta.get_field(field_name)
    through = field.remote_field.through
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    through.objects.bulk_create([through(**{source: a.pk, target: b.pk}) for a, b in pairs])


# --- geometry -------------------------------------------------------------------------------


def _state_shapes() -> dict[str, tuple[list, tuple[float, float, float, float]]]:
    with STATES_FILE.open(encoding="utf-8") as handle:
        states = json.load(handle)["states"]
    shapes = {}
    for code, state in states.items():
        rings = [[(float(lon), float(lat)) for lon, lat in ring] for ring in state["rings"]]
        lons = [lon for ring in rings for lon, _ in ring]
        lats = [lat for ring in rings for _, lat in ring]
        shapes[code] = (rings, (min(lons), min(lats), max(lons), max(lats)))
    return shapes


def _inside(lon: float, lat: float, rings) -> bool:
    """Even-odd rule over all rings of a state (holes and islands included)."""
    inside = False
    for ring in rings:
        previous_lon, previous_lat = ring[-1]
        for point_lon, point_lat in ring:
            if (point_lat > lat) != (previous_lat > lat):
                crossing = (previous_lon - point_lon) * (lat - point_lat) / (previous_lat - point_lat) + point_lon
                if lon < crossing:
                    inside = not inside
            previous_lon, previous_lat = point_lon, point_lat
    return inside
