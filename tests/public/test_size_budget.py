"""Size budgets: every public page still fits its budget in a crowded directory.

Every list on the public pages is paged or capped. The pages of tests/public/test_query_budget.py
are requested once the crowded directory (tests/public/crowded.py: lists far beyond every cap)
and `generate(10)` lie on top of its baseline; each answer, gzipped, must fit its budget.

The crowded directory takes about a second to build and the tests only read it, so it is built
once for this module inside a transaction that is rolled back after its last test; each test
runs in a savepoint of its own within it (pytest-django's `db`).
"""

import gzip

import pytest
from django.db import transaction

from demo.synthetic import generate
from tests.public.crowded import crowd
from tests.public.test_query_budget import PAGES, add_upcoming_meeting

# Gzipped HTML per answer: a full page must leave room for its CSS and JavaScript (about 22 KB
# compressed) within 60 KB; an htmx fragment replaces a part of a page and must stay small.
PAGE_BUDGET = 35 * 1024
FRAGMENT_BUDGET = 8 * 1024

HTML_PAGES = [page for page in PAGES if not page.values[0].endswith((".xml", "/feed/"))]


@pytest.fixture(scope="module")
def crowded_directory(django_db_setup, django_db_blocker):
    """The demo network with an upcoming meeting, the crowd and `generate(10)` on top, for the
    tests of this module only; rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        add_upcoming_meeting()
        crowd()
        generate(10)
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize(("url", "headers"), HTML_PAGES)
def test_page_stays_within_its_size_budget_in_a_crowded_directory(crowded_directory, client, db, url, headers):
    response = client.get(url, headers=headers)
    compressed = len(gzip.compress(response.content))

    assert response.status_code == 200
    assert compressed <= (FRAGMENT_BUDGET if headers else PAGE_BUDGET), f"{url}: {compressed:,} bytes gzipped"
