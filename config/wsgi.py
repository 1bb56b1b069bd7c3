"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from config.localsecrets import prepare

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Before the settings load: they read the data directory's secrets, never write them.
prepare()
application = get_wsgi_application()
