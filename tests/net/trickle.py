"""A loopback server that sends its answer one byte at a time (a slow-loris server).

The pause between bytes is a wait on an event, so stopping the server ends it at once; it also
stops when the client goes away, after at most ``limit`` bytes, or when the test leaves the block.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

HTTP_TRICKLE = (
    b"HTTP/1.1 200 OK\r\n"
    + b"".join(b"X-Padding-%d: %s\r\n" % (n, b"a" * 40) for n in range(60))
    + b"Content-Type: application/json\r\n\r\n{}"
)
# The first bytes of a TLS handshake record (ServerHello) that claims to be long.
TLS_TRICKLE = b"\x16\x03\x03\x40\x00\x02\x00\x3f\xfc\x03\x03" + b"\x00" * 4000


@dataclass
class Trickle:
    port: int
    stop: threading.Event
    sent: list[int] = field(default_factory=list)  # bytes sent per connection


@contextmanager
def trickle_server(payload: bytes, *, pause: float = 0.05, limit: int = 4000) -> Iterator[Trickle]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.2)
    stop = threading.Event()
    running = Trickle(listener.getsockname()[1], stop)

    def serve_one(conn: socket.socket) -> None:
        sent = 0
        with conn:
            for byte in payload[:limit]:
                if stop.wait(pause):
                    break
                try:
                    conn.sendall(bytes([byte]))
                except OSError:  # the client gave up: what the test wants
                    break
                sent += 1
        running.sent.append(sent)

    def accept_loop() -> None:
        workers = []
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            worker = threading.Thread(target=serve_one, args=(conn,), daemon=True)
            worker.start()
            workers.append(worker)
        for worker in workers:
            worker.join(5)

    thread = threading.Thread(target=accept_loop, daemon=True)
    thread.start()
    try:
        yield running
    finally:
        stop.set()
        thread.join(5)
        listener.close()
