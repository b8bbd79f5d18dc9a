"""Meetings of the networks and the reports written about them."""

import datetime

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cities.models import City, Person, SearchableQuerySet
from core.addresses import slug_url
from core.dates import DatePrecision, format_period, period_end, period_start
from core.locking import VersionedModel
from core.models import Citation, saving_also
from core.text import fold, german_slugify
from events.images import THUMBNAIL_SIDE, fit_within
from networks.models import Network


class MeetingKind(models.TextChoices):
    NETWORK_MEETING = "network_meeting", "Netzwerktreffen"
    FOUNDING = "founding", "Gründungstreffen"
    NATIONAL = "national", "Bundesnetzwerktreffen"
    DIGITAL_EXCHANGE = "digital_exchange", "Digitaler Austausch"
    VISIT = "visit", "Besuch"
    CONSULTATION = "consultation", "Arbeitsgespräch"
    THEME_TABLE = "theme_table", "Thementisch bei einer anderen Veranstaltung"
    OTHER = "other", "Sonstiges"


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", "vor Ort"
    DIGITAL = "digital", "digital"
    HYBRID = "hybrid", "hybrid"
    UNKNOWN = "unknown", "Format unbekannt"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "geplant"
    HELD = "held", "stattgefunden"
    CANCELLED = "cancelled", "abgesagt"


class MeetingQuerySet(SearchableQuerySet):
    """Upcoming and past never overlap: a meeting counts as upcoming until the
    last day of its period has passed (the end of the quarter for one planned
    only to a quarter). A cancelled future meeting stays in the upcoming list,
    marked as cancelled, so nobody travels to it."""

    def upcoming(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(period_ends_on__gte=today)

    def announced(self, today: datetime.date | None = None):
        """Upcoming meetings that still take place: what the home page invites to."""
        return self.upcoming(today).exclude(status=MeetingStatus.CANCELLED)

    def past(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(Q(period_ends_on__lt=today) | Q(period_ends_on__isnull=True))

    def awaiting_record(self, today: datetime.date | None = None):
        """Meetings whose time has passed while they still read "geplant" and have no report:
        their editors should record whether and how they took place."""
        today = today or timezone.localdate()
        return self.filter(period_ends_on__lt=today, status=MeetingStatus.PLANNED, report__isnull=True)

    def named_as_next(self, meeting, on: datetime.date, precision: str):
        """The meeting that a report of `meeting` names as the next one: a meeting of one of the same
        networks that starts within the period named (the day, the month …), the earliest if several."""
        networks = [network.pk for network in meeting.networks.all()]
        return (
            self.filter(
                networks__in=networks, starts_on__range=(period_start(on, precision), period_end(on, precision))
            )
            .exclude(pk=meeting.pk)
            .order_by("starts_on", "pk")
            .first()
        )

    def of_towns(self, towns):
        """Meetings the towns attend, host or where they take place: the one definition of a town's meetings.

        A union of three index lookups as one subquery: an OR of the three conditions would make
        the database read every meeting, and a join would repeat rows."""
        attended = self.model.participating_cities.through.objects.filter(city__in=towns).values("meeting_id")
        hosted = self.model.host_cities.through.objects.filter(city__in=towns).values("meeting_id")
        held_there = self.model.objects.filter(place_city__in=towns).values("pk")
        return self.filter(pk__in=attended.union(hosted, held_there))

    def named_town_ids(self):
        """Ids of the towns that host or attend these meetings: the towns a meeting's page names."""
        meetings = self.values("pk")
        attending = self.model.participating_cities.through.objects.filter(meeting__in=meetings).values("city_id")
        hosting = self.model.host_cities.through.objects.filter(meeting__in=meetings).values("city_id")
        return attending.union(hosting)

    def with_relations(self):
        return self.select_related("place_city", "report").prefetch_related("networks")


class Meeting(VersionedModel):
    title = models.CharField("Titel", max_length=200)
    slug = models.SlugField("Kürzel in der Adresse", max_length=200, unique=True)
    kind = models.CharField("Art", max_length=20, choices=MeetingKind.choices, default=MeetingKind.NETWORK_MEETING)
    format = models.CharField("Format", max_length=10, choices=MeetingFormat.choices, default=MeetingFormat.UNKNOWN)
    status = models.CharField("Status", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    networks = models.ManyToManyField(
        Network, verbose_name="Veranstaltende Netzwerke", related_name="meetings", blank=True
    )
    host_cities = models.ManyToManyField(
        City, verbose_name="Einladende Städte", related_name="hosted_meetings", blank=True
    )
    starts_on = models.DateField(
        "Datum (Beginn)",
        null=True,
        blank=True,
        help_text="Leer lassen, wenn keine Quelle das Datum nennt. Bei Quartal oder Monat: ein Tag darin.",
    )
    date_precision = models.CharField(
        "Genauigkeit des Datums", max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    ends_on = models.DateField("Datum (Ende)", null=True, blank=True, help_text="Nur bei mehrtägigen Treffen.")
    start_time = models.TimeField("Beginn (Uhrzeit)", null=True, blank=True)
    end_time = models.TimeField("Ende (Uhrzeit)", null=True, blank=True)
    # Derived from the date and its precision on save; the upcoming/past split filters on it.
    period_ends_on = models.DateField(editable=False, null=True, db_index=True)
    place_city = models.ForeignKey(
        City,
        verbose_name="Ort (Engagierte Stadt)",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings_held_here",
    )
    place_text = models.CharField(
        "Ort (Freitext)", max_length=200, blank=True, help_text="Für Orte außerhalb des Verzeichnisses oder Adressen."
    )
    participating_cities = models.ManyToManyField(
        City, verbose_name="Teilnehmende Städte", related_name="meetings_attended", blank=True
    )
    participants = models.ManyToManyField(
        Person, verbose_name="Teilnehmende Personen", related_name="meetings_attended", blank=True
    )
    attendee_count = models.PositiveIntegerField("Zahl der Teilnehmenden", null=True, blank=True)
    topics = models.TextField("Themen", blank=True, help_text="Ein Thema pro Zeile.")
    description = models.TextField("Beschreibung", blank=True)
    search_text = models.CharField(max_length=500, editable=False, db_index=True, default="")
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True, db_index=True)
    modified_at = models.DateTimeField("Geändert am", auto_now=True, db_index=True)

    objects = MeetingQuerySet.as_manager()
    citations = GenericRelation(Citation)
    history = HistoricalRecords(
        excluded_fields=["search_text", "period_ends_on", "modified_at"],
        m2m_fields=["networks", "host_cities", "participating_cities", "participants"],
    )

    class Meta:
        verbose_name = "Treffen"
        verbose_name_plural = "Treffen"
        ordering = [F("starts_on").desc(nulls_last=True), "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=False) & Q(ends_on__gte=F("starts_on")),
                name="meeting_dates_in_order",
                violation_error_message="Das Ende darf nicht vor dem Beginn liegen.",
            ),
        ]
        # The upcoming list walks this index by date and skips the ended meetings inside it. The
        # past list's index (newest first, undated last) exists on PostgreSQL only: migration 0009.
        indexes = [models.Index(fields=["starts_on", "title", "period_ends_on"], name="meeting_upcoming_idx")]

    def __str__(self) -> str:
        when = self.date_display
        return f"{self.title} ({when})" if when else self.title

    def get_absolute_url(self) -> str:
        return slug_url("events:meeting_detail", self.slug)

    def is_upcoming(self, today: datetime.date | None = None) -> bool:
        """Whether the meeting is in `MeetingQuerySet.upcoming()`: its period has not ended."""
        return self.period_ends_on is not None and self.period_ends_on >= (today or timezone.localdate())

    @property
    def topic_list(self) -> list[str]:
        return [line.strip() for line in self.topics.splitlines() if line.strip()]

    @property
    def date_display(self) -> str:
        if self.starts_on is None:
            return ""
        start = format_period(self.starts_on, self.date_precision)
        if self.ends_on and self.ends_on != self.starts_on and self.date_precision == DatePrecision.DAY:
            end = format_period(self.ends_on, DatePrecision.DAY)
            if (self.starts_on.year, self.starts_on.month) == (self.ends_on.year, self.ends_on.month):
                return f"{self.starts_on.day}.–{end}"  # 16.–17. September 2024
            return f"{start} bis {end}"
        return start

    @property
    def place_display(self) -> str:
        if self.place_city_id and self.place_text:
            return f"{self.place_city}, {self.place_text}"
        return str(self.place_city) if self.place_city_id else self.place_text

    def clean(self) -> None:
        super().clean()
        if self.ends_on and not self.starts_on:
            raise ValidationError({"starts_on": "Ohne Beginn kann kein Ende angegeben werden."})
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "Das Ende darf nicht vor dem Beginn liegen."})
        if self.ends_on and self.date_precision != DatePrecision.DAY:
            raise ValidationError({"ends_on": "Ein Enddatum geht nur bei tagesgenauen Treffen."})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = german_slugify(self.title)
        if self.starts_on:
            self.starts_on = period_start(self.starts_on, self.date_precision)
            self.period_ends_on = self.ends_on or period_end(self.starts_on, self.date_precision)
        else:
            self.period_ends_on = None
        self.search_text = fold(f"{self.title} {self.place_text} {self.topics}")[:500]
        super().save(*args, **saving_also(kwargs, "period_ends_on", "starts_on", "search_text"))


REPORT_NEEDS_TEXT = "Ein Bericht kann nur mit Text veröffentlicht werden."


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Entwurf"
    PUBLISHED = "published", "veröffentlicht"


class MeetingReportQuerySet(SearchableQuerySet):
    def published(self):
        return self.filter(status=ReportStatus.PUBLISHED)

    def withdrawn(self):
        """Reports that were published once and are drafts again (their history says so)."""
        was_public = self.model.history.filter(status=ReportStatus.PUBLISHED).values("id")
        return self.exclude(status=ReportStatus.PUBLISHED).filter(pk__in=was_public)


class MeetingReport(VersionedModel):
    """The report of a meeting: what was discussed and agreed. One per meeting."""

    meeting = models.OneToOneField(Meeting, verbose_name="Treffen", on_delete=models.CASCADE, related_name="report")
    author = models.ForeignKey(
        Person, verbose_name="Verfasst von", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    lead = models.TextField("Vorspann", blank=True)
    body = models.TextField("Bericht", blank=True, help_text="Markdown: **fett**, *kursiv*, Listen mit „- “.")
    outcomes = models.TextField("Vereinbarungen und Aufgaben", blank=True, help_text="Eine Vereinbarung pro Zeile.")
    next_meeting_on = models.DateField("Nächstes Treffen", null=True, blank=True)
    next_meeting_precision = models.CharField(
        "Genauigkeit des nächsten Termins", max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    next_meeting_note = models.CharField("Hinweis zum nächsten Treffen", max_length=200, blank=True)
    status = models.CharField("Status", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    published_at = models.DateTimeField("Veröffentlicht am", null=True, blank=True)
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True)
    modified_at = models.DateTimeField("Geändert am", auto_now=True, db_index=True)
    # The report's text, folded, for the site search (published reports only are searched).
    search_text = models.TextField(editable=False, default="")

    objects = MeetingReportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["modified_at", "search_text"])

    class Meta:
        verbose_name = "Bericht"
        verbose_name_plural = "Berichte"
        ordering = [F("published_at").desc(nulls_last=True)]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.PUBLISHED) | (~Q(body="") & Q(published_at__isnull=False)),
                name="report_published_needs_body",
                violation_error_message=REPORT_NEEDS_TEXT,
            ),
        ]
        indexes = [models.Index(fields=["status", "published_at"], name="report_status_published_idx")]

    def __str__(self) -> str:
        return f"Bericht: {self.meeting.title}"

    def get_absolute_url(self) -> str:
        return self.meeting.get_absolute_url()

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED

    @property
    def outcome_list(self) -> list[str]:
        return [line.strip() for line in self.outcomes.splitlines() if line.strip()]

    @property
    def next_meeting_display(self) -> str:
        return format_period(self.next_meeting_on, self.next_meeting_precision)

    def clean(self) -> None:
        super().clean()
        if self.status == ReportStatus.PUBLISHED and not self.body.strip():
            raise ValidationError({"body": REPORT_NEEDS_TEXT})

    def save(self, *args, **kwargs):
        if self.next_meeting_on:
            self.next_meeting_on = period_start(self.next_meeting_on, self.next_meeting_precision)
        self.search_text = fold(f"{self.lead} {self.body} {self.outcomes}")
        super().save(*args, **saving_also(kwargs, "search_text"))


class MeetingPhoto(models.Model):
    report = models.ForeignKey(MeetingReport, verbose_name="Bericht", on_delete=models.CASCADE, related_name="photos")
    # Uploads through /redaktion/ are re-encoded by events/images.py: `image` is the web size
    # (longest side 1600 px, no EXIF or GPS data), `thumbnail` a small copy for lists and the editor.
    image = models.ImageField("Bild", upload_to="berichte/%Y/")
    thumbnail = models.ImageField("Vorschaubild", upload_to="berichte/%Y/klein/", blank=True, editable=False)
    # Size of `image`, for the img attributes (set on upload; no width_field, which would open the file on load).
    width = models.PositiveIntegerField("Breite (px)", null=True, blank=True, editable=False)
    height = models.PositiveIntegerField("Höhe (px)", null=True, blank=True, editable=False)
    caption = models.CharField("Bildunterschrift", max_length=300, blank=True)
    alt_text = models.CharField("Alternativtext", max_length=300, help_text="Beschreibt das Bild für Screenreader.")
    credit = models.CharField("Bildnachweis", max_length=120, help_text="z. B. „Foto: Thomas Klitzsch“")
    position = models.PositiveSmallIntegerField("Reihenfolge", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Foto"
        verbose_name_plural = "Fotos"
        ordering = ["report", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(alt_text=""), name="photo_needs_alt_text"),
            models.CheckConstraint(condition=~Q(credit=""), name="photo_needs_credit"),
        ]

    def __str__(self) -> str:
        return self.caption or self.alt_text

    @property
    def thumbnail_size(self) -> tuple[int, int] | tuple[None, None]:
        """Width and height of the thumbnail, derived from the web size (for the img attributes)."""
        if not (self.width and self.height):
            return (None, None)
        return fit_within(self.width, self.height, THUMBNAIL_SIDE)
