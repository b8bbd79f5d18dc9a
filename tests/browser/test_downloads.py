"""The download and calendar links follow the filters when HTMX swaps the results, and fit a phone screen."""

import re

from playwright.sync_api import expect


def open_group(page, name):
    page.locator("summary", has_text=re.compile(f"^{name}$")).click()


def test_download_links_follow_a_filter_change_without_reloading(page, site):
    page.goto(f"{site}/staedte/")
    page.evaluate("window.__stillTheSamePage = true")

    open_group(page, "Bundesland")
    page.get_by_label("Sachsen-Anhalt", exact=True).check()

    expect(page.get_by_role("link", name=re.compile("^CSV herunterladen"))).to_have_attribute(
        "href", "/staedte/export.csv?land=sachsen-anhalt"
    )
    expect(page.get_by_role("link", name=re.compile("^JSON herunterladen"))).to_have_attribute(
        "href", "/staedte/export.json?land=sachsen-anhalt"
    )
    assert page.evaluate("window.__stillTheSamePage") is True


def test_the_calendar_link_follows_the_meeting_filters(page, site):
    page.goto(f"{site}/treffen/")

    page.get_by_label("Jahr", exact=True).fill("2024")
    page.get_by_label("Jahr", exact=True).press("Enter")

    expect(page.get_by_role("link", name=re.compile("^Kalender abonnieren"))).to_have_attribute(
        "href", "/treffen/kalender.ics?jahr=2024"
    )


def test_the_links_fit_a_phone_screen(page, site):
    page.set_viewport_size({"width": 360, "height": 800})
    for url in ("/staedte/", "/netzwerke/", "/treffen/", "/mitgliedschaften/", "/staedte/radebeul/"):
        page.goto(f"{site}{url}")
        assert not page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"), url
