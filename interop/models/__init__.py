"""interop's models: the ADT feed's sources and journal, PACS destinations and sends."""

from interop.models.feed import *  # noqa: F403
from interop.models.pacs import *  # noqa: F403
