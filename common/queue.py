"""Enqueue a Celery task by name once the current transaction commits.

Services enqueue the follow-up work of their own app (render this hard copy, recompute
those dates), and that app's tasks call back into the same services. Importing the tasks
module from the services would close an import cycle, so services name the task instead;
every app's AppConfig.ready() imports its own tasks module, so the name is registered in
web processes as in workers. Eager (embedded) mode runs the task inline, as .delay() does.
"""

from celery import current_app
from django.db import transaction


def enqueue(task_name: str, *args: object) -> None:
    """Send the task after commit (a worker must see the rows this transaction wrote)."""
    task = current_app.tasks[task_name]
    transaction.on_commit(lambda: task.delay(*args))
