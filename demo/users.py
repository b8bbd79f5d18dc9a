"""Example accounts for each role, for trying the directory locally. Never created in production.

All share one password, documented in the README. `load_demo_users()` refuses to run
unless DEBUG is on or the test suite is running.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cities.models import City, CityCoordinator, Person
from core.permissions import OFFICE_GROUP, ensure_office_group
from networks.models import Network, NetworkEditor

DEMO_PASSWORD = "Demo-Engagiert-2026"

# username -> (first name, last name, what the account may do)
DEMO_USERS = {
    "programmbuero": ("Paula", "Programmbüro", {"office": True}),
    "koordination-stendal": ("Klara", "Koordination", {"cities": ["stendal"]}),
    "sprecherin-sachsen-anhalt": (
        "Kathrin",
        "Hinze",
        # Spokesperson through her seat on the Landesnetzwerk Sachsen-Anhalt.
        {"person": "Kathrin Hinze"},
    ),
    "redaktion-anhalt": ("Rainer", "Redaktion", {"networks": ["regionalnetzwerk-anhalt"]}),
}


class DemoUsersRefused(Exception):
    pass


def load_demo_users() -> list[str]:
    """Create or refresh the example accounts; return their usernames."""
    if not (settings.DEBUG or getattr(settings, "RUNNING_TESTS", False)):
        raise DemoUsersRefused("Demo accounts are for local use only; they need DEBUG=true.")
    ensure_office_group(sender=None)
    office = Group.objects.get(name=OFFICE_GROUP)
    User = get_user_model()
    names = []
    for username, (first_name, last_name, grants) in DEMO_USERS.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first_name, "last_name": last_name, "email": f"{username}@example.org"},
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        # Every role works partly in the admin (spokespersons keep their networks' memberships there).
        user.is_staff = True
        user.save()
        if grants.get("office"):
            user.groups.add(office)
        for slug in grants.get("cities", []):
            CityCoordinator.objects.get_or_create(user=user, city=City.objects.get(slug=slug))
        for slug in grants.get("networks", []):
            NetworkEditor.objects.get_or_create(user=user, network=Network.objects.get(slug=slug))
        if "person" in grants:
            person = Person.objects.get(name=grants["person"])
            if person.user_id != user.pk:
                person.user = user
                person.save()
        names.append(username)
    return names
