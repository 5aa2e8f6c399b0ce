"""Signal receivers of the accounts and roles."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from lms import services
from lms.models import User


@receiver(pre_delete, sender=User)
def record_roles_of_deleted_account(sender, instance: User, **kwargs) -> None:
    """Deleting an account takes its roles with it: the record says so."""
    services.roles_withdraw_for_deleted_account(user=instance)
