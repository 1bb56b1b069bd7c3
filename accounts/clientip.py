"""The client's address, as seen through a known number of reverse proxies."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(candidate: str) -> str | None:
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The address CUSTODIAN_PROXY_COUNT proxies say they received the request from.

    Each proxy appends the address it heard from to X-Forwarded-For, so the client is the
    Nth entry from the right. Entries further left are whatever the client chose to send
    and are never believed: trusting them would let anyone pick a fresh address per attempt.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.CUSTODIAN_PROXY_COUNT
    if hops <= 0:
        return _valid(remote)
    forwarded = [
        part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part
    ]
    if len(forwarded) < hops:
        return _valid(remote)
    return _valid(forwarded[-hops]) or _valid(remote)
