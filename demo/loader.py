"""Load the demo data in `network.toml` into the database.

Every record is matched by its natural key (slugs, names, (network, title) for seats …)
and written only when a value differs, so a second run changes nothing: no duplicates,
no new timestamps. Fields missing from the file get the model's default, which keeps
the database equal to the file for every record the file names. Records the file does
not name are left alone. Everything runs in one transaction: each object passes its
field validation and `clean()` before it is saved, the database enforces the unique and
check constraints, and any error rolls the whole load back.

The change history gets one entry per created or changed object, with its final values and
links, written in bulk at the end of the load (django-simple-history's signals would write
an entry, and read the links, at every single save).
"""

from __future__ import annotations

import datetime
import tomllib
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import get_m2m_field_name

from cities.models import City, Organization, Person, State
from core.caching import directory_changed
from core.dates import period_start
from core.models import Citation, Source
from events.models import Meeting, MeetingReport, ReportStatus
from networks.models import (
    Campaign,
    Membership,
    Network,
    PartnershipCommitment,
    Seat,
    SeatTerm,
    StatedCount,
    StatePartnership,
    SubGroup,
)

DATA_FILE = Path(__file__).with_name("network.toml")
# The data files, loaded as one: network.toml (organisations, the towns of the seed texts,
# networks, partnerships, meetings), towns.toml (the further member towns and their sources) and
# gazetteer.toml (coordinates and populations from GeoNames, written by demo/gazetteer.py).
DATA_FILES = (DATA_FILE, Path(__file__).with_name("towns.toml"), Path(__file__).with_name("gazetteer.toml"))

# The town fields that gazetteer.toml supplies; a town's own record leaves them to it.
GAZETTEER_FIELDS = ("latitude", "longitude", "population")

COORDINATE_STEP = Decimal("0.00001")

# What the change history says of the entries this loader writes (it runs without a signed-in user).
LOADER_CHANGE_REASON = "Datendateien geladen (manage.py load_demo)"

# Sections in the order they are loaded; the keys of the summary dict.
SECTIONS = (
    "sources",
    "organizations",
    "cities",
    "people",
    "networks",
    "subgroups",
    "memberships",
    "seats",
    "seat_terms",
    "campaigns",
    "partnerships",
    "commitments",
    "meetings",
    "reports",
    "stated_counts",
)

# (date field, precision field) pairs: dates are stored as the first day of their period.
PERIOD_FIELDS = {
    Source: [("published_on", "published_precision")],
    Network: [("started_on", "started_precision"), ("ended_on", "ended_precision")],
    Membership: [("since", "since_precision"), ("until", "until_precision")],
    StatedCount: [("as_of", "as_of_precision")],
    SeatTerm: [("elected_on", "elected_precision")],
    Campaign: [("started_on", "started_precision"), ("ended_on", "ended_precision")],
    StatePartnership: [("signed_on", "signed_precision")],
    Meeting: [("starts_on", "date_precision")],
    MeetingReport: [("next_meeting_on", "next_meeting_precision")],
}

# The keys a record of each kind may have; the first set is required.
RECORD_KEYS = {
    "source": ({"title"}, {"publisher", "url", "published", "published_precision", "retrieved"}),
    "gazetteer": ({"source", "latitude", "longitude"}, {"population"}),
    "organization": (
        {"name"},
        {"short_name", "kind", "city", "state", "website", "description", "sources", "fact_sources"},
    ),
    "city": (
        {"slug", "name", "state"},
        {
            "prefix",
            "kind",
            "ags",
            "population",
            "population_year",
            "latitude",
            "longitude",
            "joined_year",
            "active",
            "website",
            "programme_url",
            "description",
            "interview_change",
            "interview_partners",
            "interview_2030",
            "wikidata_id",
            "coordinating_organization",
            "coordination_model",
            "sources",
            "fact_sources",
        },
    ),
    "person": (
        {"name"},
        {"title", "role", "sector", "organization", "city", "contact_public", "sources", "fact_sources"},
    ),
    "network": (
        {"slug", "name", "kind"},
        {
            "short_name",
            "states",
            "parent",
            "started_on",
            "started_precision",
            "ended_on",
            "ended_precision",
            "status",
            "host",
            "partners",
            "stated_counts",
            "description",
            "website",
            "sources",
            "fact_sources",
            "subgroups",
            "memberships",
            "seats",
            "campaigns",
        },
    ),
    "sub-group": ({"name"}, {"declared_member_count", "description"}),
    "membership": (
        {"city"},
        {"since", "since_precision", "until", "until_precision", "role", "subgroup", "note", "sources"},
    ),
    "listed membership": (
        {"network", "city"},
        {"since", "since_precision", "until", "until_precision", "role", "note", "sources"},
    ),
    "stated count": ({"count", "as_of", "sources"}, {"as_of_precision", "note"}),
    "seat": ({"title"}, {"sector", "terms"}),
    "term": ({"person"}, {"elected_on", "elected_precision", "term_ends_on", "note", "sources"}),
    "campaign": (
        {"slug", "name"},
        {
            "description",
            "cities",
            "started_on",
            "started_precision",
            "ended_on",
            "ended_precision",
            "sources",
            "fact_sources",
        },
    ),
    "partnership": (
        {"state", "ordinal"},
        {
            "signed_on",
            "signed_precision",
            "place",
            "signatories",
            "partner_organizations",
            "commitments",
            "description",
            "sources",
            "fact_sources",
        },
    ),
    "meeting": (
        {"slug", "title"},
        {
            "kind",
            "format",
            "status",
            "networks",
            "host_cities",
            "starts_on",
            "date_precision",
            "ends_on",
            "start_time",
            "end_time",
            "place_city",
            "place_text",
            "participating_cities",
            "participants",
            "attendee_count",
            "topics",
            "description",
            "sources",
            "fact_sources",
            "report",
        },
    ),
    "report": (
        set(),
        {
            "author",
            "lead",
            "body",
            "outcomes",
            "next_meeting_on",
            "next_meeting_precision",
            "next_meeting_note",
            "status",
            "published_at",
        },
    ),
}


class DemoDataError(ValueError):
    """The data file is inconsistent: an unknown key, a reference to nothing, a duplicate."""


def read_data(paths) -> dict[str, Any]:
    """The data files as one: their lists (towns, networks …) one after the other, their tables
    (sources, commitments) merged; a key defined in two files is refused."""
    data: dict[str, Any] = {}
    for path in paths:
        try:
            part = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise DemoDataError(f"{Path(path).name} is not valid TOML: {error}") from error
        for section, value in part.items():
            if isinstance(value, list):
                data.setdefault(section, []).extend(value)
            elif isinstance(value, dict):
                merged = data.setdefault(section, {})
                if twice := set(merged) & set(value):
                    raise DemoDataError(f"[{section}] {sorted(twice)} defined twice ({Path(path).name}).")
                merged.update(value)
            else:
                raise DemoDataError(f"Unexpected top-level value {section!r} in {Path(path).name}.")
    return data


def load_demo(stdout=None, path: Path | None = None) -> dict[str, int]:
    """Upsert everything in the demo data file; return how many records of each kind it holds.

    The dict also counts how many objects were `created`, `updated` or left `unchanged`
    in this run, so a second run reports created == updated == 0.
    """
    data = read_data([path] if path else DATA_FILES)
    loader = _Loader(data)
    with transaction.atomic():
        loader.run()
        loader.write_history()
        directory_changed()
    summary = loader.summary()
    if stdout is not None:
        for section in SECTIONS:
            stdout.write(f"{section}: {summary[section]}")
    return summary


class _Loader:
    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.sources: dict[str, Source] = {}
        self.section_counts: Counter[str] = Counter()
        # Each object is counted once, with the strongest thing that happened to it.
        self.outcomes: dict[tuple[type, int], str] = {}
        # The objects this run wrote (saved or relinked), for the change history.
        self.written: dict[tuple[type, int], models.Model] = {}
        self.cache: dict[tuple, dict[tuple, models.Model]] = {}
        self.states = {state.code: state for state in State.objects.all()}
        self.organizations: dict[str, Organization] = {}
        self.cities: dict[str, City] = {}
        self.people: dict[str, Person] = {}
        self.networks: dict[str, Network] = {}

    # --- driver -------------------------------------------------------------------

    def run(self) -> None:
        for key, record in self.data.get("sources", {}).items():
            self.load_source(key, record)
        organizations = self.data.get("organizations", [])
        # Towns name their coordinating body and bodies name their town: write the bodies
        # first without their town, then the towns, then the bodies' towns.
        for record in organizations:
            self.load_organization(record, with_city=False)
        gazetteer = self.data.get("gazetteer", {})
        for record in self.data.get("cities", []):
            self.load_city(record, gazetteer.get(record["slug"]))
        if unknown := set(gazetteer) - set(self.cities):
            raise DemoDataError(f"gazetteer.toml names unknown town(s) {sorted(unknown)}: run `make gazetteer`.")
        for record in organizations:
            self.load_organization(record, with_city=True)
        self.section_counts["organizations"] = len(organizations)
        for record in self.data.get("people", []):
            self.load_person(record)
        for record in self.data.get("networks", []):
            self.load_network(record)
        for record in self.data.get("memberships", []):
            self.load_listed_membership(record)
        for record in self.data.get("partnerships", []):
            self.load_partnership(record)
        for record in self.data.get("meetings", []):
            self.load_meeting(record)

    def summary(self) -> dict[str, int]:
        result = {section: self.section_counts[section] for section in SECTIONS}
        outcomes = Counter(self.outcomes.values())
        for outcome in ("created", "updated", "unchanged"):
            result[outcome] = outcomes[outcome]
        return result

    # --- sections -----------------------------------------------------------------

    def load_organization(self, record: dict, *, with_city: bool) -> None:
        self.check_keys(record, "organization")
        values = self.scalars(Organization, record, ["short_name", "kind", "website", "description"])
        values["state"] = self.state(record.get("state"))
        if with_city:
            values["city"] = self.city(record.get("city"))
        organization = self.upsert(Organization, {"name": record["name"]}, values)
        if with_city:
            self.cite(organization, record)
        for key in filter(None, [organization.name, organization.short_name]):
            known = self.organizations.get(key)
            if known is not None and known.pk != organization.pk:
                raise DemoDataError(f"Organisation reference {key!r} is ambiguous.")
            self.organizations[key] = organization

    def load_city(self, record: dict, gazetteer: dict | None = None) -> None:
        self.check_keys(record, "city")
        if gazetteer is not None:
            self.check_keys(gazetteer, "gazetteer", record["slug"])
            if twice := [field for field in GAZETTEER_FIELDS if field in record]:
                raise DemoDataError(f"Town {record['slug']!r} sets {twice}, which gazetteer.toml supplies.")
            record = {**record, **{field: gazetteer[field] for field in GAZETTEER_FIELDS if field in gazetteer}}
        values = self.scalars(
            City,
            record,
            [
                "name",
                "prefix",
                "kind",
                "ags",
                "population",
                "population_year",
                "joined_year",
                "active",
                "website",
                "programme_url",
                "description",
                "interview_change",
                "interview_partners",
                "interview_2030",
                "wikidata_id",
                "coordination_model",
            ],
        )
        values["ags"] = values["ags"] or None
        values["state"] = self.state(record["state"])
        values["latitude"] = self.coordinate(record.get("latitude"))
        values["longitude"] = self.coordinate(record.get("longitude"))
        values["coordinating_organization"] = self.organization(record.get("coordinating_organization"))
        self.cities[record["slug"]] = self.upsert(City, {"slug": record["slug"]}, values)
        self.cite(self.cities[record["slug"]], record)
        if gazetteer is not None:
            facts = ["coordinates", "population"] if "population" in gazetteer else ["coordinates"]
            self.cite(self.cities[record["slug"]], {"fact_sources": {fact: [gazetteer["source"]] for fact in facts}})
        self.section_counts["cities"] += 1

    def load_person(self, record: dict) -> None:
        self.check_keys(record, "person")
        if record["name"] in self.people:
            raise DemoDataError(f"Person {record['name']!r} appears twice; references by name would be ambiguous.")
        values = self.scalars(Person, record, ["title", "sector", "contact_public"])
        values["organization"] = self.organization(record.get("organization"))
        values["city"] = self.city(record.get("city"))
        # The demo holds no contact data; consent is never assumed.
        values.update(email="", phone="")
        lookup = {"name": record["name"], "role": record.get("role", "")}
        self.people[record["name"]] = self.upsert(Person, lookup, values)
        self.cite(self.people[record["name"]], record)
        self.section_counts["people"] += 1

    def load_network(self, record: dict) -> None:
        self.check_keys(record, "network")
        values = self.scalars(
            Network,
            record,
            [
                "name",
                "short_name",
                "kind",
                "started_on",
                "started_precision",
                "ended_on",
                "ended_precision",
                "status",
                "description",
                "website",
            ],
        )
        values["parent"] = self.network(record.get("parent"))
        values["host"] = self.organization(record.get("host"))
        network = self.upsert(Network, {"slug": record["slug"]}, values)
        self.cite(network, record)
        self.set_m2m(network, "states", [self.state(code) for code in record.get("states", [])])
        self.set_m2m(network, "partners", [self.organization(name) for name in record.get("partners", [])])
        self.networks[record["slug"]] = network
        self.section_counts["networks"] += 1

        for stated in record.get("stated_counts", []):
            self.check_keys(stated, "stated count", f"of {network.slug}")
            values = self.scalars(StatedCount, stated, ["as_of_precision", "note"])
            as_of = period_start(stated["as_of"], values["as_of_precision"])
            lookup = {"network": network, "count": stated["count"], "as_of": as_of}
            self.cite(self.upsert(StatedCount, lookup, values), stated)
            self.section_counts["stated_counts"] += 1

        subgroups = {}
        for sub in record.get("subgroups", []):
            self.check_keys(sub, "sub-group", f"of {network.slug}")
            values = self.scalars(SubGroup, sub, ["declared_member_count", "description"])
            subgroups[sub["name"]] = self.upsert(SubGroup, {"network": network, "name": sub["name"]}, values)
            self.section_counts["subgroups"] += 1

        for member in record.get("memberships", []):
            self.check_keys(member, "membership", f"in {network.slug}")
            self.load_membership(network, member, subgroups)

        for seat_record in record.get("seats", []):
            self.check_keys(seat_record, "seat", f"of {network.slug}")
            values = self.scalars(Seat, seat_record, ["sector"])
            seat = self.upsert(Seat, {"network": network, "title": seat_record["title"]}, values)
            self.section_counts["seats"] += 1
            for term in seat_record.get("terms", []):
                self.check_keys(term, "term", f"of {seat.title}")
                values = self.scalars(SeatTerm, term, ["elected_on", "elected_precision", "term_ends_on", "note"])
                term_obj = self.upsert(SeatTerm, {"seat": seat, "person": self.person(term["person"])}, values)
                self.cite(term_obj, term)
                self.section_counts["seat_terms"] += 1

        for campaign_record in record.get("campaigns", []):
            self.check_keys(campaign_record, "campaign", f"of {network.slug}")
            values = self.scalars(
                Campaign,
                campaign_record,
                [
                    "name",
                    "description",
                    "started_on",
                    "started_precision",
                    "ended_on",
                    "ended_precision",
                ],
            )
            campaign = self.upsert(Campaign, {"network": network, "slug": campaign_record["slug"]}, values)
            self.cite(campaign, campaign_record)
            self.set_m2m(campaign, "cities", [self.city(slug) for slug in campaign_record.get("cities", [])])
            self.section_counts["campaigns"] += 1

    def load_membership(self, network: Network, member: dict, subgroups: dict) -> None:
        values = self.scalars(
            Membership, member, ["since", "since_precision", "until", "until_precision", "role", "note"]
        )
        subgroup_name = member.get("subgroup")
        if subgroup_name is not None and subgroup_name not in subgroups:
            raise DemoDataError(f"Membership in {network.slug} names unknown sub-group {subgroup_name!r}.")
        values["subgroup"] = subgroups.get(subgroup_name)
        lookup = {"city": self.city(member["city"]), "network": network}
        if values["until"] is None:
            lookup["until"] = values.pop("until")  # the one current membership
        else:
            # A past membership: a town may have been a member more than once (rejoined later).
            self.normalise_periods(Membership, values)
            lookup["since"] = values.pop("since")
        membership = self.upsert(Membership, lookup, values)
        self.cite(membership, member)
        self.section_counts["memberships"] += 1

    def load_listed_membership(self, record: dict) -> None:
        """A membership listed on its own (towns.toml), outside its network's record."""
        self.check_keys(record, "listed membership")
        self.load_membership(self.network(record["network"]), record, {})

    def load_partnership(self, record: dict) -> None:
        self.check_keys(record, "partnership")
        values = self.scalars(
            StatePartnership, record, ["ordinal", "signed_on", "signed_precision", "place", "description"]
        )
        partnership = self.upsert(StatePartnership, {"state": self.state(record["state"])}, values)
        self.cite(partnership, record)
        self.set_m2m(partnership, "signatories", [self.person(name) for name in record.get("signatories", [])])
        self.set_m2m(
            partnership,
            "partner_organizations",
            [self.organization(name) for name in record.get("partner_organizations", [])],
        )
        self.section_counts["partnerships"] += 1
        if record.get("commitments"):
            lists = self.data.get("commitments", {})
            for side in ("network", "state"):
                for position, text in enumerate(lists.get(side, []), start=1):
                    lookup = {"partnership": partnership, "side": side, "text": text}
                    self.upsert(PartnershipCommitment, lookup, {"position": position})
                    self.section_counts["commitments"] += 1

    def load_meeting(self, record: dict) -> None:
        self.check_keys(record, "meeting")
        values = self.scalars(
            Meeting,
            record,
            [
                "title",
                "kind",
                "format",
                "status",
                "starts_on",
                "date_precision",
                "ends_on",
                "start_time",
                "end_time",
                "place_text",
                "attendee_count",
                "topics",
                "description",
            ],
        )
        values["place_city"] = self.city(record.get("place_city"))
        meeting = self.upsert(Meeting, {"slug": record["slug"]}, values)
        self.cite(meeting, record)
        self.set_m2m(meeting, "networks", [self.network(slug) for slug in record.get("networks", [])])
        self.set_m2m(meeting, "host_cities", [self.city(slug) for slug in record.get("host_cities", [])])
        self.set_m2m(
            meeting, "participating_cities", [self.city(slug) for slug in record.get("participating_cities", [])]
        )
        self.set_m2m(meeting, "participants", [self.person(name) for name in record.get("participants", [])])
        self.section_counts["meetings"] += 1

        report = record.get("report")
        if report is not None:
            self.check_keys(report, "report", f"of {meeting.slug}")
            values = self.scalars(
                MeetingReport,
                report,
                [
                    "lead",
                    "body",
                    "outcomes",
                    "next_meeting_on",
                    "next_meeting_precision",
                    "next_meeting_note",
                    "status",
                    "published_at",
                ],
            )
            if values["published_at"] is not None and timezone.is_naive(values["published_at"]):
                values["published_at"] = timezone.make_aware(values["published_at"])
            if values["published_at"] is None and values["status"] == ReportStatus.PUBLISHED:
                # No source dates the report: it counts as published when it entered the directory.
                entered = MeetingReport.objects.filter(meeting=meeting).values_list("published_at", flat=True).first()
                values["published_at"] = entered or timezone.now()
            values["author"] = self.person(report.get("author"))
            self.upsert(MeetingReport, {"meeting": meeting}, values)
            self.section_counts["reports"] += 1

    # --- writing ------------------------------------------------------------------

    def upsert(self, model: type[models.Model], lookup: dict, values: dict) -> models.Model:
        """Create the object, or update it when a value differs; never save an unchanged object."""
        self.normalise_periods(model, values)
        existing = self.existing(model, tuple(lookup))
        key = tuple(value.pk if isinstance(value, models.Model) else value for value in lookup.values())
        obj = existing.get(key)
        if obj is None:
            obj = model(**lookup, **values)
            outcome = "created"
        else:
            changed = [name for name, value in values.items() if self.differs(obj, name, value)]
            if not changed:
                self.record(obj, "unchanged")
                return obj
            for name in changed:
                setattr(obj, name, values[name])
            outcome = "updated"
        # Unique and check constraints are enforced by the database inside the transaction;
        # validating them here as well would cost queries per object and double the loading time.
        try:
            obj.full_clean(validate_unique=False, validate_constraints=False)
            obj.skip_history_when_saving = True  # written in bulk by write_history()
            obj.save()
        except (ValidationError, IntegrityError) as error:
            raise DemoDataError(f"{model.__name__} {lookup}: {error}") from error
        existing[key] = obj
        self.record(obj, outcome)
        self.written[type(obj), obj.pk] = obj
        return obj

    def existing(self, model: type[models.Model], key_names: tuple[str, ...]) -> dict[tuple, models.Model]:
        """The model's rows by natural key, read once per run rather than once per record."""
        if (model, key_names) not in self.cache:
            attnames = [model._meta.get_field(name).attname for name in key_names]
            self.cache[model, key_names] = {
                tuple(getattr(obj, attname) for attname in attnames): obj for obj in model.objects.all()
            }
        return self.cache[model, key_names]

    def set_m2m(self, obj: models.Model, name: str, targets: list[models.Model]) -> None:
        manager = getattr(obj, name)
        obj.skip_history_when_saving = True  # written in bulk by write_history()
        if self.outcomes.get((type(obj), obj.pk)) == "created":
            # A new object has no links yet, so there is nothing to read or remove.
            if targets:
                manager.add(*targets)
            return
        if set(manager.values_list("pk", flat=True)) != {target.pk for target in targets}:
            manager.set(targets)
            self.record(obj, "updated")
            self.written[type(obj), obj.pk] = obj

    # --- change history -----------------------------------------------------------

    def write_history(self) -> None:
        """One history entry per object this run created ("+") or changed ("~"), in bulk."""
        groups: dict[tuple[type, bool], list[models.Model]] = defaultdict(list)
        for key, obj in self.written.items():
            del obj.skip_history_when_saving
            groups[type(obj), self.outcomes[key] == "updated"].append(obj)
        now = timezone.now()
        for (model, update), objs in groups.items():
            attribute = getattr(model._meta, "simple_history_manager_attribute", None)
            if attribute is None:
                continue
            history = getattr(model, attribute)
            entries = history.bulk_history_create(
                objs, update=update, default_date=now, default_change_reason=LOADER_CHANGE_REASON
            )
            self.write_link_history(history.model, entries, objs)

    @staticmethod
    def write_link_history(history_model, entries: list[models.Model], objs: list[models.Model]) -> None:
        """The links of tracked many-to-many fields as they stand, for each new history entry
        (what simple-history records per save), with one read and one write per field."""
        for field in getattr(history_model, "_history_m2m_fields", ()):
            through = field.remote_field.through
            own = get_m2m_field_name(field)
            foreign_keys = [f.name for f in through._meta.fields if isinstance(f, models.ForeignKey)]
            names = [f.name for f in through._meta.fields]
            rows = defaultdict(list)
            for row in through.objects.filter(**{f"{own}__in": objs}).select_related(*foreign_keys):
                rows[getattr(row, f"{own}_id")].append(row)
            link_history = HistoricalRecords.m2m_models[field]
            link_history.objects.bulk_create(
                link_history(history=entry, **{name: getattr(row, name) for name in names})
                for entry, obj in zip(entries, objs, strict=True)
                for row in rows[obj.pk]
            )

    def record(self, obj: models.Model, outcome: str) -> None:
        key = (type(obj), obj.pk)
        rank = {"unchanged": 0, "updated": 1, "created": 2}
        if rank[outcome] > rank[self.outcomes.get(key, "unchanged")] or key not in self.outcomes:
            self.outcomes[key] = outcome

    @staticmethod
    def differs(obj: models.Model, name: str, value: Any) -> bool:
        field = obj._meta.get_field(name)
        if field.is_relation:
            return getattr(obj, field.attname) != (value.pk if value is not None else None)
        return getattr(obj, name) != value

    @staticmethod
    def normalise_periods(model: type[models.Model], values: dict) -> None:
        for date_name, precision_name in PERIOD_FIELDS.get(model, []):
            if values.get(date_name) is not None and precision_name in values:
                values[date_name] = period_start(values[date_name], values[precision_name])

    # --- reading ------------------------------------------------------------------

    @staticmethod
    def scalars(model: type[models.Model], record: dict, names: list[str]) -> dict:
        """The named plain fields from the record; a missing one gets the field's default."""
        values = {}
        for name in names:
            field = model._meta.get_field(name)
            value = record[name] if name in record else field.get_default()
            plain_date = isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)
            if plain_date and (
                isinstance(value, datetime.datetime) or (value is not None and not isinstance(value, datetime.date))
            ):
                raise DemoDataError(f"{model.__name__}.{name} needs a plain date, not {value!r}.")
            values[name] = value
        return values

    @staticmethod
    def check_keys(record: dict, kind: str, context: str = "") -> None:
        """Refuse unknown keys (a typo would otherwise silently clear a field) and missing required ones."""
        required, optional = RECORD_KEYS[kind]
        name = record.get("slug") or record.get("name") or record.get("title") or record.get("city") or ""
        where = " ".join(filter(None, [kind, repr(name) if name else "", context]))
        if unknown := set(record) - required - optional:
            raise DemoDataError(f"Unknown key(s) {sorted(unknown)} in {where}.")
        if missing := required - set(record):
            raise DemoDataError(f"Missing key(s) {sorted(missing)} in {where}.")

    def load_source(self, key: str, record) -> None:
        if not isinstance(record, dict):
            raise DemoDataError(f"Source {key!r} needs a table with at least a title (and url, publisher …).")
        self.check_keys(record, "source", key)
        values = self.scalars(Source, record, ["title", "publisher", "url", "published_precision"])
        values["published_on"] = record.get("published")
        values["retrieved_on"] = record.get("retrieved")
        self.sources[key] = self.upsert(Source, {"key": key}, values)
        self.section_counts["sources"] += 1

    def cite(self, obj: models.Model, record: dict) -> None:
        """The record's `sources` back the whole entry; `fact_sources` back single fields of it."""
        entry = {"content_type": ContentType.objects.get_for_model(type(obj)), "object_id": obj.pk}
        cited = [(key, "") for key in record.get("sources", [])]
        cited += [(key, fact) for fact, keys in record.get("fact_sources", {}).items() for key in keys]
        for key, fact in cited:
            self.upsert(Citation, {"source": self.source(key), **entry, "fact": fact}, {})

    def source(self, key: str) -> Source:
        return self._resolve(self.sources, key, "source")

    @staticmethod
    def coordinate(value: float | None) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)).quantize(COORDINATE_STEP)

    @staticmethod
    def _resolve(table: dict, key: str | None, what: str):
        if key is None:
            return None
        try:
            return table[key]
        except KeyError:
            raise DemoDataError(f"Unknown {what} {key!r} (define it before it is referenced).") from None

    def state(self, code: str | None) -> State | None:
        return self._resolve(self.states, code, "state")

    def city(self, slug: str | None) -> City | None:
        return self._resolve(self.cities, slug, "town")

    def organization(self, name: str | None) -> Organization | None:
        return self._resolve(self.organizations, name, "organisation")

    def person(self, name: str | None) -> Person | None:
        return self._resolve(self.people, name, "person")

    def network(self, slug: str | None) -> Network | None:
        return self._resolve(self.networks, slug, "network")
