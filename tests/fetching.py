"""Lazy loads fail the page tests: Django 6.1's fetch modes, switched on around a request.

Django fetches a foreign key or a deferred field that a query did not load when the code
touches it: one query per row, the N+1 pattern. Django 6.1 can refuse such a fetch
(`models.FETCH_RAISE` raises `FieldFetchBlocked`), but only per QuerySet. For the tests,
`GUARDED` becomes the default fetch mode of every QuerySet: it behaves as Django's default
(`FETCH_ONE`) until `lazy_loads_refused()` is active, and then as `FETCH_RAISE`. The page
tests (tests/queries.py `request_cost`) render every public page inside it, so a template or
view that lazily loads a related object fails with the model and field it touched.
"""

import contextlib
import contextvars

from django.db.models import FETCH_ONE, FETCH_RAISE, query
from django.db.models.fetch_modes import FetchMode

_refused = contextvars.ContextVar("lazy_loads_refused", default=False)


class Guarded(FetchMode):
    __slots__ = ()

    def fetch(self, fetcher, instance):
        mode = FETCH_RAISE if _refused.get() else FETCH_ONE
        mode.fetch(fetcher, instance)

    def __reduce__(self):
        return "GUARDED"


GUARDED = Guarded()


def install() -> None:
    """Make `GUARDED` the default fetch mode of every QuerySet (once, at the start of the run)."""
    query.DEFAULT_FETCH_MODE = GUARDED


@contextlib.contextmanager
def lazy_loads_refused():
    token = _refused.set(True)
    try:
        yield
    finally:
        _refused.reset(token)
