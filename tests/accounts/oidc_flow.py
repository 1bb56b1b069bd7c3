"""Walking a Django test client through the real provider and back, as a browser would.

The client talks to Custodian; a requests session plays the same browser's side at the
provider (its own cookie jar, real HTTP). Each step follows the redirect the other side
answered with, so nothing is taken from the implementation but the URLs it hands out.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from django.test import Client

from tests.oidc_provider import Provider


@dataclass
class Browser:
    """One person's browser: Custodian's test client and a cookie jar for the provider."""

    client: Client
    provider: Provider
    at_provider: requests.Session = field(default_factory=requests.Session)

    def start(self, next_path: str = "") -> str:
        """Press "Sign in with …": the provider's authorization URL Custodian sends to."""
        query = {"next": next_path} if next_path else {}
        answer = self.client.get("/oidc/authenticate/", query)
        assert answer.status_code == 302, answer.status_code
        location: str = answer["Location"]
        assert location.startswith(f"{self.provider.issuer}/authorize?")
        return location

    def start_from(self, answer: Any) -> str:
        """Custodian sent the browser to start a sign-in: where it goes at the provider."""
        assert answer.status_code == 302, answer.status_code
        assert urlsplit(answer["Location"]).path == "/oidc/authenticate/"
        step = self.client.get(answer["Location"])
        assert step.status_code == 302, step.status_code
        location: str = step["Location"]
        assert location.startswith(f"{self.provider.issuer}/authorize?")
        return location

    def sign_in_at_provider(self, authorize_url: str, username: str) -> str:
        """Type the username into the provider's form: the callback URL it answers."""
        form = self.at_provider.get(authorize_url, timeout=10)
        assert form.status_code == 200
        params = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
        answer = self.at_provider.post(
            f"{self.provider.issuer}/authorize",
            data={**params, "username": username},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302, answer.text
        location: str = answer.headers["Location"]
        return location

    def follow_at_provider(self, url: str) -> str:
        """A provider URL the browser is sent to without typing anything."""
        answer = self.at_provider.get(url, allow_redirects=False, timeout=10)
        assert answer.status_code == 302, answer.text
        location: str = answer.headers["Location"]
        return location

    def come_back(self, callback_url: str) -> Any:
        """The provider's redirect back to Custodian's callback."""
        assert urlsplit(callback_url).path == "/oidc/callback/"
        return self.client.get(callback_url)

    def sign_in(self, username: str, next_path: str = "") -> Any:
        return self.come_back(self.sign_in_at_provider(self.start(next_path), username))
