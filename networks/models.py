"""Networks of member towns, their memberships and seats, and the states' partnerships."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, F, Q, Window
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cities.models import City, Organization, Person, SearchableQuerySet, Sector, State
from core.addresses import slug_url
from core.dates import DatePrecision, format_period, period_start
from core.locking import VersionedModel
from core.models import Citation, saving_also
from core.subqueries import row_count
from core.text import fold, german_slugify


class NetworkKind(models.TextChoices):
    FEDERAL = "federal", "Bundesnetzwerk"
    STATE = "state", "Landesnetzwerk"
    REGIONAL = "regional", "Regionalnetzwerk"
    TANDEM = "tandem", "Tandem oder Austauschkreis"
    THEMATIC = "thematic", "Themennetzwerk"


class NetworkStatus(models.TextChoices):
    ACTIVE = "active", "aktiv"
    FORMING = "forming", "im Aufbau"
    ENDED = "ended", "beendet"


def kind_order(field: str = "kind") -> models.Case:
    """Sort key for network kinds in their natural order: federal, state, regional, tandem, thematic."""
    return models.Case(
        *(models.When(**{field: kind}, then=position) for position, kind in enumerate(NetworkKind.values)),
        output_field=models.IntegerField(),
    )


class NetworkQuerySet(SearchableQuerySet):
    def in_kind_order(self):
        """Federal first, then state, regional, tandem and thematic networks; by name within a kind."""
        return self.alias(kind_order=kind_order()).order_by("kind_order", "name")

    def active(self):
        return self.exclude(status=NetworkStatus.ENDED)

    def with_member_count(self):
        """Each network with `member_count`, its current member towns: a subquery per network, not a
        join over all memberships, so it costs the same for a network of ten towns and of ten thousand
        and combines with other annotations and filters without multiplying rows."""
        return self.annotate(member_count=row_count(Membership.objects.current(), "network"))


class Network(VersionedModel):
    name = models.CharField("Name", max_length=200, unique=True)
    short_name = models.CharField("Kurzname", max_length=80, blank=True)
    slug = models.SlugField("Kürzel in der Adresse", max_length=200, unique=True)
    kind = models.CharField("Art", max_length=20, choices=NetworkKind.choices)
    states = models.ManyToManyField(
        State,
        verbose_name="Bundesländer",
        related_name="networks",
        blank=True,
        help_text="Bei länderübergreifenden Netzwerken alle beteiligten Länder.",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="Übergeordnetes Netzwerk",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    started_on = models.DateField("Beginn", null=True, blank=True)
    started_precision = models.CharField(
        "Genauigkeit des Beginns", max_length=10, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    ended_on = models.DateField("Ende", null=True, blank=True)
    ended_precision = models.CharField(
        "Genauigkeit des Endes", max_length=10, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    status = models.CharField("Status", max_length=10, choices=NetworkStatus.choices, default=NetworkStatus.ACTIVE)
    host = models.ForeignKey(
        Organization,
        verbose_name="Träger / angesiedelt bei",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_networks",
    )
    partners = models.ManyToManyField(
        Organization, verbose_name="Partnerorganisationen", related_name="partner_networks", blank=True
    )
    # The newest of the network's `stated_counts`, kept here for lists and filters.
    declared_member_count = models.PositiveSmallIntegerField(
        "Angegebene Zahl der Mitgliedsstädte", null=True, blank=True, editable=False
    )
    description = models.TextField("Beschreibung", blank=True)
    website = models.URLField("Website", blank=True)
    search_text = models.CharField(max_length=300, editable=False, db_index=True, default="")
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True, db_index=True)
    modified_at = models.DateTimeField("Geändert am", auto_now=True, db_index=True)

    objects = NetworkQuerySet.as_manager()

    citations = GenericRelation(Citation)
    history = HistoricalRecords(excluded_fields=["search_text", "modified_at"], m2m_fields=["states", "partners"])

    class Meta:
        verbose_name = "Netzwerk"
        verbose_name_plural = "Netzwerke"
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "status"], name="network_kind_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(started_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="network_dates_in_order",
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="network_not_own_parent"),
            models.CheckConstraint(
                condition=~Q(status=NetworkStatus.ENDED) | Q(ended_on__isnull=False),
                name="network_ended_has_end_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_url("networks:network_detail", self.slug)

    @property
    def started_display(self) -> str:
        return format_period(self.started_on, self.started_precision)

    @property
    def ended_display(self) -> str:
        return format_period(self.ended_on, self.ended_precision)

    def clean(self) -> None:
        super().clean()
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValidationError({"ended_on": "Das Ende darf nicht vor dem Beginn liegen."})
        if self.status == NetworkStatus.ENDED and not self.ended_on:
            raise ValidationError({"ended_on": "Ein beendetes Netzwerk braucht ein Enddatum."})
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "Ein Netzwerk kann nicht sein eigenes übergeordnetes Netzwerk sein."})

    def refresh_declared_member_count(self) -> None:
        """Keep `declared_member_count` at the newest count a source states (`StatedCount`)."""
        newest = self.stated_counts.newest_first().values_list("count", flat=True).first()
        if newest != self.declared_member_count:
            Network.objects.filter(pk=self.pk).update(declared_member_count=newest)
            self.declared_member_count = newest

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = german_slugify(self.name)
        if self.started_on:
            self.started_on = period_start(self.started_on, self.started_precision)
        if self.ended_on:
            self.ended_on = period_start(self.ended_on, self.ended_precision)
        self.search_text = fold(f"{self.name} {self.short_name}")[:300]
        super().save(*args, **kwargs)


class StatedCountQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-as_of", "-pk")

    def programme(self):
        """The programme's own totals: the counts stated for the Bundesnetzwerk."""
        return self.filter(network__kind=NetworkKind.FEDERAL)


class StatedCount(models.Model):
    """How many member towns a source says a network had at a date: the programme's own totals
    („73 Engagierte Städte im Juli 2020“) and a regional network's declared size. The newest one
    is kept on the network as `declared_member_count`, beside the count derived from the directory."""

    network = models.ForeignKey(
        Network, verbose_name="Netzwerk", on_delete=models.CASCADE, related_name="stated_counts"
    )
    count = models.PositiveSmallIntegerField("Zahl der Städte", validators=[MinValueValidator(1)])
    as_of = models.DateField("Stand")
    as_of_precision = models.CharField(
        "Genauigkeit des Stands", max_length=10, choices=DatePrecision.choices, default=DatePrecision.MONTH
    )
    note = models.CharField("Anmerkung", max_length=300, blank=True, help_text="z. B. „14 neue Städte“")
    citations = GenericRelation(Citation)

    objects = StatedCountQuerySet.as_manager()

    class Meta:
        verbose_name = "Angegebene Zahl der Mitgliedsstädte"
        verbose_name_plural = "Angegebene Zahlen der Mitgliedsstädte"
        ordering = ["network", "as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "as_of", "count"],
                name="stated_count_unique",
                violation_error_message="Diese Zahl ist für dieses Netzwerk und diesen Stand schon eingetragen.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.count} Städte ({self.as_of_display})"

    def save(self, *args, **kwargs):
        self.as_of = period_start(self.as_of, self.as_of_precision)
        super().save(*args, **kwargs)
        self.network.refresh_declared_member_count()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.network.refresh_declared_member_count()
        return result

    @property
    def as_of_display(self) -> str:
        return format_period(self.as_of, self.as_of_precision)


class SubGroup(models.Model):
    """A named group inside a network, e.g. the four eastern Saxon towns."""

    network = models.ForeignKey(Network, verbose_name="Netzwerk", on_delete=models.CASCADE, related_name="subgroups")
    name = models.CharField("Bezeichnung", max_length=120)
    declared_member_count = models.PositiveSmallIntegerField("Angegebene Zahl der Städte", null=True, blank=True)
    description = models.TextField("Beschreibung", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Untergruppe"
        verbose_name_plural = "Untergruppen"
        ordering = ["network", "name"]
        constraints = [models.UniqueConstraint(fields=["network", "name"], name="subgroup_unique_per_network")]

    def __str__(self) -> str:
        return f"{self.name} ({self.network})"


class MembershipRole(models.TextChoices):
    FOUNDING = "founding", "Gründungsmitglied"
    MEMBER = "member", "Mitglied"
    HOST = "host", "Gastgeberstadt"


class MembershipQuerySet(models.QuerySet):
    def current(self):
        """Memberships that have not ended: the one place that says what "current" means."""
        return self.filter(until__isnull=True)

    def in_network_order(self):
        """By the network's kind (federal first, see `kind_order`), then by its name."""
        return self.alias(kind_order=kind_order("network__kind")).order_by("kind_order", "network__name")

    def badges(self, shown: int):
        """The networks a town's card names: its current memberships but the federal one (every
        town is in it), in network order, for a prefetch sliced to `shown` per town. Each carries
        `of_town`, how many such memberships its town has, and only what a badge shows of its network."""
        return (
            self.current()
            .exclude(network__kind=NetworkKind.FEDERAL)
            .select_related("network")
            .only("city", "network__name", "network__short_name", "network__slug", "network__kind")
            .annotate(of_town=Window(Count("pk"), partition_by=[F("city_id")]))
            .in_network_order()[:shown]
        )


class Membership(models.Model):
    """A town's membership in a network, with its period and role."""

    city = models.ForeignKey(
        City, verbose_name="Engagierte Stadt", on_delete=models.CASCADE, related_name="memberships"
    )
    network = models.ForeignKey(Network, verbose_name="Netzwerk", on_delete=models.CASCADE, related_name="memberships")
    since = models.DateField("Mitglied seit", null=True, blank=True)
    since_precision = models.CharField(
        "Genauigkeit von „seit“", max_length=10, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    until = models.DateField("Mitglied bis", null=True, blank=True)
    until_precision = models.CharField(
        "Genauigkeit von „bis“", max_length=10, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    role = models.CharField("Rolle", max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    subgroup = models.ForeignKey(
        SubGroup,
        verbose_name="Untergruppe",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
    )
    note = models.CharField("Anmerkung", max_length=300, blank=True)
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True, db_index=True)
    modified_at = models.DateTimeField("Geändert am", auto_now=True, db_index=True)

    objects = MembershipQuerySet.as_manager()

    citations = GenericRelation(Citation)
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        verbose_name = "Mitgliedschaft"
        verbose_name_plural = "Mitgliedschaften"
        ordering = ["network__name", "city__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "network"],
                condition=Q(until__isnull=True),
                name="membership_one_active_per_city_and_network",
                violation_error_message="Diese Stadt ist bereits aktives Mitglied dieses Netzwerks.",
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=F("since")),
                name="membership_dates_in_order",
                violation_error_message="„Mitglied bis“ darf nicht vor „Mitglied seit“ liegen.",
            ),
        ]
        indexes = [models.Index(fields=["network", "until"], name="membership_network_until_idx")]

    def __str__(self) -> str:
        return f"{self.city} in {self.network}"

    def save(self, *args, **kwargs):
        if self.since:
            self.since = period_start(self.since, self.since_precision)
        if self.until:
            self.until = period_start(self.until, self.until_precision)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.subgroup_id and self.network_id and self.subgroup.network_id != self.network_id:
            raise ValidationError({"subgroup": "Die Untergruppe gehört zu einem anderen Netzwerk."})

    @property
    def is_current(self) -> bool:
        return self.until is None

    @property
    def since_display(self) -> str:
        return format_period(self.since, self.since_precision)

    @property
    def until_display(self) -> str:
        return format_period(self.until, self.until_precision)

    @property
    def period_display(self) -> str:
        """„seit 2020“, „2015 bis 2019“, „bis 2019“ or "" when no source dates it."""
        since, until = self.since_display, self.until_display
        if until:
            return f"{since} bis {until}" if since else f"bis {until}"
        return f"seit {since}" if since else ""


class Seat(models.Model):
    """A spokesperson seat of a network, e.g. "Landessprecher*in Verwaltung".

    The seat outlives its holders: each election adds a SeatTerm.
    """

    network = models.ForeignKey(Network, verbose_name="Netzwerk", on_delete=models.CASCADE, related_name="seats")
    title = models.CharField("Bezeichnung", max_length=120)
    sector = models.CharField("Sektor", max_length=20, choices=Sector.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Sprecher*innen-Sitz"
        verbose_name_plural = "Sprecher*innen-Sitze"
        ordering = ["network", "title"]
        constraints = [models.UniqueConstraint(fields=["network", "title"], name="seat_unique_title_per_network")]

    def __str__(self) -> str:
        return f"{self.title} – {self.network}"


class SeatTermQuerySet(models.QuerySet):
    def running(self, today: datetime.date | None = None):
        """Terms that run on `today`: elected (or without a known election date) and not ended."""
        day = today or timezone.localdate()
        elected = Q(elected_on__isnull=True) | Q(elected_on__lte=day)
        return self.filter(elected, Q(term_ends_on__isnull=True) | Q(term_ends_on__gte=day))


class SeatTerm(models.Model):
    seat = models.ForeignKey(Seat, verbose_name="Sitz", on_delete=models.CASCADE, related_name="terms")
    person = models.ForeignKey(Person, verbose_name="Person", on_delete=models.PROTECT, related_name="seat_terms")
    elected_on = models.DateField("Gewählt am", null=True, blank=True)
    elected_precision = models.CharField(
        "Genauigkeit der Wahl", max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    term_ends_on = models.DateField("Amtszeit endet", null=True, blank=True)
    note = models.CharField("Anmerkung", max_length=200, blank=True, help_text="z. B. „wiedergewählt“")

    objects = SeatTermQuerySet.as_manager()
    citations = GenericRelation(Citation)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "Amtszeit"
        verbose_name_plural = "Amtszeiten"
        ordering = ["seat", "-elected_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_ends_on__isnull=True)
                | Q(elected_on__isnull=True)
                | Q(term_ends_on__gt=F("elected_on")),
                name="seatterm_dates_in_order",
                violation_error_message="Die Amtszeit muss nach der Wahl enden.",
            ),
            models.UniqueConstraint(
                fields=["seat"],
                condition=Q(term_ends_on__isnull=True),
                name="seatterm_one_open_term_per_seat",
                violation_error_message="Dieser Sitz hat bereits eine laufende Amtszeit ohne Ende.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.display_name}: {self.seat.title}"

    @property
    def elected_display(self) -> str:
        return format_period(self.elected_on, self.elected_precision)


class Campaign(models.Model):
    """A campaign or project run by a network, such as "Glücksbringer"."""

    network = models.ForeignKey(Network, verbose_name="Netzwerk", on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField("Name", max_length=200)
    slug = models.SlugField("Kürzel", max_length=200)
    description = models.TextField("Beschreibung", blank=True)
    cities = models.ManyToManyField(City, verbose_name="Beteiligte Städte", related_name="campaigns", blank=True)
    started_on = models.DateField("Beginn", null=True, blank=True)
    started_precision = models.CharField(
        "Genauigkeit des Beginns", max_length=10, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    ended_on = models.DateField("Ende", null=True, blank=True)
    ended_precision = models.CharField(
        "Genauigkeit des Endes", max_length=10, choices=DatePrecision.choices, default=DatePrecision.YEAR
    )
    search_text = models.CharField(max_length=300, editable=False, db_index=True, default="")

    objects = SearchableQuerySet.as_manager()
    citations = GenericRelation(Citation)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = "Kampagne oder Projekt"
        verbose_name_plural = "Kampagnen und Projekte"
        ordering = ["network", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "slug"], name="campaign_unique_slug_per_network"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(started_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="campaign_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = german_slugify(self.name)
        self.search_text = fold(self.name)[:300]
        super().save(*args, **saving_also(kwargs, "search_text"))

    @property
    def period_display(self) -> str:
        start = format_period(self.started_on, self.started_precision)
        end = format_period(self.ended_on, self.ended_precision)
        if start and end:
            return f"{start} bis {end}"
        return f"seit {start}" if start else ""


class StatePartnership(models.Model):
    """A Länderpartnerschaft: a state's partnership with the programme."""

    state = models.OneToOneField(State, verbose_name="Bundesland", on_delete=models.PROTECT, related_name="partnership")
    ordinal = models.PositiveSmallIntegerField("Länderpartner Nr.", unique=True)
    signed_on = models.DateField(
        "Länderpartner seit",
        null=True,
        blank=True,
        help_text="Tag der Unterzeichnung oder des Beitritts, so genau eine Quelle ihn nennt.",
    )
    signed_precision = models.CharField(
        "Genauigkeit des Datums", max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    place = models.CharField("Ort der Unterzeichnung", max_length=120, blank=True)
    signatories = models.ManyToManyField(
        Person, verbose_name="Unterzeichnende", related_name="signed_partnerships", blank=True
    )
    partner_organizations = models.ManyToManyField(
        Organization, verbose_name="Partnerorganisationen", related_name="state_partnerships", blank=True
    )
    description = models.TextField("Beschreibung", blank=True)
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True, db_index=True)
    modified_at = models.DateTimeField("Geändert am", auto_now=True, db_index=True)

    citations = GenericRelation(Citation)
    history = HistoricalRecords(excluded_fields=["modified_at"])

    class Meta:
        verbose_name = "Länderpartnerschaft"
        verbose_name_plural = "Länderpartnerschaften"
        ordering = ["ordinal"]
        constraints = [
            models.CheckConstraint(condition=Q(ordinal__gte=1), name="partnership_ordinal_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.ordinal}. Länderpartner: {self.state}"

    @property
    def signed_display(self) -> str:
        return format_period(self.signed_on, self.signed_precision)


class CommitmentSide(models.TextChoices):
    NETWORK = "network", "Das Netzwerk „Engagierte Stadt“"
    STATE = "state", "Die Länderpartner"


class PartnershipCommitment(models.Model):
    partnership = models.ForeignKey(
        StatePartnership, verbose_name="Länderpartnerschaft", on_delete=models.CASCADE, related_name="commitments"
    )
    side = models.CharField("Seite", max_length=10, choices=CommitmentSide.choices)
    text = models.CharField("Zusage", max_length=300)
    position = models.PositiveSmallIntegerField("Reihenfolge", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Zusage"
        verbose_name_plural = "Zusagen"
        ordering = ["partnership", "side", "position"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "side", "text"], name="commitment_unique_text"),
        ]

    def __str__(self) -> str:
        return self.text


class NetworkEditor(models.Model):
    """Gives a user the editorial rights of a network's spokespersons without holding a seat.

    Holders of a current seat of the network have these rights through their
    person's user account; this assignment adds further editors.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="Benutzerkonto", on_delete=models.CASCADE, related_name="edited_networks"
    )
    network = models.ForeignKey(Network, verbose_name="Netzwerk", on_delete=models.CASCADE, related_name="editors")
    created_at = models.DateTimeField("Zugewiesen am", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Redaktion eines Netzwerks"
        verbose_name_plural = "Redaktion von Netzwerken"
        ordering = ["network__name"]
        constraints = [models.UniqueConstraint(fields=["user", "network"], name="network_editor_unique")]

    def __str__(self) -> str:
        return f"{self.user} betreut {self.network}"
