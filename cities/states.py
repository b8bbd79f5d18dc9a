"""The 16 Länder: (ISO 3166-2 code, name, slug). The set is fixed by the Basic Law.

The data migration cities/migrations/0002_states.py creates them with a frozen copy of this list
(migrations must not change when the code does); tests/public/test_state_pages.py checks that both agree.
"""

STATES = (
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
)
STATE_SLUGS = tuple(slug for _, _, slug in STATES)
