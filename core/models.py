"""Models of the project itself: the Papierkorb (trash) of deleted towns, networks and meetings."""

from django.apps import apps
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class DeletedEntry(models.Model):
    """A deleted town, network or meeting, with everything its deletion removed or unlinked.

    Written by `core.trash.delete_with_snapshot()` before the deletion; the office
    restores it with `core.trash.restore()` (admin: „Papierkorb“).
    """

    model_label = models.CharField("Art (technisch)", max_length=100)
    object_pk = models.CharField("Schlüssel", max_length=64)
    name = models.CharField("Bezeichnung", max_length=300)
    deleted_at = models.DateTimeField("Gelöscht am", default=timezone.now, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Gelöscht von",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Every row the deletion removed (the entry itself first), in Django's serialisation format.
    snapshot = models.JSONField("Gespeicherte Daten", default=list, encoder=DjangoJSONEncoder)
    # Rows that stayed but lost their link: [{"model": label, "pk": pk, "field": name, "value": pk of the target}].
    nulled_links = models.JSONField("Gelöste Verweise", default=list, encoder=DjangoJSONEncoder)
    related_count = models.PositiveIntegerField("Mitgelöschte Einträge", default=0)
    restored_at = models.DateTimeField("Wiederhergestellt am", null=True, blank=True)
    restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Wiederhergestellt von",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "Gelöschter Eintrag"
        verbose_name_plural = "Papierkorb"
        ordering = ["-deleted_at", "-pk"]
        indexes = [models.Index(fields=["model_label", "object_pk"], name="deletedentry_object_idx")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"

    @property
    def model(self):
        return apps.get_model(self.model_label)

    @property
    def kind(self) -> str:
        try:
            return str(self.model._meta.verbose_name)
        except LookupError:
            return self.model_label

    @property
    def is_restored(self) -> bool:
        return self.restored_at is not None


class DirectoryVersion(models.Model):
    """One row naming the state of the public directory: a fresh token after every change.

    The page cache (`core.caching`) keys cached pages and their ETags on the token, so an
    edit in the admin, in /redaktion/ or by an import makes every cached page unreachable at
    once, in every app process that shares the database. A token rather than a counter, so
    that a database rebuilt from scratch or from a backup can never meet old cache entries.
    Not part of backups: a restore writes a fresh token.
    """

    token = models.CharField("Kennung", max_length=32)
    changed_at = models.DateTimeField("Geändert am", default=timezone.now)

    class Meta:
        verbose_name = "Stand des Verzeichnisses"
        verbose_name_plural = "Stand des Verzeichnisses"

    def __str__(self):
        return f"{self.token} ({self.changed_at:%d.%m.%Y %H:%M:%S})"
