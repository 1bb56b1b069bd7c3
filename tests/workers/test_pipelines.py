"""Each background pipeline runs end to end on a real worker, from a committed user act.

Adding a pipeline (hard copy, retention sweep, export) is one Pipeline entry: what the
user does, how to tell the work is done, and what a user would then find.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from imaging.models import ClinicalImage, Derivative
from imaging.services.access import derivative_bytes
from tests.factories import capture
from tests.workers.conftest import Stack, wait_for

pytestmark = pytest.mark.real_worker


@dataclass(frozen=True)
class Pipeline:
    name: str
    start: Callable[[pytest.FixtureRequest], object]
    is_done: Callable[[object], bool]
    check: Callable[[object, Path], None]


def _capture_photo(request: pytest.FixtureRequest) -> object:
    return capture(
        actor=request.getfixturevalue("nurse"),
        patient=request.getfixturevalue("patient"),
    )


def _has_derivatives(image: object) -> bool:
    assert isinstance(image, ClinicalImage)
    return image.derivatives.count() == len(Derivative.Kind.values)


def _derivatives_show_the_photo(image: object, media: Path) -> None:
    assert isinstance(image, ClinicalImage)
    for derivative in image.derivatives.all():
        with Image.open(io.BytesIO(derivative_bytes(derivative))) as shown:
            assert shown.size == (derivative.width, derivative.height)
    # Exactly once: the original and one object per derivative, nothing left over.
    stored = {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()}
    assert stored == {
        image.storage_name,
        *image.derivatives.values_list("storage_name", flat=True),
    }


PIPELINES = [
    Pipeline(
        name="ingest-derivatives",
        start=_capture_photo,
        is_done=_has_derivatives,
        check=_derivatives_show_the_photo,
    ),
]


@pytest.mark.parametrize("pipeline", PIPELINES, ids=lambda p: p.name)
def test_the_pipeline_runs_end_to_end_on_a_real_worker(
    pipeline: Pipeline, stack: Stack, request: pytest.FixtureRequest
) -> None:
    stack.start_worker()

    subject = pipeline.start(request)

    wait_for(lambda: pipeline.is_done(subject), f"the {pipeline.name} pipeline")
    pipeline.check(subject, stack.data_dir / "media")
