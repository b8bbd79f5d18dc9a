"""The read-only open-data API under /api/, modelled on OParl 1.1.

Shared pieces live here: the NinjaAPI instance, the list envelope with its pagination
links, the query parameters every list takes, deleted objects, and the JSON errors.
The apps own their endpoints (`public/api/towns.py`, `public/api/networks.py`, `public/api/meetings.py`).

Every object carries its URL as `id`, a `type`, `created` and `modified`. Lists are
ordered by id and paginated with `page` and `limit`; with `modified_since` they also
list objects deleted since then as `{"id", "type", "deleted": true, "modified"}`, and
the URL of a deleted object keeps answering that stub (HTTP 200, as OParl asks), read
from the deletion records of django-simple-history.

Bad input never reaches the database: unknown parameters, values the OpenAPI schema
does not allow and filter values the directory's FilterSets refuse are answered with
400 and a JSON body naming the parameter.
"""

from __future__ import annotations

import datetime
import functools
import math
import re
from typing import Annotated, Any, Literal

from django.conf import settings
from django.db.models import F, Max
from django.http import Http404, HttpResponsePermanentRedirect, QueryDict
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from ninja import Field, NinjaAPI, Path, Schema
from ninja.errors import ValidationError
from pydantic import BeforeValidator, WithJsonSchema

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
# Parameters every list takes; the rest of a list's parameters are its filters.
LIST_PARAMS = frozenset({"page", "limit", "modified_since", "created_since"})


class DirectoryAPI(NinjaAPI):
    """The NinjaAPI whose OpenAPI description is built once per process (the routes are fixed
    for a release) instead of on every request for /api/openapi.json, which took 0.35–0.45 s."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return self._schema(path_prefix)

    @functools.cache  # noqa: B019 (one API object, alive as long as the process)
    def _schema(self, path_prefix: str):
        return super().get_openapi_schema(path_prefix=path_prefix)


api = DirectoryAPI(
    title="Engagierte Stadt – Offene Daten",
    version="1",
    description=(
        "Read-only open data of the Engagierte Stadt directory: towns, networks, memberships, state "
        "partnerships, organisations, meetings and published reports. Modelled on OParl 1.1: every "
        "object has its URL as `id`, a `type`, `created` and `modified`; lists are paginated with "
        "`page` and `limit` (at most 100) and take `modified_since` / `created_since`; deleted objects "
        "answer `deleted: true`. Filters use the parameter names of the HTML directory."
    ),
    # The interactive docs page would load Swagger UI's scripts, which our CSP (and the rule of
    # no CDN) forbids; the OpenAPI description at /api/openapi.json is what clients need.
    docs_url=None,
    openapi_url="/openapi.json",
    urls_namespace="api",
)


# --- errors --------------------------------------------------------------------------------------


class ProblemOut(Schema):
    parameter: str | None = None
    message: str


class ErrorOut(Schema):
    error: str = Field(description="A code: invalid_parameter, unknown_parameter, not_found.")
    parameter: str | None = Field(None, description="The first offending query parameter, if any.")
    message: str
    errors: list[ProblemOut] = []


ERRORS = {400: ErrorOut, 404: ErrorOut}


class ApiError(Exception):
    def __init__(self, status: int, error: str, message: str, parameter: str | None = None, errors=None):
        super().__init__(message)
        self.status, self.error, self.message, self.parameter = status, error, message, parameter
        self.errors = errors if errors is not None else [{"parameter": parameter, "message": message}]


def error_response(request, exc: ApiError):
    body = {"error": exc.error, "parameter": exc.parameter, "message": exc.message, "errors": exc.errors}
    return api.create_response(request, body, status=exc.status)


api.add_exception_handler(ApiError, error_response)


@api.exception_handler(ValidationError)
def invalid_input(request, exc: ValidationError):
    """Ninja's 422 for values the schema does not allow becomes a 400 naming the parameters."""
    problems = []
    for error in exc.errors:
        # ("query", "limit"), ("path", "pk"), or ("query", <view argument>, "land", 0) for a list item.
        location = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
        parameter = location[-1] if location else None
        message = str(error.get("msg", "ungültiger Wert")).removeprefix("Value error, ")
        problems.append({"parameter": parameter, "message": f"{parameter}: {message}"})
    first = problems[0] if problems else {"parameter": None, "message": "Ungültige Anfrage."}
    return error_response(request, ApiError(400, "invalid_parameter", first["message"], first["parameter"], problems))


@api.exception_handler(Http404)
def not_found(request, exc):
    return error_response(request, ApiError(404, "not_found", "Diese Adresse gibt es nicht (mehr)."))


def unknown_address(request, rest: str):
    """Every other address under /api/ answers JSON too (an address without its final slash is redirected)."""
    if not request.path.endswith("/"):
        try:
            resolve(f"{request.path}/")
        except Resolver404:
            pass
        else:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{request.path}/" + (f"?{query}" if query else ""))
    return error_response(request, ApiError(404, "not_found", "Diese Adresse gibt es in der API nicht."))


def reject_unknown_parameters(request, allowed) -> None:
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        names = ", ".join(unknown)
        raise ApiError(
            400,
            "unknown_parameter",
            f"Unbekannter Parameter: {names}. Erlaubt sind: {', '.join(sorted(allowed))}.",
            unknown[0],
            [{"parameter": name, "message": f"Unbekannter Parameter „{name}“."} for name in unknown],
        )


def apply_filterset(filterset_class, request, queryset, names):
    """The directory's FilterSet over the request's filter parameters; its errors become a 400."""
    data = QueryDict(mutable=True)
    for name in names:
        if name in request.GET:
            data.setlist(name, request.GET.getlist(name))
    filterset = filterset_class(data, queryset=queryset)
    if not filterset.is_valid():
        problems = [
            {"parameter": name, "message": f"{name}: {' '.join(str(message) for message in messages)}"}
            for name, messages in filterset.errors.items()
        ]
        first = problems[0]
        raise ApiError(400, "invalid_parameter", first["message"], first["parameter"], problems)
    return filterset.qs


# --- query parameters ----------------------------------------------------------------------------

RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def parse_timestamp(value: Any) -> datetime.datetime:
    """An RFC 3339 date-time with its offset, e.g. 2025-01-01T00:00:00+01:00 (no bare numbers or dates)."""
    if isinstance(value, datetime.datetime):
        return value
    if not isinstance(value, str) or not RFC3339.match(value):
        raise ValueError("Bitte einen Zeitpunkt nach RFC 3339 mit Zeitzone angeben, z. B. 2025-01-01T00:00:00+01:00.")
    text = value.upper().replace("Z", "+00:00")
    # RFC 3339 allows a leap second; Python does not.
    text = re.sub(r"T(\d{2}:\d{2}):60", r"T\1:59", text)
    try:
        parsed = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("Diesen Zeitpunkt gibt es nicht.") from None
    try:
        return parsed.astimezone(datetime.UTC)
    except OverflowError:
        # Beyond year 1 or 9999 once moved to UTC: as good as "before" or "after" everything.
        return (
            datetime.datetime.min.replace(tzinfo=datetime.UTC)
            if parsed.year < 5000
            else (datetime.datetime.max.replace(tzinfo=datetime.UTC))
        )


Timestamp = Annotated[
    datetime.datetime,
    BeforeValidator(parse_timestamp),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Slug = Annotated[str, Field(pattern=r"^[-a-z0-9]+$", max_length=200)]
ObjectId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The number in the object's URL.")]


class ListQuery(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Objects per page, at most {MAX_LIMIT}.")
    modified_since: Timestamp = Field(
        None, description="Only objects changed (or deleted) since then; deleted ones come as stubs."
    )
    created_since: Timestamp = Field(None, description="Only objects created since then.")


def filter_names(query_class) -> list[str]:
    return [name for name in query_class.model_fields if name not in LIST_PARAMS]


# --- objects and links ---------------------------------------------------------------------------


class Links:
    """Absolute API URLs, built from one reversed root (a reverse() per link would cost per object)."""

    def __init__(self, request):
        self.root = request.build_absolute_uri(reverse("api:index"))
        self.request = request

    def __call__(self, collection: str, pk) -> str | None:
        return None if pk is None else f"{self.root}{collection}/{pk}/"

    def web(self, path: str) -> str:
        return self.request.build_absolute_uri(path)


def stamp(value: datetime.datetime | None) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat()


def day(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


class DeletedOut(Schema):
    id: str
    type: str
    deleted: Literal[True]
    modified: str = Field(description="When it was deleted.")


class PersonOut(Schema):
    """A person as the public may see them: name and public role; e-mail and phone only with consent."""

    name: str
    title: str
    role: str
    email: str | None = None
    phone: str | None = None


def person(obj) -> dict:
    data = {"name": obj.name, "title": obj.title, "role": obj.role}
    if obj.contact_public:
        data.update(email=obj.email or None, phone=obj.phone or None)
    return data


class SourceOut(Schema):
    """A public page or text that backs the entry (`fact` empty) or one of its facts (e.g. joinedYear)."""

    title: str
    publisher: str | None
    url: str | None
    published: str | None = Field(description="As precise as the source states it: 2025, 2025-05 or 2025-05-26.")
    retrieved: str | None
    fact: str | None


class PaginationOut(Schema):
    totalElements: int
    elementsPerPage: int
    currentPage: int
    totalPages: int


class LinksOut(Schema):
    first: str
    prev: str | None = None
    self: str
    next: str | None = None
    last: str


def deleted_records(model, query: ListQuery, withdrawn=None):
    """(id, deletion time) of objects deleted since `modified_since` and not restored since.

    `withdrawn`: objects that still exist but are no longer public (a report taken back), with a
    `modified_at`; for the API they are gone as well, since their last change.
    """
    history = model.history.model
    records = history.objects.filter(history_type="-").exclude(id__in=model._base_manager.values("pk"))
    if query.created_since is not None:
        records = records.filter(created_at__gte=query.created_since)
    records = records.values("id").annotate(deleted_at=Max("history_date")).filter(deleted_at__gte=query.modified_since)
    if withdrawn is None:
        return records.order_by("id")
    hidden = withdrawn.filter(modified_at__gte=query.modified_since)
    if query.created_since is not None:
        hidden = hidden.filter(created_at__gte=query.created_since)
    hidden = hidden.annotate(deleted_at=F("modified_at")).values("id", "deleted_at")
    return records.order_by().union(hidden.order_by()).order_by("id")


def deleted_stub(links: Links, collection: str, type_name: str, pk, deleted_at) -> dict:
    return {"id": links(collection, pk), "type": type_name, "deleted": True, "modified": stamp(deleted_at)}


def page_url(request, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def paginated_list(
    request, query: ListQuery, queryset, serialize, *, collection: str, type_name: str, model=None, withdrawn=None
):
    """The OParl list envelope over `queryset` (ordered by the caller, plus pk for stability).

    With `modified_since`, objects of `model` deleted since then follow the live ones, and so do the
    `withdrawn` ones (see deleted_records).
    The number of queries is fixed: counts, one page of rows with their prefetches, one of stubs.
    """
    if query.modified_since is not None:
        queryset = queryset.filter(modified_at__gte=query.modified_since)
    if query.created_since is not None:
        queryset = queryset.filter(created_at__gte=query.created_since)
    ordering = [*(queryset.query.order_by or ()), "pk"]
    queryset = queryset.order_by(*ordering)

    live_total = queryset.count()
    deleted = (
        deleted_records(model, query, withdrawn) if model is not None and query.modified_since is not None else None
    )
    deleted_total = deleted.count() if deleted is not None else 0
    total = live_total + deleted_total
    pages = max(1, math.ceil(total / query.limit))
    if query.page > pages:
        raise ApiError(404, "not_found", f"Seite {query.page} gibt es nicht; die Liste hat {pages} Seite(n).", "page")

    links = Links(request)
    start = (query.page - 1) * query.limit
    end = start + query.limit
    data = [serialize(obj, links) for obj in queryset[start:end]] if start < live_total else []
    if deleted is not None and end > live_total:
        first = max(0, start - live_total)
        for row in deleted[first : first + query.limit - len(data)]:
            data.append(deleted_stub(links, collection, type_name, row["id"], row["deleted_at"]))
    return {
        "data": data,
        "pagination": {
            "totalElements": total,
            "elementsPerPage": query.limit,
            "currentPage": query.page,
            "totalPages": pages,
        },
        "links": {
            "first": page_url(request, 1),
            "prev": page_url(request, query.page - 1) if query.page > 1 else None,
            "self": page_url(request, query.page),
            "next": page_url(request, query.page + 1) if query.page < pages else None,
            "last": page_url(request, pages),
        },
    }


def object_or_stub(request, queryset, pk: int, serialize, *, model, collection: str, type_name: str, withdrawn=None):
    """The object at its URL; once deleted or `withdrawn` (see deleted_records), its stub with
    `deleted: true`; never known or never public: 404."""
    reject_unknown_parameters(request, ())
    links = Links(request)
    obj = queryset.filter(pk=pk).first()
    if obj is not None:
        return serialize(obj, links)
    if withdrawn is not None and (gone := withdrawn.filter(pk=pk).values_list("modified_at", flat=True).first()):
        return deleted_stub(links, collection, type_name, pk, gone)
    if not model._base_manager.filter(pk=pk).exists():
        deleted_at = model.history.filter(id=pk, history_type="-").aggregate(when=Max("history_date"))["when"]
        if deleted_at is not None:
            return deleted_stub(links, collection, type_name, pk, deleted_at)
    raise Http404


# --- the index -----------------------------------------------------------------------------------


class IndexOut(Schema):
    id: str
    type: Literal["System"]
    name: str
    website: str
    openapi: str
    towns: str
    organizations: str
    networks: str
    memberships: str
    statePartnerships: str
    meetings: str
    reports: str


@api.get("/", response={200: IndexOut, **ERRORS}, url_name="index", summary="Entry point with the lists")
def index(request):
    reject_unknown_parameters(request, ())
    links = Links(request)
    root = links.root
    return {
        "id": root,
        "type": "System",
        "name": settings.SITE_NAME,
        "website": links.web("/"),
        "openapi": f"{root}openapi.json",
        **{
            key: f"{root}{collection}/"
            for key, collection in [
                ("towns", "towns"),
                ("organizations", "organizations"),
                ("networks", "networks"),
                ("memberships", "memberships"),
                ("statePartnerships", "state-partnerships"),
                ("meetings", "meetings"),
                ("reports", "reports"),
            ]
        },
    }
