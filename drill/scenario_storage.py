"""The object store unreachable, then answering 500s, during a burst of API uploads.

A drill.faultproxy sits between the app and moto's S3 server. While a phone client
uploads (Idempotency-Key, retries), the proxy first refuses every connection, then
answers every request 500, then forwards again. Each upload must end stored exactly
once or refused with 503 and Retry-After; /readyz must name the storage while it is
down; nothing may be left in the bucket without a row.
"""

from urllib.parse import urlsplit

from drill.burst import outcome, upload_through
from drill.faultproxy import HTTP_500, REFUSE, FaultProxy
from drill.outcome import Outcome
from drill.stack import DATA_DIR, S3, Site, new_keys

FAULT_S = 8.0  # each fault (refused, then 500s) lasts this long


def run() -> list[Outcome]:
    master_key, secret = new_keys(DATA_DIR / "keys")
    with S3() as s3:
        endpoint = urlsplit(s3.endpoint_url)
        with FaultProxy((endpoint.hostname or "", endpoint.port or 80)) as proxy:
            site = Site("storage", s3, s3.new_bucket(), master_key, secret)
            site.s3_endpoint = f"http://127.0.0.1:{proxy.port}"
            try:
                burst = upload_through(
                    site, proxy, [(REFUSE, FAULT_S), (HTTP_500, FAULT_S)]
                )
            finally:
                site.drop_databases()
    fault = (
        f"object store refusing connections {FAULT_S:.0f} s, then answering 500 "
        f"{FAULT_S:.0f} s, mid-burst"
    )
    return [outcome("storage", fault, burst, down="storage")]
