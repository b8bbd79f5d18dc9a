"""Addresses of entries by their slug, without walking the URL patterns each time.

A list page names a few hundred entries (towns, networks, the badges of town cards); Django's
`reverse()` resolves the URL patterns anew for each (about 14 µs, 3 ms on the town directory).
`slug_url()` resolves a detail address once per view name with a placeholder for the slug and
then only puts the slug in; the script prefix (a site served under a path) is read per call, as
`reverse()` does. A slug that is not plain ASCII goes through `reverse()`, which quotes it.
"""

import functools
import re

from django.urls import get_script_prefix, reverse

_PLACEHOLDER = "slug-placeholder"
_PLAIN = re.compile(r"[-A-Za-z0-9_]+")


@functools.cache
def _around_slug(viewname: str) -> tuple[str, str]:
    """What comes before and after the slug in the address of `viewname`, without the script prefix."""
    prefix = get_script_prefix()
    path = reverse(viewname, args=[_PLACEHOLDER]).removeprefix(prefix)
    before, found, after = path.partition(_PLACEHOLDER)
    if not found:
        raise ValueError(f"{viewname} does not put its slug into the address")
    return before, after


def slug_url(viewname: str, slug: str) -> str:
    """The same as `reverse(viewname, args=[slug])` for a view whose address holds one slug."""
    if not _PLAIN.fullmatch(slug):
        return reverse(viewname, args=[slug])
    before, after = _around_slug(viewname)
    return f"{get_script_prefix()}{before}{slug}{after}"
