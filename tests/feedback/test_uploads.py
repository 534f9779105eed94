"""Found when probed: evidence uploads kept the client's name and extension (an image/HTML
polyglot stored as ``x.html``, a GIF/JS polyglot as ``p.js``) and were reachable under
``/media/``. Now: sniffed content, markup refused, a random stored name with the sniffed
extension, downloads only through the permission-checked view."""

import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback import services
from feedback.models import FeedbackTicket, TicketAttachment
from tests.factories import UserFactory

from .factories import TicketFactory, png_bytes
from .test_capture import CREATE, form_data

pytestmark = pytest.mark.django_db

GIF_HTML = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;<html><script>alert(document.cookie)</script>"
GIF_JS = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(document.domain)//;"
PNG_SVG = png_bytes() + b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML_AS_JPEG = b"<!doctype html><script>alert(1)</script>"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.html", GIF_HTML, "holds HTML, SVG or script"),
        ("shot.png", PNG_SVG, "holds HTML, SVG or script"),
        ("logo.png", SVG, "is not a screenshot"),
        ("photo.jpg", HTML_AS_JPEG, "is not a screenshot"),
    ],
)
def test_markup_disguised_as_an_image_is_refused(
    client_for, cs_rep, account, name, content, message
):
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    response = client_for(cs_rep).post(CREATE, form_data(account, attachments=[upload]))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["attachments"])
    assert not FeedbackTicket.objects.exists() and not TicketAttachment.objects.exists()


def test_stored_under_a_random_name_with_the_sniffed_extension(client_for, cs_rep, account):
    upload = SimpleUploadedFile("p.js", GIF_JS, content_type="application/javascript")
    response = client_for(cs_rep).post(CREATE, form_data(account, attachments=[upload]))
    assert response.status_code == 302
    evidence = TicketAttachment.objects.get()
    stored = evidence.file.name.rsplit("/", 1)[-1]
    assert stored.endswith(".gif") and stored.split(".")[0] != "p" and len(stored) == 36
    assert evidence.content_type == "image/gif" and evidence.original_name == "p.js"

    download = client_for(cs_rep).get(evidence.get_absolute_url())
    assert download.status_code == 200
    assert download["Content-Type"] == "image/gif"
    assert download["Content-Disposition"] == 'attachment; filename="p.gif"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]


def test_media_root_is_never_served(client, cs_rep, account):
    ticket = TicketFactory(account=account, submitter=cs_rep)
    upload = SimpleUploadedFile("s.png", png_bytes())
    evidence = services.ticket_attachment_add(ticket=ticket, upload=upload, actor=cs_rep)
    client.force_login(cs_rep)
    assert client.get(f"/media/{evidence.file.name}").status_code == 404
    assert client.get(evidence.get_absolute_url()).status_code == 200


def test_evidence_only_for_users_who_may_see_the_ticket(client, cs_rep, account):
    ticket = TicketFactory(account=account, submitter=cs_rep)
    upload = SimpleUploadedFile("s.png", png_bytes())
    evidence = services.ticket_attachment_add(ticket=ticket, upload=upload, actor=cs_rep)
    url = evidence.get_absolute_url()
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(UserFactory(username="nobody"))  # no role
    assert client.get(url).status_code == 403
    assert client.get(reverse("feedback:attachment", args=[evidence.pk + 999])).status_code in (
        403,
        404,
    )


def test_real_binary_image_data_is_not_mistaken_for_markup(cs_rep, account):
    """Compressed image data is near random: 2 MB of it (fixed seed) passes the markup check."""
    noise = random.Random(15).randbytes(2 * 1024 * 1024)
    ticket = TicketFactory(account=account, submitter=cs_rep)
    upload = SimpleUploadedFile("big.png", png_bytes() + noise)
    evidence = services.ticket_attachment_add(ticket=ticket, upload=upload, actor=cs_rep)
    assert evidence.content_type == "image/png"


def test_size_limit(client_for, cs_rep, account, settings):
    settings.UPLOAD_MAX_BYTES = 100
    upload = SimpleUploadedFile("s.png", png_bytes() + b"\0" * 200)
    response = client_for(cs_rep).post(CREATE, form_data(account, attachments=[upload]))
    assert "the limit is 100" in str(response.context["form"].errors["attachments"])
