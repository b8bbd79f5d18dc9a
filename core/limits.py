"""A cap on request bodies, checked before anything reads them.

A request that announces a body larger than its address accepts gets 413 at once: the bytes are
never read, parsed or written to a temporary file. Most addresses take small forms only
(REQUEST_BODY_MAX_BYTES, 3 MB by default, which also covers the admin's CSV imports); the
addresses that take photos (REQUEST_BODY_UPLOAD_PATHS) take photo-sized bodies
(PHOTO_MAX_BYTES plus the form around it), and only from a signed-in account.

Django reads a body only as far as its Content-Length goes and ignores a body without one, so
the announced length is what counts. The middleware sits after the authentication middleware
(the session tells who asks) and before the CSRF check, the first code that reads a body.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader

# Room for the form fields and multipart headers around an uploaded photo.
UPLOAD_ENVELOPE_BYTES = 1024 * 1024


def announced_length(request: HttpRequest) -> int:
    """The body's length as the request announces it; 0 for none or a malformed value."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def body_limit(request: HttpRequest) -> int:
    """The largest body this request may send."""
    upload_paths = settings.REQUEST_BODY_UPLOAD_PATHS
    if any(re.match(pattern, request.path_info) for pattern in upload_paths) and request.user.is_authenticated:
        return settings.PHOTO_MAX_BYTES + UPLOAD_ENVELOPE_BYTES
    return settings.REQUEST_BODY_MAX_BYTES


def too_large(limit: int) -> HttpResponse:
    response = HttpResponse(
        loader.render_to_string("413.html", {"limit": limit, "photo_limit": settings.PHOTO_MAX_BYTES}), status=413
    )
    response["Cache-Control"] = "no-store"
    # No "Connection: close" here: WSGI leaves hop-by-hop headers to the server (wsgiref refuses
    # them with a 500), and the server closes a connection whose body was not read.
    return response


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = announced_length(request)
        # The common case costs nothing: small bodies pass without looking at the session.
        if length > settings.REQUEST_BODY_MAX_BYTES and length > (limit := body_limit(request)):
            return too_large(limit)
        return self.get_response(request)
