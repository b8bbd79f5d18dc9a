"""Script payloads typed into the editorial area render inert on every page and in the feeds.

A spokesperson (or someone who took over her account) enters the usual payloads in the
meeting title, the report's lead, body and outcomes, and a photo's caption and alt
text, all through /redaktion/. Every public page that shows them, the editor itself and
both Atom feeds are then parsed: the only scripts are the site's own, no element carries
an event handler, and no link or source points to `javascript:`.
"""

import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from events.models import Meeting, MeetingReport
from networks.models import Network
from tests.pages import Node, parse

NETWORK = "landesnetzwerk-engagierte-staedte-sachsen-anhalt"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
TITLE = f"Treffen {SVG}{SCRIPT}{IMG}"
BODY = "\n\n".join(
    [
        "Ein **echter** Bericht mit [einem Link](https://example.org/).",
        SCRIPT,
        IMG,
        SVG,
        "[klick mich](javascript:alert(1))",
        "<javascript:alert(1)>",
        '<a href="javascript:alert(1)">roh</a> <a href=" JaVaScRiPt:alert(1)">gemischt</a>',
        '<div onmouseover="alert(1)">fahr drüber</div><iframe src="https://example.org"></iframe>',
        "<style>body{display:none}</style><object data=x></object>",
        "![bild](javascript:alert(1))",
    ]
)
ATOM = "{http://www.w3.org/2005/Atom}"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "srcset", "data", "xlink:href", "poster"}


def assert_inert(root: Node, where: str) -> None:
    for node in root.iter():
        if node.tag == "svg" and "map" in (node.get("class") or "").split():
            continue  # the site's own map of Germany (core/maps.py)
        if node.tag in {"svg", "iframe", "object", "embed", "style", "math"}:
            pytest.fail(f"{where}: <{node.tag}> element from user input")
        for name, value in node.attrs.items():
            assert not name.lower().startswith("on"), f"{where}: event handler {name}={value!r} on <{node.tag}>"
            if name.lower() in URL_ATTRIBUTES and value:
                assert "javascript:" not in value.strip().lower().replace(" ", ""), f"{where}: {name}={value!r}"
    scripts = [node for node in root.iter() if node.tag == "script"]
    data_blocks = [node for node in scripts if node.get("type") == "application/ld+json"]
    for node in scripts:
        own_file = (node.get("src") or "").startswith("/static/") and node.attrs.keys() <= {"src", "defer"}
        assert own_file or node in data_blocks, f"{where}: foreign <script {node.attrs}>"
    # The page's one schema.org block (core.templatetags.site.jsonld): whole, valid JSON, in the head.
    assert len(data_blocks) <= 1, f"{where}: {len(data_blocks)} JSON-LD blocks"
    for node in data_blocks:
        assert node.attrs == {"type": "application/ld+json"}, f"{where}: {node.attrs}"
        payload = "".join(child for child in node.children if isinstance(child, str))
        assert json.loads(payload)["@context"] == "https://schema.org", where


@pytest.fixture
def poisoned(client, demo_users, settings, tmp_path):
    """A meeting, its published report and a photo, all entered with payloads through /redaktion/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(demo_users["sprecherin-sachsen-anhalt"])
    network = Network.objects.get(slug=NETWORK)
    response = client.post(
        reverse("editorial:meeting_new"),
        {
            "title": TITLE,
            "kind": "network_meeting",
            "format": "in_person",
            "status": "held",
            "starts_on": "2025-09-10",
            "date_precision": "day",
            "place_text": IMG,
            "networks": [network.pk],
            "description": SCRIPT,
            "topics": f"{SVG}\n{IMG}",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get(title=TITLE)
    report_url = reverse("editorial:report", args=[meeting.slug])
    report = {
        "lead": f"Vorspann {SCRIPT}{SVG}",
        "body": BODY,
        "outcomes": f"{IMG}\n[x](javascript:alert(1))\n{SCRIPT}",
        "next_meeting_precision": "day",
        "next_meeting_note": SVG,
        "action": "publish",
    }
    assert client.post(report_url, report).status_code == 302
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(photo, format="JPEG")
    response = client.post(
        reverse("editorial:photo_add", args=[meeting.slug]),
        {
            "upload": SimpleUploadedFile("bild.jpg", photo.getvalue()),
            "alt_text": f'" onerror="alert(1)" x="{IMG}',
            "credit": f"Foto: {SCRIPT}",
            "caption": f"{SVG}{IMG}",
        },
    )
    assert response.status_code == 302
    assert MeetingReport.objects.get(meeting=meeting).photos.count() == 1
    return meeting


def public_pages(meeting):
    return [
        "/",
        "/treffen/",
        meeting.get_absolute_url(),
        f"/netzwerke/{NETWORK}/",
        "/suche/?q=Treffen",
        f"/suche/?q={SVG}",
    ]


def test_payloads_render_inert_on_every_public_page(client, poisoned):
    client.logout()
    for url in public_pages(poisoned):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(parse(response.content.decode()), url)


def test_payloads_render_inert_in_the_editor(client, poisoned):
    for url in [
        reverse("editorial:home"),
        reverse("editorial:meeting_edit", args=[poisoned.slug]),
        reverse("editorial:report", args=[poisoned.slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(parse(response.content.decode()), url)
    preview = client.post(reverse("editorial:preview", args=[poisoned.slug]), {"body": BODY, "lead": SCRIPT})
    assert_inert(parse(preview.content.decode()), "preview")


def test_the_payloads_are_shown_as_text_not_dropped(client, poisoned):
    client.logout()
    meeting_page = parse(client.get(poisoned.get_absolute_url()).content.decode())
    assert meeting_page.one("h1").text == TITLE
    figure = meeting_page.one("figure", class_="photo")
    assert figure.one("img").get("alt") == f'" onerror="alert(1)" x="{IMG}'
    assert SVG + IMG in figure.text
    assert "Ein echter Bericht mit einem Link." in meeting_page.text


@pytest.mark.parametrize("feed", ["/berichte/feed/", f"/netzwerke/{NETWORK}/berichte/feed/"])
def test_payloads_render_inert_in_the_feeds(client, poisoned, feed):
    client.logout()
    response = client.get(feed)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    entry = next(e for e in entries if e.findtext(f"{ATOM}title") == TITLE)  # plain text, as typed
    assert entry.find(f"{ATOM}link").get("href").endswith(poisoned.get_absolute_url())
    for item in entries:
        summary = item.find(f"{ATOM}summary")
        assert summary.get("type") == "html"
        assert_inert(parse(summary.text), f"{feed} summary")
    assert "Ein <strong>echter</strong> Bericht" in entry.findtext(f"{ATOM}summary")
