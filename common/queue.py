"""Enqueue a Celery task by name once the current transaction commits.

Services enqueue the follow-up work of their own app (render this hard copy, recompute
those dates), and that app's tasks call back into the same services. Importing the tasks
module from the services would close an import cycle, so services name the task instead;
every app's AppConfig.ready() imports its own tasks module, so the name is registered in
web processes as in workers. Eager (embedded) mode runs the task inline, as .delay() does.
"""

import logging

from celery import current_app
from django.db import transaction

from common.unavailable import is_unavailable

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args: object, swept: bool = False) -> None:
    """Send the task after commit (a worker must see the rows this transaction wrote).

    swept: a periodic sweep re-queues this work if it is lost, so a dependency failing
    as it is sent (the broker), or as it runs inline (the object store), is logged and
    left to the sweep: the transaction has committed, and its caller must not be told
    that nothing was changed. Any other error is raised as before.
    """
    task = current_app.tasks[task_name]

    def send() -> None:
        try:
            task.delay(*args)
        except Exception as exc:
            if not swept or not is_unavailable(exc):
                raise
            logger.warning(
                "%s%r not done now (%s); the periodic sweep will re-queue it",
                task_name,
                args,
                exc,
            )

    transaction.on_commit(send)
