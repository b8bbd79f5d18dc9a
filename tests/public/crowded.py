"""A crowded directory for the tests of the caps on the public pages.

`crowd()` adds synthetic data (`generate(5)`: 115 towns, 50 networks, 70 meetings) and then
piles it onto a few demo pages, beyond every cap the pages apply:

- 60 more member towns for the Landesnetzwerk Sachsen-Anhalt (members, fellows of Wittenberg,
  the town directory filtered by that network), 30 of them moved to Sachsen-Anhalt;
- 25 more networks in Sachsen-Anhalt, each with members there (state page, state list, picker,
  matrix columns);
- 14 meetings of the Landesnetzwerk that Wittenberg attends, 7 of them with a published report,
  12 of them upcoming (network page, town page, the upcoming list of /treffen/);
- 25 more towns in the Glücksbringer campaign, 40 towns and people at the Bundesnetzwerktreffen.

Everything goes through bulk statements, so a test stays fast.
"""

import datetime

from django.utils import timezone

from cities.models import City, Person, State
from core.text import fold
from demo.synthetic import generate
from events.models import Meeting, MeetingReport, ReportStatus
from networks.models import Campaign, Membership, Network, NetworkKind

LANDESNETZWERK = "landesnetzwerk-engagierte-staedte-sachsen-anhalt"
NATIONAL_MEETING = "bundesnetzwerktreffen-2025-wittenberg"
EXTRA_MEMBERS = 60
EXTRA_STATE_NETWORKS = 25
EXTRA_MEETINGS = 14
EXTRA_REPORTS = 7
EXTRA_UPCOMING = 12


def crowd() -> dict:
    demo_towns = set(City.objects.values_list("pk", flat=True))
    generate(5)
    landesnetzwerk = Network.objects.get(slug=LANDESNETZWERK)
    sachsen_anhalt = State.objects.get(slug="sachsen-anhalt")
    wittenberg = City.objects.get(slug="wittenberg")
    new_towns = list(City.objects.exclude(pk__in=demo_towns).order_by("pk"))

    members = new_towns[:EXTRA_MEMBERS]
    City.objects.filter(pk__in=[town.pk for town in members[:30]]).update(state=sachsen_anhalt)
    Membership.objects.bulk_create(
        Membership(city=town, network=landesnetzwerk)
        for town in members
        if not Membership.objects.filter(city=town, network=landesnetzwerk, until__isnull=True).exists()
    )

    networks = Network.objects.bulk_create(
        Network(
            name=f"Regionalnetzwerk Altmark {index:02d}",
            slug=f"regionalnetzwerk-altmark-{index:02d}",
            kind=NetworkKind.REGIONAL,
            search_text=fold(f"Regionalnetzwerk Altmark {index:02d}"),
        )
        for index in range(EXTRA_STATE_NETWORKS)
    )
    for network in networks:
        network.states.add(sachsen_anhalt)
    Membership.objects.bulk_create(
        Membership(city=town, network=network)
        for index, network in enumerate(networks)
        for town in members[index : index + 2]
    )

    today = timezone.localdate()
    meetings = Meeting.objects.bulk_create(
        Meeting(
            title=f"Netzwerktreffen Sachsen-Anhalt Nr. {index}",
            slug=f"netzwerktreffen-sachsen-anhalt-nr-{index}",
            starts_on=today + datetime.timedelta(days=10 + index if index < EXTRA_UPCOMING else -400 - index),
            period_ends_on=today + datetime.timedelta(days=10 + index if index < EXTRA_UPCOMING else -400 - index),
            search_text=fold(f"Netzwerktreffen Sachsen-Anhalt Nr. {index}"),
        )
        for index in range(EXTRA_MEETINGS)
    )
    for meeting in meetings:
        meeting.networks.add(landesnetzwerk)
        meeting.participating_cities.add(wittenberg)
    published = timezone.now()
    MeetingReport.objects.bulk_create(
        MeetingReport(
            meeting=meeting,
            body="Bericht.",
            lead=f"Bericht Nr. {index}",
            status=ReportStatus.PUBLISHED,
            published_at=published - datetime.timedelta(days=index),
        )
        for index, meeting in enumerate(meetings[:EXTRA_REPORTS])
    )

    Campaign.objects.get(slug="gluecksbringer").cities.add(*new_towns[:25])
    national = Meeting.objects.get(slug=NATIONAL_MEETING)
    national.participating_cities.add(*new_towns[:40])
    national.participants.add(*Person.objects.order_by("pk")[:40])
    return {"new_towns": new_towns, "members": members, "networks": networks, "meetings": meetings}
