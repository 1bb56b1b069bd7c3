"""PostgreSQL unreachable for 30 s during a burst of API uploads.

The machine's PostgreSQL is shared, so it is not restarted: the app reaches its main
database and key store through a drill.faultproxy, which refuses every connection (and
cuts the open ones) for 30 s while a phone client uploads. Each upload must end stored
exactly once or refused with 503 and Retry-After; /readyz must name the database.
"""

from drill.burst import outcome, upload_through
from drill.faultproxy import REFUSE, FaultProxy
from drill.outcome import Outcome
from drill.stack import DATA_DIR, S3, Site, new_keys

FAULT_S = 30.0


def run() -> list[Outcome]:
    master_key, secret = new_keys(DATA_DIR / "keys")
    with S3() as s3, FaultProxy(("127.0.0.1", 5432)) as proxy:
        site = Site("database", s3, s3.new_bucket(), master_key, secret)
        site.pg = f"postgres://postgres@127.0.0.1:{proxy.port}"
        try:
            burst = upload_through(site, proxy, [(REFUSE, FAULT_S)])
        finally:
            site.drop_databases()
    fault = f"PostgreSQL (main and key store) refusing connections {FAULT_S:.0f} s"
    return [outcome("database", fault, burst, down="database")]
