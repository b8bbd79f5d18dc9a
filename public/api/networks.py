"""Open-data API of the networks (≈ OParl Organization), memberships and state partnerships."""

from typing import Literal

import django_filters
from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema

from cities.models import City
from core.exports import cited_sources, with_sources
from networks.models import (
    Membership,
    MembershipRole,
    Network,
    NetworkKind,
    NetworkStatus,
    PartnershipCommitment,
    StatePartnership,
)
from public.api.base import (
    ERRORS,
    DeletedOut,
    LinksOut,
    ListQuery,
    ObjectId,
    PaginationOut,
    PersonOut,
    Slug,
    SourceOut,
    apply_filterset,
    day,
    filter_names,
    object_or_stub,
    paginated_list,
    person,
    reject_unknown_parameters,
    stamp,
)
from public.api.towns import StateOut, StateSlug
from public.filters.networks import NetworkFilterSet

router = Router(tags=["Networks, memberships and state partnerships"])


# --- networks ------------------------------------------------------------------------------------


class NetworkOut(Schema):
    id: str
    type: Literal["Network"]
    name: str
    shortName: str
    kind: NetworkKind = Field(description="OParl Organization.classification.")
    status: NetworkStatus
    states: list[str] = Field(description="Slugs of the states it spans.")
    subOrganizationOf: str | None
    startDate: str | None
    endDate: str | None
    host: str | None = Field(description="The organisation it is hosted by.")
    partners: list[str]
    memberCount: int = Field(description="Current member towns.")
    memberships: str = Field(description="The list of its memberships.")
    website: str | None
    description: str
    sources: list[SourceOut] = Field(description="The public pages that back the network and its facts.")
    web: str
    created: str
    modified: str
    deleted: Literal[False]


class NetworkPage(Schema):
    data: list[NetworkOut | DeletedOut]
    pagination: PaginationOut
    links: LinksOut


class NetworkQuery(ListQuery):
    """The filters of /netzwerke/."""

    art: list[NetworkKind] = []
    land: list[StateSlug] = []
    status: list[NetworkStatus] = []


def networks():
    return (
        Network.objects.select_related("host")
        .prefetch_related("states", "partners", with_sources())
        .with_member_count()
    )


def network(obj: Network, links) -> dict:
    return {
        "id": links("networks", obj.pk),
        "type": "Network",
        "name": obj.name,
        "shortName": obj.short_name,
        "kind": obj.kind,
        "status": obj.status,
        "states": [state.slug for state in obj.states.all()],
        "subOrganizationOf": links("networks", obj.parent_id),
        "sources": cited_sources(obj),
        "startDate": day(obj.started_on),
        "endDate": day(obj.ended_on),
        "host": links("organizations", obj.host_id),
        "partners": [links("organizations", partner.pk) for partner in obj.partners.all()],
        "memberCount": obj.member_count,
        "memberships": f"{links.root}memberships/?netzwerk={obj.slug}",
        "website": obj.website or None,
        "description": obj.description,
        "web": links.web(obj.get_absolute_url()),
        "created": stamp(obj.created_at),
        "modified": stamp(obj.modified_at),
        "deleted": False,
    }


@router.get("/networks/", response={200: NetworkPage, **ERRORS}, url_name="networks", summary="Networks")
def network_list(request, query: Query[NetworkQuery]):
    reject_unknown_parameters(request, NetworkQuery.model_fields)
    found = apply_filterset(NetworkFilterSet, request, networks(), filter_names(NetworkQuery))
    return paginated_list(request, query, found, network, collection="networks", type_name="Network", model=Network)


@router.get(
    "/networks/{pk}/", response={200: NetworkOut | DeletedOut, **ERRORS}, url_name="network", summary="One network"
)
def network_detail(request, pk: ObjectId):
    return object_or_stub(request, networks(), pk, network, model=Network, collection="networks", type_name="Network")


# --- memberships ---------------------------------------------------------------------------------


class MembershipOut(Schema):
    id: str
    type: Literal["Membership"]
    town: str
    network: str = Field(description="OParl Membership.organization.")
    role: MembershipRole
    startDate: str | None
    endDate: str | None
    subgroup: str | None = Field(description="Name of its group inside the network.")
    note: str
    created: str
    modified: str
    deleted: Literal[False]


class MembershipPage(Schema):
    data: list[MembershipOut | DeletedOut]
    pagination: PaginationOut
    links: LinksOut


class MembershipFilterSet(django_filters.FilterSet):
    netzwerk = django_filters.ModelMultipleChoiceFilter(
        field_name="network__slug", to_field_name="slug", queryset=Network.objects.all()
    )
    stadt = django_filters.ModelMultipleChoiceFilter(
        field_name="city__slug", to_field_name="slug", queryset=City.objects.all()
    )
    aktuell = django_filters.BooleanFilter(field_name="until", lookup_expr="isnull")

    class Meta:
        model = Membership
        fields = []


class MembershipQuery(ListQuery):
    netzwerk: list[Slug] = Field([], description="Networks, by slug.")
    stadt: list[Slug] = Field([], description="Towns, by slug.")
    aktuell: Literal["true", "false"] = Field(None, description="Only current (true) or past (false) ones.")


def membership(obj: Membership, links) -> dict:
    return {
        "id": links("memberships", obj.pk),
        "type": "Membership",
        "town": links("towns", obj.city_id),
        "network": links("networks", obj.network_id),
        "role": obj.role,
        "startDate": day(obj.since),
        "endDate": day(obj.until),
        "subgroup": obj.subgroup.name if obj.subgroup_id else None,
        "note": obj.note,
        "created": stamp(obj.created_at),
        "modified": stamp(obj.modified_at),
        "deleted": False,
    }


def memberships():
    return Membership.objects.select_related("subgroup").order_by()


@router.get("/memberships/", response={200: MembershipPage, **ERRORS}, url_name="memberships", summary="Memberships")
def membership_list(request, query: Query[MembershipQuery]):
    """Towns in networks (Popolo: an organisation as member of an organisation), current and past."""
    reject_unknown_parameters(request, MembershipQuery.model_fields)
    found = apply_filterset(MembershipFilterSet, request, memberships(), filter_names(MembershipQuery))
    return paginated_list(
        request, query, found, membership, collection="memberships", type_name="Membership", model=Membership
    )


@router.get(
    "/memberships/{pk}/",
    response={200: MembershipOut | DeletedOut, **ERRORS},
    url_name="membership",
    summary="One membership",
)
def membership_detail(request, pk: ObjectId):
    return object_or_stub(
        request, memberships(), pk, membership, model=Membership, collection="memberships", type_name="Membership"
    )


# --- state partnerships --------------------------------------------------------------------------


class CommitmentOut(Schema):
    side: Literal["network", "state"]
    text: str


class StatePartnershipOut(Schema):
    id: str
    type: Literal["StatePartnership"]
    ordinal: int
    state: StateOut
    signedDate: str | None
    place: str
    signatories: list[PersonOut]
    partnerOrganizations: list[str]
    commitments: list[CommitmentOut]
    description: str
    web: str
    created: str
    modified: str
    deleted: Literal[False]


class StatePartnershipPage(Schema):
    data: list[StatePartnershipOut | DeletedOut]
    pagination: PaginationOut
    links: LinksOut


def partnerships():
    return StatePartnership.objects.select_related("state").prefetch_related(
        "signatories",
        "partner_organizations",
        Prefetch("commitments", queryset=PartnershipCommitment.objects.order_by("side", "position")),
    )


def partnership(obj: StatePartnership, links) -> dict:
    return {
        "id": links("state-partnerships", obj.pk),
        "type": "StatePartnership",
        "ordinal": obj.ordinal,
        "state": {"name": obj.state.name, "slug": obj.state.slug, "code": obj.state.code},
        "signedDate": day(obj.signed_on),
        "place": obj.place,
        "signatories": [person(signatory) for signatory in obj.signatories.all()],
        "partnerOrganizations": [links("organizations", org.pk) for org in obj.partner_organizations.all()],
        "commitments": [{"side": c.side, "text": c.text} for c in obj.commitments.all()],
        "description": obj.description,
        "web": links.web(obj.state.get_absolute_url()),
        "created": stamp(obj.created_at),
        "modified": stamp(obj.modified_at),
        "deleted": False,
    }


@router.get(
    "/state-partnerships/",
    response={200: StatePartnershipPage, **ERRORS},
    url_name="state_partnerships",
    summary="State partnerships (Länderpartnerschaften)",
    exclude_unset=True,
)
def partnership_list(request, query: Query[ListQuery]):
    reject_unknown_parameters(request, ListQuery.model_fields)
    return paginated_list(
        request,
        query,
        partnerships(),
        partnership,
        collection="state-partnerships",
        type_name="StatePartnership",
        model=StatePartnership,
    )


@router.get(
    "/state-partnerships/{pk}/",
    response={200: StatePartnershipOut | DeletedOut, **ERRORS},
    url_name="state_partnership",
    summary="One state partnership",
    exclude_unset=True,
)
def partnership_detail(request, pk: ObjectId):
    return object_or_stub(
        request,
        partnerships(),
        pk,
        partnership,
        model=StatePartnership,
        collection="state-partnerships",
        type_name="StatePartnership",
    )
