"""Create the 16 Länder. The set is fixed by the Basic Law, so it ships as data."""

from django.db import migrations

STATES = [
    ("DE-BW", "Baden-Württemberg", "baden-wuerttemberg"),
    ("DE-BY", "Bayern", "bayern"),
    ("DE-BE", "Berlin", "berlin"),
    ("DE-BB", "Brandenburg", "brandenburg"),
    ("DE-HB", "Bremen", "bremen"),
    ("DE-HH", "Hamburg", "hamburg"),
    ("DE-HE", "Hessen", "hessen"),
    ("DE-MV", "Mecklenburg-Vorpommern", "mecklenburg-vorpommern"),
    ("DE-NI", "Niedersachsen", "niedersachsen"),
    ("DE-NW", "Nordrhein-Westfalen", "nordrhein-westfalen"),
    ("DE-RP", "Rheinland-Pfalz", "rheinland-pfalz"),
    ("DE-SL", "Saarland", "saarland"),
    ("DE-SN", "Sachsen", "sachsen"),
    ("DE-ST", "Sachsen-Anhalt", "sachsen-anhalt"),
    ("DE-SH", "Schleswig-Holstein", "schleswig-holstein"),
    ("DE-TH", "Thüringen", "thueringen"),
]


def create_states(apps, schema_editor):
    State = apps.get_model("cities", "State")
    for code, name, slug in STATES:
        State.objects.update_or_create(code=code, defaults={"name": name, "slug": slug})


def remove_states(apps, schema_editor):
    apps.get_model("cities", "State").objects.filter(code__in=[code for code, _, _ in STATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("cities", "0001_initial")]

    operations = [migrations.RunPython(create_states, remove_states)]
