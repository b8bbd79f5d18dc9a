"""Reports are found by their text in the site search."""

from django.db import migrations, models

from core.text import fold


def fill_search_text(apps, schema_editor):
    rows = list(apps.get_model("events", "MeetingReport").objects.all())
    for row in rows:
        row.search_text = fold(f"{row.lead} {row.body} {row.outcomes}")
    apps.get_model("events", "MeetingReport").objects.bulk_update(rows, ["search_text"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0007_format_unknown_sources_replace_source_note'),
    ]

    operations = [
        migrations.AddField(
            model_name='meetingreport',
            name='search_text',
            field=models.TextField(default='', editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
