"""MeetingReport.updated_at is called modified_at, like the change time of every other model, and indexed."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_timestamps"),
    ]

    operations = [
        migrations.RenameField(model_name="meetingreport", old_name="updated_at", new_name="modified_at"),
        migrations.AlterField(
            model_name="meetingreport",
            name="modified_at",
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name="Geändert am"),
        ),
    ]
