"""The directory's domain apps, as they declare themselves.

Each AppConfig of cities, networks and events sets `directory_app = True`. The page cache, the
backup and the office's permissions cover exactly these apps; nothing else spells their names.
"""

from django.apps import apps


def directory_app_labels() -> tuple[str, ...]:
    return tuple(config.label for config in apps.get_app_configs() if getattr(config, "directory_app", False))


def name_link_tables() -> None:
    """German names for the link tables that Django creates for the many-to-many fields.

    The admin lists their rows when it confirms a deletion; by default they read
    "Network_partners object (10)". Here each row reads "Verknüpfung „Partner“: <entry> – <linked entry>".
    """
    for model in apps.get_models():
        if model._meta.app_label not in directory_app_labels():
            continue
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if not through._meta.auto_created:
                continue
            through._meta.verbose_name = f"Verknüpfung „{field.verbose_name}“"
            through._meta.verbose_name_plural = f"Verknüpfungen „{field.verbose_name}“"
            through.__str__ = _link_text(field.m2m_field_name(), field.m2m_reverse_field_name())


def _link_text(source: str, target: str):
    def __str__(link) -> str:
        return f"{getattr(link, source)} – {getattr(link, target)}"

    return __str__
