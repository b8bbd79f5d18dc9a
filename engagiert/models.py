"""Models of the project itself: the Papierkorb (trash) of deleted towns, networks and meetings."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone


class DeletedEntry(models.Model):
    """A deleted town, network or meeting, with everything its deletion removed or unlinked.

    Written by `engagiert.trash.delete_with_snapshot()` before the deletion; the office
    restores it with `engagiert.trash.restore()` (admin: „Papierkorb“).
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
        from django.apps import apps

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
