from django.apps import AppConfig


class CitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cities"
    verbose_name = "Städte"
    directory_app = True  # one of the directory's domain apps (core/directory.py)

    def ready(self):
        from cities.permissions import register_rules

        register_rules()
