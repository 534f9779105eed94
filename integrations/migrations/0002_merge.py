# Integration maps and connectors were built side by side, each with its own initial migration.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0001_connectors"),
        ("integrations", "0001_maps"),
    ]

    operations = []
