"""Communities in the permission matrix: members and roles, invitations, households and their
import, bylaws; communities, households and resources over the API.

Conventions, roles and the runner: tests/matrix.py. The services × roles matrix is
test_policy_matrix.py, next to this file.
"""

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pomochi.communities.bylaws import default_rules
from tests.matrix import (
    EMPTY,
    MEMBERS,
    PASSWORD_NEW,
    SEES_PRIVATE,
    VILLAGE,
    Route,
    api,
    everyone,
    field_named,
    form_errors,
    html,
    membership_of,
    page,
    permission_matrix,
    pk,
)


def household_links_only_for_coordinators(response, w, role):
    link = reverse("household", args=["village", w.sidorovs.id])
    assert (link in html(response)) == (role in SEES_PRIVATE)


FLAGS = ("has_children", "has_elderly", "has_ill_or_disabled")


def flags(visible_to: tuple[str, ...]):
    """The vulnerability flags of one household: values for those who may see them, else null."""

    def check(response, w, role):
        body = response.json()
        if role in visible_to:
            assert all(isinstance(body[f], bool) for f in FLAGS), body
        else:
            assert all(body[f] is None for f in FLAGS), body

    return check


def household_list_flags(response, w, role):
    for h in response.json():
        visible = role in SEES_PRIVATE or (role == "member" and h["id"] == w.petrovs.id)
        assert all((h[f] is not None) == visible for f in FLAGS), (role, h)
    assert w.kuznetsovs.id not in {h["id"] for h in response.json()}


def only_own_communities(response, w, role):
    slugs = [c["slug"] for c in response.json()]
    assert slugs == (["hamlet"] if role == "outsider" else ["village"])


def bylaws_data(w, role):
    rules = default_rules()
    values = {k: v for k, v in rules.items() if k != "privacy"} | rules["privacy"]
    data = {k: ("on" if v else "") if isinstance(v, bool) else v for k, v in values.items()}
    return {k: v for k, v in data.items() if v != ""} | {"reason": "harvest came early"}


def csv_upload(text: str) -> Callable:
    return lambda w, role: {"file": SimpleUploadedFile("households.csv", text.encode())}


def import_payload(signer: str) -> Callable:
    """A signed preview of one household, as the upload page gives it to `signer`."""

    def data(w, role):
        from pomochi.communities import imports

        actor = {
            "self": membership_of(w, role) if role != "anonymous" else w.alice,
            "olga": w.olga,
            "charlie": w.charlie,
        }[signer]
        row = imports.HouseholdRow(line=2, name="Belovs", size=3)
        return {"payload": imports.rows_sign(rows=[row], community=actor.community, actor=actor)}

    return data


def invitation_code(w, role) -> str:
    return w.invited.code


def bobs_password_code(w, role) -> str:
    """A code alice printed for bob, made when the cell runs (one world per cell)."""
    from pomochi.communities.invitations import invitation_reissue_password

    return invitation_reissue_password(actor=w.alice, membership=w.bob).code


def no_code_listed(response, w, role):
    assert "code" not in response.json()["items"][0] and w.invited.code not in html(response)


OWN_OR_COORDINATOR = ("member", "coordinator")


def household_web_routes() -> list[Route]:
    household = lambda name: VILLAGE | {"household_id": pk(name)}  # noqa: E731
    return [
        Route(
            "household-edit",
            page(allowed=OWN_OR_COORDINATOR),
            kwargs=household("petrovs"),
            variant="Petrovs (bob's own)",
        ),
        Route(
            "household-edit",
            page(allowed=("coordinator",)),
            kwargs=household("sidorovs"),
            variant="Sidorovs",
        ),
        Route(
            "household-edit",
            page(302, allowed=OWN_OR_COORDINATOR),
            kwargs=household("petrovs"),
            method="POST",
            data={"name": "Petrovs", "size": "5", "has_children": "on"},
            variant="Petrovs (bob's own)",
        ),
        Route(
            "household-edit",
            page(422, allowed=OWN_OR_COORDINATOR),
            kwargs=household("petrovs"),
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route(
            "household-edit",
            page(404),
            kwargs=household("kuznetsovs"),
            variant="another community's household",
        ),
        Route("household-own", page(allowed=("committee",)), kwargs=VILLAGE),
        Route(
            "household-own",
            page(302, allowed=("committee",)),
            kwargs=VILLAGE,
            method="POST",
            data={"name": "Volkovs", "size": "1"},
        ),
        Route(
            "household-own",
            page(422, allowed=("committee",)),
            kwargs=VILLAGE,
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route("household-merge", page(allowed=("coordinator",)), kwargs=household("sidorovs")),
        Route(
            "household-merge",
            page(302, allowed=("coordinator",)),
            kwargs=household("sidorovs"),
            method="POST",
            data={"into": pk("orlovs")},
        ),
        Route(
            "household-merge",
            page(422, allowed=("coordinator",)),
            kwargs=household("sidorovs"),
            method="POST",
            data={"into": pk("kuznetsovs")},
            variant="into another community's household",
            check=form_errors,
        ),
        Route(
            "household-merge",
            page(404),
            kwargs=household("kuznetsovs"),
            variant="another community's household",
        ),
        Route("household-archive", everyone(405), kwargs=household("sidorovs"), to_login=False),
        Route(
            "household-archive",
            page(302, allowed=("coordinator",)),
            kwargs=household("sidorovs"),
            method="POST",
        ),
        Route(
            "household-archive",
            page(404),
            kwargs=household("kuznetsovs"),
            method="POST",
            variant="another community's household",
        ),
    ]


def member_web_routes() -> list[Route]:
    member = lambda name: VILLAGE | {"membership_id": pk(name)}  # noqa: E731
    return [
        Route("member-household", everyone(405), kwargs=member("bob"), to_login=False),
        Route(
            "member-household",
            page(302, allowed=("coordinator",)),
            kwargs=member("bob"),
            method="POST",
            data={"household": pk("sidorovs")},
        ),
        Route(
            "member-household",
            page(404),
            kwargs=member("charlie"),
            method="POST",
            data={"household": pk("sidorovs")},
            variant="another community's member",
        ),
        Route("member-leave", page(), kwargs=VILLAGE),
        Route("member-leave", page(302), kwargs=VILLAGE, method="POST", data=EMPTY),
        Route("member-remove", page(allowed=("committee",)), kwargs=member("bob")),
        Route(
            "member-remove",
            page(302, allowed=("committee",)),
            kwargs=member("bob"),
            method="POST",
            data={"reason": "took from the Granary at night"},
        ),
        Route(
            "member-remove",
            page(422, allowed=("committee",)),
            kwargs=member("bob"),
            method="POST",
            data=EMPTY,
            variant="no reason",
            check=form_errors,
        ),
        # Nobody removes themselves (vera is the committee role): they leave instead.
        Route("member-remove", page(403), kwargs=member("vera"), variant="vera (herself)"),
        Route(
            "member-remove",
            page(404),
            kwargs=member("charlie"),
            method="POST",
            data={"reason": "x"},
            variant="another community's member",
        ),
    ]


def web_routes() -> list[Route]:
    return [
        # Members, households, bylaws, audit.
        Route("members", page(), kwargs=VILLAGE, check=household_links_only_for_coordinators),
        # Invitations: coordinators make and withdraw them; anyone with the code opens one.
        Route("invitations", page(allowed=("coordinator",)), kwargs=VILLAGE),
        Route(
            "invitations",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"household": pk("sidorovs"), "email": ""},
        ),
        Route(
            "invitations",
            page(422, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"household": pk("kuznetsovs")},
            variant="into another community's household",
            check=form_errors,
        ),
        Route(
            "invitations",
            page(422, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"email": "not an address"},
            variant="bad e-mail",
            check=form_errors,
        ),
        Route(
            "invitation-revoke",
            everyone(405),
            kwargs=VILLAGE | {"invitation_id": pk("invitation")},
            to_login=False,
        ),
        Route(
            "invitation-revoke",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE | {"invitation_id": pk("invitation")},
            method="POST",
        ),
        Route(
            "invitation-revoke",
            page(404),
            kwargs=VILLAGE | {"invitation_id": pk("hamlet_invitation")},
            method="POST",
            variant="another community's invitation",
        ),
        Route("invite", everyone(200), kwargs={"code": invitation_code}, to_login=False),
        Route(
            "invite",
            everyone(404),
            kwargs={"code": "2222-3333-4444"},
            variant="unknown code",
            to_login=False,
        ),
        # Accepting: charlie (of another community) joins; members already are (told so).
        Route(
            "invite",
            everyone(200, anonymous=422, outsider=302),
            kwargs={"code": invitation_code},
            method="POST",
            data=EMPTY,
            to_login=False,
        ),
        # Sheets of slips for households; password codes for members who forgot theirs.
        Route("invitation-slips", page(allowed=("coordinator",)), kwargs=VILLAGE),
        Route(
            "invitation-slips",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"households": pk("petrovs")},
        ),
        Route(
            "invitation-slips",
            page(422, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"households": pk("kuznetsovs")},
            variant="another community's household",
            check=form_errors,
        ),
        Route(
            "invitation-slips",
            page(422, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route("password-codes", page(allowed=("coordinator",)), kwargs=VILLAGE),
        Route(
            "member-password-code",
            everyone(405),
            kwargs=VILLAGE | {"membership_id": pk("bob")},
            to_login=False,
        ),
        Route(
            "member-password-code",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE | {"membership_id": pk("bob")},
            method="POST",
        ),
        # olga is on the committee and alice is not: not alice's account to hand over.
        Route(
            "member-password-code",
            page(403),
            kwargs=VILLAGE | {"membership_id": pk("olga")},
            method="POST",
            variant="olga's (committee)",
        ),
        Route(
            "member-password-code",
            page(404),
            kwargs=VILLAGE | {"membership_id": pk("charlie")},
            method="POST",
            variant="another community's member",
        ),
        # A password code opens a form to anyone who holds it, logged in or not.
        Route(
            "invite",
            everyone(200),
            kwargs={"code": bobs_password_code},
            variant="a password code",
            to_login=False,
        ),
        Route(
            "invite",
            everyone(302),
            kwargs={"code": bobs_password_code},
            method="POST",
            data={"password": PASSWORD_NEW, "password_again": PASSWORD_NEW},
            variant="a password code, new password",
            to_login=False,
        ),
        Route(
            "invite",
            everyone(422),
            kwargs={"code": bobs_password_code},
            method="POST",
            data=EMPTY,
            variant="a password code, empty",
            to_login=False,
        ),
        Route("invite-code", everyone(200), to_login=False),
        Route(
            "invite-code",
            everyone(302),
            data={"code": invitation_code},
            variant="a code typed in",
            to_login=False,
        ),
        # Roles: POST only. Nobody changes their own; only the committee grants committee.
        Route(
            "member-roles",
            everyone(405),
            kwargs=VILLAGE | {"membership_id": pk("bob")},
            to_login=False,
        ),
        Route(
            "member-roles",
            page(302, member=403),
            kwargs=VILLAGE | {"membership_id": pk("bob")},
            method="POST",
            data={"role": "coordinator", "grant": "1"},
            variant="make bob coordinator",
        ),
        Route(
            "member-roles",
            page(302, allowed=("committee",)),
            kwargs=VILLAGE | {"membership_id": pk("bob")},
            method="POST",
            data={"role": "committee", "grant": "1"},
            variant="elect bob to the committee",
        ),
        # bob: not his to change; alice: her own; vera (committee) may.
        Route(
            "member-roles",
            page(302, member=403, coordinator=403),
            kwargs=VILLAGE | {"membership_id": pk("alice")},
            method="POST",
            data={"role": "coordinator", "grant": "0"},
            variant="withdraw alice's coordinator role",
        ),
        Route(
            "member-roles",
            page(404),
            kwargs=VILLAGE | {"membership_id": pk("charlie")},
            method="POST",
            data={"role": "coordinator", "grant": "0"},
            variant="another community's member",
        ),
        # An unknown role is explained with a message on the members page, for everyone.
        Route(
            "member-roles",
            page(302),
            kwargs=VILLAGE | {"membership_id": pk("bob")},
            method="POST",
            data=EMPTY,
            variant="empty",
        ),
        Route("household-add", page(allowed=("coordinator",)), kwargs=VILLAGE),
        Route(
            "household-add",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"name": "Belovs", "size": "3", "has_children": "on"},
        ),
        Route(
            "household-add",
            page(422, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
        Route("households-import", page(allowed=("coordinator",)), kwargs=VILLAGE),
        # The upload shows a preview (200) and creates nothing yet.
        Route(
            "households-import",
            page(200, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=csv_upload("name,size\nBelovs,3\n"),
        ),
        Route(
            "households-import",
            page(422, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=EMPTY,
            variant="empty",
        ),
        Route("households-import-confirm", everyone(405), kwargs=VILLAGE, to_login=False),
        Route(
            "households-import-confirm",
            page(302, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=import_payload("self"),
        ),
        # A preview is bound to who made it and where: anyone else's is a bad request.
        Route(
            "households-import-confirm",
            page(400, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=import_payload("olga"),
            variant="another coordinator's preview",
        ),
        Route(
            "households-import-confirm",
            page(400, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=import_payload("charlie"),
            variant="another community's preview",
        ),
        Route(
            "households-import-confirm",
            page(400, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data=EMPTY,
            variant="empty",
        ),
        # Households: their own members or a coordinator edit one; a member in none starts
        # their own (vera); coordinators merge and archive.
        *household_web_routes(),
        # Members: a coordinator places anyone; each leaves by their own act; the committee
        # removes others, saying why.
        *member_web_routes(),
        Route("bylaws", page(), kwargs=VILLAGE),
        Route("bylaws-version", page(), kwargs=VILLAGE | {"version": 1}),
        Route("bylaws-version", page(404), kwargs=VILLAGE | {"version": 99}, variant="no such one"),
        Route("bylaws-change", page(allowed=("committee",)), kwargs=VILLAGE),
        Route(
            "bylaws-change",
            page(302, allowed=("committee",)),
            kwargs=VILLAGE,
            method="POST",
            data=bylaws_data,
        ),
        Route(
            "bylaws-change",
            page(422, allowed=("committee",)),
            kwargs=VILLAGE,
            method="POST",
            data=EMPTY,
            variant="empty",
            check=form_errors,
        ),
    ]


def api_routes() -> list[Route]:
    household = lambda name: VILLAGE | {"household_id": pk(name)}  # noqa: E731
    return [
        Route(
            "api-v1:list_communities",
            everyone(200, anonymous=401),
            check=only_own_communities,
        ),
        Route("api-v1:get_community", api(), kwargs=VILLAGE),
        Route(
            "api-v1:get_community",
            api(404, outsider=200),
            kwargs={"slug": "hamlet"},
            variant="another community",
        ),
        Route("api-v1:get_community", api(404), kwargs={"slug": "nowhere"}, variant="none such"),
        Route("api-v1:list_households", api(), kwargs=VILLAGE, check=household_list_flags),
        Route(
            "api-v1:get_household",
            api(),
            kwargs=household("petrovs"),
            variant="Petrovs (bob's own)",
            check=flags(visible_to=MEMBERS),
        ),
        Route(
            "api-v1:get_household",
            api(),
            kwargs=household("ivanovs"),
            variant="Ivanovs (alice's own)",
            check=flags(visible_to=SEES_PRIVATE),
        ),
        Route(
            "api-v1:get_household",
            api(),
            kwargs=household("sidorovs"),
            variant="Sidorovs (nobody's)",
            check=flags(visible_to=SEES_PRIVATE),
        ),
        Route(
            "api-v1:get_household",
            api(404),
            kwargs=household("kuznetsovs"),
            variant="another community's household",
        ),
        Route("api-v1:list_resources", api(), kwargs=VILLAGE),
        Route(
            "api-v1:create_resource",
            api(201, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"name": "salt", "unit": "kg", "kind": "consumable"},
        ),
        Route(
            "api-v1:create_resource",
            api(422, outsider=422),  # the body's own type, checked before the caller
            kwargs=VILLAGE,
            method="POST",
            data={},
            variant="empty",
        ),
        Route(
            "api-v1:edit_resource",
            api(allowed=("coordinator",)),
            kwargs=VILLAGE | {"resource_id": pk("potatoes")},
            method="PATCH",
            data={"name": "spuds"},
        ),
        Route(
            "api-v1:edit_resource",
            api(409, allowed=("coordinator",)),
            kwargs=VILLAGE | {"resource_id": pk("grain")},
            method="PATCH",
            data={"decimal_places": 0},
            variant="recorded in already",
            check=field_named("decimal_places"),
        ),
        Route(
            "api-v1:edit_resource",
            api(404),
            kwargs=VILLAGE | {"resource_id": pk("hamlet_grain")},
            method="PATCH",
            data={"name": "rye"},
            variant="another community's resource",
        ),
        *household_api_routes(),
        *member_api_routes(),
        # Invitations: coordinators make, list and withdraw them; the token's owner accepts.
        Route(
            "api-v1:create_invitation",
            api(201, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"household": pk("sidorovs"), "coordinator": True},
        ),
        Route(
            "api-v1:create_invitation",
            api(403),
            kwargs=VILLAGE,
            method="POST",
            data={"committee": True},
            variant="granting committee (alice is not on it)",
        ),
        Route(
            "api-v1:create_invitation",
            api(422, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"household": pk("kuznetsovs")},
            variant="into another community's household",
            check=field_named("household"),
        ),
        Route(
            "api-v1:list_invitations",
            api(allowed=("coordinator",)),
            kwargs=VILLAGE,
            check=no_code_listed,
        ),
        Route(
            "api-v1:revoke_invitation",
            api(allowed=("coordinator",)),
            kwargs=VILLAGE | {"invitation_id": pk("invitation")},
            method="POST",
            data={},
        ),
        Route(
            "api-v1:revoke_invitation",
            api(404),
            kwargs=VILLAGE | {"invitation_id": pk("hamlet_invitation")},
            method="POST",
            data={},
            variant="another community's invitation",
        ),
        # charlie (of another community) joins; the village's members already belong.
        Route(
            "api-v1:accept_invitation",
            everyone(409, anonymous=401, outsider=200),
            kwargs={"code": invitation_code},
            method="POST",
            data={},
        ),
        Route(
            "api-v1:accept_invitation",
            everyone(404, anonymous=401),
            kwargs={"code": "2222-3333-4444"},
            method="POST",
            data={},
            variant="unknown code",
        ),
        Route(
            "api-v1:accept_invitation",
            everyone(404, anonymous=401),
            kwargs={"code": bobs_password_code},
            method="POST",
            data={},
            variant="a password code",
        ),
    ]


def household_api_routes() -> list[Route]:
    household = lambda name: VILLAGE | {"household_id": pk(name)}  # noqa: E731
    return [
        Route(
            "api-v1:create_household",
            api(201, allowed=("coordinator",)),
            kwargs=VILLAGE,
            method="POST",
            data={"name": "Belovs", "size": 3, "has_elderly": True},
        ),
        Route(
            "api-v1:edit_household",
            api(allowed=OWN_OR_COORDINATOR),
            kwargs=household("petrovs"),
            method="PATCH",
            data={"size": 5},
            variant="Petrovs (bob's own)",
            check=flags(visible_to=("member", "coordinator")),
        ),
        Route(
            "api-v1:edit_household",
            api(allowed=("coordinator",)),
            kwargs=household("sidorovs"),
            method="PATCH",
            data={"has_children": True},
            variant="Sidorovs",
        ),
        Route(
            "api-v1:edit_household",
            api(404),
            kwargs=household("kuznetsovs"),
            method="PATCH",
            data={"size": 2},
            variant="another community's household",
        ),
        Route(
            "api-v1:merge_household",
            api(allowed=("coordinator",)),
            kwargs=household("sidorovs"),
            method="POST",
            data={"into": pk("orlovs")},
        ),
        Route(
            "api-v1:merge_household",
            api(422, allowed=("coordinator",)),
            kwargs=household("sidorovs"),
            method="POST",
            data={"into": pk("kuznetsovs")},
            variant="into another community's household",
            check=field_named("into"),
        ),
        Route(
            "api-v1:archive_household",
            api(allowed=("coordinator",)),
            kwargs=household("sidorovs"),
            method="POST",
            data={},
        ),
        # bob lives with the Petrovs: a household with members is not archived.
        Route(
            "api-v1:archive_household",
            api(409, allowed=("coordinator",)),
            kwargs=household("petrovs"),
            method="POST",
            data={},
            variant="Petrovs (bob lives there)",
        ),
        Route(
            "api-v1:archive_household",
            api(404),
            kwargs=household("kuznetsovs"),
            method="POST",
            data={},
            variant="another community's household",
        ),
    ]


def member_api_routes() -> list[Route]:
    member = lambda name: VILLAGE | {"membership_id": pk(name)}  # noqa: E731
    return [
        Route("api-v1:list_memberships", api(), kwargs=VILLAGE),
        Route("api-v1:leave_community", api(), kwargs=VILLAGE, method="POST", data={}),
        Route(
            "api-v1:remove_member",
            api(allowed=("committee",)),
            kwargs=member("bob"),
            method="POST",
            data={"reason": "took from the Granary at night"},
        ),
        Route(
            "api-v1:remove_member",
            api(403),
            kwargs=member("vera"),
            method="POST",
            data={"reason": "tired of it"},
            variant="vera (herself)",
        ),
        Route(
            "api-v1:remove_member",
            api(404),
            kwargs=member("charlie"),
            method="POST",
            data={"reason": "x"},
            variant="another community's member",
        ),
    ]


ROUTES = web_routes() + api_routes()


test_permission_matrix = permission_matrix(ROUTES)
