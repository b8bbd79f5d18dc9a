from django.apps import AppConfig


class NetworksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "networks"
    verbose_name = "Netzwerke"
    directory_app = True  # one of the directory's domain apps (core/directory.py)

    def ready(self):
        from networks.permissions import register_rules

        register_rules()
