"""HTTP responses for stored clinical bytes: never sniffed, never cached, never framed."""

from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse


def _harden(
    response: HttpResponse | StreamingHttpResponse, filename: str, inline: bool
) -> None:
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Polyglot files (JPEG/HTML, JPEG/ZIP) decode as images: forbid any other reading.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"


def protected_stream(
    chunks: Iterable[bytes],
    *,
    content_type: str,
    filename: str,
    size: int | None = None,
    inline: bool = False,
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    if size is not None:
        response["Content-Length"] = str(size)
    _harden(response, filename, inline)
    return response


def protected_bytes(
    data: bytes, *, content_type: str, filename: str, inline: bool = True
) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    _harden(response, filename, inline)
    return response
