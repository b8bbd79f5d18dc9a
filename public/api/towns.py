"""Open-data API of the towns (≈ OParl Body) and organisations; see public/api/base.py."""

from typing import Literal

from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema

from cities.models import (
    LAST_YEAR,
    PROGRAMME_START_YEAR,
    City,
    CityKind,
    CoordinationModel,
    Organization,
    OrganizationKind,
    SizeClass,
)
from cities.states import STATE_SLUGS
from core.exports import cited_sources, with_sources
from networks.models import Membership, NetworkKind
from public.api.base import (
    ERRORS,
    DeletedOut,
    LinksOut,
    ListQuery,
    ObjectId,
    PaginationOut,
    Slug,
    SourceOut,
    apply_filterset,
    filter_names,
    object_or_stub,
    paginated_list,
    reject_unknown_parameters,
    stamp,
)
from public.filters.towns import MAX_QUERY_LENGTH, CityFilterSet

router = Router(tags=["Towns and organisations"])

# The 16 Länder are fixed data (cities/migrations/0002_states.py), so the schema can list their slugs.
StateSlug = Literal[STATE_SLUGS]


class StateOut(Schema):
    name: str
    slug: str
    code: str


class LocationOut(Schema):
    type: Literal["Feature"]
    geometry: dict = Field(description='GeoJSON point: {"type": "Point", "coordinates": [longitude, latitude]}')


class TownOut(Schema):
    id: str
    type: Literal["Town"]
    name: str = Field(description="Official name with prefix, e.g. „Lutherstadt Wittenberg“.")
    shortName: str
    kind: CityKind
    ags: str | None = Field(description="Amtlicher Gemeindeschlüssel (OParl Body.ags).")
    state: StateOut
    population: int | None
    populationYear: int | None
    joinedYear: int | None
    active: bool
    location: LocationOut | None
    website: str | None
    description: str
    wikidataId: str | None
    coordinationModel: CoordinationModel | None
    coordinatingOrganization: str | None
    networks: list[str] = Field(description="Networks the town currently belongs to.")
    memberships: list[str] = Field(description="Its current memberships.")
    sources: list[SourceOut] = Field(description="The public pages that back the town and its facts.")
    web: str
    created: str
    modified: str
    deleted: Literal[False]


class TownPage(Schema):
    data: list[TownOut | DeletedOut]
    pagination: PaginationOut
    links: LinksOut


class TownQuery(ListQuery):
    """The filters of the HTML directory (/staedte/), with its parameter names and values."""

    q: str = Field("", max_length=MAX_QUERY_LENGTH, pattern=r"^[^\x00]*$", description="Text search.")
    land: list[StateSlug] = Field([], description="States, by slug.")
    netzwerk: list[Slug] = Field([], description="Networks the town currently belongs to, by slug.")
    art: list[NetworkKind] = Field([], description="Kinds of network the town currently belongs to.")
    seit_von: int = Field(None, ge=PROGRAMME_START_YEAR, le=LAST_YEAR, description="Joined in this year or later.")
    seit_bis: int = Field(None, ge=PROGRAMME_START_YEAR, le=LAST_YEAR, description="Joined in this year or earlier.")
    groesse: SizeClass = None
    koordination: CoordinationModel = None
    laenderpartner: Literal["on", "true", "false"] = Field(
        None, description="Only states with a state partnership („on“ as the HTML form sends it)."
    )
    sortierung: Literal["name", "-name", "beitritt", "-beitritt", "einwohner", "-einwohner"] = Field(
        None, description="Order as on the site; by id if not given."
    )


TOWN_FILTERS = filter_names(TownQuery)


def towns():
    return City.objects.with_state().prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.current().order_by("pk"),
            to_attr="current_memberships",
        ),
        with_sources(),
    )


def town(obj: City, links) -> dict:
    location = None
    if obj.latitude is not None and obj.longitude is not None:
        location = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(obj.longitude), float(obj.latitude)]},
        }
    return {
        "id": links("towns", obj.pk),
        "type": "Town",
        "name": obj.official_name,
        "shortName": obj.name,
        "kind": obj.kind,
        "ags": obj.ags,
        "state": {"name": obj.state.name, "slug": obj.state.slug, "code": obj.state.code},
        "population": obj.population,
        "populationYear": obj.population_year,
        "joinedYear": obj.joined_year,
        "active": obj.active,
        "location": location,
        "website": obj.website or None,
        "description": obj.description,
        "wikidataId": obj.wikidata_id or None,
        "coordinationModel": obj.coordination_model or None,
        "coordinatingOrganization": links("organizations", obj.coordinating_organization_id),
        "networks": [links("networks", m.network_id) for m in obj.current_memberships],
        "memberships": [links("memberships", m.pk) for m in obj.current_memberships],
        "sources": cited_sources(obj),
        "web": links.web(obj.get_absolute_url()),
        "created": stamp(obj.created_at),
        "modified": stamp(obj.modified_at),
        "deleted": False,
    }


@router.get("/towns/", response={200: TownPage, **ERRORS}, url_name="towns", summary="Member towns")
def town_list(request, query: Query[TownQuery]):
    """The active member towns, as in the directory; with `modified_since` also deleted ones."""
    reject_unknown_parameters(request, TownQuery.model_fields)
    cities = apply_filterset(CityFilterSet, request, towns().active(), TOWN_FILTERS)
    if not query.sortierung:
        cities = cities.order_by()
    return paginated_list(request, query, cities, town, collection="towns", type_name="Town", model=City)


@router.get("/towns/{pk}/", response={200: TownOut | DeletedOut, **ERRORS}, url_name="town", summary="One town")
def town_detail(request, pk: ObjectId):
    return object_or_stub(request, towns(), pk, town, model=City, collection="towns", type_name="Town")


# --- organisations -------------------------------------------------------------------------------


class OrganizationOut(Schema):
    id: str
    type: Literal["Organization"]
    name: str
    shortName: str
    kind: OrganizationKind
    town: str | None
    state: str | None = Field(description="Slug of its state.")
    website: str | None
    description: str
    created: str
    modified: str
    deleted: Literal[False]


class OrganizationPage(Schema):
    data: list[OrganizationOut | DeletedOut]
    pagination: PaginationOut
    links: LinksOut


def organization(obj: Organization, links) -> dict:
    return {
        "id": links("organizations", obj.pk),
        "type": "Organization",
        "name": obj.name,
        "shortName": obj.short_name,
        "kind": obj.kind,
        "town": links("towns", obj.city_id),
        "state": obj.state.slug if obj.state_id else None,
        "website": obj.website or None,
        "description": obj.description,
        "created": stamp(obj.created_at),
        "modified": stamp(obj.modified_at),
        "deleted": False,
    }


def organizations():
    return Organization.objects.select_related("state")


@router.get(
    "/organizations/", response={200: OrganizationPage, **ERRORS}, url_name="organizations", summary="Organisations"
)
def organization_list(request, query: Query[ListQuery]):
    """Coordinating bodies, hosts and partners of towns, networks and state partnerships."""
    reject_unknown_parameters(request, ListQuery.model_fields)
    return paginated_list(
        request,
        query,
        organizations(),
        organization,
        collection="organizations",
        type_name="Organization",
        model=Organization,
    )


@router.get(
    "/organizations/{pk}/",
    response={200: OrganizationOut | DeletedOut, **ERRORS},
    url_name="organization",
    summary="One organisation",
)
def organization_detail(request, pk: ObjectId):
    return object_or_stub(
        request,
        organizations(),
        pk,
        organization,
        model=Organization,
        collection="organizations",
        type_name="Organization",
    )
