"""A spokesperson writes a report in /redaktion/ in a real browser; a visitor reads it at once."""

import io
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import expect

from demo.users import DEMO_PASSWORD, load_demo_users
from tests.editorial.test_editorial import create_autumn_meeting

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"


@pytest.fixture
def editorial_site(writable_site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo_users()
    create_autumn_meeting()
    return writable_site


def photo() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (1200, 800), (11, 95, 85))
    image.paste((242, 184, 75), (300, 200, 900, 600))
    image.save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_spokesperson_writes_previews_illustrates_and_publishes_a_report(browser, editorial_site):
    site = editorial_site
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(f"{site}/anmelden/?next=/redaktion/")
    page.get_by_label("Benutzername").fill("sprecherin-sachsen-anhalt")
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Redaktion")
    expect(page.get_by_role("link", name="Redaktion", exact=True)).to_have_attribute("aria-current", "page")
    # With its fifth section the header still holds the search field on the same line.
    nav, search = page.locator(".main-nav").bounding_box(), page.locator(".header-search").bounding_box()
    assert search["y"] < nav["y"] + nav["height"] and search["x"] > nav["x"] + nav["width"]
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "redaktion-1280.png", full_page=True)

    page.get_by_role("link", name=re.compile(r"^Bericht schreiben\W+Landesnetzwerktreffen im Herbst$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bericht: Landesnetzwerktreffen im Herbst")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    page.get_by_label("Vorspann").fill("Acht Städte trafen sich in Magdeburg.")
    page.locator("#id_body").fill("Wir haben **viel vereinbart**.\n\n- Austausch im Winter\n- Besuch in Stendal")
    preview = page.locator("#vorschau-inhalt")
    expect(preview.locator("strong")).to_have_text("viel vereinbart")
    expect(preview.locator("li")).to_have_text(["Austausch im Winter", "Besuch in Stendal"])
    expect(preview.locator(".report-lead")).to_have_text("Acht Städte trafen sich in Magdeburg.")
    page.locator("#id_body").press_sequentially(" Mehr <script>x</script>")
    expect(preview).to_contain_text("Mehr")
    expect(preview.locator("script")).to_have_count(0)

    page.get_by_role("button", name="Als Entwurf speichern").click()
    expect(page.locator(".flash-messages")).to_contain_text("gespeichert")

    page.locator("#id_upload").set_input_files({"name": "gruppe.jpg", "mimeType": "image/jpeg", "buffer": photo()})
    page.get_by_label("Alternativtext").fill("Die Teilnehmenden vor dem Landtag")
    page.get_by_label("Bildnachweis").fill("Foto: Landesnetzwerk")
    page.get_by_label("Bildunterschrift").fill("Gruppenbild im Oktober")
    page.get_by_role("button", name="Foto hochladen").click()
    expect(page.locator(".flash-messages")).to_contain_text("Foto wurde hinzugefügt")
    thumbnail = page.get_by_role("img", name="Die Teilnehmenden vor dem Landtag")
    expect(thumbnail).to_be_visible()
    # Visible is not yet decoded: wait for the picture itself before measuring it.
    assert thumbnail.evaluate("img => img.decode().then(() => img.naturalWidth)") == 480

    page.screenshot(path=SCREENSHOTS / "redaktion-bericht-1280.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=SCREENSHOTS / "redaktion-bericht-360.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Veröffentlichen").click()
    expect(page.locator(".flash-messages")).to_contain_text("veröffentlicht")
    assert errors == []
    context.close()

    visitor = browser.new_context().new_page()
    visitor.goto(f"{site}/treffen/landesnetzwerktreffen-herbst/")
    report = visitor.locator("section.report")
    expect(report.locator("strong")).to_have_text("viel vereinbart")
    expect(report).to_contain_text("Acht Städte trafen sich in Magdeburg.")
    image = report.get_by_role("img", name="Die Teilnehmenden vor dem Landtag")
    expect(image).to_be_visible()
    image.scroll_into_view_if_needed()  # a lazy image loads once it is in view; then wait for it to decode
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    expect(report.locator("figcaption")).to_contain_text(re.compile(r"Gruppenbild im Oktober\s+Foto: Landesnetzwerk"))
    visitor.goto(f"{site}/")
    expect(visitor.locator("section[aria-labelledby=berichte]")).to_contain_text("Landesnetzwerktreffen im Herbst")
