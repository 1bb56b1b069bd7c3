"""What later apps add to records' pages: the home page's duties and ward rows.

records never imports the apps after it; they register here in AppConfig.ready()
(docs/architecture.md, "How the arrows stay one-way").
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.roles import Role
from common.hooks import Hook
from records.models import Encounter, Patient


@dataclass(frozen=True)
class Duty:
    """Work of one kind that may wait on a user: how much, in words, and where."""

    count: int
    one: str
    many: str
    url: str

    @property
    def label(self) -> str:
        return self.one if self.count == 1 else self.many


# Each returns the duties the user's roles give them in that app, counted now.
waiting_duties: Hook[Callable[[User, list[Role]], list[Duty]]] = Hook("waiting_duties")
# Adds what an app shows about each current patient of the user's wards (image counts).
ward_row_annotations: Hook[Callable[[QuerySet[Encounter]], QuerySet[Encounter]]] = Hook(
    "ward_row_annotations"
)
# Told which ward rows a user was shown (to audit the thumbnails among them).
ward_rows_shown: Hook[Callable[[HttpRequest, list[Encounter]], None]] = Hook(
    "ward_rows_shown"
)
# A patient's facts changed (death, an occasion of service): called in the transaction.
patient_facts_changed: Hook[Callable[[Patient], None]] = Hook("patient_facts_changed")
