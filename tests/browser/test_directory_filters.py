"""Filtering the town directory in a real browser, with and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

LANDESNETZWERK_ST = "landesnetzwerk-engagierte-staedte-sachsen-anhalt"


def open_group(page, name):
    page.locator("summary", has_text=re.compile(f"^{name}$")).click()


def test_choosing_a_state_and_a_network_updates_the_list_without_reloading(page, site):
    page.goto(f"{site}/staedte/")
    expect(page.locator(".result-count")).to_have_text("100 Engagierte Städte und 1 Engagiertes Land")
    page.evaluate("window.__stillTheSamePage = true")

    open_group(page, "Bundesland")
    page.get_by_label("Sachsen-Anhalt", exact=True).check()
    expect(page.locator(".result-count")).to_have_text("9 Engagierte Städte und 1 Engagiertes Land")
    expect(page).to_have_url(re.compile(r"land=sachsen-anhalt"))

    open_group(page, "Netzwerk")
    page.get_by_label("Regionalnetzwerk Anhalt", exact=True).check()
    expect(page.locator(".result-count")).to_have_text("4 Engagierte Städte und 1 Engagiertes Land")
    expect(page).to_have_url(re.compile(r"land=sachsen-anhalt.*netzwerk=regionalnetzwerk-anhalt"))
    assert page.locator(".city-card h3").all_inner_texts() == [
        "Aken (Elbe)",
        "Bitterfeld-Wolfen",
        "Dessau-Roßlau",
        "Gräfenhainichen",
        "Wittenberg (Lutherstadt)",  # listed under W, where it is sorted
    ]
    assert page.evaluate("window.__stillTheSamePage") is True


def test_typing_a_search_term_filters_as_you_type(page, site):
    page.goto(f"{site}/staedte/")
    page.evaluate("window.__stillTheSamePage = true")
    page.get_by_label("Suche", exact=True).press_sequentially("rosslau", delay=40)
    expect(page.locator(".result-count")).to_have_text("1 Engagierte Stadt")
    expect(page.locator(".city-card h3")).to_have_text("Dessau-Roßlau")
    expect(page).to_have_url(re.compile(r"q=rosslau"))
    assert page.evaluate("window.__stillTheSamePage") is True


def test_the_back_button_restores_the_earlier_list(page, site):
    page.goto(f"{site}/staedte/")
    open_group(page, "Bundesland")
    page.get_by_label("Sachsen-Anhalt", exact=True).check()
    expect(page.locator(".result-count")).to_have_text("9 Engagierte Städte und 1 Engagiertes Land")
    open_group(page, "Netzwerk")
    page.get_by_label("Regionalnetzwerk Anhalt", exact=True).check()
    expect(page.locator(".result-count")).to_have_text("4 Engagierte Städte und 1 Engagiertes Land")

    page.go_back()
    expect(page).to_have_url(re.compile(r"land=sachsen-anhalt$"))
    expect(page.locator(".result-count")).to_have_text("9 Engagierte Städte und 1 Engagiertes Land")
    page.go_back()
    expect(page.locator(".result-count")).to_have_text("100 Engagierte Städte und 1 Engagiertes Land")


def test_removing_a_filter_chip_updates_list_and_form(page, site):
    page.goto(f"{site}/staedte/?land=sachsen-anhalt&netzwerk=regionalnetzwerk-anhalt")
    expect(page.locator(".result-count")).to_have_text("4 Engagierte Städte und 1 Engagiertes Land")
    page.locator(".chip", has_text="Regionalnetzwerk Anhalt").click()
    expect(page.locator(".result-count")).to_have_text("9 Engagierte Städte und 1 Engagiertes Land")
    expect(page.get_by_label("Regionalnetzwerk Anhalt", exact=True)).not_to_be_checked()
    expect(page.get_by_label("Sachsen-Anhalt", exact=True)).to_be_checked()


@pytest.mark.parametrize("javascript", [False])
def test_the_same_filters_work_without_javascript(browser, site, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(f"{site}/staedte/")
    open_group(page, "Bundesland")
    page.get_by_label("Sachsen-Anhalt", exact=True).check()
    open_group(page, "Netzwerk")
    page.get_by_label("Landesnetzwerk Engagierte Städte Sachsen-Anhalt", exact=True).check()
    page.get_by_role("button", name="Filter anwenden").click()
    expect(page).to_have_url(re.compile(f"netzwerk={LANDESNETZWERK_ST}"))
    expect(page.locator(".result-count")).to_have_text("9 Engagierte Städte")
    context.close()


def test_the_map_links_open_town_pages(page, site):
    page.goto(f"{site}/staedte/?land=sachsen-anhalt&q=stendal")
    expect(page.locator(".result-count")).to_have_text("1 Engagierte Stadt")
    page.locator("svg a").first.click()
    expect(page).to_have_url(re.compile(r"/staedte/stendal/$"))
    expect(page.locator("h1")).to_have_text("Hansestadt Stendal")


def picker_choices(page):
    return page.locator("#network-choices label")


def test_the_network_search_narrows_the_choices_and_leaves_the_results_alone(page, site):
    page.goto(f"{site}/staedte/")
    page.evaluate("window.__stillTheSamePage = true")
    open_group(page, "Netzwerk")
    expect(picker_choices(page)).to_have_count(11)

    page.get_by_label("Netzwerk suchen").press_sequentially("anhalt", delay=40)
    expect(picker_choices(page)).to_have_text(
        ["Landesnetzwerk Engagierte Städte Sachsen-Anhalt", "Regionalnetzwerk Anhalt"]
    )
    expect(page.locator("#network-choices-hint")).to_contain_text("2 Netzwerke")
    # Looking for a network changes no filter: the list and the address stay as they were.
    expect(page.locator(".result-count")).to_have_text("100 Engagierte Städte und 1 Engagiertes Land")
    expect(page).to_have_url(f"{site}/staedte/")

    page.get_by_label("Regionalnetzwerk Anhalt", exact=True).check()
    expect(page.locator(".result-count")).to_have_text("4 Engagierte Städte und 1 Engagiertes Land")
    expect(page).to_have_url(re.compile(r"netzwerk=regionalnetzwerk-anhalt"))
    assert page.evaluate("window.__stillTheSamePage") is True


def test_choosing_a_state_offers_its_networks_and_keeps_the_ticked_one(page, site):
    page.goto(f"{site}/staedte/")
    open_group(page, "Netzwerk")
    page.get_by_label("Engagierte Städte – Hochschulen", exact=True).check()
    expect(page).to_have_url(re.compile(r"netzwerk=engagierte-staedte-hochschulen"))

    open_group(page, "Bundesland")
    page.get_by_label("Bayern", exact=True).check()

    expect(picker_choices(page)).to_have_text(
        [
            "Engagierte Städte – Hochschulen",
            re.compile("Regionalnetzwerk Engagierte Stadt Bayern|Austausch Coburg – Kronach"),
            re.compile("Regionalnetzwerk Engagierte Stadt Bayern|Austausch Coburg – Kronach"),
        ]
    )
    expect(page.get_by_label("Engagierte Städte – Hochschulen", exact=True)).to_be_checked()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_on_a_phone_the_filters_wait_behind_a_button_that_counts_them(browser, site, javascript):
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/staedte/?land=sachsen-anhalt")
    button = page.locator("label.filter-toggle-button")

    expect(button).to_have_text("Filter (1)")
    expect(page.locator("#staedte-filter")).to_be_hidden()
    expect(page.locator(".result-count")).to_have_text("9 Engagierte Städte und 1 Engagiertes Land")
    assert page.locator(".result-count").bounding_box()["y"] < 900  # the list starts on the first screen

    button.click()
    expect(page.locator("#staedte-filter")).to_be_visible()
    page.get_by_role("button", name="Filter anwenden").click()
    expect(page.locator(".result-count")).to_have_text("9 Engagierte Städte und 1 Engagiertes Land")
    context.close()


def test_the_meeting_list_on_a_phone_shows_meetings_first_and_counts_filters_as_they_change(browser, site):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/treffen/?land=sachsen")
    button = page.locator("label.filter-toggle-button")

    expect(button).to_have_text("Filter (1)")
    expect(page.locator("#treffen-filter")).to_be_hidden()
    assert page.locator("#anstehend").bounding_box()["y"] < 900  # the meetings start on the first screen

    button.click()
    page.get_by_label("Format").select_option("vor Ort")
    expect(button).to_have_text("Filter (2)")  # the count came with the HTMX answer, out of band
    expect(page).to_have_url(re.compile(r"format="))
    expect(page.locator("#results .meeting-item").first).to_contain_text("vor Ort")
    context.close()


def test_on_a_wide_screen_the_filters_are_always_shown(page, site):
    page.goto(f"{site}/staedte/")

    expect(page.locator("#staedte-filter")).to_be_visible()
    expect(page.locator("label.filter-toggle-button")).to_be_hidden()


def test_typing_replaces_the_history_entry_and_ticking_a_box_pushes_one(page, site):
    page.goto(f"{site}/staedte/")
    before = page.evaluate("history.length")

    page.get_by_label("Suche", exact=True).press_sequentially("des", delay=700)  # a pause after each letter
    expect(page).to_have_url(re.compile(r"q=des$"))
    expect(page.locator(".result-count")).to_have_text("1 Engagierte Stadt")
    page.get_by_label("Suche", exact=True).blur()
    assert page.evaluate("history.length") == before  # no "d", "de", "des" on the back stack

    open_group(page, "Bundesland")
    page.get_by_label("Sachsen-Anhalt", exact=True).check()
    expect(page).to_have_url(re.compile(r"q=des&land=sachsen-anhalt"))
    assert page.evaluate("history.length") == before + 1

    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=des$"))
    expect(page.locator(".result-count")).to_have_text("1 Engagierte Stadt")


def test_without_javascript_back_shows_boxes_that_match_the_list(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}/staedte/")
    open_group(page, "Bundesland")
    page.get_by_label("Sachsen-Anhalt", exact=True).check()
    page.get_by_role("button", name="Filter anwenden").click()
    expect(page.locator(".result-count")).to_have_text("9 Engagierte Städte und 1 Engagiertes Land")

    page.go_back()
    expect(page.locator(".result-count")).to_have_text("100 Engagierte Städte und 1 Engagiertes Land")
    assert page.locator("#staedte-filter").get_attribute("autocomplete") == "off"
    expect(page.get_by_label("Sachsen-Anhalt", exact=True)).not_to_be_checked()
    context.close()


def test_on_a_phone_the_map_waits_folded_above_the_list(browser, site):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/staedte/?land=sachsen-anhalt")
    summary = page.locator(".map-box > summary")

    expect(summary).to_be_visible()
    expect(page.locator(".map-box svg")).to_be_hidden()
    assert summary.bounding_box()["y"] < page.locator(".city-card").first.bounding_box()["y"]
    summary.click()
    expect(page.locator(".map-box svg")).to_be_visible()
    context.close()


def test_on_a_wide_screen_the_map_is_open_beside_the_list(page, site):
    page.goto(f"{site}/staedte/?land=sachsen-anhalt")

    expect(page.locator(".map-box svg")).to_be_visible()
    expect(page.locator(".map-box > summary")).to_be_hidden()
