"""An asyncio MLLP listener that hands each message to a synchronous handler.

The handler, `(raw: bytes) -> bytes | None`, runs in a small thread pool of its own so that
database work never blocks the event loop; the pool's size bounds the database connections
the listener holds. It returns the ACK to send, or None to send nothing and hang up: the
sender then keeps the message and retries, which is what we want when the database is down.
A handler that raises is treated the same way (logged, no ACK): a message is never
acknowledged unless the handler said how.

Per connection, messages are handled strictly in order and answered in order, one ACK each,
even when a sender pipelines several frames. Connections are independent tasks: a slow or
trickling sender holds only its own. Decisions:
- a frame over `max_message_bytes` is answered AR (quoting its MSH-10) and the connection
  keeps serving: closing instead would make the sender resend the same frame for ever, while
  an AR lets it move on and park the message for a person;
- bytes outside frames are dropped, but a peer that sends more than `max_out_of_frame_bytes`
  of them between frames is not speaking MLLP and is hung up on;
- `idle_timeout` closes a connection that sends nothing (and bounds how long an ACK may take
  to leave), so dead peers do not hold sockets;
- stopping (SIGTERM/SIGINT under `run()`, or `stop()`) stops accepting at once, hangs up on
  connections that are waiting for their next message (a half-received frame is the
  sender's to resend: it got no ACK), lets messages already with the handler finish and
  their ACKs go out, then returns.
Message contents are never logged: they are patient records.
"""

import asyncio
import concurrent.futures
import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import hl7.mllp

from .ack import ack_for_error
from .errors import ErrorCode, MessageRejected
from .framing import Frame, MllpDecoder, Oversized, frame

logger = logging.getLogger(__name__)

Handler = Callable[[bytes], bytes | None]
READ_CHUNK = 64 * 1024


@dataclass(eq=False)
class _Connection:
    writer: asyncio.StreamWriter
    peer: str
    busy: bool = False
    task: asyncio.Task[None] | None = field(default=None)


class MllpServer:
    def __init__(
        self,
        handler: Handler,
        host: str = "127.0.0.1",
        port: int = 2575,
        *,
        idle_timeout: float = 300.0,
        max_message_bytes: int = 1024 * 1024,
        max_out_of_frame_bytes: int = 1024,
        handler_threads: int = 4,
        shutdown_grace: float = 60.0,
    ) -> None:
        self.handler = handler
        self.host = host
        self.port = port
        self.idle_timeout = idle_timeout
        self.max_message_bytes = max_message_bytes
        self.max_out_of_frame_bytes = max_out_of_frame_bytes
        self.handler_threads = handler_threads
        self.shutdown_grace = shutdown_grace
        self.address: tuple[str, int] | None = None
        self._ready = threading.Event()
        self._stopping = asyncio.Event()
        self._executor = ThreadPoolExecutor(
            handler_threads, thread_name_prefix="hl7-handler"
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._connections: set[_Connection] = set()

    async def start(self) -> None:
        """Bind and start accepting; `address` then holds the port actually bound."""
        self._loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(
            self._serve_connection, self.host, self.port, limit=READ_CHUNK
        )
        host, port = self._server.sockets[0].getsockname()[:2]
        self.address = (str(host), int(port))
        logger.info("HL7 MLLP listener on %s:%s", host, port)
        self._ready.set()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """For another thread: block until the listener accepts connections."""
        return self._ready.wait(timeout)

    async def serve_forever(self) -> None:
        """Serve until `stop()`, then finish the messages in hand and return."""
        if self._server is None:
            await self.start()
        try:
            await self._stopping.wait()
        finally:
            await self._shut_down()

    def stop(self) -> concurrent.futures.Future[None] | None:
        """Begin a graceful stop; safe from any thread.

        The future is done once the listener no longer accepts connections (messages in
        hand may still be finishing); None if it was never started.
        """
        if self._loop is None:
            return None
        accepting_stopped: concurrent.futures.Future[None] = concurrent.futures.Future()

        def begin() -> None:
            self._begin_stop()
            accepting_stopped.set_result(None)

        if self._stopping.is_set():
            accepting_stopped.set_result(None)
            return accepting_stopped
        try:
            self._loop.call_soon_threadsafe(begin)
        except RuntimeError:  # the loop has closed: it stopped already
            accepting_stopped.set_result(None)
        return accepting_stopped

    def _begin_stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._server is not None:
            self._server.close()
        for connection in self._connections:
            if not connection.busy:
                connection.writer.close()
        # Logged once the listening socket is closed: "stopping" means nothing new gets in.
        logger.info("HL7 listener stopping: %d connections", len(self._connections))

    async def _shut_down(self) -> None:
        if self._server is not None:
            self._server.close()
        tasks = {c.task for c in self._connections if c.task is not None}
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=self.shutdown_grace)
            for task in late:
                task.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)
        logger.info("HL7 listener stopped")

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        host, port = writer.get_extra_info("peername", ("?", "?"))[:2]
        peer = f"{host}:{port}"
        connection = _Connection(writer, peer, task=asyncio.current_task())
        self._connections.add(connection)
        try:
            await self._converse(reader, connection)
        except (ConnectionError, TimeoutError) as exc:
            logger.info("HL7 connection %s ended: %s", peer, type(exc).__name__)
        finally:
            self._connections.discard(connection)
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    async def _converse(
        self, reader: asyncio.StreamReader, connection: _Connection
    ) -> None:
        decoder = MllpDecoder(self.max_message_bytes)
        while not self._stopping.is_set():
            data = await self._read(reader, connection)
            if not data or self._stopping.is_set():
                # Bytes that arrive once stopping are left unanswered: the sender resends.
                return
            connection.busy = True
            for event in decoder.feed(data):
                if not await self._answer(event, connection) or self._stopping.is_set():
                    return
            connection.busy = False
            if decoder.out_of_frame > self.max_out_of_frame_bytes:
                logger.warning("HL7 connection %s is not sending MLLP", connection.peer)
                return

    async def _read(
        self, reader: asyncio.StreamReader, connection: _Connection
    ) -> bytes:
        try:
            return await asyncio.wait_for(reader.read(READ_CHUNK), self.idle_timeout)
        except TimeoutError:
            logger.info("HL7 connection %s idle: closing", connection.peer)
            return b""

    async def _answer(self, event: Frame | Oversized, connection: _Connection) -> bool:
        if isinstance(event, Oversized):
            logger.warning("HL7 frame of %d bytes from %s", event.size, connection.peer)
            reply: bytes | None = _too_large(event, self.max_message_bytes)
        else:
            reply = await asyncio.get_running_loop().run_in_executor(
                self._executor, self._handle, event.payload, connection.peer
            )
        if reply is None:
            return False
        connection.writer.write(frame(reply))
        await asyncio.wait_for(connection.writer.drain(), self.idle_timeout)
        return True

    def _handle(self, payload: bytes, peer: str) -> bytes | None:
        try:
            return self.handler(payload)
        except Exception:
            logger.exception("HL7 handler failed on a message from %s: no ACK", peer)
            return None


def _too_large(event: Oversized, limit: int) -> bytes:
    problem = MessageRejected(
        f"message of {event.size} bytes is over the {limit}-byte limit",
        code=ErrorCode.INTERNAL,
    )
    return ack_for_error(event.head, problem)


def run(handler: Handler, host: str, port: int, **options: Any) -> None:
    """Serve until SIGTERM or SIGINT, then stop gracefully (the management command's body)."""
    asyncio.run(_run_with_signals(MllpServer(handler, host, port, **options)))


async def _run_with_signals(server: MllpServer) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, server._begin_stop)
    try:
        await server.serve_forever()
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


async def send_messages(
    host: str, port: int, messages: Iterable[bytes], *, timeout: float = 30.0
) -> list[bytes]:
    """Send each message on one connection and wait for its ACK before the next.

    Returns the ACKs received (their payloads); fewer than the messages when the server hung
    up without answering.
    """
    # python-hl7's own asyncio MLLP client: the listener is checked against another framer.
    reader, writer = await hl7.mllp.open_hl7_connection(host, port)
    acks: list[bytes] = []
    try:
        for message in messages:
            writer.writeblock(message)
            await writer.drain()
            try:
                acks.append(bytes(await asyncio.wait_for(reader.readblock(), timeout)))
            except asyncio.IncompleteReadError:
                break
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError, OSError):
            await writer.wait_closed()
    return acks
