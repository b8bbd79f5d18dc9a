"""The page cache: anonymous public pages are rendered once per state of the directory.

Every change to a town, network, meeting or anything else of the apps cities, networks and
events writes a fresh token to `DirectoryVersion` when its transaction commits (model
signals, so the admin, /redaktion/, the CSV import and the Papierkorb are covered alike;
bulk writers call `directory_changed()` themselves). A page is cached under a key made of

- that token (read with one query per request, so every app process sees an edit at once),
- today's date in Berlin (upcoming and past meetings, running seat terms),
- a fingerprint of the release (templates and code), so a deployment never serves old markup,
- the absolute URL and the HTMX request headers the pages vary on.

The key's hash is also the page's ETag, and the token's timestamp its Last-Modified, so
browsers revalidate cheaply (304) and never see stale data: responses say `no-cache`
(store, but ask every time). An edit is visible on the very next request.

Query parameters: the key holds only those the site understands (`understand_params()`, registered
by the apps that read them); any other parameter (`?r=123`, `?utm_source=…`) is removed from the
request before the view sees it, so it neither makes a new cache entry nor shows up in the page's
links. This holds with the cache off as well, so a page and its cached copy never differ.

Only anonymous GET/HEAD requests are served from the cache (no session or message cookie),
only complete 200 answers without cookies and without `private`/`no-store` are stored, and
the admin, /redaktion/, media files and /healthz are never cached. With PAGE_CACHE off
(development, tests) the middleware does nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse, QueryDict
from django.middleware.gzip import re_accepts_gzip
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, urlencode
from django.utils.text import compress_string

from core.directory import directory_app_labels
from core.models import DirectoryVersion

logger = logging.getLogger(__name__)

# Request headers a public page may differ by (HTMX fragments, history restore); part of every
# key, whether or not the page's own Vary header names them.
HTMX_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")
HEADER_KEYS = tuple("HTTP_" + name.upper().replace("-", "_") for name in HTMX_HEADERS)


def _read_version():
    # Plain SQL: this runs on every cached request, and the ORM would cost more than the query.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token, changed_at FROM {DirectoryVersion._meta.db_table} ORDER BY id LIMIT 1")
        return cursor.fetchone()


def current_version() -> tuple[str, datetime.datetime]:
    """(token, changed_at) of the directory; one query, which also serves as the connection's
    health check for the request.

    With CONN_HEALTH_CHECKS Django asks a reused connection "SELECT 1" before the request's first
    query, so that a connection the database dropped (a restart) is replaced, not failed on. For
    a cache hit that would double the round trips. Here the token query itself is the check: it
    runs on the reused connection unchecked, and if that connection turns out dead it is closed
    and the query asked once more on a new one – the same outcome, one round trip fewer.
    """
    reused_unchecked = (
        connection.connection is not None and connection.health_check_enabled and not connection.health_check_done
    )
    if reused_unchecked:
        connection.health_check_done = True
        try:
            row = _read_version()
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block:
                raise
            logger.info("Database connection was dropped; connecting anew")
            connection.close()
            row = _read_version()
    else:
        row = _read_version()
    if row is None:
        return "initial", datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)
    token, changed_at = row
    if isinstance(changed_at, str):  # SQLite hands back text, in UTC
        changed_at = parse_datetime(changed_at)
    if timezone.is_naive(changed_at):
        changed_at = changed_at.replace(tzinfo=datetime.UTC)
    return token, changed_at


def _write_new_version() -> None:
    token, now = uuid.uuid4().hex, timezone.now()
    if not DirectoryVersion.objects.filter(pk=1).update(token=token, changed_at=now):
        DirectoryVersion.objects.update_or_create(pk=1, defaults={"token": token, "changed_at": now})


def directory_changed() -> None:
    """Make every cached page stale once the current transaction commits (at once in autocommit).

    One new token per transaction, however many rows it writes; a transaction that rolls back
    changes nothing, and its callback is dropped with it.
    """
    if any(callback is _write_new_version for _, callback, _ in connection.run_on_commit):
        return
    transaction.on_commit(_write_new_version)


def _public(sender) -> bool:
    meta = sender._meta
    # Models of migration states ("__fake__") write before our table may exist; post_migrate covers them.
    return (
        meta.app_label in directory_app_labels()
        and not meta.model_name.startswith("historical")
        and sender.__module__ != "__fake__"
    )


def on_save_or_delete(sender, **kwargs):
    if _public(sender):
        directory_changed()


def on_m2m_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and _public(sender):
        directory_changed()


def connect_signals() -> None:
    post_save.connect(on_save_or_delete, dispatch_uid="core.caching.save")
    post_delete.connect(on_save_or_delete, dispatch_uid="core.caching.delete")
    m2m_changed.connect(on_m2m_changed, dispatch_uid="core.caching.m2m")
    # Data migrations write without signals that reach us reliably; a migration run renews the token.
    post_migrate.connect(lambda **kwargs: directory_changed(), dispatch_uid="core.caching.migrate", weak=False)


def _code_folders(base: Path) -> list[Path]:
    """The project package, the templates and every app of ours (those inside the repository)."""
    ours = [Path(config.path) for config in apps.get_app_configs() if Path(config.path).is_relative_to(base)]
    return [base / "engagiert", base / "templates", *ours]


@lru_cache(maxsize=1)
def release_fingerprint() -> tuple[str, float]:
    """(hash, newest modification time) of the code, templates and static manifest of this release."""
    base = Path(settings.BASE_DIR)
    files = sorted(
        path
        for folder in _code_folders(base)
        for path in folder.rglob("*")
        if path.suffix in {".py", ".html", ".txt", ".xml"} and path.is_file()
    )
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        files.append(manifest)
    digest = hashlib.sha256()
    newest = 0.0
    for path in files:
        digest.update(str(path.relative_to(base) if path.is_relative_to(base) else path).encode())
        digest.update(path.read_bytes())
        newest = max(newest, path.stat().st_mtime)
    return digest.hexdigest()[:16], newest


# Path prefix → the names of the query parameters the pages under it read (or a function that
# returns them, asked once). The longest matching prefix counts; paths under no prefix keep all.
# None: the pages under the prefix judge their parameters themselves (the API answers 400 for an
# unknown one, and no error is cached).
_PARAMS: dict[str, frozenset[str] | Callable[[], Iterable[str]] | None] = {}


def understand_params(prefix: str, names: Iterable[str] | Callable[[], Iterable[str]] | None) -> None:
    """Declares the query parameters the pages under `prefix` read; every other one is dropped."""
    _PARAMS[prefix] = names if names is None or callable(names) else frozenset(names)


def understood_params(path: str) -> frozenset[str] | None:
    """The parameters a page at `path` reads, or None where all are kept."""
    prefixes = [prefix for prefix in _PARAMS if path.startswith(prefix)]
    if not prefixes:
        return None
    prefix = max(prefixes, key=len)
    names = _PARAMS[prefix]
    if callable(names):
        names = _PARAMS[prefix] = frozenset(names())
    return names


def drop_unknown_params(request) -> None:
    """Removes the query parameters the page does not read from `request` (GET and QUERY_STRING)."""
    if not request.META.get("QUERY_STRING") or _excluded(request.path):
        return
    known = understood_params(request.path)
    if known is None or known.issuperset(request.GET):
        return
    kept = [(name, value) for name in request.GET if name in known for value in request.GET.getlist(name)]
    request.META["QUERY_STRING"] = urlencode(kept)
    request.GET = QueryDict(request.META["QUERY_STRING"])


# The directory's version as the page cache read it for the page being rendered: remember() takes
# it from here instead of asking the database a second time.
_rendering_version: ContextVar[tuple[str, datetime.datetime] | None] = ContextVar("rendering_version", default=None)


def remember(name: str, compute: Callable[[], Any]) -> Any:
    """`compute()` once per state of the directory and release, shared by every page and process.

    For parts that are the same whatever a visitor asks (the map of all towns): a page that is not
    in the page cache still finds them ready. The key holds the directory's token, so the next edit
    makes a fresh one; the token costs one query (none when the page cache read it already),
    which a stored value saves again.
    """
    token, _ = _rendering_version.get() or current_version()
    release, _ = release_fingerprint()
    key = f"directory:{token}:{release}:{name}"
    cache = caches["default"]
    value = _cache_call(cache.get, key)
    if value is None:
        value = compute()
        _cache_call(cache.set, key, value, settings.PAGE_CACHE_SECONDS)
    return value


# Redis evicts under memory pressure only with one of these policies (every key of ours expires).
EVICTING_POLICIES = ("allkeys-lru", "allkeys-lfu", "allkeys-random", "volatile-lru", "volatile-lfu", "volatile-ttl")


def memory_bound(alias: str = "default") -> str:
    """Whether the cache `alias` is bounded: "ok", or "unbounded" for a Redis without maxmemory
    or with a policy that never evicts. Local memory caches are bounded by MAX_ENTRIES."""
    cache = caches[alias]
    if not isinstance(cache, RedisCache):
        return "ok"
    return redis_memory_bound(cache._cache.get_client().info("memory"))


def redis_memory_bound(info: dict) -> str:
    bounded = int(info.get("maxmemory", 0)) > 0 and info.get("maxmemory_policy") in EVICTING_POLICIES
    return "ok" if bounded else "unbounded"


def _excluded(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in settings.PAGE_CACHE_EXCLUDE)


def _anonymous(request) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def _storable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


def _cache_call(method, *args):
    """A cache that does not answer (Redis down) costs the cache, never the page."""
    try:
        return method(*args)
    except Exception:  # the backends raise their own errors, e.g. redis.ConnectionError
        logger.warning("Page cache unavailable", exc_info=True)
        return None


def _stores():
    """The process's own memory first, then the shared cache (Redis) where there is one."""
    stores = [caches[settings.PAGE_CACHE_LOCAL_ALIAS]]
    if settings.PAGE_CACHE_SHARED_ALIAS:
        stores.append(caches[settings.PAGE_CACHE_SHARED_ALIAS])
    return stores


def _load(key: str):
    local, *shared = _stores()
    value = _cache_call(local.get, key)
    if value is None and shared:
        value = _cache_call(shared[0].get, key)
        if value is not None:
            _cache_call(local.set, key, value, settings.PAGE_CACHE_SECONDS)
    return value


def _store(key: str, value) -> None:
    for store in _stores():
        _cache_call(store.set, key, value, settings.PAGE_CACHE_SECONDS)


def _gzipped(response: HttpResponse) -> HttpResponse:
    """The compressed twin of a stored page, so that cache hits are not compressed again and again."""
    compressed = HttpResponse(compress_string(response.content), status=response.status_code)
    for name, value in response.items():
        compressed[name] = value
    compressed["Content-Encoding"] = "gzip"
    compressed["Content-Length"] = str(len(compressed.content))
    return compressed


class PageCacheMiddleware:
    """Serves anonymous public pages from the cache and answers conditional requests (304).

    It sits high in the middleware stack (settings.MIDDLEWARE, after the security headers and
    WhiteNoise): a hit skips sessions, CSRF, messages and the rest, and the stored answer keeps
    the headers those added the first time (Content-Security-Policy, X-Frame-Options, Vary).
    Each page is stored plain and gzip-compressed; GZipMiddleware leaves the compressed one alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD"}:
            drop_unknown_params(request)
        if (
            not settings.PAGE_CACHE
            or request.method not in {"GET", "HEAD"}
            or not _anonymous(request)
            or _excluded(request.path)
        ):
            return self.get_response(request)

        token, changed_at = current_version()
        release, released_at = release_fingerprint()
        today = timezone.localdate()
        parts = [token, release, today.isoformat(), request.build_absolute_uri()]
        parts += [request.META.get(key, "") for key in HEADER_KEYS]
        digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]
        key = f"page:{digest}"
        # Weak: the plain and the compressed answer are the same page.
        etag = f'W/"{digest}"'
        midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
        last_modified = max(changed_at, midnight, datetime.datetime.fromtimestamp(released_at, datetime.UTC))
        last_modified_ts = int(last_modified.timestamp())

        gzip = bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))
        wanted_key = f"{key}:gzip" if gzip else key
        response = _load(wanted_key)
        if response is not None:
            response["X-Cache"] = "hit"
            return get_conditional_response(request, etag=etag, last_modified=last_modified_ts, response=response)

        plain = _load(key) if gzip else None
        if plain is None:
            reading = _rendering_version.set((token, changed_at))
            try:
                plain = self.get_response(request)
            finally:
                _rendering_version.reset(reading)
            if not _storable(plain):
                return plain
            plain["ETag"] = etag
            plain["Last-Modified"] = http_date(last_modified_ts)
            # Store, but revalidate on every use: the ETag makes that a cheap 304.
            patch_cache_control(plain, no_cache=True, public=True)
            # Signed-in visitors get their own, uncached page; compressed or not is the client's choice.
            patch_vary_headers(plain, ("Cookie", "Accept-Encoding"))
            _store(key, plain)
        response = plain
        if gzip:
            response = _gzipped(plain)
            _store(wanted_key, response)
        response["X-Cache"] = "miss"
        return get_conditional_response(request, etag=etag, last_modified=last_modified_ts, response=response)
