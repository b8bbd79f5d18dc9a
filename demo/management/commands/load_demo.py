"""`manage.py load_demo`: write the demo data (demo/network.toml) to the database."""

from django.core.management.base import BaseCommand, CommandError

from demo.loader import DemoDataError, load_demo
from demo.users import DEMO_PASSWORD, DemoUsersRefused, load_demo_users


class Command(BaseCommand):
    help = "Lädt die Demodaten (Städte, Netzwerke, Länderpartnerschaften, Treffen). Mehrfaches Ausführen ändert nichts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="Legt zusätzlich Beispielkonten für jede Rolle an (nur lokal, nur mit DEBUG=true).",
        )

    def handle(self, *args, **options):
        try:
            counts = load_demo(stdout=self.stdout if options["verbosity"] > 1 else None)
        except DemoDataError as error:
            raise CommandError(f"Demodaten fehlerhaft: {error}") from error
        self.stdout.write(
            "Demodaten: {cities} Städte, {organizations} Organisationen, {people} Personen, "
            "{networks} Netzwerke ({memberships} Mitgliedschaften, {seats} Sprecher*innen-Sitze, "
            "{campaigns} Kampagnen), {partnerships} Länderpartnerschaften, {meetings} Treffen, "
            "{reports} Berichte.".format(**counts)
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Neu angelegt: {counts['created']}, geändert: {counts['updated']}, unverändert: {counts['unchanged']}."
            )
        )
        if options["with_users"]:
            try:
                names = load_demo_users()
            except DemoUsersRefused as error:
                raise CommandError(
                    "Beispielkonten gibt es nur für die lokale Entwicklung (DEBUG=true), nie im Betrieb."
                ) from error
            self.stdout.write(f"Beispielkonten (Passwort „{DEMO_PASSWORD}“): {', '.join(names)}.")
