"""Models of the ground floor: the Papierkorb (trash) of deleted towns, networks and meetings, the
page cache's token, and the sources that back the directory's facts."""

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from core.dates import DatePrecision, format_period, period_start


def saving_also(save_kwargs: dict, *fields: str) -> dict:
    """The keyword arguments of a model's save() with the fields that save() computes itself
    (a folded search column, a period's end) added to `update_fields`, when the caller gave any."""
    update_fields = save_kwargs.get("update_fields")
    if update_fields is None:
        return save_kwargs
    return {**save_kwargs, "update_fields": {*update_fields, *fields}}


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


def _citation_condition(entries) -> models.Q:
    by_model: dict[type, list] = {}
    for entry in entries:
        by_model.setdefault(type(entry), []).append(entry.pk)
    condition = models.Q(pk__in=[])
    for model, ids in by_model.items():
        content_type = ContentType.objects.get_for_model(model)
        condition |= models.Q(content_type=content_type, object_id__in=ids)
    return condition


class Footnotes:
    """The numbered sources of a page, and the footnote marks of the facts that have their own.

    Iterating gives the sources, each once, numbered (`source.number`) in the order of their
    titles; `marks(entry, fact)` gives the numbers of the sources that back one fact of an entry
    (or, with `fact=""`, the entry as a whole: a membership, a stated count, a term of office).
    """

    def __init__(self, citations):
        self.sources: list[Source] = []
        self._marks: dict[tuple, list[int]] = {}
        numbers: dict[int, int] = {}
        for citation in sorted(citations, key=lambda c: (c.source.title.casefold(), c.source_id)):
            if citation.source_id not in numbers:
                numbers[citation.source_id] = citation.source.number = len(numbers) + 1
                self.sources.append(citation.source)
            key = (citation.content_type_id, citation.object_id, citation.fact)
            self._marks.setdefault(key, []).append(numbers[citation.source_id])

    def __iter__(self):
        return iter(self.sources)

    def __len__(self) -> int:
        return len(self.sources)

    def marks(self, entry: models.Model | None, fact: str = "") -> list[int]:
        if entry is None or entry.pk is None:
            return []
        content_type = ContentType.objects.get_for_model(type(entry))
        return sorted(set(self._marks.get((content_type.pk, entry.pk, fact), [])))


class SourceQuerySet(models.QuerySet):
    def footnotes(self, *entries: models.Model) -> Footnotes:
        """The sources of the entries and of their facts, numbered for one page, in one query."""
        citations = Citation.objects.filter(_citation_condition(entries)).filter(source__in=self)
        return Footnotes(citations.select_related("source"))

    def citing(self, *entries: models.Model):
        """The sources that back any of the entries (model instances) or a fact of them, each once, in one query."""
        return self.filter(pk__in=Citation.objects.filter(_citation_condition(entries)).values("source_id"))


class Source(models.Model):
    """A public page or text that states facts of the directory: the press release, the town's
    page, the programme's own site. Facts cite it through `Citation`."""

    key = models.SlugField(
        "Kürzel",
        max_length=80,
        unique=True,
        help_text="Eindeutiges Kürzel, mit dem die Datendateien die Quelle nennen.",
    )
    title = models.CharField("Titel", max_length=300)
    publisher = models.CharField("Herausgeber", max_length=200, blank=True)
    url = models.URLField("Adresse (URL)", max_length=500, blank=True)
    published_on = models.DateField("Veröffentlicht am", null=True, blank=True)
    published_precision = models.CharField(
        "Genauigkeit des Datums", max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    retrieved_on = models.DateField("Abgerufen am", null=True, blank=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        verbose_name = "Quelle"
        verbose_name_plural = "Quellen"
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.title}" if self.publisher else self.title

    def save(self, *args, **kwargs):
        if self.published_on:
            self.published_on = period_start(self.published_on, self.published_precision)
        super().save(*args, **kwargs)

    @property
    def published_display(self) -> str:
        return format_period(self.published_on, self.published_precision)


class Citation(models.Model):
    """A source backs an entry of the directory (a town, a membership, a meeting …), or one fact of it."""

    source = models.ForeignKey(Source, verbose_name="Quelle", on_delete=models.PROTECT, related_name="citations")
    content_type = models.ForeignKey(ContentType, verbose_name="Art des Eintrags", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField("Nummer des Eintrags")
    entry = GenericForeignKey("content_type", "object_id")
    fact = models.CharField(
        "Angabe",
        max_length=60,
        blank=True,
        help_text="Feld, das die Quelle belegt (z. B. joined_year); leer, wenn sie den ganzen Eintrag belegt.",
    )

    class Meta:
        verbose_name = "Beleg"
        verbose_name_plural = "Belege"
        ordering = ["source__title"]
        constraints = [
            models.UniqueConstraint(fields=["source", "content_type", "object_id", "fact"], name="citation_unique")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="citation_entry_idx")]

    def __str__(self) -> str:
        return str(self.source)
