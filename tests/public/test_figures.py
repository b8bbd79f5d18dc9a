"""Honest figures: the directory's own count beside the programme's stated totals, with their
dates and sources, on the home page, /staedte/, the Bundesnetzwerk page and /zahlen/."""

import pytest

from cities.models import City
from tests.pages import page

pytestmark = pytest.mark.django_db

STATED_SOURCE = "https://www.aktive-buergerschaft.de/zehn-jahre-netzwerk-engagierte-stadt/"


@pytest.mark.parametrize("url", ["/", "/staedte/", "/zahlen/"])
def test_the_directory_count_stands_beside_the_stated_total_with_its_date_and_source(client, demo, url):
    figure = page(client.get(url)).one("p", class_="programme-figure")

    assert figure.text.startswith("100 von 112 Engagierten Städten (Stand 15. Mai 2025) sind im Verzeichnis.")
    assert STATED_SOURCE in figure.links()


def test_the_count_follows_the_directory_and_leaves_out_the_sister_programme(client, demo):
    City.objects.filter(slug="radebeul").update(active=False)

    figure = page(client.get("/")).one("p", class_="programme-figure")

    assert figure.text.startswith("99 von 112")


def test_the_federal_network_page_says_how_many_of_the_stated_towns_the_directory_holds(client, demo):
    root = page(client.get("/netzwerke/bundesnetzwerk-engagierte-stadt/"))
    notice = root.section("mitglieder").one("p", class_="notice")

    assert notice.text.startswith("100 von 112 Engagierten Städten (Stand 15. Mai 2025)")
    # The footnote mark leads to the source in the page's list of sources.
    (mark,) = [link for link in notice.links() if link.startswith("#quelle-")]
    assert STATED_SOURCE in root.one("li", id=mark[1:]).links()
    sizes = [row.find_all("td")[1].text for row in root.section("groesse").find("tbody").find_all("tr")]
    assert [size.split("[")[0] for size in sizes] == ["47", "73", "100", "113", "112", "113", "112"]


def test_figures_page_draws_the_growth_and_lists_the_stated_totals_with_sources(client, demo):
    response = client.get("/zahlen/")
    root = page(response)

    assert response.status_code == 200
    assert root.one("h1").text == "Das Programm in Zahlen"
    chart = root.section("wachstum").one("svg")
    assert chart.get("role") == "img"
    assert len(chart.find_all("circle", class_="chart-marker")) == 7
    years = {
        row.find("th").text: [cell.text for cell in row.find_all("td")]
        for row in root.section("wachstum").find("tbody").find_all("tr")
    }
    assert years["2015"][0] == str(City.objects.member_towns().filter(joined_year=2015).count())
    assert years["2022"][1] == str(City.objects.member_towns().filter(joined_year__lte=2022).count())
    stated = root.section("angaben")
    assert "73" in stated.text and "1. Juli 2020" in stated.text
    marks = [link for link in stated.links() if link.startswith("#quelle-")]
    sources = root.section("quellen")
    assert marks and all(sources.one("li", id=mark[1:]).links() for mark in marks)
    assert "http://www.staedtetag.de/dst/inter/presse/mitteilungen/093107/index.html" in sources.links()


def test_footer_links_the_figures_page(client, demo):
    assert "/zahlen/" in page(client.get("/impressum/")).one("footer").links()
