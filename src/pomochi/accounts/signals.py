"""A user's API tokens stop working when their password changes or their account is
deactivated, however that happens (the pages, a reset link, the admin, a command)."""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from pomochi.accounts.models import User
from pomochi.accounts.tokens import tokens_revoke_all


@receiver(pre_save, sender=User)
def _note_what_changes(sender, instance: User, update_fields=None, **kwargs):
    instance._revoke_tokens = False
    if instance.pk is None or (
        update_fields is not None and not {"password", "is_active"} & set(update_fields)
    ):
        return  # a new user, or a save of other fields (last_login at each log-in)
    before = User.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    # set_password leaves the new password in _password until the save; Django's upgrade of an
    # old hash at log-in clears it first: the same password, so the tokens stay.
    new_password = before["password"] != instance.password and (
        getattr(instance, "_password", None) is not None or not instance.has_usable_password()
    )
    instance._revoke_tokens = new_password or (before["is_active"] and not instance.is_active)


@receiver(post_save, sender=User)
def _revoke_tokens(sender, instance: User, **kwargs):
    if getattr(instance, "_revoke_tokens", False):
        instance._revoke_tokens = False
        tokens_revoke_all(user=instance)
