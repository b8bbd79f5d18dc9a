"""The programme in figures: the directory's own counts beside the totals the programme states."""

from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone

from cities.models import PROGRAMME_START_YEAR, City
from core.caching import remember
from core.charts import Column, ColumnChart, Marker
from core.models import Citation, Source
from networks.models import StatedCount


def programme_figure() -> dict:
    """„N von M Engagierten Städten (Stand …) sind im Verzeichnis“: the directory's count of member
    towns and the programme's newest stated total with its sources. The same on every page that
    shows it: made once per state of the directory (three queries then, none after)."""
    return remember("programme-figure", _programme_figure)


def _programme_figure() -> dict:
    stated = (
        StatedCount.objects.programme()
        .newest_first()
        .prefetch_related(Prefetch("citations", queryset=Citation.objects.select_related("source")))
        .first()
    )
    return {"directory_count": City.objects.member_towns().count(), "stated": stated}


def figures(request):
    """/zahlen/: growth of the programme by join year (derived from the directory) with the totals
    the programme's own pages state, each with its source."""
    this_year = timezone.localdate().year
    per_year = City.objects.member_towns().joined_per_year()
    stated_counts = list(StatedCount.objects.programme().order_by("as_of", "pk"))
    years = range(PROGRAMME_START_YEAR, this_year + 1)
    rows, running = [], 0
    for year in years:
        running += per_year.get(year, 0)
        rows.append({"year": year, "joined": per_year.get(year, 0), "cumulative": running})
    chart = ColumnChart(
        columns=[Column(str(row["year"]), row["cumulative"]) for row in rows],
        markers=[Marker(str(stated.as_of.year), stated.count) for stated in stated_counts],
    )
    context = {
        **programme_figure(),
        "rows": rows,
        "unknown_year": per_year.get(None, 0),
        "stated_counts": stated_counts,
        "chart": chart,
        "sources": Source.objects.footnotes(*stated_counts),
        "nav": "figures",
    }
    return render(request, "figures.html", context)
