"""`manage.py load_demo`: write the demo data (engagiert/demo/network.toml) to the database."""

from django.core.management.base import BaseCommand, CommandError

from engagiert.demo.loader import DemoDataError, load_demo


class Command(BaseCommand):
    help = "Lädt die Demodaten (Städte, Netzwerke, Länderpartnerschaften, Treffen). Mehrfaches Ausführen ändert nichts."

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
                f"Neu angelegt: {counts['created']}, geändert: {counts['updated']}, "
                f"unverändert: {counts['unchanged']}."
            )
        )
