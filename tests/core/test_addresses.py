"""core.addresses.slug_url gives the addresses reverse() gives, without resolving each anew."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from core.addresses import slug_url

VIEWS = ["cities:city_detail", "cities:state_detail", "networks:network_detail", "events:meeting_detail"]
SLUGS = ["wittenberg", "dessau-rosslau", "a_b-2", "x"]


@pytest.fixture
def script_prefix():
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize("viewname", VIEWS)
@pytest.mark.parametrize("slug", SLUGS)
def test_the_address_is_the_one_reverse_gives(viewname, slug):
    assert slug_url(viewname, slug) == reverse(viewname, args=[slug])


@pytest.mark.parametrize("viewname", VIEWS)
def test_a_site_served_under_a_path_keeps_it_in_every_address(viewname, script_prefix):
    slug_url(viewname, "wittenberg")  # the pattern is resolved under "/"
    script_prefix("/verzeichnis/")
    assert slug_url(viewname, "wittenberg") == reverse(viewname, args=["wittenberg"])
    assert slug_url(viewname, "wittenberg").startswith("/verzeichnis/")


def test_a_slug_that_is_not_plain_ascii_is_quoted_like_reverse_does():
    # SlugFields of the directory hold ASCII; an address is still never built from raw text.
    assert slug_url("events:meeting_detail", "treffen") == "/treffen/treffen/"
    with pytest.raises(NoReverseMatch):  # what the slug converter does not match has no address
        slug_url("cities:city_detail", "a b")


def test_a_view_without_a_slug_is_refused():
    with pytest.raises(NoReverseMatch):
        slug_url("cities:city_list", "wittenberg")
