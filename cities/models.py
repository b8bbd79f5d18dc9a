"""Member towns of the programme, the states they lie in, and the local actors."""

import datetime
import math
import operator
from functools import reduce

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Coalesce, Floor
from simple_history.models import HistoricalRecords

from core.addresses import slug_url
from core.locking import VersionedModel
from core.models import Citation, saving_also
from core.subqueries import row_count
from core.text import fold, german_slugify, similarity, trigrams

PROGRAMME_START_YEAR = 2015

# Typo-tolerant search (SearchableQuerySet.similar): queries of at least this many characters,
# entries at least this alike (pg_trgm's default threshold), at most this many looked at and shown.
SIMILAR_MIN_LENGTH = 4
SIMILAR_THRESHOLD = 0.3
SIMILAR_CANDIDATES = 5000
SIMILAR_LIMIT = 5
# The last year a year field accepts (forms, filters and the API alike).
LAST_YEAR = 2100


class Sector(models.TextChoices):
    ADMINISTRATION = "administration", "Verwaltung"
    CIVIL_SOCIETY = "civil_society", "Zivilgesellschaft"
    BUSINESS = "business", "Wirtschaft"
    SCIENCE = "science", "Wissenschaft"
    POLITICS = "politics", "Politik"


class SearchableQuerySet(models.QuerySet):
    """Spelling-tolerant text search over a model's folded `search_text` column."""

    def search(self, query: str):
        folded = fold(query)
        if not folded:
            return self
        return self.filter(search_text__contains=folded)

    def best_first(self, query: str, name_field: str = "name"):
        """Exact names first, then names that start with the query, then the rest; each by name."""
        rank = models.Case(
            models.When(**{f"{name_field}__iexact": query.strip()}, then=0),
            models.When(**{f"{name_field}__istartswith": query.strip()}, then=1),
            default=2,
        )
        return self.order_by(rank, name_field)

    def similar(self, query: str, *, limit: int = SIMILAR_LIMIT) -> list:
        """The entries whose folded text comes closest to a misspelt query ("Witenberg"), best first.

        Two queries on every database: the entries that share a trigram with the query (at most
        SIMILAR_CANDIDATES of them), then the best `limit` entries above SIMILAR_THRESHOLD, ranked
        by `core.text.similarity` (pg_trgm's measure, computed here so that both databases agree).
        """
        folded = fold(query)
        inner = {gram for gram in trigrams(folded) if " " not in gram}
        if len(folded) < SIMILAR_MIN_LENGTH or not inner:
            return []
        shares_a_trigram = reduce(operator.or_, (Q(search_text__contains=gram) for gram in sorted(inner)))
        candidates = self.filter(shares_a_trigram).values_list("pk", "search_text")[:SIMILAR_CANDIDATES]
        scored = sorted(
            ((score, pk) for pk, text in candidates if (score := similarity(folded, text)) >= SIMILAR_THRESHOLD),
            key=lambda pair: (-pair[0], pair[1]),
        )[:limit]
        found = self.in_bulk([pk for _, pk in scored])
        return [found[pk] for _, pk in scored if pk in found]


class StateQuerySet(models.QuerySet):
    def with_directory_figures(self):
        """Each state with its number of active member towns and its partnership, in one query.

        The count is a subquery per state, not a join over all towns grouped by state, so that
        further per-state figures can be added beside it without multiplying rows."""
        active_towns = (
            City.objects.member_towns()
            .filter(state=models.OuterRef("pk"))
            .order_by()
            .values("state")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.select_related("partnership").annotate(city_count=Coalesce(models.Subquery(active_towns), 0))


class State(models.Model):
    """One of the 16 Länder; created by a data migration and never edited by hand."""

    name = models.CharField("Name", max_length=60, unique=True)
    slug = models.SlugField("Kürzel in der Adresse", max_length=60, unique=True)
    code = models.CharField(
        "ISO-3166-2-Code",
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^DE-[A-Z]{2}$", "Bitte einen Code der Form „DE-ST“ angeben.")],
    )

    objects = StateQuerySet.as_manager()

    class Meta:
        verbose_name = "Bundesland"
        verbose_name_plural = "Bundesländer"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_url("cities:state_detail", self.slug)

    # The one Land whose name takes the article: „im Saarland“, „zum Saarland“.
    _WITH_ARTICLE = {"DE-SL"}

    @property
    def in_name(self) -> str:
        """„in Bayern“, „im Saarland“."""
        return f"im {self.name}" if self.code in self._WITH_ARTICLE else f"in {self.name}"

    @property
    def to_name(self) -> str:
        """„zu Bayern“, „zum Saarland“."""
        return f"zum {self.name}" if self.code in self._WITH_ARTICLE else f"zu {self.name}"


class OrganizationKind(models.TextChoices):
    VOLUNTEER_AGENCY = "volunteer_agency", "Freiwilligenagentur"
    ASSOCIATION = "association", "Verein oder Verband"
    FOUNDATION = "foundation", "Stiftung"
    MUNICIPALITY = "municipality", "Kommune"
    MINISTRY = "ministry", "Ministerium oder Landesregierung"
    FEDERAL = "federal", "Bundesbehörde"
    UNIVERSITY = "university", "Hochschule"
    COMPANY = "company", "Unternehmen"
    NETWORK = "network", "Netzwerk oder Dachverband"
    OTHER = "other", "Sonstige"


class Organization(models.Model):
    name = models.CharField("Name", max_length=200, unique=True)
    short_name = models.CharField("Kurzname", max_length=60, blank=True)
    kind = models.CharField("Art", max_length=30, choices=OrganizationKind.choices, default=OrganizationKind.OTHER)
    city = models.ForeignKey(
        "City",
        verbose_name="Engagierte Stadt",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizations",
        help_text="Nur für Organisationen, die in einer Engagierten Stadt tätig sind.",
    )
    state = models.ForeignKey(
        State, verbose_name="Bundesland", on_delete=models.SET_NULL, null=True, blank=True, related_name="organizations"
    )
    website = models.URLField("Website", blank=True)
    description = models.TextField("Beschreibung", blank=True)
    search_text = models.CharField(max_length=300, editable=False, db_index=True, default="")
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True, db_index=True)
    modified_at = models.DateTimeField("Geändert am", auto_now=True, db_index=True)

    objects = SearchableQuerySet.as_manager()
    citations = GenericRelation(Citation)
    history = HistoricalRecords(excluded_fields=["search_text", "modified_at"])

    class Meta:
        verbose_name = "Organisation"
        verbose_name_plural = "Organisationen"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.name} {self.short_name}")[:300]
        super().save(*args, **kwargs)
        # The towns this body coordinates are found by its name in the directory search.
        for city in self.coordinated_cities.all():
            city.save(update_fields=["search_text"])


class Person(models.Model):
    """Someone who holds a public role in the programme.

    Contact data is stored for the programme office; it is shown publicly only
    when `contact_public` records the person's consent.
    """

    name = models.CharField("Name", max_length=120)
    title = models.CharField("Titel", max_length=40, blank=True, help_text="z. B. „Prof. Dr.“")
    role = models.CharField("Öffentliche Funktion", max_length=200, blank=True)
    sector = models.CharField("Sektor", max_length=20, choices=Sector.choices, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name="Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    city = models.ForeignKey(
        "City", verbose_name="Engagierte Stadt", on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    email = models.EmailField("E-Mail", blank=True)
    phone = models.CharField("Telefon", max_length=40, blank=True)
    contact_public = models.BooleanField(
        "Kontaktdaten dürfen veröffentlicht werden",
        default=False,
        help_text="Nur ankreuzen, wenn die Person schriftlich eingewilligt hat.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="Benutzerkonto",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        help_text="Wer einen Sitz im Sprecherrat eines Netzwerks hat, schreibt mit diesem Konto dessen Berichte.",
    )
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True, db_index=True)
    modified_at = models.DateTimeField("Geändert am", auto_now=True, db_index=True)
    # Name and public role, folded: what the site search finds a person by.
    search_text = models.CharField(max_length=400, editable=False, db_index=True, default="")

    objects = SearchableQuerySet.as_manager()
    citations = GenericRelation(Citation)
    history = HistoricalRecords(excluded_fields=["modified_at", "search_text"])

    class Meta:
        verbose_name = "Person"
        verbose_name_plural = "Personen"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "role"], name="person_unique_name_role"),
        ]

    def __str__(self) -> str:
        full = f"{self.title} {self.name}".strip()
        return f"{full} ({self.role})" if self.role else full

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.title} {self.name} {self.role}")[:400]
        super().save(*args, **saving_also(kwargs, "search_text"))

    @property
    def display_name(self) -> str:
        return f"{self.title} {self.name}".strip()

    @property
    def public_email(self) -> str:
        return self.email if self.contact_public else ""

    @property
    def public_phone(self) -> str:
        return self.phone if self.contact_public else ""


class CityKind(models.TextChoices):
    TOWN = "town", "Stadt"
    MUNICIPALITY = "municipality", "Gemeinde"
    DISTRICT = "district", "Stadtteil oder Bezirk"
    LAND = "land", "Engagiertes Land"


class CoordinationModel(models.TextChoices):
    MUNICIPALITY = "municipality", "Kommune selbst"
    PROVIDER = "provider", "Freier Träger in Kooperation mit der Kommune"


class SizeClass(models.TextChoices):
    UNDER_20K = "lt20", "unter 20.000 Einwohner"
    FROM_20K = "20-50", "20.000 bis 50.000 Einwohner"
    FROM_50K = "50-100", "50.000 bis 100.000 Einwohner"
    OVER_100K = "gt100", "über 100.000 Einwohner"


SIZE_CLASS_BOUNDS = {
    SizeClass.UNDER_20K: (None, 20_000),
    SizeClass.FROM_20K: (20_000, 50_000),
    SizeClass.FROM_50K: (50_000, 100_000),
    SizeClass.OVER_100K: (100_000, None),
}


def validate_joined_year_not_future(value: int) -> None:
    if value is not None and value > datetime.date.today().year:
        raise ValidationError("Das Beitrittsjahr darf nicht in der Zukunft liegen.")


class CityQuerySet(SearchableQuerySet):
    def active(self):
        return self.filter(active=True)

    def with_official_slug(self, slug: str):
        """The town whose official name ("Lutherstadt Wittenberg") spells the slug, or None.

        Only towns with a prefix have such a second spelling; a town's own slug always wins."""
        for town in self.exclude(prefix="").only("slug", "prefix", "name"):
            if german_slugify(town.official_name) == slug:
                return town
        return None

    def member_towns(self):
        """The Engagierte Städte of today: active, without the towns of the sister programme
        „Engagiertes Land“ that work in a network of theirs (they are listed, not counted)."""
        return self.active().exclude(kind=CityKind.LAND)

    def joined_per_year(self) -> dict[int | None, int]:
        """How many of the towns joined the programme in each year (None: no source gives the year)."""
        rows = self.order_by().values_list("joined_year").annotate(count=models.Count("pk"))
        return dict(rows)

    def in_state(self, state):
        return self.filter(state=state)

    def in_networks(self, networks):
        """Towns that are current members of any of the networks.

        A subquery rather than a join: no duplicate rows, so no DISTINCT over every column of the
        town (which made the database sort all matching rows, and the directory's count twice)."""
        return self.filter(pk__in=self._current_memberships().filter(network__in=networks).values("city_id"))

    def in_network_kinds(self, kinds):
        """Towns that are current members of a network of any of the kinds."""
        return self.filter(pk__in=self._current_memberships().filter(network__kind__in=kinds).values("city_id"))

    def _current_memberships(self):
        """Current memberships in networks, reached through the reverse relation (networks builds on cities)."""
        return self.model._meta.get_field("memberships").related_model.objects.current()

    def of_size(self, size_class: str):
        low, high = SIZE_CLASS_BOUNDS[SizeClass(size_class)]
        qs = self
        if low is not None:
            qs = qs.filter(population__gte=low)
        if high is not None:
            qs = qs.filter(population__lt=high)
        return qs

    def with_state(self):
        return self.select_related("state", "coordinating_organization")

    def with_current_network_count(self):
        """Each town with `current_network_count`, the number of networks it belongs to now."""
        return self.annotate(current_network_count=row_count(self._current_memberships(), "city"))

    def with_current_networks(self):
        """Each town's current memberships as `current_memberships`, networks in their kind order."""
        return self.prefetch_related(
            models.Prefetch(
                "memberships",
                queryset=self._current_memberships().select_related("network").in_network_order(),
                to_attr="current_memberships",
            )
        )

    def map_points(self, limit: int | None = None) -> "MapPoints":
        """The towns of the set as points for the map; two queries, no model instances.

        Up to `limit` towns (default `MAP_POINT_LIMIT`) each get their own linked point. A larger
        set is drawn as a density map: the towns are gathered into the cells of a fixed grid (a few
        hundred over Germany at most, however many towns there are); a cell with one town keeps its
        linked point, a cell with several becomes one larger, unlinked dot titled with their number.
        `clustered` on the result says which of the two it is. Both queries run every time, so a
        page needs as many queries for ten towns as for ten thousand.
        """
        limit = MAP_POINT_LIMIT if limit is None else limit
        located = self.model.objects.filter(
            pk__in=self.order_by().values("pk"), latitude__isnull=False, longitude__isnull=False
        ).order_by()
        rows = list(located.values_list("latitude", "longitude", "name", "prefix", "slug")[: limit + 1])
        latitude, longitude = Cast("latitude", models.FloatField()), Cast("longitude", models.FloatField())
        cells = list(
            located.annotate(
                cell_y=Cast(Floor(latitude / MAP_CELL_LATITUDE), models.IntegerField()),
                cell_x=Cast(Floor(longitude / MAP_CELL_LONGITUDE), models.IntegerField()),
            )
            .values("cell_y", "cell_x")
            .annotate(
                count=models.Count("pk"),
                latitude=models.Avg(latitude),
                longitude=models.Avg(longitude),
                name=models.Min("name"),
                prefix=models.Min("prefix"),
                slug=models.Min("slug"),
            )
            .order_by("cell_y", "cell_x")
        )
        if len(rows) <= limit:
            return MapPoints(_town_point(*row) for row in rows)
        points = MapPoints(clustered=True)
        for cell in cells:
            count = cell["count"]
            if count == 1:  # name, prefix and slug are the one town's
                town = (cell["latitude"], cell["longitude"], cell["name"], cell["prefix"], cell["slug"])
                points.append(_town_point(*town))
                continue
            size = next(size for bound, size in CLUSTER_SIZES if count <= bound)
            points.append(
                {
                    "name": f"{count} Engagierte Städte in dieser Gegend",
                    "url": None,
                    "latitude": cell["latitude"],
                    "longitude": cell["longitude"],
                    "css_class": f"is-cluster is-cluster-{size}",
                }
            )
        return points


# Up to this many towns, the map draws every town as its own linked point.
MAP_POINT_LIMIT = 100
# Above it, towns are gathered into grid cells of this size (degrees; about 55 by 52 km).
MAP_CELL_LATITUDE = 0.5
MAP_CELL_LONGITUDE = 0.75
# Size classes of a cell's dot (static/css/site.css): up to 4 towns "s", up to 19 "m", …
CLUSTER_SIZES = ((4, "s"), (19, "m"), (99, "l"), (math.inf, "xl"))


class MapPoints(list):
    """Points for `core.maps.render_germany_map`; `clustered` when cells stand for several towns."""

    def __init__(self, iterable=(), *, clustered: bool = False):
        super().__init__(iterable)
        self.clustered = clustered


def _town_point(latitude, longitude, name, prefix, slug) -> dict:
    return {
        "name": f"{prefix} {name}".strip(),
        "url": slug_url("cities:city_detail", slug),
        "latitude": latitude,
        "longitude": longitude,
    }


class City(VersionedModel):
    """A member town of the programme: an Engagierte Stadt, Gemeinde or Engagiertes Land."""

    name = models.CharField("Name", max_length=120, help_text="Ohne Namenszusatz, z. B. „Stendal“.")
    prefix = models.CharField(
        "Namenszusatz", max_length=60, blank=True, help_text="Amtlicher Zusatz wie „Hansestadt“ oder „Lutherstadt“."
    )
    kind = models.CharField("Art", max_length=20, choices=CityKind.choices, default=CityKind.TOWN)
    slug = models.SlugField("Kürzel in der Adresse", max_length=120, unique=True)
    state = models.ForeignKey(State, verbose_name="Bundesland", on_delete=models.PROTECT, related_name="cities")
    ags = models.CharField(
        "Amtlicher Gemeindeschlüssel",
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", "Der Gemeindeschlüssel hat genau acht Ziffern.")],
    )
    population = models.PositiveIntegerField("Einwohnerzahl", null=True, blank=True, validators=[MinValueValidator(1)])
    population_year = models.PositiveSmallIntegerField(
        "Stand der Einwohnerzahl (Jahr)", null=True, blank=True, validators=[MinValueValidator(1990)]
    )
    latitude = models.DecimalField(
        "Breitengrad",
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(47), MaxValueValidator(55.1)],
    )
    longitude = models.DecimalField(
        "Längengrad",
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(5.8), MaxValueValidator(15.1)],
    )
    joined_year = models.PositiveSmallIntegerField(
        "Im Programm seit",
        null=True,
        blank=True,
        validators=[MinValueValidator(PROGRAMME_START_YEAR), validate_joined_year_not_future],
    )
    active = models.BooleanField("Aktives Mitglied", default=True, help_text="Ehemalige Engagierte Städte abwählen.")
    website = models.URLField("Website", blank=True)
    programme_url = models.URLField(
        "Seite auf engagiertestadt.de",
        blank=True,
        help_text="Das Profil der Stadt auf der Website des Programms, z. B. https://www.engagiertestadt.de/apolda/",
    )
    description = models.TextField("Kurzbeschreibung", blank=True)
    interview_change = models.TextField("Was soll sich in Ihrer Stadt verändern?", blank=True)
    interview_partners = models.TextField("Wer gestaltet die Engagierte Stadt mit Ihnen?", blank=True)
    interview_2030 = models.TextField("Wo steht Ihre Stadt im Jahr 2030?", blank=True)
    wikidata_id = models.CharField(
        "Wikidata-ID",
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^Q\d+$", "Eine Wikidata-ID hat die Form „Q12345“.")],
    )
    coordinating_organization = models.ForeignKey(
        Organization,
        verbose_name="Koordinierungsstelle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_cities",
    )
    coordination_model = models.CharField(
        "Organisation der Koordinierung", max_length=20, choices=CoordinationModel.choices, blank=True
    )
    search_text = models.CharField(max_length=500, editable=False, db_index=True, default="")
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True, db_index=True)
    modified_at = models.DateTimeField("Geändert am", auto_now=True, db_index=True)

    objects = CityQuerySet.as_manager()
    citations = GenericRelation(Citation)
    history = HistoricalRecords(excluded_fields=["search_text", "modified_at"])

    class Meta:
        verbose_name = "Engagierte Stadt"
        verbose_name_plural = "Engagierte Städte"
        ordering = ["name"]
        indexes = [
            # The directory's sorts; newest or largest first (undated last): migration 0009, PostgreSQL.
            models.Index(fields=["name"], name="city_name_idx"),
            models.Index(fields=["joined_year"], name="city_joined_year_idx"),
            models.Index(fields=["population"], name="city_population_idx"),
            # The counts of member towns per state, read from the index alone (the id inside too).
            models.Index(fields=["state", "active", "kind", "id"], name="city_state_members_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(population__isnull=True) | Q(population__gt=0), name="city_population_positive"
            ),
            models.CheckConstraint(
                condition=Q(joined_year__isnull=True) | Q(joined_year__gte=PROGRAMME_START_YEAR),
                name="city_joined_after_programme_start",
            ),
            models.CheckConstraint(
                condition=Q(ags__isnull=True) | Q(ags__regex=r"^[0-9]{8}$"), name="city_ags_eight_digits"
            ),
            models.CheckConstraint(
                condition=Q(population_year__isnull=True) | Q(population__isnull=False),
                name="city_population_year_needs_population",
            ),
        ]

    def __str__(self) -> str:
        return self.official_name

    @property
    def official_name(self) -> str:
        return f"{self.prefix} {self.name}".strip()

    @property
    def listed_name(self) -> str:
        """The name as alphabetical lists show it, in the order they sort by: "Wittenberg (Lutherstadt)"."""
        return f"{self.name} ({self.prefix})" if self.prefix else self.name

    def get_absolute_url(self) -> str:
        return slug_url("cities:city_detail", self.slug)

    def clean(self) -> None:
        super().clean()
        if self.ags == "":
            self.ags = None
        if self.population_year and not self.population:
            raise ValidationError({"population": "Bitte die Einwohnerzahl zum angegebenen Jahr eintragen."})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError("Bitte Breiten- und Längengrad gemeinsam angeben.")

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = german_slugify(self.name)
        if self.ags == "":
            self.ags = None
        coordinator = self.coordinating_organization.name if self.coordinating_organization_id else ""
        self.search_text = fold(" ".join(filter(None, [self.prefix, self.name, coordinator])))[:500]
        super().save(*args, **saving_also(kwargs, "search_text"))


class CityCoordinator(models.Model):
    """Gives a user the right to edit one town's entry, its people and organisations in the admin."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="Benutzerkonto", on_delete=models.CASCADE, related_name="coordinated"
    )
    city = models.ForeignKey(
        City, verbose_name="Engagierte Stadt", on_delete=models.CASCADE, related_name="coordinators"
    )
    created_at = models.DateTimeField("Zugewiesen am", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "Koordination einer Stadt"
        verbose_name_plural = "Koordination von Städten"
        ordering = ["city__name"]
        constraints = [models.UniqueConstraint(fields=["user", "city"], name="city_coordinator_unique")]

    def __str__(self) -> str:
        return f"{self.user} koordiniert {self.city}"
