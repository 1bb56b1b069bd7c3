"""A real OpenID provider for tests: its own process, over HTTP, signing with RSA keys.

Run as `python tests/oidc_provider.py CLIENT_ID CLIENT_SECRET`: it listens on a free port
of 127.0.0.1 and prints it. It speaks what a hospital's provider speaks to Custodian:
discovery, JWKS, the authorization endpoint (a sign-in form, or a silent answer to
prompt=none), the token endpoint (authorization code with PKCE S256, refresh token),
userinfo and end_session. Tests steer it through /control/: accounts and their claims,
disabling an account, rotating the signing key, and forging the next ID token (another
audience, an expired token, another signing key, another nonce or issuer).

The `Provider` class below is the tests' side: it starts the process and talks to it.
"""

import base64
import hashlib
import json
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

SESSION_COOKIE = "op_session"


class State:
    """Everything the provider knows, behind one lock."""

    def __init__(self, client_id: str, client_secret: str) -> None:
        from joserfc.jwk import RSAKey

        self.lock = threading.Lock()
        self.client_id = client_id
        self.client_secret = client_secret
        self.keys = [RSAKey.generate_key(2048, parameters={"kid": "key-1"})]
        # Never published: a token signed with it must be refused.
        self.stranger = RSAKey.generate_key(2048, parameters={"kid": "key-1"})
        self.reset()

    def reset(self) -> None:
        self.users: dict[str, dict[str, Any]] = {}
        self.enabled: dict[str, bool] = {}
        # When each account last typed its credentials (the auth_time claim).
        self.auth_times: dict[str, int] = {}
        self.sessions: dict[str, str] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        self.access: dict[str, str] = {}
        self.refresh: dict[str, str] = {}
        self.forge: dict[str, Any] = {}
        self.issue_refresh_tokens = True
        # Seconds added to the provider's clock, to keep step with a test's time travel.
        self.clock_offset = 0
        self.log: dict[str, list[Any]] = {"end_session": [], "authorize": []}

    def id_token(self, issuer: str, username: str, nonce: str) -> str:
        from joserfc import jwt

        now = int(time.time()) + self.clock_offset
        claims = {
            "iss": issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": self.auth_times.get(username, now),
            **({"nonce": nonce} if nonce else {}),
            **self.users[username],
        }
        forge, self.forge = self.forge, {}
        key = self.stranger if forge.pop("sign_with_stranger", False) else self.keys[-1]
        if "exp_offset" in forge:
            claims["exp"] = now + int(forge.pop("exp_offset"))
        claims.update(forge)
        header = {"alg": "RS256", "kid": key.kid}
        return jwt.encode(header, claims, key)


class Handler(BaseHTTPRequestHandler):
    """One request to the provider; `state` is set by serve()."""

    state: State

    def log_message(self, format: str, *args: Any) -> None:
        return

    @property
    def issuer(self) -> str:
        return f"http://{self.headers['Host']}"

    def _send(
        self,
        status: int,
        body: Any = b"",
        *,
        kind: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> None:
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, url: str, cookie: str = "") -> None:
        headers = {"Location": url}
        if cookie:
            headers["Set-Cookie"] = f"{SESSION_COOKIE}={cookie}; Path=/; HttpOnly"
        self._send(302, b"", kind="text/plain", headers=headers)

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            found: dict[str, str] = json.loads(raw or "{}")
            return found
        return {k: v[0] for k, v in parse_qs(raw).items()}

    def _cookie_user(self) -> str | None:
        for part in self.headers.get("Cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == SESSION_COOKIE:
                return self.state.sessions.get(value)
        return None

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with self.state.lock:
            if url.path == "/.well-known/openid-configuration":
                self._send(200, self._discovery())
            elif url.path == "/jwks":
                keys = [k.as_dict(private=False) for k in self.state.keys]
                self._send(200, {"keys": [{**k, "alg": "RS256"} for k in keys]})
            elif url.path == "/authorize":
                self._authorize(query, self._cookie_user())
            elif url.path == "/userinfo":
                self._userinfo()
            elif url.path == "/end_session":
                self.state.log["end_session"].append(query)
                target = query.get("post_logout_redirect_uri", "")
                if target:
                    self._redirect(target, cookie="ended")
                else:
                    self._send(200, b"Signed out", kind="text/plain")
            elif url.path == "/control/log":
                self._send(200, self.state.log)
            else:
                self._send(404, {"error": "not_found"})

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        form = self._form()
        with self.state.lock:
            if url.path == "/authorize":
                username = form.get("username", "")
                if username not in self.state.users or not self.state.enabled[username]:
                    self._send(200, b"Unknown or disabled account", kind="text/html")
                    return
                cookie = secrets.token_urlsafe(16)
                self.state.sessions[cookie] = username
                self.state.auth_times[username] = (
                    int(time.time()) + self.state.clock_offset
                )
                self._authorize(form, username, cookie=cookie)
            elif url.path == "/token":
                self._token(form)
            elif url.path.startswith("/control/"):
                self._control(url.path.removeprefix("/control/"), form)
            else:
                self._send(404, {"error": "not_found"})

    def _discovery(self) -> dict[str, Any]:
        base = self.issuer
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "end_session_endpoint": f"{base}/end_session",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def _authorize(
        self, query: dict[str, str], username: str | None, cookie: str = ""
    ) -> None:
        self.state.log["authorize"].append(query)
        redirect_uri = query.get("redirect_uri", "")
        if (
            query.get("client_id") != self.state.client_id
            or query.get("response_type") != "code"
            or not redirect_uri
        ):
            self._send(400, {"error": "invalid_request"})
            return
        if query.get("code_challenge_method") != "S256" or not query.get(
            "code_challenge"
        ):
            self._send(400, {"error": "invalid_request", "detail": "PKCE S256"})
            return
        back = {"state": query.get("state", "")}
        if query.get("prompt") == "login" and not cookie:
            # Asked to check the credentials again, whatever the session says.
            self._send(200, self._login_form(query), kind="text/html")
            return
        if username is None or not self.state.enabled.get(username, False):
            if query.get("prompt") == "none":
                back["error"] = "login_required"
                self._redirect(f"{redirect_uri}?{urlencode(back)}")
                return
            self._send(200, self._login_form(query), kind="text/html")
            return
        code = secrets.token_urlsafe(24)
        self.state.codes[code] = {
            "username": username,
            "redirect_uri": redirect_uri,
            "nonce": query.get("nonce", ""),
            "challenge": query["code_challenge"],
        }
        back["code"] = code
        self._redirect(f"{redirect_uri}?{urlencode(back)}", cookie=cookie)

    def _login_form(self, query: dict[str, str]) -> bytes:
        hidden = "".join(
            f'<input type="hidden" name="{k}" value="{v}">' for k, v in query.items()
        )
        return (
            "<!doctype html><title>Hospital sign-in</title><h1>Hospital sign-in</h1>"
            f'<form method="post" action="/authorize">{hidden}'
            '<label for="username">Username</label>'
            '<input id="username" name="username">'
            '<button type="submit">Sign in</button></form>'
        ).encode()

    def _token(self, form: dict[str, str]) -> None:
        if (
            form.get("client_id") != self.state.client_id
            or form.get("client_secret") != self.state.client_secret
        ):
            self._send(401, {"error": "invalid_client"})
            return
        if form.get("grant_type") == "refresh_token":
            username = self.state.refresh.pop(form.get("refresh_token", ""), None)
            if username is None or not self.state.enabled.get(username, False):
                self._send(400, {"error": "invalid_grant"})
                return
            self._send(200, self._tokens(username, ""))
            return
        grant = self.state.codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if (
            grant is None
            or grant["redirect_uri"] != form.get("redirect_uri")
            or grant["challenge"] != challenge
        ):
            self._send(400, {"error": "invalid_grant"})
            return
        self._send(200, self._tokens(grant["username"], grant["nonce"]))

    def _tokens(self, username: str, nonce: str) -> dict[str, Any]:
        access = secrets.token_urlsafe(24)
        self.state.access[access] = username
        tokens = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.state.id_token(self.issuer, username, nonce),
        }
        if self.state.issue_refresh_tokens:
            refresh = secrets.token_urlsafe(24)
            self.state.refresh[refresh] = username
            tokens["refresh_token"] = refresh
        return tokens

    def _userinfo(self) -> None:
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        username = self.state.access.get(token)
        if username is None or not self.state.enabled.get(username, False):
            self._send(401, {"error": "invalid_token"})
            return
        claims = self.state.users[username]
        self._send(200, {k: v for k, v in claims.items() if k != "amr"})

    def _control(self, action: str, form: dict[str, Any]) -> None:
        if action == "reset":
            self.state.reset()
        elif action == "user":
            username = form["username"]
            self.state.users[username] = {
                "preferred_username": username,
                **form["claims"],
            }
            self.state.enabled[username] = bool(form.get("enabled", True))
        elif action == "disable":
            self.state.enabled[form["username"]] = False
        elif action == "rotate":
            from joserfc.jwk import RSAKey

            kid = f"key-{len(self.state.keys) + 1}"
            self.state.keys = [RSAKey.generate_key(2048, parameters={"kid": kid})]
        elif action == "forge":
            self.state.forge = dict(form)
        elif action == "clock":
            self.state.clock_offset = int(form["offset"])
        elif action == "refresh_tokens":
            self.state.issue_refresh_tokens = bool(form["on"])
        else:
            self._send(404, {"error": "unknown control"})
            return
        self._send(200, {"ok": True})


def serve(client_id: str, client_secret: str) -> None:
    Handler.state = State(client_id, client_secret)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sys.stdout.write(f"{server.server_address[1]}\n")
    sys.stdout.flush()
    server.serve_forever()


@dataclass
class Provider:
    """The tests' side of a running provider process."""

    issuer: str
    client_id: str
    client_secret: str

    def control(self, action: str, **body: Any) -> None:
        import requests

        answer = requests.post(f"{self.issuer}/control/{action}", json=body, timeout=10)
        answer.raise_for_status()

    def add_user(
        self,
        username: str,
        *,
        roles: list[str],
        wards: list[str] | None = None,
        amr: list[str] | None = None,
        **claims: Any,
    ) -> None:
        """An account at the provider; sub is derived from the username, stably."""
        self.control(
            "user",
            username=username,
            claims={
                "sub": f"sub-{username}",
                "roles": roles,
                "wards": wards or [],
                "amr": amr or ["pwd", "mfa"],
                "given_name": username.split(".")[0].title(),
                "family_name": username.split(".")[-1].title(),
                "email": f"{username}@hospital.example",
                **claims,
            },
        )

    def log(self) -> dict[str, list[Any]]:
        import requests

        found: dict[str, list[Any]] = requests.get(
            f"{self.issuer}/control/log", timeout=10
        ).json()
        return found


@contextmanager
def running_provider(client_id: str, client_secret: str) -> Iterator[Provider]:
    """The provider in a process of its own, stopped on leaving."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(Path(__file__).resolve()), client_id, client_secret],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield Provider(f"http://127.0.0.1:{port}", client_id, client_secret)
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
