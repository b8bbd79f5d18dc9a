"""Pieces every filtered list page shares: pagination, filter chips and the HTMX switch."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, Window
from django.http import HttpRequest, QueryDict
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

PAGE_PARAM = "seite"
# Further fragments of a list page for htmx: "?teil=karte" the map, "?teil=netzwerke" the network
# picker's choices (without it: the results).
PART_PARAM = "teil"


# Every header render_list() looks at; caches must keep the fragment and the page apart.
vary_on_htmx = vary_on_headers("HX-Request", "HX-Boosted", "HX-History-Restore-Request")


def paginate(request: HttpRequest, queryset, per_page: int, param: str = PAGE_PARAM) -> Page:
    """The page the parameter `param` asks for; a page number that is not a number or out of range
    gives the nearest page."""
    paginator = Paginator(queryset, per_page)
    try:
        number = int(request.GET.get(param, 1))
    except (TypeError, ValueError):
        number = 1
    return paginator.get_page(max(number, 1))


@dataclass(frozen=True)
class Chip:
    label: str
    value: str
    remove_url: str


def _without(query: QueryDict, name: str, raw_value: str | None) -> str:
    remaining = query.copy()
    remaining.pop(PAGE_PARAM, None)
    if raw_value is None:
        remaining.pop(name, None)
    else:
        remaining.setlist(name, [v for v in remaining.getlist(name) if v != raw_value])
    encoded = remaining.urlencode()
    return f"?{encoded}" if encoded else "?"


def filter_chips(filterset, ignore=("sortierung",)) -> list[Chip]:
    """The active, valid filters as removable chips: one chip per chosen value."""
    form = filterset.form
    data = filterset.data
    chips = []
    for name, value in form.cleaned_data.items():
        if name in ignore or value in (None, "", [], ()) or value is False:
            continue
        field = form.fields[name]
        label = field.label
        if hasattr(value, "__iter__") and not isinstance(value, str):
            for item in dict.fromkeys(value):  # a value repeated in the address gets one chip
                if isinstance(item, Model):
                    raw = str(getattr(item, field.to_field_name or "pk"))
                    text = str(item)
                else:
                    raw = str(item)
                    text = dict(field.choices).get(item, item)
                chips.append(Chip(label, str(text), _without(data, name, raw)))
            continue
        if value is True:
            text = "ja"
        elif hasattr(field, "choices"):
            text = dict(field.choices).get(value, value)
        else:
            text = value
        chips.append(Chip(label, str(text), _without(data, name, None)))
    return chips


def capped(queryset, limit: int) -> tuple[list, int]:
    """The first `limit` objects and the number of all, in one query (a window count)."""
    items = list(queryset.annotate(total_count=Window(Count("pk")))[:limit])
    return items, (items[0].total_count if items else 0)


def fragment_part(request: HttpRequest) -> str | None:
    """The part an htmx request asks for ("results", "karte", "netzwerke"), or None for a full page.

    A history restore (back button after the cache was dropped) and a boosted link
    (filter chips, reset) get the full page, so the visitor never sees a bare fragment.
    """
    if request.htmx and not (request.htmx.history_restore_request or request.htmx.boosted):
        return request.GET.get(PART_PARAM, "results")
    return None


def render_list(request: HttpRequest, template: str, context: dict, partial: str = "results"):
    """Full page for normal requests, only the results partial for HTMX filter requests.

    The template learns which one it renders from `fragment`: a fragment carries the parts that
    htmx swaps out of band (the count on the "Filter (n)" button), a full page does not.
    """
    fragment = fragment_part(request) is not None
    if fragment:
        template = f"{template}#{partial}"
    return render(request, template, {**context, "fragment": fragment})
