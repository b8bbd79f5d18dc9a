"""What a request costs: the helper of every test that holds a page to a fixed number of queries."""

from typing import NamedTuple

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.fetching import lazy_loads_refused


class Cost(NamedTuple):
    queries: int
    size: int


def request_cost(client, url: str, headers: dict | None = None) -> Cost:
    """Queries and response size (bytes) of a GET that must answer 200, measured after a warm-up
    request, so one-off work (the session, the site's states) does not count.

    A lazy load of a related object or a deferred field fails the request (tests/fetching.py).
    """
    client.get(url, headers=headers or {})
    with CaptureQueriesContext(connection) as context, lazy_loads_refused():
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200, url
    return Cost(len(context.captured_queries), len(response.content))
