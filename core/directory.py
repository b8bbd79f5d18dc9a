"""The directory's domain apps, as they declare themselves.

Each AppConfig of cities, networks and events sets `directory_app = True`. The page cache, the
backup and the office's permissions cover exactly these apps; nothing else spells their names.
"""

from django.apps import apps


def directory_app_labels() -> tuple[str, ...]:
    return tuple(config.label for config in apps.get_app_configs() if getattr(config, "directory_app", False))
