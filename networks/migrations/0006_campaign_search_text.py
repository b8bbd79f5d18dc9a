"""Campaigns are found by name in the site search."""

from django.db import migrations, models

from core.text import fold


def fill_search_text(apps, schema_editor):
    rows = list(apps.get_model("networks", "Campaign").objects.all())
    for row in rows:
        row.search_text = fold(row.name)[:300]
    apps.get_model("networks", "Campaign").objects.bulk_update(rows, ["search_text"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('networks', '0005_stated_counts_membership_periods'),
    ]

    operations = [
        migrations.AddField(
            model_name='campaign',
            name='search_text',
            field=models.CharField(db_index=True, default='', editable=False, max_length=300),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
