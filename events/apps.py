from django.apps import AppConfig


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "Treffen"
    directory_app = True  # one of the directory's domain apps (core/directory.py)

    def ready(self):
        from events.permissions import register_rules

        register_rules()
