"""A pytest plugin (-p in pyproject.toml): the test run's entry point prepares its data
directory and embedded secrets, as manage.py does, before pytest-django loads settings."""

import os

from config.localsecrets import prepare

prepare()

# The test servers (live_server, run-stack, the benchmarks) speak plain HTTP on one machine,
# which a deployment must say explicitly now that HTTPS is the default with DEBUG off.
os.environ.setdefault("CUSTODIAN_HTTPS", "false")
