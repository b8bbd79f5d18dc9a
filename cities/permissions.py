"""What coordinators may do with towns, organisations and people (registered with core.permissions)."""

from django.db.models import Exists

from cities.models import CityCoordinator
from core.permissions import (
    ALL_ACTIONS,
    CHANGE,
    COORDINATOR,
    VIEW,
    Role,
    any_role,
    everything,
    in_towns,
    owned_ids,
    register,
    register_role,
)


def register_rules() -> None:
    register_role(
        COORDINATOR,
        Role(
            name="Koordination",
            owned_ids=lambda user, today: CityCoordinator.objects.filter(user=user).values_list("city_id", flat=True),
            held=lambda account: Exists(CityCoordinator.objects.filter(user=account)),
        ),
        # Coordinators work in the admin, which admits staff accounts only.
        assignments=CityCoordinator,
    )
    towns = in_towns("pk")
    register(
        grants={
            "cities.state": [(any_role, {VIEW})],
            "cities.city": [(towns, {VIEW, CHANGE})],
            "cities.organization": [(in_towns("city"), ALL_ACTIONS)],
            "cities.person": [(in_towns("city"), ALL_ACTIONS)],
        },
        office_only_fields={
            "cities.city": ["slug", "kind", "state", "ags", "active", "joined_year", "wikidata_id"],
            "cities.person": ["user"],
        },
        choices={
            "cities.city.state": everything,
            "cities.city.coordinating_organization": in_towns("city"),
            "cities.organization.city": towns,
            "cities.organization.state": everything,
            "cities.person.city": towns,
            "cities.person.organization": in_towns("city"),
        },
        ownership={
            "cities.city": lambda user, town, m2m: town.pk in owned_ids(user, COORDINATOR),
            "cities.organization": lambda user, row, m2m: row.city_id in owned_ids(user, COORDINATOR),
            "cities.person": lambda user, row, m2m: row.city_id in owned_ids(user, COORDINATOR),
        },
    )
