"""The feedback tests' factories and sample files, all in this one module."""

import factory

from feedback.choices import Category, Impact, Source
from feedback.models import FeedbackTicket, TicketAccount
from tests.factories import AccountFactory, CsRepFactory
from tests.roadmap import factories as roadmap_factories


class RoadmapItemFactory(roadmap_factories.RoadmapItemFactory):
    """The roadmap's item factory, planned (tickets link to planned work) and without an area."""

    title = factory.Sequence(lambda n: f"Roadmap item {n:03d}")
    product_area = ""
    status = "planned"


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket with its submitting account on it (as feedback_submit leaves it)."""

    class Meta:
        model = FeedbackTicket
        skip_postgeneration_save = True

    account = factory.SubFactory(AccountFactory)
    submitter = factory.SubFactory(CsRepFactory)
    title = factory.Sequence(lambda n: f"Feedback {n:04d}")
    description = "The customer needs this."
    category = Category.FEATURE_REQUEST
    impact = Impact.MEDIUM
    source = Source.CALL

    @factory.post_generation
    def with_account(ticket, create, extracted, **kwargs):
        if create:
            TicketAccount.objects.create(
                ticket=ticket, account=ticket.account, added_by=ticket.submitter, joined=False
            )


def png_bytes() -> bytes:
    # The 8-byte PNG signature and an IHDR chunk: enough for content sniffing.
    return (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
        b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
        b"\x00\x00\x00\x00IEND\xaeB`\x82"
    )


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
