"""Custodian's own limits and policies, each with a default that suits a hospital."""

from config.settings.environment import env

# Custodian's own limits and policies.
CUSTODIAN_MAX_UPLOAD_MB = env.int("CUSTODIAN_MAX_UPLOAD_MB", default=40)
CUSTODIAN_MAX_PIXELS = env.int("CUSTODIAN_MAX_PIXELS", default=100_000_000)
CUSTODIAN_MFA_REQUIRED = env.bool("CUSTODIAN_MFA_REQUIRED", default=True)
CUSTODIAN_WARD_ACCESS_DAYS = env.int("CUSTODIAN_WARD_ACCESS_DAYS", default=30)
CUSTODIAN_BREAK_GLASS_HOURS = env.int("CUSTODIAN_BREAK_GLASS_HOURS", default=4)
# Hard copies: flagged overdue when not filed within this many days; PDF files are split
# every this many pages so rendering a patient's whole set keeps memory bounded.
CUSTODIAN_HARD_COPY_OVERDUE_DAYS = env.int(
    "CUSTODIAN_HARD_COPY_OVERDUE_DAYS", default=3
)
CUSTODIAN_HARD_COPY_PAGES_PER_FILE = env.int(
    "CUSTODIAN_HARD_COPY_PAGES_PER_FILE", default=25
)
CUSTODIAN_HARD_COPY_MAX_IMAGES = env.int("CUSTODIAN_HARD_COPY_MAX_IMAGES", default=2000)
# Export bundles (legal matters) can be downloaded for this long, then are deleted.
CUSTODIAN_EXPORT_EXPIRY_DAYS = env.int("CUSTODIAN_EXPORT_EXPIRY_DAYS", default=7)
# De-identified teaching/publication sets are built in the request: at most this many
# previews (about 0.3 MB each) in one set.
CUSTODIAN_TEACHING_EXPORT_MAX_IMAGES = env.int(
    "CUSTODIAN_TEACHING_EXPORT_MAX_IMAGES", default=50
)
# Days between the second approval of a disposal batch and its destruction (objections).
CUSTODIAN_DISPOSAL_WAIT_DAYS = env.int("CUSTODIAN_DISPOSAL_WAIT_DAYS", default=7)
# Uploads are streamed to a temporary file above this size rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# The HL7 ADT feed: where the listener binds, how long its journal keeps messages.
CUSTODIAN_HL7_BIND = env.str("CUSTODIAN_HL7_BIND", default="127.0.0.1:2575")
CUSTODIAN_HL7_JOURNAL_DAYS = env.int("CUSTODIAN_HL7_JOURNAL_DAYS", default=90)
