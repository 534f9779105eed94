import pytest
from django.core.management import CommandError, call_command

from portal.models import OutboxEvent


@pytest.mark.django_db
def test_run_periodic_relays_pending_outbox_events(capsys):
    OutboxEvent.objects.create(topic="nobody_listens", payload={})
    call_command("run_periodic", "outbox-relay")
    assert not OutboxEvent.objects.pending().exists()
    assert "outbox-relay: SUCCESS 1" in capsys.readouterr().out


@pytest.mark.django_db
def test_run_periodic_names_unknown_entries():
    with pytest.raises(CommandError, match="Unknown schedule entries: nope"):
        call_command("run_periodic", "nope")
