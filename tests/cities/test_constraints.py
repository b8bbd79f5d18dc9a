"""The database itself refuses rows that break the directory's rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from cities.models import City, State

# These tests build their own towns and networks.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_directory")]


@pytest.fixture
def saxony_anhalt():
    return State.objects.get(code="DE-ST")


def make_city(state, **fields):
    defaults = {"name": "Teststadt", "slug": "teststadt", "state": state}
    return City.objects.create(**{**defaults, **fields})


def test_all_sixteen_states_exist_with_iso_codes():
    assert State.objects.count() == 16
    assert State.objects.get(code="DE-ST").name == "Sachsen-Anhalt"
    assert State.objects.get(code="DE-TH").slug == "thueringen"


def test_city_slugs_are_unique(saxony_anhalt):
    make_city(saxony_anhalt)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_city(saxony_anhalt, name="Andere Stadt")


def test_ags_keys_are_unique(saxony_anhalt):
    make_city(saxony_anhalt, ags="15001000")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_city(saxony_anhalt, slug="zweite", ags="15001000")


@pytest.mark.parametrize("ags", ["1500100", "1500100X", "150010000"])
def test_ags_keys_have_exactly_eight_digits(saxony_anhalt, ags):
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        make_city(saxony_anhalt, ags=ags)


def test_several_towns_may_have_no_ags(saxony_anhalt):
    make_city(saxony_anhalt, ags=None)
    make_city(saxony_anhalt, slug="zweite", ags="")
    assert City.objects.filter(ags__isnull=True).count() == 2


def test_population_must_be_positive(saxony_anhalt):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_city(saxony_anhalt, population=0)


def test_joining_before_the_programme_started_is_refused(saxony_anhalt):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_city(saxony_anhalt, joined_year=2014)
    make_city(saxony_anhalt, joined_year=2015)


def test_joining_in_the_future_is_refused_by_validation(saxony_anhalt):
    city = City(name="Zukunft", slug="zukunft", state=saxony_anhalt, joined_year=datetime.date.today().year + 1)
    with pytest.raises(ValidationError) as excinfo:
        city.full_clean()
    assert "Zukunft" in str(excinfo.value)


def test_population_year_without_population_is_refused(saxony_anhalt):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_city(saxony_anhalt, population_year=2023)


def test_slug_is_ascii_with_german_transliteration(saxony_anhalt):
    city = City.objects.create(name="Dessau-Roßlau", state=saxony_anhalt)
    assert city.slug == "dessau-rosslau"


def test_official_name_includes_the_prefix(saxony_anhalt):
    city = make_city(saxony_anhalt, name="Stendal", prefix="Hansestadt")
    assert str(city) == "Hansestadt Stendal"
