"""The submit form, similar tickets while typing, and "add my account to this one"."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import FeedbackTicket, TicketAccount
from portal.models import OutboxEvent
from tests.factories import AccountFactory
from tests.roadmap.factories import BetaProgramFactory

from .factories import TicketFactory, pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db
CREATE = reverse("feedback:create")


def form_data(account, **extra):
    return {
        "account": account.pk,
        "title": "Bulk export of reports to CSV",
        "description": "Finance exports *every* report by hand.",
        "category": "feature_request",
        "impact": "high",
        "source": "call",
        "product_area": "Reporting",
        "customer_quote": "We lose a day a month.",
        **extra,
    }


def test_submit_files_the_ticket_with_evidence(client_for, cs_rep, account):
    client = client_for(cs_rep)
    data = form_data(
        account,
        attachments=[
            SimpleUploadedFile("screen.png", png_bytes()),
            SimpleUploadedFile("contract.pdf", pdf_bytes()),
        ],
    )
    response = client.post(CREATE, data)
    ticket = FeedbackTicket.objects.get()
    assert response.status_code == 302
    assert response.url == ticket.get_absolute_url()
    assert (ticket.submitter, ticket.account, ticket.impact) == (cs_rep, account, "high")
    assert sorted(ticket.attachments.values_list("content_type", flat=True)) == [
        "application/pdf",
        "image/png",
    ]
    assert OutboxEvent.objects.filter(topic="feedback_submitted").count() == 1
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "screen.png" in page and "contract.pdf" in page
    evidence = client.get(ticket.attachments.get(content_type="image/png").get_absolute_url())
    assert evidence["Content-Type"] == "image/png"
    assert b"".join(evidence.streaming_content) == png_bytes()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "This field is required."),
        ("impact", "huge", "Select a valid choice. huge is not one of the available choices."),
        ("category", "", "This field is required."),
        ("source", "pigeon", "Select a valid choice."),
        ("description", "", "This field is required."),
    ],
)
def test_rejected_form_keeps_input_and_names_the_field(
    client_for, cs_rep, account, field, value, message
):
    response = client_for(cs_rep).post(CREATE, form_data(account, **{field: value}))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    page = response.content.decode()
    assert "Finance exports *every* report by hand." in page or field == "description"
    assert "We lose a day a month." in page
    assert not FeedbackTicket.objects.exists()


def test_rejected_form_keeps_the_chosen_account(client_for, cs_rep, account):
    response = client_for(cs_rep).post(CREATE, form_data(account, title=""))
    assert f'<option value="{account.pk}" selected' in response.content.decode()


def test_a_file_disguised_by_its_extension_is_refused(client_for, cs_rep, account):
    fake = SimpleUploadedFile("screenshot.png", b"#!/bin/sh\necho not an image\n")
    response = client_for(cs_rep).post(CREATE, form_data(account, attachments=[fake]))
    assert response.status_code == 200
    assert "screenshot.png is not a screenshot" in str(response.context["form"].errors)
    assert not FeedbackTicket.objects.exists()


def test_a_file_over_the_limit_is_refused(client_for, cs_rep, account, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    big = SimpleUploadedFile("big.pdf", pdf_bytes() + b"0" * 2000)
    response = client_for(cs_rep).post(CREATE, form_data(account, attachments=[big]))
    assert "the limit is 1000" in str(response.context["form"].errors["attachments"])
    assert not FeedbackTicket.objects.exists()


def test_markdown_is_sanitised_on_the_ticket_page(client_for, cs_rep, account):
    ticket = TicketFactory(
        account=account,
        description='Hi <script>alert("x")</script> [click](javascript:alert(1)) **bold**',
    )
    page = client_for(cs_rep).get(ticket.get_absolute_url()).content.decode()
    assert "<strong>bold</strong>" in page
    assert "<script>alert" not in page
    assert "javascript:" not in page


def test_beta_program_link_pre_tags_the_ticket(client_for, cs_rep, account):
    program = BetaProgramFactory()
    client = client_for(cs_rep)
    page = client.get(f"{CREATE}?beta_program={program.pk}")
    assert program.name in page.content.decode()
    client.post(CREATE, form_data(account, beta_program=program.pk))
    assert FeedbackTicket.objects.get().beta_program == program


def test_similar_tickets_while_typing(client_for, cs_rep):
    match = TicketFactory(title="Bulk export of reports to CSV", status="planned")
    TicketFactory(title="Dark mode for agents")
    response = client_for(cs_rep).get(
        reverse("feedback:similar"), {"title": "export csv"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert f"#{match.pk} Bulk export of reports to CSV" in page
    assert "Planned" in page
    assert "Dark mode" not in page
    assert "Add my account to this one" in page


def test_similar_needs_a_few_letters(client_for, cs_rep):
    TicketFactory(title="Bulk export")
    page = client_for(cs_rep).get(reverse("feedback:similar"), {"title": "ex"}).content.decode()
    assert "Bulk export" not in page


def test_join_through_htmx_and_plain_form(client_for, cs_rep, cs_rep_colleague):
    ticket = TicketFactory(submitter=cs_rep_colleague)
    mine = AccountFactory(csm_owner=cs_rep)
    client = client_for(cs_rep)
    url = reverse("feedback:join", args=[ticket.pk])
    response = client.post(
        url, {"account": mine.pk, "note": "Urgent for them"}, HTTP_HX_REQUEST="true"
    )
    assert "is now on" in response.content.decode()
    link = TicketAccount.objects.get(ticket=ticket, account=mine)
    assert (link.added_by, link.note) == (cs_rep, "Urgent for them")
    # Twice: refused with the reason, nothing added.
    again = client.post(url, {"account": mine.pk}, HTTP_HX_REQUEST="true")
    assert "already on" in again.content.decode()
    # A colleague's account: refused at the field, nothing added.
    theirs = AccountFactory(csm_owner=cs_rep_colleague)
    refused = client.post(url, {"account": theirs.pk}, HTTP_HX_REQUEST="true")
    assert "accounts you manage" in refused.content.decode()
    assert not ticket.ticket_accounts.filter(account=theirs).exists()
    # Without JavaScript: a page asks for the account.
    other = AccountFactory(csm_owner=cs_rep)
    assert "Add my account to this one" in client.get(url).content.decode()
    missing = client.post(url, {"note": "x"})
    assert "Choose the account to add." in missing.content.decode()
    done = client.post(url, {"account": other.pk})
    assert done.status_code == 302
    assert ticket.ticket_accounts.count() == 3


def test_beta_program_page_links_to_tagged_feedback(client_for, cs_rep):
    program = BetaProgramFactory()
    page = client_for(cs_rep).get(reverse("roadmap:beta-detail", args=[program.pk]))
    assert f"{CREATE}?beta_program={program.pk}" in page.content.decode()


def test_product_areas_in_use_are_suggested(client_for, cs_rep):
    TicketFactory(product_area="Reporting")
    from .factories import RoadmapItemFactory

    RoadmapItemFactory(product_area="Security")
    page = client_for(cs_rep).get(CREATE).content.decode()
    assert '<datalist id="product-areas">' in page
    assert '<option value="Reporting">' in page and '<option value="Security">' in page
    assert 'list="product-areas"' in page
