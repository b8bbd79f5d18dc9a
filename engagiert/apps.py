from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_office_group(sender, using="default", **kwargs):
    """The group „Programmbüro“ holds every permission of the directory and of the user accounts.

    Runs after every migration, so permissions of new models reach the office too.
    """
    from django.contrib.auth.models import Group, Permission

    from engagiert.permissions import OFFICE_GROUP

    group, _ = Group.objects.using(using).get_or_create(name=OFFICE_GROUP)
    wanted = Permission.objects.using(using).filter(
        content_type__app_label__in=["cities", "networks", "events", "engagiert", "auth", "axes"]
    )
    group.permissions.add(*wanted)


class EngagiertConfig(AppConfig):
    name = "engagiert"
    verbose_name = "Engagierte Stadt"

    def ready(self):
        post_migrate.connect(ensure_office_group, dispatch_uid="engagiert.ensure_office_group")

        from engagiert.caching import connect_signals

        connect_signals()
