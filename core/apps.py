from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """The ground floor: the pieces every app builds on, and the directory's two own tables
    (the page cache's token and the Papierkorb).

    Its label stays "engagiert", the name of the package these pieces lived in before, so the
    tables, migrations and content types of an existing database carry over unchanged.
    """

    name = "core"
    label = "engagiert"
    verbose_name = "Engagierte Stadt"

    def ready(self):
        # Modules that use models load once the registry is ready (Django's pattern for signals).
        from core.caching import connect_signals
        from core.directory import name_link_tables
        from core.permissions import ADD, VIEW, any_role, ensure_office_group, register

        post_migrate.connect(ensure_office_group, dispatch_uid="engagiert.ensure_office_group")
        # Coordinators and spokespersons cite sources for their own entries: they find every
        # source and add new ones; changing or deleting a source stays with the office.
        register(grants={"engagiert.source": [(any_role, {VIEW, ADD})]})
        connect_signals()
        name_link_tables()
