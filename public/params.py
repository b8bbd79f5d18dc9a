"""The query parameters the public pages read. The page cache keys on these only; any other
parameter is dropped from the request before a view sees it (core/caching.py)."""

from collections.abc import Iterable

from django_filters import FilterSet

from core.caching import understand_params
from core.listing import PAGE_PARAM, PART_PARAM
from public.filters.meetings import MeetingFilterSet
from public.filters.networks import PICKER_SEARCH_PARAM, MatrixFilterSet, NetworkFilterSet
from public.filters.towns import CityFilterSet
from public.views.meetings import UPCOMING_PAGE_PARAM
from public.views.networks import COLUMN_PAGE_PARAM

# Besides the filters: paging, the HTMX fragment, the search, the network picker, the sitemaps' page.
OTHER_PARAMS = {PAGE_PARAM, PART_PARAM, COLUMN_PAGE_PARAM, UPCOMING_PAGE_PARAM, PICKER_SEARCH_PARAM, "q", "p"}


def filter_params(filterset: type[FilterSet]) -> set[str]:
    """The names a filter form reads: one per field, one per part of a field of several inputs."""
    names = set()
    for name, field in filterset().form.fields.items():
        suffixes = getattr(field.widget, "suffixes", None)
        if suffixes:
            names.update(f"{name}_{suffix}" if suffix else name for suffix in suffixes)
        else:
            names.add(name)
    return names


def site_params() -> Iterable[str]:
    filtersets = (CityFilterSet, NetworkFilterSet, MatrixFilterSet, MeetingFilterSet)
    return set().union(OTHER_PARAMS, *(filter_params(filterset) for filterset in filtersets))


def register() -> None:
    understand_params("/", site_params)
    # The API names an unknown parameter in a 400 answer (never cached); its description takes none.
    understand_params("/api/", None)
    understand_params("/api/openapi.json", ())
