"""The onboarding services × every role: allowed, or refused with NotAllowed and nothing written.

Roles (tests/conftest.py): olga founded the village (coordinator and committee), alice
(coordinator), vera (committee), bob (plain member), charlie (founder of the hamlet). Founding
itself takes a person, not a membership: by the site setting, anyone, or the approved only.
"""

import pytest

from pomochi.audit.models import AuditEntry
from pomochi.communities.models import Community
from pomochi.errors import NotAllowed
from pomochi.onboarding.services import community_found, community_setup_skip, starter_apply

ROLES = ("olga", "alice", "bob", "vera", "charlie")

# The services this matrix calls (tests/test_service_matrix.py fails on one in no matrix).
COVERS = {community_setup_skip, starter_apply}


def in_russian(v):
    """Named in Russian, a starter set takes no name the village's own resources have."""
    v.community.language = "ru"
    v.community.save(update_fields=["language"])


CASES = {
    "community_setup_skip": (
        lambda v: None,
        lambda a, v: community_setup_skip(actor=a, community=v.community, step="bylaws"),
        {"olga"},
    ),
    "starter_apply": (
        in_russian,
        lambda a, v: starter_apply(actor=a, community=v.community, starter="village"),
        {"olga", "alice"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_onboarding_service_matrix(village, hamlet, name, role):
    v = village
    v.charlie = hamlet.charlie
    prepare, call, allowed = CASES[name]
    prepare(v)
    actor = getattr(v, role)
    before = AuditEntry.objects.filter(community=v.community).count()
    if role in allowed:
        call(actor, v)
        assert AuditEntry.objects.filter(community=v.community).count() > before
    else:
        with pytest.raises(NotAllowed):
            call(actor, v)
        assert AuditEntry.objects.filter(community=v.community).count() == before


@pytest.mark.parametrize("founding", ["anyone", "approved"])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_found(village, hamlet, settings, founding, role):
    """Anyone with an account, by default; on an approved-only server only the approved (vera,
    here), whatever their roles elsewhere."""
    settings.POMOCHI_FOUNDING = founding
    user = (hamlet.charlie if role == "charlie" else getattr(village, role)).user
    village.vera.user.may_found_communities = True
    village.vera.user.save()
    user.refresh_from_db()
    before = Community.objects.count()
    if founding == "anyone" or role == "vera":
        community_found(user=user, name="Upper", slug="upper")
        assert Community.objects.count() == before + 1
    else:
        with pytest.raises(NotAllowed):
            community_found(user=user, name="Upper", slug="upper")
        assert Community.objects.count() == before
