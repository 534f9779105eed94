"""CRM accounts from HubSpot companies: upsert Account by ``crm_id``
(``portal.services.account_upsert``) with configurable property names; a full pass flags accounts
the CRM no longer returns (``crm_missing_since``, ``accounts_flag_missing_from_crm``),
never deleting them; between full passes, incremental search by last-modified date. A change of an
account's tier, ARR, health or CSM requests a priority recompute (once per page).

As HubSpot documents its companies: the owner is ``hubspot_owner_id``, resolved through the owners
API (once per run) to an e-mail and a portal user — an owner who matches no user is reported and
the CSM left as it was, never cleared; a company with only a ``domain`` is named after it;
``archived`` companies (in a page, or in the archived-objects listing read after every pass) flag
the account at once; ``industry`` becomes a segment only through the connection's
``segment_map`` (unknown values reported); a new company without ARR, tier or health keeps them
unknown (NULL) instead of invented values."""

import datetime as dt
import hashlib
import json
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from integrations.models import SyncedRecord
from portal.choices import Tier
from portal.models import Account, User
from portal.services import SCORE_INPUT_FIELDS, account_upsert, accounts_flag_missing_from_crm
from roadmap.scoring import priorities_request

from ..analytics.holding import analytics_connections
from ..analytics.sync import held_events_release
from ..syncing import Page, PageResult, Syncer
from .client import SEARCH_RESULT_CAP, HubSpotClient, next_after

DEFAULT_PROPERTIES = {
    "name": "name",
    "arr": "annualrevenue",
    "tier": "customer_tier",
    "health_score": "health_score",
    "csm_owner": "hubspot_owner_id",
    "segment": "industry",
    # HubSpot has no standard renewal property: read only when the connection names one
    # (a date property, "2027-03-31", or a datetime one, epoch milliseconds).
    "renewal_on": "",
}
ALWAYS_READ = {"hs_lastmodifieddate", "domain"}
UNKNOWN_WHEN_EMPTY = ("arr", "tier", "health_score")
TIER_ALIASES = {"enterprise": Tier.ENTERPRISE, "mid_market": Tier.MID_MARKET, "smb": Tier.SMB}


def property_names(connection) -> dict[str, str]:
    return {**DEFAULT_PROPERTIES, **connection.settings.get("properties", {})}


class CrmSyncer(Syncer):
    def __init__(self, connection, run):
        super().__init__(connection, run)
        self.client = HubSpotClient(connection.base_url, token=connection.credential())
        self.props = property_names(connection)
        self.segment_map = connection.settings.get("segment_map") or {}
        self._owners: dict[str, str] | None = None  # owner id → e-mail, read once per run
        now = timezone.now()
        if not self.cursor.get("mode"):  # a new pass (not resuming one)
            last_full = _parse(self.cursor.get("last_full"))
            full_every = dt.timedelta(hours=settings.CONNECTOR_CRM_FULL_EVERY_HOURS)
            full = "since" not in self.cursor or not last_full or now - last_full > full_every
            self.cursor.update(
                mode="full" if full else "incremental",
                after=None,
                pass_started=now.isoformat(),
                query_since=self.cursor.get("since", 0),
                max_seen=self.cursor.get("since", 0),
            )

    def owner_email(self, owner_id: str) -> str | None:
        if self._owners is None:
            self._owners = self.client.owners()
        return self._owners.get(owner_id)

    def pages(self):
        properties = sorted({p for p in self.props.values() if p} | ALWAYS_READ)
        while self.cursor.get("phase") != "archived":
            cursor = dict(self.cursor)
            if cursor["mode"] == "full":
                data = self.client.list_companies(properties=properties, after=cursor["after"])
            else:
                data = self.client.search_companies(
                    properties=properties, since_ms=cursor["query_since"], after=cursor["after"]
                )
            after = next_after(data)
            seen = [_modified_ms(r) for r in data["results"]]
            cursor["max_seen"] = max([cursor["max_seen"], *seen])
            if after and cursor["mode"] == "incremental" and int(after) >= SEARCH_RESULT_CAP:
                # Past the search cap: continue from the newest change seen so far.
                cursor["query_since"], after = cursor["max_seen"], None
                cursor["restart"] = True
            else:
                cursor.pop("restart", None)
            cursor["after"] = after
            if not after and not cursor.get("restart"):
                cursor["phase"] = "archived"  # the main pass is done: the archived listing next
            yield Page(records=data["results"], cursor=cursor)
        # HubSpot's archived-objects listing: companies archived since (or before) — removals.
        while True:
            cursor = dict(self.cursor)
            data = self.client.list_companies(
                properties=properties, after=cursor.get("archived_after"), archived=True
            )
            after = next_after(data)
            cursor["archived_after"] = after
            records = [{**r, "archived": True} for r in data["results"] if isinstance(r, dict)]
            yield Page(records=records, cursor=cursor)
            if not after:
                return

    def apply(self, page: Page) -> PageResult:
        result = PageResult()
        now = timezone.now()
        ids = [str(r.get("id")) for r in page.records]
        accounts = {a.crm_id: a for a in Account.objects.filter(crm_id__in=ids)}
        lineage = {
            r.external_id: r
            for r in SyncedRecord.objects.filter(connection=self.connection, external_id__in=ids)
        }
        owners = {str(r.get("id")): self.owner_of(r) for r in page.records if not r.get("archived")}
        emails = {email for email, _ in owners.values() if email}
        users = {
            u.email.lower(): u
            for u in User.objects.annotate(lower_email=Lower("email")).filter(
                lower_email__in=[e.lower() for e in emails]
            )
        }
        seen: dict[str, tuple[SyncedRecord, Account]] = {}
        self.scores_changed = False
        for record in page.records:
            crm_id = str(record.get("id") or "")
            if crm_id in seen:  # the same company twice in one page
                result.add("unchanged")
                continue
            if record.get("archived") is True:
                account = self.remove(crm_id, accounts.get(crm_id), now, result)
                if account is not None:
                    seen[crm_id] = (
                        SyncedRecord(
                            connection=self.connection,
                            external_id=crm_id,
                            remote_updated=str(_modified_ms(record)),
                            fingerprint="archived",
                            last_seen_at=now,
                            last_run=self.run,
                        ),
                        account,
                    )
                continue
            notes: list[str] = []
            try:
                values = self.map(record, users, owners.get(crm_id), notes)
            except ValidationError as exc:
                result.skip(f"company {crm_id or '?'}", " ".join(exc.messages))
                continue
            fingerprint = _fingerprint(values)
            account = accounts.get(crm_id)
            known = lineage.get(crm_id)
            if (
                account
                and known
                and known.fingerprint == fingerprint
                and not (account.crm_missing_since)
            ):
                result.add("unchanged")
            else:
                if account is None:  # a new company: what it does not say stays unknown
                    values = {**{f: None for f in UNKNOWN_WHEN_EMPTY}, **values}
                try:
                    account = self.upsert(crm_id, values, result)
                except ValidationError as exc:
                    result.skip(f"company {crm_id}", " ".join(exc.messages))
                    continue
                for note in notes:
                    result.report(f"company {crm_id}", note)
            lineage_row = SyncedRecord(
                connection=self.connection,
                external_id=crm_id,
                remote_updated=str(_modified_ms(record)),
                fingerprint=fingerprint,
                last_seen_at=now,
                last_run=self.run,
            )
            seen[crm_id] = (lineage_row, account)
        if self.scores_changed:
            priorities_request(cause="crm account change", item_ids=None)
        if result.counts.get("created"):
            # New accounts: Segment events held for them can be counted now.
            for analytics in analytics_connections():
                held_events_release(connection=analytics)
        for lineage_row, account in seen.values():
            lineage_row.local_id = account.pk
        # One statement for the page's lineage (insert or refresh), not one per record.
        SyncedRecord.objects.bulk_create(
            [row for row, _ in seen.values()],
            update_conflicts=True,
            unique_fields=["connection", "external_id"],
            update_fields=["local_id", "remote_updated", "fingerprint", "last_seen_at", "last_run"],
        )
        return result

    def owner_of(self, record: dict) -> tuple[str | None, str]:
        """(e-mail, what HubSpot said) of the record's owner: an e-mail property as it is, an
        owner id (``hubspot_owner_id``) through the owners API."""
        raw = str((record.get("properties") or {}).get(self.props["csm_owner"]) or "").strip()
        if not raw:
            return None, ""
        if "@" in raw:
            return raw.lower(), raw
        return self.owner_email(raw), raw

    def map(self, record: dict, users: dict, owner=None, notes: list | None = None) -> dict:
        """The account's values from a company. Values left alone (an owner who is no portal
        user, an unmapped industry) are described in ``notes``."""
        notes = notes if notes is not None else []
        crm_id = str(record.get("id") or "")
        props = record.get("properties") or {}
        if not crm_id:
            raise ValidationError("the record has no id")
        values: dict = {}
        name = str(props.get(self.props["name"]) or "").strip()
        name = name or str(props.get("domain") or "").strip()  # HubSpot allows a domain alone
        if not name:
            raise ValidationError(f"no name in property {self.props['name']!r} and no domain")
        values["name"] = name[:200]
        raw_arr = props.get(self.props["arr"])
        if raw_arr not in (None, ""):
            try:
                values["arr"] = str(Decimal(str(raw_arr)).quantize(Decimal("0.01")))
            except InvalidOperation:
                raise ValidationError(f"ARR {raw_arr!r} is not a number") from None
        raw_tier = props.get(self.props["tier"])
        if raw_tier:
            tier = TIER_ALIASES.get(
                str(raw_tier).strip().lower().replace("-", "_").replace(" ", "_")
            )
            if tier is None:
                raise ValidationError(f"tier {raw_tier!r} is not enterprise, mid_market or smb")
            values["tier"] = tier.value
        raw_health = props.get(self.props["health_score"])
        if raw_health not in (None, ""):
            try:
                health = round(float(raw_health))
            except ValueError:
                raise ValidationError(f"health score {raw_health!r} is not a number") from None
            if not 0 <= health <= 100:
                raise ValidationError(f"health score {health} is outside 0–100")
            values["health_score"] = health
        email, said = owner if owner is not None else self.owner_of(record)
        if said:
            user = users.get(email) if email else None
            if user is not None:
                values["csm_owner_id"] = user.pk
            elif email:
                notes.append(f"owner {said} ({email}) matches no portal user; CSM left as it was")
            else:
                notes.append(f"owner {said} is not a HubSpot owner; CSM left as it was")
        if self.props["renewal_on"]:
            raw_renewal = props.get(self.props["renewal_on"])
            if raw_renewal not in (None, ""):
                values["renewal_on"] = _renewal_date(raw_renewal)
        industry = props.get(self.props["segment"])
        if industry:
            if str(industry) in self.segment_map:
                if self.segment_map[str(industry)]:
                    values["segment"] = str(self.segment_map[str(industry)])[:60]
            else:
                notes.append(
                    f"industry {industry!r} has no segment in segment_map; segment left as it was"
                )
        return values

    def remove(self, crm_id: str, account, now, result):
        """An archived company: its account is flagged at once (never deleted)."""
        if account is None:
            result.add("unchanged")  # never synced here: nothing to remove
            return None
        if account.crm_missing_since:
            result.add("unchanged")
            return account
        account, _, _ = account_upsert(crm_id=crm_id, crm_missing_since=now)
        result.add("updated")
        result.report(f"company {crm_id}", "archived in HubSpot: account flagged as missing")
        return account

    def upsert(self, crm_id: str, values: dict, result) -> Account:
        account, created, changed = account_upsert(crm_id=crm_id, crm_missing_since=None, **values)
        if not (created or changed):
            result.add("unchanged")
            return account
        if not created and changed & SCORE_INPUT_FIELDS:
            self.scores_changed = True
        result.add("created" if created else "updated")
        return account

    def finish(self) -> dict:
        cursor = self.cursor
        if cursor.get("mode") == "full":
            seen = SyncedRecord.objects.filter(
                connection=self.connection, last_seen_at__gte=_parse(cursor["pass_started"])
            ).values("external_id")
            accounts_flag_missing_from_crm(seen_crm_ids=seen)
        done = {"since": cursor.get("max_seen") or 0}  # a new pass starts with phase unset
        done["last_full"] = (
            cursor["pass_started"] if cursor.get("mode") == "full" else cursor.get("last_full")
        )
        return done


def _modified_ms(record: dict) -> int:
    props = record.get("properties") or {}
    raw = props.get("hs_lastmodifieddate") or record.get("updatedAt")
    when = _parse(raw)
    return int(when.timestamp() * 1000) if when else 0


def _parse(value) -> dt.datetime | None:
    if not value:
        return None
    if isinstance(value, (int, float)) or str(value).isdigit():
        return dt.datetime.fromtimestamp(int(value) / 1000, tz=dt.UTC)
    parsed = parse_datetime(str(value))
    if parsed and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def _fingerprint(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def _renewal_date(raw) -> dt.date:
    """A HubSpot date ("2027-03-31") or datetime (epoch milliseconds, or ISO 8601) as a date."""
    text = str(raw).strip()
    try:
        if text.isdigit():
            return dt.datetime.fromtimestamp(int(text) / 1000, tz=dt.UTC).date()
        return dt.date.fromisoformat(text[:10])
    except (ValueError, OverflowError, OSError):
        raise ValidationError(f"renewal date {raw!r} is not a date") from None
