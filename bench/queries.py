"""Database queries per page, counted with Django's test client in this process.

    DATABASE_URL=… PAGE_CACHE=off python bench/queries.py

Anonymous GET of every page of bench/pages.py, once to warm up and once counted (as the
query budget tests do); prints one JSON object: per page the status, the number of
queries, the size of the answer and the time the counted request took.
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "engagiert.settings")

import django

django.setup()

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pages import PAGES


def main() -> None:
    client = Client()
    results = {}
    for page in PAGES:
        client.get(page.path, headers=page.headers)
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            response = client.get(page.path, headers=page.headers)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            sys.exit(f"{page.path} answered {response.status_code}, not 200")
        results[page.key] = {
            "status": response.status_code,
            "queries": len(context.captured_queries),
            "bytes": len(response.content),
            "ms": round(elapsed * 1000, 1),
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
