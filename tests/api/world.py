"""One of everything the pages and the API act on, owned by known users: the permission matrix
(and schemathesis) request every URL and operation against these objects.

``rep`` manages ``account`` and filed ``ticket`` and ``vote`` for it; ``rep_other`` manages
``other_account``; ``pm`` runs the program and the launch plan; ``admin`` ticked the criterion.
"""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from feedback.services import ticket_attachment_add
from integrations.maps import services as map_services
from integrations.models import (
    Connection,
    Delivery,
    FeatureUsage,
    KpiTarget,
    PendingMapImport,
    SyncRun,
)
from portal.apiaccess.services import api_token_create
from portal.models import InboxEntry
from portal.outbox import outbox_record
from roadmap.launches import services as launch_services
from roadmap.models import BetaParticipant, Vote
from tests.factories import (
    AccountFactory,
    CsRepFactory,
    PortalAdminFactory,
    ProductManagerFactory,
)
from tests.feedback.factories import TicketFactory, png_bytes
from tests.maps.factories import SMALL, import_text
from tests.roadmap.factories import BetaProgramFactory, LaunchableItemFactory


@dataclass
class World:
    users: dict
    objects: dict

    def __getitem__(self, name):
        return self.objects[name]


def build_world() -> World:
    rep = CsRepFactory(username="matrix_rep")
    rep_other = CsRepFactory(username="matrix_rep_other")
    pm = ProductManagerFactory(username="matrix_pm")
    admin = PortalAdminFactory(username="matrix_admin")
    account = AccountFactory(csm_owner=rep, crm_id="CRM-MATRIX", health_score=80)
    other_account = AccountFactory(csm_owner=rep_other, health_score=80)
    item = LaunchableItemFactory(title="Matrix item")
    vote = Vote.objects.create(item=item, account=account, rep=rep, evidence="Saves a day a week")
    program = BetaProgramFactory(item=item, pm_owner=pm)
    participant = BetaParticipant.objects.create(
        program=program, account=account, csm=rep, state="nominated"
    )
    plan = launch_services.launch_plan_create(item=item, actor=pm)
    milestone = plan.milestones.order_by("id").first()
    imap = import_text(SMALL)[0]
    point = imap.points.order_by("id").first()
    criterion = point.criteria.order_by("id").first()
    map_services.criterion_tick(criterion=criterion, actor=admin, evidence_note="seen")
    open_criterion = point.criteria.exclude(pk=criterion.pk).order_by("id").first()
    kpi = KpiTarget.objects.create(map=imap, name="Uptime", target="99%", target_value=99)
    pending = PendingMapImport.objects.create(
        uploaded_by=admin, source_name="small.md", text=SMALL, report={}
    )
    connection = Connection.objects.create(
        kind="crm", name="Matrix CRM", base_url="https://crm.example.com"
    )
    run = SyncRun.objects.create(connection=connection)
    event = outbox_record(topic="item_shipped", payload={"item_id": item.pk})
    delivery = Delivery.objects.create(
        connection=connection, event=event, topic="item_shipped", status="dead"
    )
    usage = FeatureUsage.objects.create(
        account=account, feature="sso.login", day=timezone.localdate(), events=3, users=2
    )
    ticket = TicketFactory(account=account, submitter=rep)
    other_ticket = TicketFactory(account=other_account, submitter=rep_other)
    attachment = ticket_attachment_add(
        ticket=ticket, upload=SimpleUploadedFile("shot.png", png_bytes()), actor=rep
    )
    api_token, _key = api_token_create(user=rep, name="matrix script", days=30)
    inbox = InboxEntry.objects.create(
        user=rep, topic="vote_cast", text="A vote", url="/", event=event, created_at=timezone.now()
    )
    return World(
        users={"rep": rep, "rep_other": rep_other, "pm": pm, "admin": admin},
        objects=dict(
            account=account,
            other_account=other_account,
            item=item,
            vote=vote,
            program=program,
            participant=participant,
            plan=plan,
            milestone=milestone,
            map=imap,
            point=point,
            criterion=criterion,
            open_criterion=open_criterion,
            kpi=kpi,
            pending=pending,
            connection=connection,
            run=run,
            delivery=delivery,
            usage=usage,
            ticket=ticket,
            other_ticket=other_ticket,
            attachment=attachment,
            api_token=api_token,
            inbox=inbox,
            today=timezone.localdate(),
        ),
    )
