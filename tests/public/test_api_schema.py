"""The OpenAPI description against the API itself: schemathesis generates requests from
/api/openapi.json (valid ones and ones the schema forbids) and runs them through the WSGI
app with the demo data loaded. No request may fail with 5xx, every answer must match the
schema, requests the schema forbids must be refused with 4xx, and allowed ones accepted.

The one exception the schema cannot express: a network or town slug that is well-formed
but names nothing is refused with 400 naming that parameter (the directory's own rule).
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from engagiert.wsgi import application
from public.api.base import api

# Parameters whose allowed values depend on the data (slugs of networks and towns).
DATA_DEPENDENT = {"netzwerk", "stadt"}

# The description as served (checked below), loaded at collection time: schemathesis makes one
# test per operation from it. Requests go through the WSGI app in-process.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
schema.app = application


@pytest.fixture
def served_schema(demo, settings):
    # schemathesis calls the app as host "localhost".
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # As Django's test client does: the app must not close the test's connection (and with it
    # the transaction holding the demo data) at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_tested_description_is_the_served_one(db):
    served = Client().get("/api/openapi.json").json()

    assert served["paths"].keys() == schema.raw_schema["paths"].keys()


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_openapi_description(case, served_schema):
    # The WSGI transport hands over the body as sent; ask for it uncompressed (GZipMiddleware).
    response = case.call_and_validate(
        headers={"Accept-Encoding": "identity"}, excluded_checks=[positive_data_acceptance]
    )
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive and response.status_code not in (200, 404):
        body = json.loads(response.content)
        refused = {problem["parameter"] for problem in body["errors"]}
        assert response.status_code == 400 and refused <= DATA_DEPENDENT, (case.as_curl_command(), body)
