from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo content (data files in ``content/``) and ``manage.py load_demo_data``.

    It may import every app, and no app imports it.
    """

    name = "demo"
    verbose_name = _("Demo content")
