"""A TCP proxy between the app and one dependency, whose faults the drill turns on and off.

Modes: FORWARD forwards bytes both ways; REFUSE resets every new connection at once (the
client sees "connection refused/reset", as when the server is down); HTTP_500 reads each
request and answers `500 Internal Server Error` (an object store failing inside). Turning
a fault on also cuts every connection already open, so pooled connections fail too, as
they would if the server went away. Nothing on the machine's shared servers is touched.
"""

import socket
import struct
import threading
from contextlib import suppress

FORWARD = "forward"
REFUSE = "refuse"
HTTP_500 = "http500"

_S3_500 = (
    b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code>'
    b"<Message>We encountered an internal error. Please try again.</Message></Error>"
)


def _reset(sock: socket.socket) -> None:
    """Close with a RST (SO_LINGER 0), as a host that refuses or drops a connection."""
    with suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with suppress(OSError):
        sock.close()


class FaultProxy:
    """Listens on a free port of 127.0.0.1 and forwards to target (host, port)."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.mode = FORWARD
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = int(self._listener.getsockname()[1])
        self._closed = False
        self.refused = 0  # connections refused or answered 500 while a fault was on

    def __enter__(self) -> "FaultProxy":
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closed = True
        with suppress(OSError):
            self._listener.close()
        self._cut()

    def set(self, mode: str) -> None:
        """Turn a fault on (cutting every open connection) or off (FORWARD)."""
        self.mode = mode
        if mode != FORWARD:
            self._cut()

    def _cut(self) -> None:
        with self._lock:
            doomed, self._open = self._open, set()
        for sock in doomed:
            _reset(sock)

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        mode = self.mode
        if mode == REFUSE:
            self.refused += 1
            _reset(client)
            return
        if mode == HTTP_500:
            self.refused += 1
            self._answer_500(client)
            return
        try:
            upstream = socket.create_connection(self.target, timeout=10)
        except OSError:
            _reset(client)
            return
        upstream.settimeout(None)
        with self._lock:
            self._open.update((client, upstream))
        threading.Thread(
            target=self._pump, args=(upstream, client), daemon=True
        ).start()
        self._pump(client, upstream)

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with suppress(OSError):
                    sock.close()
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)

    def _answer_500(self, client: socket.socket) -> None:
        # One 500 a connection, then closed: boto retries on a new one. The request's
        # body (if the client sends it) is read and dropped, so the close is no reset.
        client.settimeout(5)
        buffer = b""
        try:
            while b"\r\n\r\n" not in buffer:
                data = client.recv(65536)
                if not data:
                    return
                buffer += data
            client.sendall(
                b"HTTP/1.1 500 Internal Server Error\r\n"
                b"Content-Type: application/xml\r\nConnection: close\r\n"
                + f"Content-Length: {len(_S3_500)}\r\n\r\n".encode()
                + _S3_500
            )
            client.shutdown(socket.SHUT_WR)
            while client.recv(65536):
                pass
        except OSError:
            return
        finally:
            with suppress(OSError):
                client.close()
