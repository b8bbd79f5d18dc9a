"""People are found by name and public role in the site search."""

from django.db import migrations, models

from core.text import fold


def fill_search_text(apps, schema_editor):
    rows = list(apps.get_model("cities", "Person").objects.all())
    for row in rows:
        row.search_text = fold(f"{row.title} {row.name} {row.role}")[:400]
    apps.get_model("cities", "Person").objects.bulk_update(rows, ["search_text"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('cities', '0006_sources_replace_source_note'),
    ]

    operations = [
        migrations.AddField(
            model_name='person',
            name='search_text',
            field=models.CharField(db_index=True, default='', editable=False, max_length=400),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
