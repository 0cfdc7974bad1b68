"""Founding a community with its starter set, and the founder's first-run checklist.

Each function is one transaction: the rule first, then validation, then the change and its
audit entries.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone as clock
from django.utils.translation import gettext as _

from pomochi.audit.chain import canonical_json, digest
from pomochi.audit.services import audit_append
from pomochi.communities import policy
from pomochi.communities.bylaws import default_rules
from pomochi.communities.models import Community, CommunityKind, Membership, ResourceType
from pomochi.communities.services import community_create, resource_create
from pomochi.errors import Conflict, InvalidInput
from pomochi.ledger.models import Pool
from pomochi.ledger.services import pool_create
from pomochi.onboarding import starters
from pomochi.onboarding.models import FoundingRequest
from pomochi.onboarding.selectors import STEPS


@transaction.atomic
def community_found(
    *,
    user,
    name: str,
    slug: str,
    timezone: str = "UTC",
    language: str = "en",
    kind: str = CommunityKind.VILLAGE,
    starter: str = starters.NONE,
    idempotency_key: str | None = None,
) -> Community:
    """A person founds a community from the web or the API (see community_establish).

    Refuses, changing nothing, when the site setting POMOCHI_FOUNDING does not let this person
    found one, or on any invalid field. A retry with the same idempotency key and the same
    fields returns the community the first made; the key with other fields is a Conflict.
    """
    policy.require_may_found(user)
    fields = {
        "name": name,
        "slug": (slug or "").strip().lower(),
        "timezone": timezone,
        "language": language,
        "kind": kind,
        "starter": starter,
    }
    replay = _claim(user=user, key=idempotency_key, request=fields) if idempotency_key else None
    if replay is not None:
        return replay
    community = community_establish(founder=user, **fields)
    if idempotency_key:
        FoundingRequest.objects.filter(user=user, key=idempotency_key).update(community=community)
    return community


@transaction.atomic
def community_establish(
    *,
    founder,
    name: str,
    slug: str,
    timezone: str = "UTC",
    language: str = "en",
    kind: str = CommunityKind.VILLAGE,
    starter: str = starters.NONE,
) -> Community:
    """A new community with its founder as coordinator and committee, beginning with the
    starter set chosen (its stores and resources named in the community's language).

    Asks no site setting: community_found does for a person, `pomochi create_community` is the
    site admin's. Refuses, changing nothing, any invalid field: a slug Django's validator
    refuses or one taken, an unknown time zone, language, kind of group or starter set."""
    slug = (slug or "").strip().lower()
    try:
        validate_slug(slug)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="slug") from None
    if starter not in starters.STARTERS:
        raise InvalidInput(
            _("Unknown starter set: %(starter)s") % {"starter": starter}, field="starter"
        )
    # community_create judges the name, the slug's shape and whether it is taken, the time
    # zone, the language and the kind.
    # The founding bylaws carry the set's standard rations, so the drill and a store's cover
    # start from a ration rather than from nothing.
    rules = default_rules() | {"standard_rations": starters.starter_rations(starter, language)}
    community = community_create(
        slug=slug,
        name=name,
        founder=founder,
        timezone=timezone,
        language=language,
        kind=kind,
        rules=rules,
    )
    membership = Membership.objects.get(community=community, user=founder)
    starter_apply(actor=membership, community=community, starter=starter)
    return community


def _claim(*, user, key: str, request: dict) -> Community | None:
    """Claim the key for this request (None: go on and found), or the community a first
    request with this key and these fields made. A racing request with the same key waits
    on the unique row until the first commits, then replays it."""
    fingerprint = digest(canonical_json(request))  # as the ledger fingerprints its requests
    try:
        with transaction.atomic():
            FoundingRequest.objects.create(
                user=user, key=key, fingerprint=fingerprint, created_at=clock.now()
            )
        return None
    except IntegrityError:
        pass
    first = FoundingRequest.objects.select_related("community").get(user=user, key=key)
    if first.fingerprint != fingerprint or first.community is None:
        raise Conflict(_("This idempotency key was already used for a different request."))
    return first.community


@transaction.atomic
def starter_apply(
    *, actor: Membership, community: Community, starter: str
) -> tuple[list[Pool], list[ResourceType]]:
    """Create a starter set's resource types and stores, in the community's language, through
    the ordinary services (each audited, each editable afterwards). A name already taken is
    refused as it would be by hand, changing nothing."""
    policy.require(actor, "resource.create", community)
    policy.require(actor, "pool.create", community)
    if starter not in starters.STARTERS:
        raise InvalidInput(
            _("Unknown starter set: %(starter)s") % {"starter": starter}, field="starter"
        )
    chosen = starters.STARTERS[starter]
    language = community.language
    made: dict[starters.Resource, ResourceType] = {}
    for resource in chosen.resources:
        if resource not in made:  # one resource may be listed by two stores
            made[resource] = resource_create(
                actor=actor,
                community=community,
                name=resource.name(language),
                unit=resource.unit(language),
                kind=resource.kind,
                decimal_places=resource.decimal_places,
            )
    pools = [
        pool_create(
            actor=actor,
            community=community,
            name=store.name(language),
            kind=store.kind,
            resources=[made[r] for r in store.keeps],
        )
        for store in chosen.stores
    ]
    return pools, list(made.values())


@transaction.atomic
def community_setup_skip(*, actor: Membership, community: Community, step: str) -> Community:
    """The founder sets a step of the first-run checklist aside. Skipping one twice is one skip."""
    policy.require(actor, "community.setup", community)
    if step not in STEPS:
        raise InvalidInput(_("Unknown step: %(step)s") % {"step": step}, field="step")
    locked = Community.objects.select_for_update().get(pk=community.pk)
    if step in locked.setup_skipped:
        return locked
    locked.setup_skipped = [*locked.setup_skipped, step]
    locked.save(update_fields=["setup_skipped"])
    audit_append(
        community_id=locked.id,
        actor_id=actor.id,
        verb="community.setup_skip",
        object_type="community",
        object_id=locked.id,
        data={"step": step, "skipped": locked.setup_skipped},
    )
    return locked
