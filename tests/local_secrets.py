"""A pytest plugin (-p in pyproject.toml): the test run's entry point prepares its data
directory and embedded secrets, as manage.py does, before pytest-django loads settings."""

from config.localsecrets import prepare

prepare()
