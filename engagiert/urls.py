from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from engagiert import views
from engagiert.sitemaps import SITEMAPS

admin.site.site_header = "Engagierte Stadt – Verwaltung"
admin.site.site_title = "Engagierte Stadt"
admin.site.index_title = "Netzwerkverzeichnis pflegen"

urlpatterns = [
    path("", views.home, name="home"),
    path("suche/", views.search, name="search"),
    path("", include("cities.urls")),
    path("", include("networks.urls")),
    path("", include("events.urls")),
    path("impressum/", TemplateView.as_view(template_name="impressum.html"), name="impressum"),
    path("datenschutz/", TemplateView.as_view(template_name="datenschutz.html"), name="datenschutz"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    # Browsers ask for /favicon.ico on pages without an icon link, such as the admin.
    path("favicon.ico", views.favicon),
    path("admin/", admin.site.urls),
]

handler404 = "engagiert.views.page_not_found"
handler500 = "engagiert.views.server_error"
