from django.urls import path

from pomochi.communities import household_views, invitation_views, views

urlpatterns = [
    path("members/", views.members, name="members"),
    path("members/invite/", invitation_views.invitations, name="invitations"),
    path("members/invite/slips/", invitation_views.invitation_slips, name="invitation-slips"),
    path(
        "members/invite/<int:invitation_id>/revoke/",
        invitation_views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("members/passwords/", invitation_views.password_codes, name="password-codes"),
    path(
        "members/<int:membership_id>/password-code/",
        invitation_views.member_password_code,
        name="member-password-code",
    ),
    path("members/<int:membership_id>/roles/", views.member_roles, name="member-roles"),
    path(
        "members/<int:membership_id>/household/",
        views.member_household,
        name="member-household",
    ),
    path("members/<int:membership_id>/remove/", views.member_remove, name="member-remove"),
    path("members/leave/", views.member_leave, name="member-leave"),
    path("households/add/", views.household_create, name="household-add"),
    path("households/own/", household_views.household_own, name="household-own"),
    path(
        "households/<int:household_id>/edit/",
        household_views.household_edit,
        name="household-edit",
    ),
    path(
        "households/<int:household_id>/merge/",
        household_views.household_merge,
        name="household-merge",
    ),
    path(
        "households/<int:household_id>/archive/",
        household_views.household_archive,
        name="household-archive",
    ),
    path("households/import/", views.households_import, name="households-import"),
    path(
        "households/import/confirm/",
        views.households_import_confirm,
        name="households-import-confirm",
    ),
    path("bylaws/", views.bylaws, name="bylaws"),
    path("bylaws/v<int:version>/", views.bylaws, name="bylaws-version"),
    path("bylaws/change/", views.bylaws_change, name="bylaws-change"),
]
