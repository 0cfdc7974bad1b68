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
    """Invitations to join not yet accepted, withdrawn or expired, newest first (password codes
    are listed with their members: `password_codes_open`)."""
    from django.utils import timezone

    pending = Invitation.objects.filter(
        community=community,
        for_membership__isnull=True,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    return list(pending.select_related("household", "created_by__user"))


def invitations_of(*, community: Community) -> QuerySet[Invitation]:
    """Every invitation and password code of the community, in any state, newest first."""
    return Invitation.objects.filter(community=community).order_by("-created_at", "-id")


def password_codes_open(*, community: Community) -> dict[int, Invitation]:
    """The open password code of each member who has one, by membership id."""
    from django.utils import timezone

    pending = Invitation.objects.filter(
        community=community,
        for_membership__isnull=False,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    return {i.for_membership_id: i for i in pending.order_by("created_at")}


def households_for_slips(*, community: Community) -> QuerySet[Household]:
    """The households one may print invitation slips for (not archived), each annotated with
    whether it has an active member and when its latest open invitation expires (or None)."""
    from django.db.models import Exists, OuterRef, Subquery
    from django.utils import timezone

    open_invitations = Invitation.objects.filter(
        household=OuterRef("pk"),
        for_membership__isnull=True,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).order_by("-expires_at")
    members = Membership.objects.filter(household=OuterRef("pk"), is_active=True)
    return (
        community.households.filter(archived_at__isnull=True)
        .annotate(
            has_member=Exists(members),
            open_until=Subquery(open_invitations.values("expires_at")[:1]),
        )
        .order_by("name")
    )
