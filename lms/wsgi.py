"""The web entry point: production settings unless told otherwise.

Development runs through ``manage.py`` (development settings); a web server that
imports this module serves the public, so it must never fall back to them.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.production")
application = get_wsgi_application()
