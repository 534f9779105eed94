"""Demo data for the core: one user per role (and a colleague for each) and a few dozen accounts.

Idempotent: users and accounts are matched by username and CRM id, so running it again changes
nothing. ``scale`` multiplies the number of accounts for benchmarks (bulk-inserted).
"""

import datetime as dt
import os
import random
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone

from .choices import LifecycleStage, Role, Tier
from .models import Account, User

DEMO_USERS = [
    ("rep", "Riley", "Rep", Role.CS_REP),
    ("rep2", "Casey", "Care", Role.CS_REP),
    ("rep3", "Sam", "Support", Role.CS_REP),
    ("pm", "Pat", "Product", Role.PRODUCT_MANAGER),
    ("pm2", "Morgan", "Manager", Role.PRODUCT_MANAGER),
    ("admin", "Alex", "Admin", Role.PORTAL_ADMIN),
    ("admin2", "Jordan", "Ops", Role.PORTAL_ADMIN),
]
BASE_ACCOUNTS = 48
NAMES = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark",
    "Wayne",
    "Wonka",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Vandelay",
    "Aperture",
    "Black Mesa",
    "Oscorp",
    "Nakatomi",
]
SUFFIXES = ["Corp", "Labs", "Health", "Bank", "Retail", "Logistics"]
SEGMENTS = ["healthcare", "fintech", "retail", "manufacturing", "public_sector", "saas"]


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD", "portal-demo")


def seed(*, scale: int = 1, stdout=None) -> dict:
    users = _seed_users()
    accounts = _seed_accounts(scale=scale, reps=[u for u in users if u.has_role(Role.CS_REP)])
    if stdout is not None:
        stdout.write(f"accounts: {accounts}")
    return {"users": users, "accounts": accounts}


def _seed_users() -> list[User]:
    password = demo_password()
    groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Role])}
    users = []
    for username, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.com",
                "is_staff": role == Role.PORTAL_ADMIN,
            },
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        user.groups.add(groups[role])
        users.append(user)
    return users


def _account_fields(index: int, rng: random.Random, reps: list[User]) -> dict:
    tier = rng.choices([Tier.ENTERPRISE, Tier.MID_MARKET, Tier.SMB], weights=[2, 3, 4])[0]
    arr_base = {Tier.ENTERPRISE: 400_000, Tier.MID_MARKET: 90_000, Tier.SMB: 12_000}[tier]
    health = rng.choices(
        [rng.randint(15, 39), rng.randint(40, 69), rng.randint(70, 98)], weights=[1, 2, 3]
    )[0]
    stage = (
        LifecycleStage.AT_RISK
        if health < 35
        else rng.choice([LifecycleStage.ONBOARDING, LifecycleStage.ADOPTING, LifecycleStage.MATURE])
    )
    name = f"{NAMES[index % len(NAMES)]} {SUFFIXES[(index // len(NAMES)) % len(SUFFIXES)]}"
    if index >= len(NAMES) * len(SUFFIXES):
        name = f"{name} {index // (len(NAMES) * len(SUFFIXES)) + 1}"
    return {
        "name": name,
        "tier": tier,
        "arr": Decimal(int(arr_base * rng.uniform(0.4, 2.5))),
        "health_score": health,
        "segment": rng.choice(SEGMENTS),
        "lifecycle_stage": stage,
        "csm_owner": reps[index % len(reps)] if reps else None,
        "has_sandbox": rng.random() < 0.5,
        "beta_feedback_commitment": rng.random() < 0.6,
        "analytics_id": f"grp_{index:06d}",
        "renewal_on": _renewal(index),
    }


def _renewal(index: int) -> dt.date | None:
    """Most contracts' renewal dates are known (the next 13 months, a few just past), some not;
    from a generator of their own, so the other demo fields stay as they were."""
    rng = random.Random(f"renewal-{index}")
    if rng.random() >= 0.8:
        return None
    return timezone.localdate() + dt.timedelta(days=rng.randint(-20, 395))


def _seed_accounts(*, scale: int, reps: list[User]) -> int:
    rng = random.Random(42)  # deterministic: the same accounts on every run
    total = BASE_ACCOUNTS * max(scale, 1)
    existing = set(
        Account.objects.filter(crm_id__startswith="DEMO-").values_list("crm_id", flat=True)
    )
    new = []
    for index in range(total):
        crm_id = f"DEMO-{index:06d}"
        fields = _account_fields(index, rng, reps)
        if crm_id not in existing:
            new.append(Account(crm_id=crm_id, **fields))
    Account.objects.bulk_create(new, batch_size=2000)
    return total
