import factory

from integrations.models import Connection, ConnectionKind


class ConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Connection

    name = factory.Sequence(lambda n: f"Connection {n}")
    kind = ConnectionKind.CRM
    base_url = "http://127.0.0.1:1"
    enabled = True
    settings = factory.LazyFunction(dict)
    cursor = factory.LazyFunction(dict)
