"""Every map model has a working admin (list, search, change page with inlines, history)."""

import pytest
from django.urls import reverse

from integrations.maps import services
from integrations.models import (
    AcceptanceCriterion,
    FrameworkLink,
    IntegrationMap,
    IntegrationPoint,
    KpiTarget,
    MapGroup,
    MapSection,
    PendingMapImport,
    Phase,
)

from .factories import SEED_000, import_seed

pytestmark = pytest.mark.django_db

MODELS = [
    IntegrationMap,
    MapSection,
    MapGroup,
    Phase,
    IntegrationPoint,
    AcceptanceCriterion,
    FrameworkLink,
    KpiTarget,
    PendingMapImport,
]


@pytest.fixture
def data(portal_admin):
    imap, _ = import_seed(SEED_000)
    services.map_import_preview(actor=portal_admin, data=SEED_000.read_bytes(), source_name="x.md")
    return imap


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_admin_pages(client_for, portal_admin, data, model):
    client = client_for(portal_admin)
    info = (model._meta.app_label, model._meta.model_name)
    assert (
        client.get(reverse("admin:{}_{}_changelist".format(*info)) + "?q=Product").status_code
        == 200
    )
    obj = model.objects.first()
    assert client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200


def test_point_admin_shows_history(client_for, portal_admin, data):
    point = data.points.first()
    response = client_for(portal_admin).get(
        reverse("admin:integrations_integrationpoint_history", args=[point.pk])
    )
    assert response.status_code == 200 and "Imported from" in response.content.decode()
