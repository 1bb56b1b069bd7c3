"""Custodian's settings, read from the environment (docs/architecture.md, DESIGN.md §6).

No variable set gives the embedded single-machine mode: SQLite and media under
CUSTODIAN_DATA_DIR (default var/), Celery tasks run inline, secrets made once into the
data directory by the entry points (config.localsecrets). DATABASE_URL, CELERY_BROKER_URL
and STORAGE_BACKEND switch to PostgreSQL, real workers and object storage with the same
code. Each module below sets one concern, once; none writes a file.
"""

from config.settings.api import *  # noqa: F403
from config.settings.django import *  # noqa: F403
from config.settings.environment import *  # noqa: F403
from config.settings.identity import *  # noqa: F403
from config.settings.logs import *  # noqa: F403
from config.settings.policies import *  # noqa: F403
from config.settings.security import *  # noqa: F403
from config.settings.services import *  # noqa: F403
