"""What spokespersons may do with networks and memberships, and coordinators with their towns'
memberships (registered with core.permissions)."""

from django.db.models import Exists, Q

from core.permissions import (
    ADD,
    ALL_ACTIONS,
    CHANGE,
    COORDINATOR,
    DELETE,
    SPOKESPERSON,
    VIEW,
    Role,
    in_networks,
    in_towns,
    owned_ids,
    register,
    register_role,
)
from networks.models import Network, NetworkEditor, NetworkKind, SeatTerm


def spoken_networks(user, today):
    """A current seat held by the user's person, or an editor assignment."""
    seats = SeatTerm.objects.running(today).filter(person__user=user).values_list("seat__network_id", flat=True)
    assigned = NetworkEditor.objects.filter(user=user).values_list("network_id", flat=True)
    return {*seats, *assigned}


def towns_in_networks(user) -> Q:
    """A coordinator's towns' memberships in the networks they work in. Not the Bundesnetzwerk:
    that membership is the town's place in the programme itself, which the office keeps (like
    the year of joining)."""
    return in_towns("city")(user) & ~Q(network__kind=NetworkKind.FEDERAL)


towns_in_networks.basis = in_towns("city").basis


def membership_towns(user) -> Q:
    """Spokespersons add any member town to their networks; coordinators only their own towns."""
    return Q(active=True) if owned_ids(user, SPOKESPERSON) else in_towns("pk")(user)


def beyond_the_programme(user, kind: str) -> Q:
    """For a coordinator, every network but the Bundesnetzwerk (`kind`: the lookup of a
    network's kind); for anybody else none."""
    return ~Q(**{kind: NetworkKind.FEDERAL}) if owned_ids(user, COORDINATOR) else Q(pk__in=[])


def membership_networks(user) -> Q:
    """Spokespersons pick their networks; coordinators any network but the Bundesnetzwerk."""
    return in_networks("pk")(user) | beyond_the_programme(user, "kind")


def membership_subgroups(user) -> Q:
    return in_networks("network")(user) | beyond_the_programme(user, "network__kind")


def owns_membership(user, row, m2m) -> bool:
    """The row lies in one of the user's networks, or links one of the user's towns to a network
    other than the Bundesnetzwerk."""
    if row.network_id in owned_ids(user, SPOKESPERSON):
        return True
    return (
        row.city_id in owned_ids(user, COORDINATOR)
        and Network.objects.filter(pk=row.network_id).exclude(kind=NetworkKind.FEDERAL).exists()
    )


def register_rules() -> None:
    register_role(
        SPOKESPERSON,
        Role(
            name="Sprecherrat",
            owned_ids=spoken_networks,
            held=lambda account: (
                Q(Exists(NetworkEditor.objects.filter(user=account)))
                | Q(Exists(SeatTerm.objects.running().filter(person__user=account)))
            ),
        ),
        # Spokespersons keep their networks' memberships in the admin, which admits staff accounts only.
        assignments=NetworkEditor,
    )
    register(
        grants={
            "networks.network": [(in_networks("pk"), {VIEW})],
            "networks.subgroup": [(in_networks("network"), {VIEW})],
            "networks.membership": [
                (in_networks("network"), ALL_ACTIONS),
                (in_towns("city"), {VIEW}),
                (towns_in_networks, {ADD, CHANGE, DELETE}),
            ],
        },
        choices={
            "networks.membership.city": membership_towns,
            "networks.membership.network": membership_networks,
            "networks.membership.subgroup": membership_subgroups,
        },
        ownership={"networks.membership": owns_membership},
    )
