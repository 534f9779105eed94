"""import_integration_map (with --dry-run) and the upload → preview → apply pages."""

import datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from integrations.maps import forms as map_forms
from integrations.models import IntegrationMap, IntegrationPoint, PendingMapImport

from .factories import SEED_000, SMALL, import_text

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("import_integration_map", *args, stdout=out)
    return out.getvalue()


def test_command_dry_run_then_import_then_reimport(tmp_path):
    output = run(str(SEED_000), "--dry-run")
    assert "Dry run: nothing was written." in output
    assert "Points added: 23" in output and "These changes would be written." in output
    assert not IntegrationMap.objects.exists()

    output = run(str(SEED_000), "--cycle-start", "2026-01-05")
    assert "These changes were written." in output
    imap = IntegrationMap.objects.get()
    assert imap.cycle_start == datetime.date(2026, 1, 5) and imap.points.count() == 23

    newer = tmp_path / "newer.md"
    text = SEED_000.read_text()
    start = text.index("#### Integration Point 4.2.2")
    end = text.index("## Implementation Priority")
    newer.write_text(text[:start] + "---\n\n" + text[end:])
    output = run(str(newer), "--dry-run")
    assert "Points removed (archived): 1 4.2.2" in output
    assert not imap.points.get(code="4.2.2").archived
    run(str(newer), "--map", str(imap.pk))
    assert imap.points.get(code="4.2.2").archived


def test_command_errors(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text(SMALL.replace("CRM ↔ Portal", "CRM and Portal"))
    with pytest.raises(CommandError, match=r"bad.md: line 14: expected the integration flow"):
        run(str(bad))
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "missing.md"))
    with pytest.raises(CommandError, match="expected YYYY-MM-DD"):
        run(str(SEED_000), "--cycle-start", "next monday")
    assert not IntegrationPoint.objects.exists()


def _upload(client, text: str | bytes, name="map.md", **data):
    payload = text.encode() if isinstance(text, str) else text
    return client.post(
        "/integrations/maps/upload/",
        {"document": SimpleUploadedFile(name, payload, content_type="text/markdown"), **data},
    )


def test_upload_preview_then_apply(client_for, portal_admin):
    client = client_for(portal_admin)
    response = _upload(client, SMALL, cycle_start="2026-01-05")
    pending = PendingMapImport.objects.get()
    assert response.status_code == 302 and response.url == pending.get_absolute_url()
    assert not IntegrationMap.objects.exists()  # nothing written before the confirmation

    page = client.get(pending.get_absolute_url()).content.decode()
    assert "A new map" in page and "1.1.1, 1.1.2" in page and "Apply the import" in page

    response = client.post(pending.get_absolute_url())
    imap = IntegrationMap.objects.get()
    assert response.url == imap.get_absolute_url()
    assert imap.cycle_start == datetime.date(2026, 1, 5) and imap.imported_by == portal_admin
    pending.refresh_from_db()
    assert pending.applied_map == imap
    # Applying twice is refused.
    client.post(pending.get_absolute_url())
    assert IntegrationMap.objects.count() == 1


def test_upload_of_a_newer_version_previews_the_changes(client_for, portal_admin):
    imap, _ = import_text(SMALL)
    client = client_for(portal_admin)
    _upload(client, SMALL.replace("- Bands shown", "- Bands shown\n- Trend shown"), target=imap.pk)
    page = client.get(PendingMapImport.objects.get().get_absolute_url()).content.decode()
    assert "Updates <strong>Small map</strong>" in page
    assert "1.1.2 Health scores: 1 criteria added" in page


def test_malformed_upload_names_the_line_and_writes_nothing(client_for, portal_admin):
    response = _upload(client_for(portal_admin), SMALL.replace("(Weeks 3-4)", "(soon)"))
    assert response.status_code == 200
    errors = response.context["form"].errors["document"]
    assert errors == [
        "map.md, line 39: expected the phase's weeks as `(Weeks a-b)` in 'Phase 2: Insight (soon)'"
    ]
    assert not PendingMapImport.objects.exists() and not IntegrationMap.objects.exists()


def test_upload_size_and_type_limits(client_for, portal_admin, monkeypatch):
    client = client_for(portal_admin)
    monkeypatch.setattr(map_forms, "MAX_UPLOAD_BYTES", 100)
    response = _upload(client, SMALL)
    assert "the limit is 0 kB" in response.context["form"].errors["document"][0]
    monkeypatch.setattr(map_forms, "MAX_UPLOAD_BYTES", 1024 * 1024)
    response = _upload(client, SMALL, name="map.pdf")
    assert "Upload a Markdown document" in response.context["form"].errors["document"][0]
    assert not PendingMapImport.objects.exists()


@pytest.mark.parametrize("role", ["cs_rep", "pm"])
def test_only_admins_import(request, client_for, role):
    client = client_for(request.getfixturevalue(role))
    assert client.get("/integrations/maps/upload/").status_code == 403
    assert _upload(client, SMALL).status_code == 403
    assert client.get("/integrations/maps/").status_code == 200
