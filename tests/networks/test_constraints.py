"""Memberships, seats and partnerships keep their rules in the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cities.models import City, Person, State
from networks.models import Membership, Network, NetworkKind, NetworkStatus, Seat, SeatTerm, StatePartnership, SubGroup

# These tests build their own towns and networks.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_directory")]


@pytest.fixture
def city():
    return City.objects.create(name="Stendal", state=State.objects.get(code="DE-ST"))


@pytest.fixture
def network():
    return Network.objects.create(name="Landesnetzwerk Test", kind=NetworkKind.STATE)


def test_network_slugs_are_unique(network):
    with pytest.raises(IntegrityError), transaction.atomic():
        Network.objects.create(name="Anderer Name", slug=network.slug, kind=NetworkKind.REGIONAL)


def test_a_town_is_at_most_once_active_in_the_same_network(city, network):
    Membership.objects.create(city=city, network=network)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(city=city, network=network)


def test_a_town_may_rejoin_after_an_earlier_membership_ended(city, network):
    Membership.objects.create(
        city=city, network=network, since=datetime.date(2020, 1, 1), until=datetime.date(2021, 12, 31)
    )
    Membership.objects.create(city=city, network=network, since=datetime.date(2023, 1, 1))
    assert Membership.objects.filter(city=city, network=network).count() == 2


def test_membership_cannot_end_before_it_began(city, network):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            city=city, network=network, since=datetime.date(2024, 1, 1), until=datetime.date(2023, 1, 1)
        )


def test_subgroup_must_belong_to_the_membership_network(city, network):
    other = Network.objects.create(name="Anderes Netzwerk", kind=NetworkKind.REGIONAL)
    group = SubGroup.objects.create(network=other, name="östliche Städte")
    membership = Membership(city=city, network=network, subgroup=group)
    with pytest.raises(ValidationError):
        membership.full_clean()


def test_network_cannot_end_before_it_started():
    with pytest.raises(IntegrityError), transaction.atomic():
        Network.objects.create(
            name="Kurz",
            kind=NetworkKind.REGIONAL,
            started_on=datetime.date(2023, 1, 1),
            ended_on=datetime.date(2022, 1, 1),
        )


def test_an_ended_network_needs_an_end_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        Network.objects.create(name="Vorbei", kind=NetworkKind.REGIONAL, status=NetworkStatus.ENDED)


def test_a_seat_has_only_one_open_term(network):
    seat = Seat.objects.create(network=network, title="Landessprecher*in Verwaltung")
    first = Person.objects.create(name="Erste Person")
    second = Person.objects.create(name="Zweite Person")
    SeatTerm.objects.create(seat=seat, person=first, elected_on=datetime.date(2025, 3, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatTerm.objects.create(seat=seat, person=second, elected_on=datetime.date(2026, 3, 1))


def test_a_new_election_keeps_the_earlier_holder_in_the_seat_history(network):
    seat = Seat.objects.create(network=network, title="Landessprecher*in Verwaltung")
    first = Person.objects.create(name="Erste Person")
    second = Person.objects.create(name="Zweite Person")
    SeatTerm.objects.create(
        seat=seat, person=first, elected_on=datetime.date(2023, 3, 1), term_ends_on=datetime.date(2025, 3, 1)
    )
    SeatTerm.objects.create(seat=seat, person=second, elected_on=datetime.date(2025, 3, 1))
    assert list(seat.terms.values_list("person__name", flat=True)) == ["Zweite Person", "Erste Person"]


def test_a_term_must_end_after_the_election(network):
    seat = Seat.objects.create(network=network, title="Sitz")
    person = Person.objects.create(name="Person")
    with pytest.raises(IntegrityError), transaction.atomic():
        SeatTerm.objects.create(
            seat=seat, person=person, elected_on=datetime.date(2025, 3, 1), term_ends_on=datetime.date(2024, 3, 1)
        )


def test_one_partnership_per_state():
    state = State.objects.get(code="DE-ST")
    StatePartnership.objects.create(state=state, ordinal=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatePartnership.objects.create(state=state, ordinal=6)


def test_partnership_ordinals_are_unique():
    StatePartnership.objects.create(state=State.objects.get(code="DE-ST"), ordinal=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatePartnership.objects.create(state=State.objects.get(code="DE-BY"), ordinal=5)
