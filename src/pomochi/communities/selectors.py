from django.db.models import QuerySet

from pomochi.communities.models import Bylaws, Community, Household, Membership


def bylaws_current(*, community: Community) -> Bylaws:
    return community.bylaws.order_by("-version").first()


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
