"""Downloads of the directory lists as CSV and JSON, shared by every list.

Each list declares its columns once (a `Column` per field: stable English key for
JSON, German header for CSV) and its export view hands the filtered queryset to
`export_response()`. Both formats take exactly the page's GET parameters and give
the full filtered set in the page's order; the page number (`seite`) is ignored.

CSV is written for a German spreadsheet program (Excel, LibreOffice with German
settings): UTF-8 with BOM, so umlauts survive a double click; `;` as separator,
because `,` is the decimal mark; rows end in CRLF. Dates are written as
dd.mm.yyyy, which German spreadsheets read as dates, decimals with a comma,
numbers without thousands separators, yes/no as "ja"/"nein". A text cell that
starts with = + - @ (or a tab or carriage return) gets a leading apostrophe, so
a spreadsheet never runs it as a formula.

JSON is an object with a small envelope (`count`, `filters`, `generated_at`) and
the rows under `results`, with ISO dates and machine values (slugs, codes).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Model, Prefetch
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from core.dates import iso_period
from core.listing import PAGE_PARAM
from core.models import Citation

# The export URLs of every list: /staedte/export.csv, /staedte/export.json, …
FORMAT_PATTERN = r"export\.(?P<fmt>csv|json)$"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One field of an export: `value` gives the JSON value, `text` (if set) what the CSV cell shows instead."""

    key: str
    header: str
    value: Callable[[Any], Any]
    text: Callable[[Any], Any] | None = None

    def csv_value(self, obj) -> Any:
        return (self.text or self.value)(obj)


# --- sources -------------------------------------------------------------------------------------------


def with_sources() -> Prefetch:
    """Prefetch of the entries' citations with their sources: one query for a whole list."""
    return Prefetch("citations", queryset=Citation.objects.select_related("source").order_by("source__title", "pk"))


def cited_sources(obj) -> list[dict[str, Any]]:
    """The sources an entry cites (prefetched with `with_sources()`), with the fact each backs."""
    result = []
    for citation in obj.citations.all():
        source = citation.source
        result.append(
            {
                "title": source.title,
                "publisher": source.publisher or None,
                "url": source.url or None,
                "published": iso_period(source.published_on, source.published_precision),
                "retrieved": source.retrieved_on.isoformat() if source.retrieved_on else None,
                "fact": citation.fact or None,
            }
        )
    return result


def sources_column() -> Column:
    """The export column of an entry's sources: objects in JSON, "Titel (URL)" joined by " | " in CSV."""

    def text(obj) -> str:
        cited = dict.fromkeys(
            f"{source['title']} ({source['url']})" if source["url"] else source["title"]
            for source in cited_sources(obj)
        )
        return " | ".join(cited)

    return Column("sources", "Quellen", cited_sources, text=text)


# --- filters -------------------------------------------------------------------------------------------


def filter_errors(filterset) -> dict[str, list[str]]:
    """The invalid filters by parameter name, each with its German messages; empty when all are usable."""
    if not filterset.is_bound or filterset.is_valid():
        return {}
    return {name: [str(message) for message in messages] for name, messages in filterset.form.errors.items()}


def bad_filter_response(filterset, fmt: str) -> HttpResponse | None:
    """A 400 naming every unusable parameter, or None when the filters are fine.

    The page shows such values as a notice and applies the rest; a download must not
    silently contain more rows than asked for, so it refuses instead.
    """
    errors = filter_errors(filterset)
    if not errors:
        return None
    fields = filterset.form.fields
    lines = [
        f"„{name}“ ({fields[name].label}): {message}" if name in fields else f"„{name}“: {message}"
        for name, messages in errors.items()
        for message in messages
    ]
    summary = "Ungültige Filterangabe: " + "; ".join(lines)
    if fmt == "json":
        response = JsonResponse(
            {"error": summary, "parameters": errors},
            status=400,
            content_type="application/json; charset=utf-8",
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(summary + "\n", status=400, content_type="text/plain; charset=utf-8")
    return response


def applied_filters(filterset) -> dict[str, Any]:
    """The filters in effect, by parameter name, as they would appear in the address (slugs, codes)."""
    if not filterset.is_bound:
        return {}
    applied = {}
    for name, value in filterset.form.cleaned_data.items():
        field = filterset.form.fields[name]
        if isinstance(value, Iterable) and not isinstance(value, str):  # lists and querysets of choices
            value = [_raw(item, field) for item in dict.fromkeys(value)]
        if value in (None, "", []) or value is False:
            continue
        applied[name] = value if isinstance(value, list) else _raw(value, field)
    return applied


def _raw(value, field) -> Any:
    if isinstance(value, Model):
        return getattr(value, getattr(field, "to_field_name", None) or "pk")
    if isinstance(value, Decimal):
        return str(value)
    return value


def export_query(request: HttpRequest) -> str:
    """The current filters as a query string for the download links: the page's own, without the page number."""
    query = request.GET.copy()
    query.pop(PAGE_PARAM, None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


# --- cells ---------------------------------------------------------------------------------------------


def csv_cell(value: Any) -> str:
    """A value as a German spreadsheet reads it (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (Decimal, float)):
        return format(value, "f").replace(".", ",")  # decimal comma, no thousands separator
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, (list, tuple)):
        return guard_formula(", ".join(str(item) for item in value))
    return guard_formula(str(value))


def guard_formula(text: str) -> str:
    """Text that a spreadsheet would run as a formula, defused with a leading apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def json_value(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.time)):  # datetime included
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


# --- writers -------------------------------------------------------------------------------------------


def write_csv(headers: list[str], rows: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([guard_formula(header) for header in headers])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_json(results: list[Any], *, filters: dict[str, Any], **extra) -> bytes:
    envelope = {
        "count": len(results),
        "filters": filters,
        "generated_at": timezone.now().replace(microsecond=0).isoformat(),
        **extra,
        "results": results,
    }
    return json.dumps(envelope, ensure_ascii=False, indent=2, default=json_value).encode("utf-8")


def file_name(stem: str, fmt: str) -> str:
    return f"{stem}-{timezone.localdate().isoformat()}.{fmt}"


def download(content: bytes, stem: str, fmt: str) -> HttpResponse:
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/json; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name(stem, fmt)}"'
    response["X-Robots-Tag"] = "noindex"
    return response


def export_response(objects: Iterable, columns: list[Column], *, fmt: str, stem: str, filterset) -> HttpResponse:
    """The objects as a CSV or JSON download named `<stem>-<today>.<fmt>`."""
    objects = list(objects)
    if fmt == "csv":
        content = write_csv(
            [column.header for column in columns], ([column.csv_value(obj) for column in columns] for obj in objects)
        )
    else:
        results = [{column.key: json_value(column.value(obj)) for column in columns} for obj in objects]
        content = write_json(results, filters=applied_filters(filterset))
    return download(content, stem, fmt)
