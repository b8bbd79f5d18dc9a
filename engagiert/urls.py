from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path, re_path
from django.views.decorators.http import require_safe
from django.views.static import serve

from public import figures
from public import pages as views
from public.api import api
from public.api import unknown_address as api_unknown_address
from public.sitemaps import SITEMAPS

admin.site.site_header = "Engagierte Stadt – Verwaltung"
admin.site.site_title = "Engagierte Stadt"
admin.site.index_title = "Netzwerkverzeichnis pflegen"
# The admin's login (/admin/login/, where the admin sends visitors without a session) renders the
# same page as /anmelden/. Only the template is shared: the admin keeps its own view and form, so
# it still lets in staff accounts only, and both forms are throttled by django-axes alike, because
# axes works inside authenticate(). A redirect to /anmelden/ would cost an extra hop and drop POSTs.
admin.site.login_template = "registration/login.html"
# The start page also tells coordinators and spokespersons which towns and networks are theirs.
admin.site.index_template = "admin/directory_index.html"


def media(request, path):
    """Uploaded report photos (re-encoded JPEGs, see events/images.py). MEDIA_ROOT is read per
    request, so tests can point it elsewhere. In production the web server should serve /media/."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


# The public site only reads: its pages answer GET and HEAD, any other method 405 (require_safe).
urlpatterns = [
    path("", require_safe(views.home), name="home"),
    path("suche/", require_safe(views.search), name="search"),
    path("zahlen/", require_safe(figures.figures), name="figures"),
    path("mitmachen/", require_safe(views.joining), name="joining"),
    path("", include("public.urls.towns")),
    path("", include("public.urls.networks")),
    path("", include("public.urls.meetings")),
    path("redaktion/", include("editorial.urls")),
    path("impressum/", require_safe(views.impressum), name="impressum"),
    path("datenschutz/", require_safe(views.privacy), name="datenschutz"),
    # Log in and out, reset and change the password: /anmelden/, /abmelden/, /passwort-…/
    path("", include("accounts.urls")),
    path("sitemap.xml", sitemaps.index, {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"}, name="sitemap"),
    path("sitemap-<section>.xml", sitemaps.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Browsers ask for /favicon.ico on pages without an icon link, such as the admin.
    path("favicon.ico", views.favicon),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # The read-only open-data API (OParl-like JSON, OpenAPI at /api/openapi.json).
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_unknown_address),
    re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", media, name="media"),
]

handler404 = "public.pages.page_not_found"
handler500 = "public.pages.server_error"
