"""Writes for communities, households, memberships, roles, resources and bylaws.

Each function is one transaction: policy first, then the change, then its audit entry.
"""

import json
import re
import zoneinfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from pomochi.audit.services import audit_append, audit_head_create
from pomochi.communities import policy
from pomochi.communities.bylaws import default_rules, validate_rules
from pomochi.communities.models import (
    Bylaws,
    Community,
    CommunityKind,
    Household,
    Invitation,
    Membership,
    ResourceKind,
    ResourceType,
)
from pomochi.errors import Conflict, InvalidInput, NotAllowed
from pomochi.text import LINE_LENGTH, text_or_refuse

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# The text rule's limits here are the columns' (a name is what the forms and the import take).
NAME_LENGTH = Household._meta.get_field("name").max_length
UNIT_LENGTH = ResourceType._meta.get_field("unit").max_length
SLUG_LENGTH = Community._meta.get_field("slug").max_length


def _audit(
    actor: Membership | None,
    community_id: int,
    verb: str,
    obj,
    data: dict,
    household_id: int | None = None,
) -> None:
    audit_append(
        community_id=community_id,
        actor_id=actor.id if actor else None,
        verb=verb,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        data=data,
        household_id=household_id,
    )


def _membership_data(membership: Membership) -> dict:
    return {
        "user": membership.user_id,
        "household": membership.household_id,
        "coordinator": membership.is_coordinator,
        "committee": membership.is_committee,
        "active": membership.is_active,
    }


def _household_data(household: Household) -> dict:
    return {
        "name": household.name,
        "size": household.size,
        "children": household.has_children,
        "elderly": household.has_elderly,
        "ill_or_disabled": household.has_ill_or_disabled,
    }


@transaction.atomic
def community_create(
    *,
    slug: str,
    name: str,
    founder,
    timezone: str = "UTC",
    language: str = "en",
    kind: str = CommunityKind.VILLAGE,
    rules: dict | None = None,
) -> Community:
    """Found a community. Its founder becomes its first coordinator and committee member, and
    sees the first-run checklist (onboarding) until every step is done or skipped.

    There is no actor membership yet: the caller (onboarding.services.community_found for the
    web and the API, `pomochi create_community` for the site admin) decides who may found.
    """
    name = text_or_refuse(name, field="name", max_length=NAME_LENGTH, multiline=False)
    if not SLUG.fullmatch(slug or ""):
        raise InvalidInput(
            _("A short name uses only lowercase letters, digits and hyphens."), field="slug"
        )
    if len(slug) > SLUG_LENGTH:
        raise InvalidInput(
            _("A short name has at most %(max)d characters.") % {"max": SLUG_LENGTH}, field="slug"
        )
    if kind not in CommunityKind.values:
        raise InvalidInput(_("Unknown kind of group: %(kind)s") % {"kind": kind}, field="kind")
    if timezone not in zoneinfo.available_timezones():
        raise InvalidInput(_("Unknown time zone: %(tz)s") % {"tz": timezone}, field="timezone")
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(_("Unknown language: %(lang)s") % {"lang": language}, field="language")
    if not name.strip():
        raise InvalidInput(_("A community needs a name."), field="name")
    taken = Conflict(
        _("A community with the short name “%(slug)s” already exists.") % {"slug": slug},
        field="slug",
    )
    if Community.objects.filter(slug=slug).exists():
        raise taken
    rules = validate_rules(rules if rules is not None else default_rules())
    try:
        with transaction.atomic():  # two people founding one address at once: one gets it
            community = Community.objects.create(
                slug=slug,
                name=name,
                timezone=timezone,
                language=language,
                kind=kind,
                founded_by=founder,
            )
    except IntegrityError:
        raise taken from None
    audit_head_create(community_id=community.id)
    _audit(
        None,
        community.id,
        "community.create",
        community,
        {"slug": slug, "name": name, "timezone": timezone, "language": language, "kind": kind},
    )
    founder_membership = Membership.objects.create(
        user=founder, community=community, is_coordinator=True, is_committee=True
    )
    _audit(
        founder_membership,
        community.id,
        "membership.add",
        founder_membership,
        _membership_data(founder_membership),
    )
    bylaws = Bylaws.objects.create(
        community=community,
        version=1,
        rules=rules,
        reason=_("Founding bylaws"),
        created_by=founder_membership,
    )
    _audit(
        founder_membership,
        community.id,
        "bylaws.change",
        bylaws,
        {"version": 1, "rules": rules, "reason": bylaws.reason},
    )
    return community


def _household_new(
    *,
    actor: Membership,
    name: str,
    size: int,
    has_children: bool,
    has_elderly: bool,
    has_ill_or_disabled: bool,
    idempotency_key: str | None = None,
) -> Household:
    name = text_or_refuse(name, field="name", max_length=NAME_LENGTH, multiline=False)
    if not name:
        raise InvalidInput(_("A household needs a name."), field="name")
    if type(size) is not int or size < 1:
        raise InvalidInput(_("A household has at least one person."), field="size")
    wanted = {
        "name": name,
        "size": size,
        "children": has_children,
        "elderly": has_elderly,
        "ill_or_disabled": has_ill_or_disabled,
    }
    mark = request_mark(actor, idempotency_key) if idempotency_key else None
    if mark and (replay := created_replay(actor, "household.create", mark, wanted, Household)):
        return replay
    _name_free(actor.community_id, name)
    try:
        with transaction.atomic():  # the same name sent twice at once: one household
            household = Household.objects.create(
                community_id=actor.community_id,
                name=name,
                size=size,
                has_children=has_children,
                has_elderly=has_elderly,
                has_ill_or_disabled=has_ill_or_disabled,
            )
    except IntegrityError:
        if mark and (replay := created_replay(actor, "household.create", mark, wanted, Household)):
            return replay
        _name_free(actor.community_id, name)
        raise
    _audit(
        actor,
        actor.community_id,
        "household.create",
        household,
        _household_data(household) | ({"request": mark} if mark else {}),
        household_id=household.id,
    )
    return household


def request_mark(actor: Membership, key: str, *, purpose: str = "households") -> str:
    """What a create entry keeps of an Idempotency-Key: a keyed digest of the actor and key,
    which says nothing of the key to whoever reads the chain."""
    return salted_hmac(
        f"pomochi.{purpose}.idempotency", f"{actor.id}:{key}", algorithm="sha256"
    ).hexdigest()[:32]


def created_replay(actor: Membership, verb: str, mark: str, wanted: dict, model):
    """The object this actor created (audit verb `verb`) with this key, if any; the same key
    with other fields is refused."""
    from pomochi.audit.models import AuditEntry

    entry = AuditEntry.objects.filter(
        community_id=actor.community_id,
        actor_id=actor.id,
        verb=verb,
        payload__contains=f'"request":"{mark}"',
    ).first()
    if entry is None:
        return None
    data = json.loads(entry.payload)["data"]
    if any(data.get(k) != v for k, v in wanted.items()):
        raise Conflict(_("This idempotency key was already used for a different request."))
    return model.objects.get(pk=entry.object_id)


def _name_free(community_id: int, name: str, *, but: Household | None = None) -> None:
    taken = Household.objects.filter(community_id=community_id, name=name)
    if but is not None:
        taken = taken.exclude(pk=but.pk)
    if taken.exists():
        raise Conflict(
            _("There is already a household called “%(name)s”.") % {"name": name}, field="name"
        )


def refuse_archived(household: Household | None, *, field: str = "household") -> None:
    """An archived household (it left, or was merged into another) keeps its history and
    receives, asks for and is given nothing more: every service that would refuses here."""
    if household is not None and household.archived_at is not None:
        raise Conflict(
            _("The household %(name)s is archived: nothing more is recorded for it.")
            % {"name": household.name},
            field=field,
        )


@transaction.atomic
def household_create(
    *,
    actor: Membership,
    community: Community,
    name: str,
    size: int = 1,
    has_children: bool = False,
    has_elderly: bool = False,
    has_ill_or_disabled: bool = False,
    idempotency_key: str | None = None,
) -> Household:
    """A coordinator adds a household. A retry with the same idempotency key and the same
    fields answers the household the first made; with other fields it is refused."""
    policy.require(actor, "household.create", community)
    return _household_new(
        actor=actor,
        name=name,
        size=size,
        has_children=has_children,
        has_elderly=has_elderly,
        has_ill_or_disabled=has_ill_or_disabled,
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def household_create_own(
    *,
    actor: Membership,
    community: Community,
    name: str,
    size: int = 1,
    has_children: bool = False,
    has_elderly: bool = False,
    has_ill_or_disabled: bool = False,
) -> Household:
    """A member in no household starts their own and is placed in it. Refuses, changing
    nothing, a member who already has one (a coordinator moves people between households)."""
    policy.require(actor, "household.create_own", community)
    household = _household_new(
        actor=actor,
        name=name,
        size=size,
        has_children=has_children,
        has_elderly=has_elderly,
        has_ill_or_disabled=has_ill_or_disabled,
    )
    actor.household = household
    actor.save(update_fields=["household"])
    _audit(
        actor,
        actor.community_id,
        "membership.set_household",
        actor,
        _membership_data(actor),
        household_id=household.id,
    )
    return household


@transaction.atomic
def household_update(*, actor: Membership, household: Household, **changes) -> Household:
    """Correct a household's name, size or vulnerability flags (its own members or a
    coordinator). Refuses, changing nothing, an archived household or a name already taken."""
    policy.require(actor, "household.update", household)
    refuse_archived(household, field="name")
    if "name" in changes:
        changes["name"] = text_or_refuse(
            changes["name"], field="name", max_length=NAME_LENGTH, multiline=False
        )
        if not changes["name"]:
            raise InvalidInput(_("A household needs a name."), field="name")
    allowed = {"name", "size", "has_children", "has_elderly", "has_ill_or_disabled"}
    if unknown := set(changes) - allowed:
        raise InvalidInput(_("Unknown household fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "size" in changes and (type(changes["size"]) is not int or changes["size"] < 1):
        raise InvalidInput(_("A household has at least one person."), field="size")
    if "name" in changes:
        _name_free(household.community_id, changes["name"], but=household)
    if not changes:
        return household
    for field, value in changes.items():
        setattr(household, field, value)
    household.save(update_fields=list(changes))
    _audit(
        actor,
        household.community_id,
        "household.update",
        household,
        _household_data(household),
        household_id=household.id,
    )
    return household


def _check_household(actor: Membership, household: Household | None) -> None:
    if household is not None and household.community_id != actor.community_id:
        raise InvalidInput(_("That household belongs to another community."), field="household")


@transaction.atomic
def membership_set_household(
    *, actor: Membership, membership: Membership, household: Household | None
) -> Membership:
    policy.require(actor, "membership.set_household", membership)
    _check_household(actor, household)
    refuse_archived(household)
    if not membership.is_active:
        raise Conflict(_("%(who)s is no longer a member.") % {"who": membership.user})
    membership.household = household
    membership.save(update_fields=["household"])
    _audit(
        actor,
        membership.community_id,
        "membership.set_household",
        membership,
        _membership_data(membership),
        household_id=membership.household_id,
    )
    return membership


@transaction.atomic
def membership_set_roles(
    *,
    actor: Membership,
    membership: Membership,
    coordinator: bool | None = None,
    committee: bool | None = None,
) -> Membership:
    """Grant or withdraw roles. Only the committee touches committee; nobody changes their own."""
    if membership.id == actor.id:
        raise NotAllowed(_("Nobody can change their own roles; ask another member."))
    if not membership.is_active:
        policy.require(actor, "membership.grant_coordinator", membership)
        raise Conflict(_("%(who)s is no longer a member.") % {"who": membership.user})
    changed = []
    if coordinator is not None and coordinator != membership.is_coordinator:
        policy.require(actor, "membership.grant_coordinator", membership)
        membership.is_coordinator = coordinator
        changed.append("is_coordinator")
    if committee is not None and committee != membership.is_committee:
        policy.require(actor, "membership.grant_committee", membership)
        membership.is_committee = committee
        changed.append("is_committee")
    if not changed:
        policy.require(actor, "membership.grant_coordinator", membership)
        return membership
    membership.save(update_fields=changed)
    _audit(
        actor,
        membership.community_id,
        "membership.set_roles",
        membership,
        _membership_data(membership),
        household_id=membership.household_id,
    )
    return membership


@transaction.atomic
def household_merge(*, actor: Membership, household: Household, into: Household) -> Household:
    """Two households that are one: `household`'s members move to `into`, which is kept; the
    history (movements, needs, promises) stays with the household it happened to, which is
    archived with `merged_into` set. Open invitations into it now lead into the kept one.
    Refuses, changing nothing, an archived household or merging one into itself."""
    policy.require(actor, "household.merge", household)
    if into.community_id != household.community_id:
        raise InvalidInput(_("That household belongs to another community."), field="into")
    if into.id == household.id:
        raise InvalidInput(_("Choose another household to merge into."), field="into")
    refuse_archived(household)
    refuse_archived(into, field="into")
    moving = list(
        Membership.objects.filter(household=household, is_active=True).select_for_update()
    )
    for membership in moving:
        membership.household = into
        membership.save(update_fields=["household"])
        _audit(
            actor,
            household.community_id,
            "membership.set_household",
            membership,
            _membership_data(membership),
            household_id=into.id,
        )
    Invitation.objects.filter(
        household=household, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(household=into)
    household.archived_at = timezone.now()
    household.merged_into = into
    household.save(update_fields=["archived_at", "merged_into"])
    _audit(
        actor,
        household.community_id,
        "household.merge",
        household,
        {"name": household.name, "merged_into": into.id, "members": len(moving)},
        household_id=household.id,
    )
    return household


@transaction.atomic
def household_archive(*, actor: Membership, household: Household) -> Household:
    """A household that left: archived, its history kept and its page still there; it receives,
    asks for and is offered nothing more. Refuses, changing nothing, one that still has
    members (move them, or they leave, first) or is archived already."""
    policy.require(actor, "household.archive", household)
    refuse_archived(household)
    if Membership.objects.filter(household=household, is_active=True).exists():
        raise Conflict(
            _(
                "%(name)s still has members: place them in another household, or they leave, "
                "before it is archived."
            )
            % {"name": household.name}
        )
    household.archived_at = timezone.now()
    household.save(update_fields=["archived_at"])
    _audit(
        actor,
        household.community_id,
        "household.archive",
        household,
        {"name": household.name, "archived": True},
        household_id=household.id,
    )
    return household


def _membership_end(membership: Membership, **ended) -> None:
    """Leaving and removal end a membership alike: no longer active, roles gone; the row and
    its history stay (whoever recorded what is still named to those who may see it)."""
    membership.is_active = False
    membership.is_coordinator = membership.is_committee = False
    for field, value in ended.items():
        setattr(membership, field, value)
    membership.save(update_fields=["is_active", "is_coordinator", "is_committee", *ended])


@transaction.atomic
def membership_leave(*, actor: Membership, membership: Membership) -> Membership:
    """The person leaves the community, by their own act; from then on they read nothing of it
    (every page and API answers as to anyone outside). Their history stays."""
    policy.require(actor, "membership.leave", membership)
    _membership_end(membership, left_at=timezone.now())
    _audit(
        actor,
        membership.community_id,
        "membership.leave",
        membership,
        _membership_data(membership),
        household_id=membership.household_id,
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: Membership, membership: Membership, reason: str) -> Membership:
    """The committee removes a member, saying why. The reason is kept in a private entry
    (coordinators and the committee read it) and on the membership, for `view_private`. Refuses,
    changing nothing, without a reason, one's own removal, or someone no longer a member."""
    policy.require(actor, "membership.remove", membership)
    if not membership.is_active:
        raise Conflict(_("%(who)s is no longer a member.") % {"who": membership.user})
    reason = text_or_refuse(reason, field="reason")
    if not reason:
        raise InvalidInput(_("Say why the member is removed."), field="reason")
    _membership_end(membership, removed_at=timezone.now(), removal_reason=reason)
    audit_append(
        community_id=membership.community_id,
        actor_id=actor.id,
        verb="membership.remove",
        object_type="membership",
        object_id=membership.id,
        data=_membership_data(membership) | {"reason": reason},
        household_id=membership.household_id,
        private=True,
    )
    return membership


@transaction.atomic
def bylaws_change(*, actor: Membership, community: Community, rules: dict, reason: str) -> Bylaws:
    """Adopt a new version of the bylaws. The old versions stay readable."""
    policy.require(actor, "bylaws.change", community)
    reason = text_or_refuse(reason, field="reason")
    rules = validate_rules(rules)
    if not reason.strip():
        raise InvalidInput(_("Say why the bylaws change."), field="reason")
    last = Bylaws.objects.filter(community_id=actor.community_id).order_by("-version").first()
    version = (last.version if last else 0) + 1
    bylaws = Bylaws.objects.create(
        community_id=actor.community_id,
        version=version,
        rules=rules,
        reason=reason.strip(),
        created_by=actor,
    )
    _audit(
        actor,
        actor.community_id,
        "bylaws.change",
        bylaws,
        {"version": version, "rules": rules, "reason": bylaws.reason},
    )
    return bylaws


def _resource_fields(*, name: str, unit: str, kind: str, decimal_places: int) -> dict:
    name = text_or_refuse(name, field="name", max_length=LINE_LENGTH, multiline=False)
    unit = text_or_refuse(unit, field="unit", max_length=UNIT_LENGTH, multiline=False)
    if not name:
        raise InvalidInput(_("A resource needs a name and a unit."), field="name")
    if not unit:
        raise InvalidInput(_("A resource needs a name and a unit."), field="unit")
    if kind not in ResourceKind.values:
        raise InvalidInput(_("Unknown kind of resource: %(kind)s") % {"kind": kind}, field="kind")
    if type(decimal_places) is not int or not 0 <= decimal_places <= 6:
        raise InvalidInput(_("Decimal places must be between 0 and 6."), field="decimal_places")
    return {"name": name, "unit": unit, "kind": kind, "decimal_places": decimal_places}


def _resource_name_free(community_id: int, name: str, *, but: ResourceType | None = None) -> None:
    taken = ResourceType.objects.filter(community_id=community_id, name=name)
    if but is not None:
        taken = taken.exclude(pk=but.pk)
    if taken.exists():
        raise Conflict(
            _("There is already a resource called “%(name)s”.") % {"name": name}, field="name"
        )


@transaction.atomic
def resource_create(
    *,
    actor: Membership,
    community: Community,
    name: str,
    unit: str,
    kind: str,
    decimal_places: int = 0,
    idempotency_key: str | None = None,
) -> ResourceType:
    """A new kind of thing the community records, kept in no store until a coordinator says
    which (ledger.services.resource_keep). A retry with the same idempotency key and fields
    answers the resource the first made."""
    policy.require(actor, "resource.create", community)
    fields = _resource_fields(name=name, unit=unit, kind=kind, decimal_places=decimal_places)
    mark = request_mark(actor, idempotency_key, purpose="resources") if idempotency_key else None
    if mark and (replay := created_replay(actor, "resource.create", mark, fields, ResourceType)):
        return replay
    _resource_name_free(actor.community_id, fields["name"])
    resource = ResourceType.objects.create(community_id=actor.community_id, **fields)
    _audit(
        actor,
        actor.community_id,
        "resource.create",
        resource,
        fields | ({"request": mark} if mark else {}),
    )
    return resource


def resource_recorded(resource: ResourceType) -> bool:
    """Whether anything counts in this resource's smallest unit: a movement, a stock, a need,
    an offer, a promise, a round… (every row that refers to it, whichever app made it; what a
    store keeps is no amount). Its decimal places and kind are fixed from then on."""
    for relation in resource._meta.related_objects:
        if relation.many_to_many or not relation.related_model._meta.managed:
            continue
        if relation.related_model._default_manager.filter(
            **{relation.field.name: resource}
        ).exists():
            return True
    return False


@transaction.atomic
def resource_update(*, actor: Membership, resource: ResourceType, **changes) -> ResourceType:
    """Rename a resource or its unit; change its kind or decimal places only while nothing is
    recorded in it (every amount is kept in its smallest unit: 1.5 kg is 1500 at three
    places). Refuses, changing nothing, a name taken, or labour that a store keeps."""
    policy.require(actor, "resource.update", resource)
    allowed = {"name", "unit", "kind", "decimal_places"}
    if unknown := set(changes) - allowed:
        raise InvalidInput(_("Unknown resource fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    current = {field: getattr(resource, field) for field in allowed}
    fields = _resource_fields(**(current | changes))
    changed = {k: v for k, v in fields.items() if v != current[k]}
    if not changed:
        return resource
    if "name" in changed:
        _resource_name_free(resource.community_id, changed["name"], but=resource)
    fixed = [k for k in ("kind", "decimal_places") if k in changed]
    if fixed and resource_recorded(resource):
        raise Conflict(
            _(
                "Something is already recorded in %(resource)s: its kind and decimal places "
                "stay as they are. Add a new resource instead."
            )
            % {"resource": resource.name},
            field=fixed[0],
        )
    if changed.get("kind") == ResourceKind.LABOUR and resource.pools.exists():
        raise Conflict(
            _("Labour is never kept in a store: first take %(resource)s out of the stores.")
            % {"resource": resource.name},
            field="kind",
        )
    for field, value in changed.items():
        setattr(resource, field, value)
    resource.save(update_fields=list(changed))
    _audit(actor, resource.community_id, "resource.update", resource, fields)
    return resource
