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
    if not registry.is_installed("axes"):
        return
    config = registry.get_app_config("axes")
    config.verbose_name = "Schutz vor Passwort-Raten"
    for model in config.get_models():
        if model.__name__ in LOGIN_PROTECTION_NAMES:
            model._meta.verbose_name_plural, model._meta.verbose_name = LOGIN_PROTECTION_NAMES[model.__name__]


def name_background_tasks() -> None:
    """django-tasks-db's queue (the reset mails waiting for `manage.py db_worker`), named in German."""
    if not registry.is_installed("django_tasks_db"):
        return
    config = registry.get_app_config("django_tasks_database")
    config.verbose_name = "Hintergrundaufgaben"
    for model in config.get_models():
        model._meta.verbose_name_plural, model._meta.verbose_name = "Aufgaben (z. B. Mails zum Passwort)", "Aufgabe"
