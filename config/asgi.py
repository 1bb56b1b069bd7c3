"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from config.localsecrets import prepare

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Before the settings load: they read the data directory's secrets, never write them.
prepare()
application = get_asgi_application()
