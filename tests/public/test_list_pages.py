"""What every filtered list shares: on phones the filters wait behind a "Filter (n)" button that
counts the active ones (an HTMX answer updates the count out of band, a full page never carries
the out-of-band copy), and no filter form lets the browser refill it after Back."""

import pytest

from tests.pages import page

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}
# Each list with a query of three active filters.
LISTS = {
    "/staedte/": "?land=hessen&land=bayern&groesse=lt20",
    "/treffen/": "?land=sachsen&land=bayern&format=digital",
    "/netzwerke/": "?land=sachsen-anhalt&land=bayern&art=regional",
}


@pytest.mark.parametrize("url", LISTS)
def test_the_filter_button_counts_the_active_filters_and_opens_the_form(client, demo, url):
    root = page(client.get(url + LISTS[url]))
    button = root.one("label", class_="filter-toggle-button")
    toggle = root.one("input", id="filter-toggle")

    assert button.get("for") == "filter-toggle" == toggle.get("id")
    assert button.text == "Filter (3)"
    assert root.one("form", id=toggle.get("aria-controls")).get("method") == "get"
    assert page(client.get(url)).one("label", class_="filter-toggle-button").text == "Filter"


@pytest.mark.parametrize("url", LISTS)
def test_an_htmx_answer_updates_the_filter_count_out_of_band(client, demo, url):
    fragment = page(client.get(url + "?land=bayern", headers=HX))
    full = page(client.get(url + "?land=bayern"))
    boosted = page(client.get(url + "?land=bayern", headers={**HX, "HX-Boosted": "true"}))

    count = fragment.one("span", id="filter-count")
    assert count.get("hx-swap-oob") == "true"
    assert count.text == "(1)"
    # A full page (also one a boosted chip link asks for) has the count in its button only.
    for root in (full, boosted):
        (count,) = root.find_all("span", id="filter-count")
        assert count.get("hx-swap-oob") is None
        assert count.parent.tag == "label"


@pytest.mark.parametrize("url", [*LISTS, "/mitgliedschaften/"])
def test_no_filter_form_is_refilled_by_the_browser_after_back(client, demo, url):
    forms = [form for form in page(client.get(url)).find_all("form") if form.get("method") == "get"]
    filters = [form for form in forms if "filters" in (form.get("class") or "").split()]

    assert filters
    assert all(form.get("autocomplete") == "off" for form in filters)
