"""Probes a load balancer can trust: liveness, and readiness of what the site depends on."""

import logging

import pytest
from django.test import Client

from tests.workers.broker import celery_sending_to

# Nothing listens on port 1 of the loopback address.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def test_healthz_answers_without_signing_in(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_each_dependency_ready_in_the_embedded_mode(
    client: Client, db: None
) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "inline",
        "storage": "ok",
    }


def test_readyz_answers_503_when_the_broker_is_unreachable(
    client: Client, db: None, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        celery_sending_to(UNREACHABLE_BROKER),
        caplog.at_level(logging.WARNING, logger="config.health"),
    ):
        response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"].startswith("unavailable: ")
    assert body["database"] == "ok"
    assert body["storage"] == "ok"
    assert "broker unavailable" in caplog.text


def test_readyz_refuses_a_post(client: Client, db: None) -> None:
    assert client.post("/readyz").status_code == 405
