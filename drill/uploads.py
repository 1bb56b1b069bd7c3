"""A phone's upload loop: unique photos with Idempotency-Keys, retried as a client would."""

import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import requests

from drill.stack import Api, photo, sha256

RETRIES = 4


@dataclass(frozen=True)
class Receipt:
    image: str
    sha256: str
    returned_at: float


@dataclass
class Uploader:
    """Uploads in a thread until stopped (or a bounded count); keeps every receipt."""

    api: Api
    token: str
    patients: list[str]
    limit: int = 400
    receipts: list[Receipt] = field(default_factory=list)
    seen: Counter[str] = field(default_factory=Counter)
    gave_up: int = 0
    last_refusal: str = ""
    # The bytes of every upload given up on: none of them may have been stored.
    abandoned: list[str] = field(default_factory=list)
    # 5xx answers that were not a retryable 503 with Retry-After.
    not_retryable: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._rng = random.Random(24)

    def start(self) -> "Uploader":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=120)

    def wait_for(self, count: int, limit: float = 120) -> None:
        deadline = time.monotonic() + limit
        while len(self.receipts) < count:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(
                    f"only {len(self.receipts)} uploads were receipted; "
                    f"the client saw {self.saw()}, last {self.last_refusal}"
                )
            time.sleep(0.05)

    def receipted_before(self, moment: float) -> list[Receipt]:
        return [r for r in list(self.receipts) if r.returned_at < moment]

    def _run(self) -> None:
        for index in range(self.limit):
            if self._stop.is_set():
                return
            self._upload(self._rng.choice(self.patients), photo(self._rng), index)

    def _upload(self, patient: str, data: bytes, index: int) -> None:
        key = str(uuid.uuid4())
        for attempt in range(RETRIES):
            try:
                answer = self.api.upload(self.token, patient, data, key)
            except requests.RequestException as error:
                self.seen[type(error).__name__] += 1
            else:
                self.seen[str(answer.status_code)] += 1
                if answer.status_code in (200, 201):
                    body = answer.json()
                    assert body["sha256"] == sha256(data), "receipt names other bytes"
                    self.receipts.append(
                        Receipt(body["id"], body["sha256"], time.time())
                    )
                    return
                self.last_refusal = f"{answer.status_code} {answer.text[:300]}"
                if answer.status_code >= 500 and not (
                    answer.status_code == 503 and answer.headers.get("Retry-After")
                ):
                    self.not_retryable[str(answer.status_code)] += 1
                if answer.status_code < 500 and answer.status_code != 429:
                    self._give_up(data)
                    return
            time.sleep(0.2 * (attempt + 1))
        self._give_up(data)

    def _give_up(self, data: bytes) -> None:
        self.gave_up += 1
        self.abandoned.append(sha256(data))

    def saw(self) -> str:
        """What the client saw, as status: count."""
        return ", ".join(f"{n} x {status}" for status, n in sorted(self.seen.items()))
