from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("community_teams", "0008_consent_for_accounts"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="content_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
    ]
