from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public site: pages, search, downloads, calendars, feeds, sitemaps and the open-data API."""

    name = "public"
    verbose_name = "Öffentliche Seiten"

    def ready(self):
        # Checks register when the app is ready (Django's pattern for system checks).
        from public import checks  # noqa: F401
        from public.params import register

        # The query parameters the pages read: the page cache drops every other one.
        register()
