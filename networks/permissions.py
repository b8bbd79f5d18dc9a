"""What spokespersons may do with networks and memberships (registered with core.permissions)."""

from django.db.models import Exists, Q

from core.permissions import (
    ALL_ACTIONS,
    SPOKESPERSON,
    VIEW,
    Role,
    in_networks,
    in_towns,
    owned_ids,
    register,
    register_role,
)
from networks.models import NetworkEditor, SeatTerm


def spoken_networks(user, today):
    """A current seat held by the user's person, or an editor assignment."""
    seats = SeatTerm.objects.running(today).filter(person__user=user).values_list("seat__network_id", flat=True)
    assigned = NetworkEditor.objects.filter(user=user).values_list("network_id", flat=True)
    return {*seats, *assigned}


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
            "networks.membership": [(in_networks("network"), ALL_ACTIONS), (in_towns("city"), {VIEW})],
        },
        choices={
            "networks.membership.city": lambda user: Q(active=True),
            "networks.membership.network": in_networks("pk"),
            "networks.membership.subgroup": in_networks("network"),
        },
        ownership={
            "networks.membership": lambda user, row, m2m: row.network_id in owned_ids(user, SPOKESPERSON),
        },
    )
