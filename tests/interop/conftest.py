"""Fixtures for the HL7 tests.

They need no database: nothing here is marked django_db, and the project-wide autouse
fixtures in tests/conftest.py only touch settings, the local-memory cache and Celery's
config, none of which opens a connection.
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from interop.hl7 import MllpServer
from tests.interop.mllp import running_listener


@pytest.fixture
def listener() -> Iterator[Callable[..., MllpServer]]:
    """Start listeners (handler, options) on ephemeral ports; all stop after the test."""
    with ExitStack() as stack:

        def start(*args: Any, **options: Any) -> MllpServer:
            return stack.enter_context(running_listener(*args, **options))

        yield start
