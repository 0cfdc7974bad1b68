from django.db.models import QuerySet

from pomochi.communities.models import Bylaws, Community, Household, Invitation, Membership


def bylaws_current(*, community: Community) -> Bylaws:
    return community.bylaws.order_by("-version").first()


def rules_current(*, community_id: int) -> dict:
    """The rules in force, complete: keys added to the schema since a version was adopted take
    their defaults."""
    from pomochi.communities.bylaws import default_rules, validate_rules

    bylaws = Bylaws.objects.filter(community_id=community_id).order_by("-version").first()
    return validate_rules(bylaws.rules) if bylaws else default_rules()


def bylaws_versions(*, community: Community) -> QuerySet[Bylaws]:
    return community.bylaws.order_by("-version")


def memberships_of_user(*, user) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("community", "household")
        .order_by("community__name")
    )


def membership_in(*, user, community: Community) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, community=community, is_active=True)
        .select_related("community", "household")
        .first()
    )


def households_of(*, community: Community) -> QuerySet[Household]:
    return community.households.order_by("name")


def invitations_open(*, community: Community) -> list[Invitation]:
    """Invitations not yet accepted, withdrawn or expired, newest first."""
    from django.utils import timezone

    pending = Invitation.objects.filter(
        community=community,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    return list(pending.select_related("household", "created_by__user"))
