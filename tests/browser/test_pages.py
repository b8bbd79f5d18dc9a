"""Every page type in a real browser: accessible (axe-core), self-contained, and fit for a phone."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

PAGES = {
    "startseite": "/",
    "staedte": "/staedte/",
    "staedte-gefiltert": "/staedte/?land=sachsen-anhalt&groesse=20-50",
    "stadt": "/staedte/dessau-rosslau/",
    "netzwerke": "/netzwerke/",
    "netzwerk": "/netzwerke/landesnetzwerk-engagierte-staedte-sachsen-anhalt/",
    "netzwerk-ohne-namen": "/netzwerke/regionalnetzwerk-metropolregion-rhein-neckar/",
    "laender": "/laender/",
    "land": "/laender/sachsen-anhalt/",
    "treffen": "/treffen/",
    "treffen-bericht": "/treffen/netzwerktreffen-sachsen-weisswasser-2025/",
    "mitgliedschaften": "/mitgliedschaften/",
    "suche": "/suche/?q=stadt",
    "suche-tippfehler": "/suche/?q=Witenberg",
    "zahlen": "/zahlen/",
    "mitmachen": "/mitmachen/",
    "impressum": "/impressum/",
    "nicht-gefunden": "/gibt-es-nicht/",
}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_accessibility_violations(page, site, name):
    response = page.goto(f"{site}{PAGES[name]}")
    assert response.status == (404 if name == "nicht-gefunden" else 200)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_no_page_requests_any_host_but_the_site(page, site, foreign_requests):
    for path in PAGES.values():
        page.goto(f"{site}{path}")
        page.wait_for_load_state("networkidle")
    assert foreign_requests == []


def test_pages_load_without_console_errors_under_the_content_security_policy(page, site):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    for name, path in PAGES.items():
        if name != "nicht-gefunden":
            page.goto(f"{site}{path}")
    assert errors == []


@pytest.mark.parametrize("width", [1280, 360])
def test_pages_fit_the_screen_and_are_photographed(browser, site, width):
    """No page scrolls sideways at phone width; screenshots land in screenshots/ for a human look."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    SCREENSHOTS.mkdir(exist_ok=True)
    too_wide = []
    for name, path in PAGES.items():
        page.goto(f"{site}{path}")
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
        if page.evaluate("document.documentElement.scrollWidth") > width:
            too_wide.append(name)
    context.close()
    assert too_wide == []


def test_no_matrix_column_is_clipped_at_1280_pixels(page, site):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site}/mitgliedschaften/")
    region = page.locator(".table-scroll").bounding_box()
    headers = page.locator(".matrix thead th.network-col")

    assert headers.count() >= 9
    for index in range(headers.count()):
        box = headers.nth(index).bounding_box()
        assert box["x"] + box["width"] <= region["x"] + region["width"] + 1


def test_on_a_phone_every_state_shows_its_partnership(page, site):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{site}/laender/")
    bavaria = page.locator(".state-table tr", has_text="Bayern").first

    expect(bavaria.get_by_text("Länderpartner", exact=False).first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_phone_directory_with_its_filters_open_has_no_accessibility_violations(browser, site):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/staedte/?land=hessen")
    page.locator("label.filter-toggle-button").click()

    results = Axe().run(page)
    context.close()
    assert results.violations_count == 0, results.generate_report()


def test_the_header_search_finds_a_misspelt_town(page, site):
    page.goto(f"{site}/netzwerke/")
    page.get_by_role("search", name="Im Verzeichnis suchen").get_by_label("Suchbegriff").fill("Witenberg")
    page.get_by_role("search", name="Im Verzeichnis suchen").get_by_role("button", name="Suchen").click()

    expect(page).to_have_url(re.compile(r"/suche/\?q=Witenberg$"))
    page.get_by_role("link", name="Wittenberg (Lutherstadt)").click()
    expect(page.locator("h1")).to_have_text("Lutherstadt Wittenberg")


@pytest.mark.parametrize("width", [320, 360])
def test_the_header_navigation_keeps_to_one_line_on_a_phone_and_shows_every_section(browser, site, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{site}/treffen/")  # the last section is the current one: its pill must show whole
    boxes = [link.bounding_box() for link in page.locator(".main-nav a").all()]
    scroll_width, client_width = page.evaluate(
        "(() => { const nav = document.querySelector('.main-nav'); return [nav.scrollWidth, nav.clientWidth]; })()"
    )

    context.close()
    assert len(boxes) == 4
    assert len({round(box["y"]) for box in boxes}) == 1
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= width for box in boxes)
    assert scroll_width <= client_width


# The widths of each select box's options in its own font, against the room the box leaves for text.
SELECT_OPTIONS_TOO_WIDE = """() => {
    const canvas = document.createElement("canvas").getContext("2d");
    const cut = [];
    for (const select of document.querySelectorAll("form.filters select")) {
        const style = getComputedStyle(select);
        canvas.font = style.font;
        const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 4;
        for (const option of select.options) {
            if (canvas.measureText(option.text).width > room) cut.push(`${select.name}: ${option.text}`);
        }
    }
    return cut;
}"""


@pytest.mark.parametrize("width", [1280, 360])
def test_every_filter_choice_shows_whole_in_its_select_box(browser, site, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    cut = []
    for path in ["/staedte/", "/treffen/", "/netzwerke/", "/mitgliedschaften/"]:
        page.goto(f"{site}{path}")
        if page.locator("label.filter-toggle-button").is_visible():
            page.locator("label.filter-toggle-button").click()
        cut += [f"{path} {text}" for text in page.evaluate(SELECT_OPTIONS_TOO_WIDE)]
    context.close()
    assert cut == []
