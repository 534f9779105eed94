from rest_framework import viewsets

from portal.filtersets import AccountFilterSet
from portal.models import Account

from .serializers import AccountSerializer


class AccountViewSet(viewsets.ReadOnlyModelViewSet):
    """Customer accounts (read-only here: they are maintained in the CRM or Django's admin)."""

    queryset = Account.objects.for_lists()
    serializer_class = AccountSerializer
    filterset_class = AccountFilterSet
