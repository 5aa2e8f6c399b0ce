from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Learning records and accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core.signals import request_finished, request_started
        from django.urls import register_converter

        from lms import (
            content_version,
            pagecache,
            receivers,  # noqa: F401  (connects the signal receivers)
        )
        from lms.converters import IdConverter

        # Registered before any URLconf is read: the admin's URLs, gathered from
        # every app's hooks, use it too.
        register_converter(IdConverter, "id")
        pagecache.signals_connect()
        request_started.connect(content_version.request_scope_open)
        request_finished.connect(content_version.request_scope_close)
