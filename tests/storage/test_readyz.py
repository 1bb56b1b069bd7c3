"""/readyz asks object storage for the bucket itself, so a missing bucket takes a server out."""

from typing import Any

from django.test import Client

from tests.storage.conftest import Backend


def test_readyz_finds_the_bucket_ready(s3: Backend, client: Client, db: None) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["storage"] == "ok"


def test_readyz_answers_503_when_the_bucket_is_missing(
    s3: Backend, client: Client, db: None, settings: Any
) -> None:
    storage = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **storage,
            "OPTIONS": {
                **storage["OPTIONS"],
                "bucket_name": "custodian-no-such-bucket",
            },
        },
    }

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["storage"].startswith("unavailable: ")
    assert response.json()["database"] == "ok"
