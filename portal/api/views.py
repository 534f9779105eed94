from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from portal.filtersets import AccountFilterSet
from portal.models import Account

from .serializers import AccountSerializer


class AccountViewSet(viewsets.ReadOnlyModelViewSet):
    """Customer accounts (read-only here: they are maintained in the CRM or Django's admin)."""

    oauth_scope = "accounts"

    queryset = Account.objects.for_lists()
    serializer_class = AccountSerializer
    filterset_class = AccountFilterSet


class ApiNotFoundView(APIView):
    """Any ``/api/`` address that no operation serves: a JSON 404 (after the login check), not
    Django's HTML page."""

    permission_classes = [IsAuthenticated]
    schema = None  # not an operation

    def _not_found(self, request, *args, **kwargs):
        raise NotFound("No API operation at this address.")

    get = post = put = patch = delete = _not_found
