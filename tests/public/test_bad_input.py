"""Bad input never breaks a page: random and hostile query strings get an answer, never a server error.

Property-based tests (Hypothesis) throw query strings at every list page: the real
parameter names mixed with junk, values of every kind (text, numbers, very long
strings, SQL- and HTML-like strings, NUL bytes). List pages must answer 200, detail
pages with a random slug 404. The explicit examples below pin the German messages.
"""

import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.pages import page, result_count, town_slugs

pytestmark = pytest.mark.django_db

LIST_PAGES = {
    "/staedte/": [
        "q",
        "land",
        "netzwerk",
        "art",
        "seit_von",
        "seit_bis",
        "groesse",
        "koordination",
        "laenderpartner",
        "sortierung",
        "seite",
        "treffen",
        "netzwerk_suche",
        "teil",
    ],
    "/netzwerke/": ["art", "land", "status", "seite"],
    "/laender/": [],
    "/treffen/": ["netzwerk", "land", "format", "art", "jahr", "seite", "stadt", "anstehend", "netzwerk_suche", "teil"],
    "/mitgliedschaften/": ["land", "art", "seite", "spalten"],
    "/suche/": ["q"],
}
VALID_VALUES = [
    "sachsen-anhalt",
    "bayern",
    "landesnetzwerk-engagierte-staedte-sachsen-anhalt",
    "tandem",
    "state",
    "2021",
    "lt20",
    "provider",
    "on",
    "-einwohner",
    "beitritt",
    "2",
    "digital",
    "visit",
    "forming",
    "rosslau",
    "karte",
    "netzwerke",
    "wittenberg",
    "netzwerktreffen-2024-wuerzburg",
]
HOSTILE_VALUES = [
    "' OR 1=1 --",
    "'; DROP TABLE cities_city; --",
    '" OR ""="',
    "1) UNION SELECT * FROM auth_user --",
    "%",
    "_",
    "\\",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "{% debug %}",
    "\x00",
    "a\x00b",
    "-1",
    "0",
    "99999",
    "1e309",
    "NaN",
    "inf",
    "2021.5",
    "٢٠٢١",
    "\uff12\uff10\uff12\uff11",  # 2021 in full-width digits
    "Ⅻ",
    "\u202e",
    "🙂",
    "x" * 10_000,
]

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
values = st.one_of(
    text,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(VALID_VALUES),
    st.sampled_from(HOSTILE_VALUES),
    st.text(alphabet="x\x00'\"<>%&;-", min_size=200, max_size=5000),
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def query_strings(names):
    keys = st.one_of(st.sampled_from(names), text) if names else text
    return st.lists(st.tuples(keys, values), max_size=8)


@pytest.mark.parametrize("url", list(LIST_PAGES))
def test_random_query_strings_never_break_a_list_page(client, demo, url):
    @FUZZ
    @given(pairs=query_strings(LIST_PAGES[url]), htmx=st.booleans())
    @example(pairs=[("q", "\x00")], htmx=False)
    @example(pairs=[(name, "x" * 10_000) for name in LIST_PAGES[url]] or [("x", "x" * 10_000)], htmx=False)
    def check(pairs, htmx):
        response = client.get(f"{url}?{urlencode(pairs)}", headers={"HX-Request": "true"} if htmx else {})
        assert response.status_code == 200, (url, pairs)

    check()


DETAIL_PAGES = {
    "/staedte/": ("cities", "City", "stendal"),
    "/netzwerke/": ("networks", "Network", "regionalnetzwerk-anhalt"),
    "/laender/": ("cities", "State", "bayern"),
    "/treffen/": ("events", "Meeting", "netzwerktreffen-2024-wuerzburg"),
}


@pytest.mark.parametrize("prefix", list(DETAIL_PAGES))
def test_random_slugs_on_detail_pages_give_404(client, demo, prefix):
    from django.apps import apps

    app_label, model_name, known_slug = DETAIL_PAGES[prefix]
    model = apps.get_model(app_label, model_name)
    slugs = st.one_of(st.from_regex(r"[-a-zA-Z0-9_]{1,80}", fullmatch=True), text.filter(bool))

    @FUZZ
    @given(slug=slugs)
    @example(slug=known_slug)
    @example(slug="x" * 10_000)
    @example(slug="' OR 1=1 --")
    @example(slug="..%2F..%2Fetc%2Fpasswd")
    def check(slug):
        response = client.get(f"{prefix}{quote(slug, safe='')}/")
        # Random text can hit a real slug ("niedersachsen"); that page must then exist. Text that is
        # no slug at all never reaches the view (and must not reach PostgreSQL here either: NUL bytes).
        is_slug = re.fullmatch(r"[-a-zA-Z0-9_]+", slug) is not None
        expected = 200 if is_slug and model.objects.filter(slug=slug).exists() else 404
        assert response.status_code == expected, (prefix, slug)

    check()


# --- explicit examples -------------------------------------------------------------------------------


def notice(response) -> str:
    found = page(response).find(class_="notice", role="alert")
    return found.text if found is not None else ""


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/staedte/?seit_von=abc", "Dabei seit (von): Bitte eine Jahreszahl wie 2021 eingeben."),
        ("/staedte/?seit_bis=zwanzig", "Dabei seit (bis): Bitte eine Jahreszahl wie 2021 eingeben."),
        ("/staedte/?seit_von=2010", "Dabei seit (von): Das Programm begann 2015."),
        ("/staedte/?seit_bis=2200", "Dabei seit (bis): Bitte ein Jahr bis 2100 eingeben."),
        ("/treffen/?jahr=abc", "Jahr: Bitte eine Jahreszahl wie 2021 eingeben."),
        (
            "/staedte/?land=atlantis",
            "Bundesland: Bitte eine gültige Auswahl treffen. atlantis ist keine gültige Auswahl.",
        ),
        (
            "/staedte/?groesse=riesig",
            "Einwohner: Bitte eine gültige Auswahl treffen. riesig ist keine gültige Auswahl.",
        ),
        ("/staedte/?sortierung=zufall", "Sortierung: Bitte eine gültige Auswahl treffen."),
        ("/netzwerke/?status=verschollen", "Status: Bitte eine gültige Auswahl treffen."),
        ("/treffen/?format=brieftaube", "Format: Bitte eine gültige Auswahl treffen."),
        ("/mitgliedschaften/?art=geheim", "Art des Netzwerks: Bitte eine gültige Auswahl treffen."),
        ("/staedte/?q=%00", "Suche: Nullzeichen sind nicht erlaubt."),
        (
            "/staedte/?treffen=atlantis",
            "Treffen: Bitte eine gültige Auswahl treffen. atlantis ist keine gültige Auswahl.",
        ),
        ("/treffen/?stadt=atlantis", "Stadt: Bitte eine gültige Auswahl treffen. atlantis ist keine gültige Auswahl."),
    ],
)
def test_bad_filter_values_get_a_german_message(client, demo, url, message):
    response = client.get(url)

    assert response.status_code == 200
    assert message in notice(response)
    assert "Die übrigen Filter sind angewendet." in notice(response)


# The directory's first page: 24 of its towns.
FIRST_PAGE = 24


def test_a_bad_value_leaves_the_other_filters_working(client, demo):
    response = client.get("/staedte/?seit_von=abc&land=sachsen")

    assert "Bitte eine Jahreszahl" in notice(response)
    assert set(town_slugs(response)) == {"bautzen", "hoyerswerda", "radebeul", "weisswasser-ol", "zwickau"}


def test_an_unknown_choice_is_ignored_and_the_list_stays_complete(client, demo):
    response = client.get("/staedte/?land=atlantis")

    assert len(town_slugs(response)) == FIRST_PAGE


@pytest.mark.parametrize(
    "url",
    [
        "/staedte/?seite=99999",
        "/treffen/?seite=99999",
        "/staedte/?seite=abc",
        "/treffen/?anstehend=-3",
        "/treffen/?anstehend=" + "9" * 5000,
        "/mitgliedschaften/?spalten=abc",
        "/mitgliedschaften/?spalten=99999",
    ],
)
def test_an_impossible_page_number_still_answers(client, demo, url):
    response = client.get(url)

    assert response.status_code == 200
    assert not notice(response)


@pytest.mark.parametrize("url", list(LIST_PAGES))
def test_ten_thousand_characters_in_every_parameter_are_survived(client, demo, url):
    names = LIST_PAGES[url] or ["irgendwas"]
    response = client.get(url + "?" + urlencode({name: "ä" * 10_000 for name in names}))

    assert response.status_code == 200


def test_a_ten_thousand_character_search_gets_the_length_message(client, demo):
    directory = client.get("/staedte/?" + urlencode({"q": "x" * 10_000}))
    site = client.get("/suche/?" + urlencode({"q": "x" * 10_000}))

    assert "höchstens 100 Zeichen" in notice(directory)
    assert len(town_slugs(directory)) == FIRST_PAGE
    assert page(site).one("p", role="alert").text == "Bitte höchstens 100 Zeichen eingeben."


@pytest.mark.parametrize("injection", ["' OR 1=1 --", "'; DROP TABLE cities_city; --", "%", "_"])
def test_sql_like_input_is_treated_as_text(client, demo, injection):
    directory = client.get("/staedte/?" + urlencode({"q": injection}))
    site = client.get("/suche/?" + urlencode({"q": injection}))

    assert town_slugs(directory) == []
    assert result_count(directory) == "Keine Engagierte Stadt gefunden"
    assert page(site).one(class_="result-count").text.startswith("Keine Treffer")
    assert client.get("/staedte/").status_code == 200
    assert len(town_slugs(client.get("/staedte/"))) == FIRST_PAGE


def test_sql_like_input_in_a_choice_is_rejected(client, demo):
    response = client.get("/staedte/?" + urlencode({"land": "' OR 1=1 --", "seite": "' OR 1=1 --"}))

    assert "keine gültige Auswahl" in notice(response)
    assert len(town_slugs(response)) == FIRST_PAGE


def test_html_in_the_query_is_escaped_everywhere(client, demo):
    payload = '"><img src=x onerror=alert(1)>'
    for url in ("/staedte/", "/suche/"):
        response = client.get(url + "?" + urlencode({"q": payload}))
        html = response.content.decode()

        assert response.status_code == 200
        assert payload not in html
        assert "onerror=alert(1)>" not in html


@pytest.mark.parametrize("query", ["%00", "Stendal%00", "%00%00%00", "%01%1F"])
def test_control_characters_in_the_site_search_are_no_server_error(client, demo, query):
    """PostgreSQL refuses NUL in text parameters; the search must never hand it one."""
    response = client.get(f"/suche/?q={query}")

    assert response.status_code == 200


READ_ONLY = [
    "/",
    "/suche/?q=stadt",
    "/staedte/",
    "/staedte/export.csv",
    "/staedte/wittenberg/",
    "/laender/",
    "/netzwerke/",
    "/mitgliedschaften/",
    "/treffen/",
    "/treffen/kalender.ics",
    "/berichte/feed/",
    "/mitmachen/",
    "/impressum/",
]


@pytest.mark.parametrize("url", READ_ONLY)
def test_read_only_pages_refuse_other_methods_than_get_and_head(client, demo, url):
    for method in (client.post, client.put, client.delete):
        response = method(url)
        assert response.status_code == 405, (method.__name__, url)
        assert response["Allow"] == "GET, HEAD"
    assert client.head(url).status_code == 200
