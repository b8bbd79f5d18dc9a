from django.apps import AppConfig
from django.apps import apps as registry


class AccountsConfig(AppConfig):
    """Login, logout, password reset, login throttling (django-axes) and the roles on an account's admin page."""

    name = "accounts"
    verbose_name = "Konten"

    def ready(self):
        name_login_protection()
        name_background_tasks()


# django-axes names its part of the office's start page "Axes" and its tables in a technical
# German ("Zugriffslogs"); the office reads what they are for.
LOGIN_PROTECTION_NAMES = {
    "AccessAttempt": ("Gesperrte oder gezählte Anmeldeversuche", "Anmeldeversuch"),
    "AccessFailureLog": ("Fehlgeschlagene Anmeldungen (Protokoll)", "Fehlgeschlagene Anmeldung"),
    "AccessLog": ("Anmeldungen (Protokoll)", "Anmeldung"),
    "AccessAttemptExpiration": ("Ablauf der Anmeldesperren", "Ablauf einer Anmeldesperre"),
}


def name_login_protection() -> None:
    name_app("axes", "axes", "Schutz vor Passwort-Raten", LOGIN_PROTECTION_NAMES)


# django-tasks-db's queue: the reset mails waiting for `manage.py db_worker`.
BACKGROUND_TASK_NAMES = {"DBTaskResult": ("Aufgaben (z. B. Mails zum Passwort)", "Aufgabe")}


def name_background_tasks() -> None:
    name_app("django_tasks_db", "django_tasks_database", "Hintergrundaufgaben", BACKGROUND_TASK_NAMES)


def name_app(app_name: str, label: str, verbose_name: str, model_names: dict[str, tuple[str, str]]) -> None:
    """German names for an installed app of another project and its models (plural, singular)."""
    if not registry.is_installed(app_name):
        return
    config = registry.get_app_config(label)
    config.verbose_name = verbose_name
    for model in config.get_models():
        if model.__name__ in model_names:
            model._meta.verbose_name_plural, model._meta.verbose_name = model_names[model.__name__]
