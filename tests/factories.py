from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from portal.choices import LifecycleStage, Role, Tier
from portal.models import Account, User

PASSWORD = "test-pass-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    role = factory.PostGeneration(lambda user, create, extracted, **kw: _join(user, extracted))


def _join(user, role):
    if role:
        user.groups.add(Group.objects.get(name=role))
    user.save()


def _role_factory(role: str, **extra) -> type[UserFactory]:
    hook = factory.PostGeneration(lambda user, create, extracted, **kw: _join(user, role))
    return type(f"{role}Factory", (UserFactory,), {"role": hook, **extra})


CsRepFactory = _role_factory(Role.CS_REP)
ProductManagerFactory = _role_factory(Role.PRODUCT_MANAGER)
PortalAdminFactory = _role_factory(Role.PORTAL_ADMIN, is_staff=True)


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Sequence(lambda n: f"Account {n:04d}")
    crm_id = factory.Sequence(lambda n: f"CRM-{n:05d}")
    tier = Tier.MID_MARKET
    arr = Decimal("50000")
    health_score = 75
    segment = "saas"
    lifecycle_stage = LifecycleStage.ADOPTING
