from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.models.records import Record
from lms.text import fold


class AuditEvent(Record):
    """One read, export or change of personal data: who, what, when, from where.

    Append-only, like :class:`~lms.models.RoleChange`. ``commune`` is where the data
    lives, so the commune's officials read the events about their residents.
    ``subject_ids`` lists the rows shown or changed (a page of a list, one detail).
    """

    # Written often, never referenced by content: no reference-index work.
    wagtail_reference_index_ignore = True

    class Action(models.TextChoices):
        LIST = "list", _("Read a list")
        VIEW = "view", _("Read a detail")
        EXPORT = "export", _("Exported")
        CREATE = "create", _("Created")
        CHANGE = "change", _("Changed")
        ERASE = "erase", _("Erased")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("by"), max_length=300)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    subject = models.CharField(_("what"), max_length=60)
    subject_ids = models.JSONField(_("records"), default=list)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    commune = models.ForeignKey(
        "lms.Commune",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    # The commune's province, kept on the row: a province's officials read its
    # log through one index, without joining the communes.
    province = models.ForeignKey(
        "lms.Province",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("province"),
    )
    ip_address = models.GenericIPAddressField(_("from"), null=True)
    search_key = models.CharField(max_length=700, editable=False, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        # Read by place, and by staff member (the log's filters). Reading by person
        # uses a GIN index on subject_ids on PostgreSQL (migration 0008).
        indexes = [
            models.Index(fields=["commune", "-at"], name="audit_commune_at"),
            models.Index(fields=["province", "-at"], name="audit_province_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.subject} ({self.actor_name})"

    def save(self, *args, **kwargs):
        self.search_key = fold(f"{self.actor_name} {self.subject} {self.detail}")[:700]
        super().save(*args, **kwargs)
