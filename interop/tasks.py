"""interop's Celery tasks (Celery discovers <app>.tasks; each part keeps its own)."""

from interop.feed.tasks import *  # noqa: F403
from interop.pacs.tasks import *  # noqa: F403
