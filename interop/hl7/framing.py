"""MLLP framing (HL7 v2 Minimal Lower Layer Protocol): <VT> message <FS><CR>.

A sans-IO decoder, so the server's rules are testable without a socket:
- bytes before a <VT> are not HL7 and are dropped, counted in `out_of_frame` so the server
  can hang up on a peer that is not speaking MLLP at all;
- a <VT> inside a frame starts the frame again: <VT> is never legal in HL7 content, so it
  means the sender gave up on the previous frame, and gluing the two would lose the second;
- a frame over the size cap is not kept: only its first bytes (enough for the MSH, so the AR
  can quote MSH-10), the rest is discarded as it arrives, up to <FS><CR>. Memory stays at
  about the cap whatever the sender sends.

python-hl7's `hl7.mllp` stream reader would throw away a whole block when noise precedes
the <VT> and leaves the tail of an over-long block to be misread as the next one, so the
server frames with this instead and uses python-hl7 for what is inside.
"""

from dataclasses import dataclass

START = b"\x0b"
END = b"\x1c\x0d"
_FS = 0x1C
_CR = 0x0D
HEAD_BYTES = 4096


@dataclass(frozen=True)
class Frame:
    payload: bytes


@dataclass(frozen=True)
class Oversized:
    """A frame over the cap: its first bytes and its full size."""

    head: bytes
    size: int


def frame(payload: bytes) -> bytes:
    return START + payload + END


class MllpDecoder:
    def __init__(self, max_message_bytes: int) -> None:
        self.max_message_bytes = max_message_bytes
        self.out_of_frame = 0
        self._inside = False
        self._buffer = bytearray()
        self._size = 0
        self._held_fs = False

    @property
    def buffered(self) -> int:
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Frame | Oversized]:
        """Take the next bytes received; return the frames they complete, in order."""
        events: list[Frame | Oversized] = []
        position = 0
        while position < len(data):
            if self._inside:
                position = self._feed_inside(data, position, events)
            else:
                position = self._feed_outside(data, position)
        return events

    def _feed_outside(self, data: bytes, position: int) -> int:
        start = data.find(START, position)
        if start == -1:
            self.out_of_frame += len(data) - position
            return len(data)
        self.out_of_frame += start - position
        self._begin()
        return start + 1

    def _feed_inside(
        self, data: bytes, position: int, events: list[Frame | Oversized]
    ) -> int:
        if self._held_fs:
            # The previous read ended in <FS>: a <CR> now ends the frame.
            self._held_fs = False
            if data[position] == _CR:
                events.append(self._finish())
                return position + 1
            self._append(bytes([_FS]))
        end = data.find(END, position)
        stop = len(data) if end == -1 else end
        restart = data.find(START, position, stop)
        if restart != -1:
            self.out_of_frame += self._size + restart - position
            self._begin()
            return restart + 1
        chunk = data[position:stop]
        if end == -1 and chunk.endswith(bytes([_FS])):
            chunk, self._held_fs = chunk[:-1], True
        self._append(chunk)
        if end == -1:
            return len(data)
        events.append(self._finish())
        return end + len(END)

    def _begin(self) -> None:
        self._inside = True
        self._buffer = bytearray()
        self._size = 0
        self._held_fs = False

    def _append(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size <= self.max_message_bytes:
            self._buffer += chunk
        else:
            del self._buffer[HEAD_BYTES:]
            self._buffer += chunk[: max(0, HEAD_BYTES - len(self._buffer))]

    def _finish(self) -> Frame | Oversized:
        self._inside = False
        self.out_of_frame = 0
        payload, size = bytes(self._buffer), self._size
        self._buffer = bytearray()
        if size > self.max_message_bytes:
            return Oversized(head=payload, size=size)
        return Frame(payload=payload)
