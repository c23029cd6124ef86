"""Serve an HTTP server on a background thread and stop it the moment the caller is done.

``socketserver``'s ``serve_forever`` notices ``shutdown()`` only when its ``select`` times out
(every half second by default), so every server stopped that way costs the caller up to 0.5 s
of waiting. Here the serving loop waits on two things at once, the listening socket and a
wake-up pipe, so stopping is an event: it takes as long as the thread switch.
"""

from __future__ import annotations

import os
import selectors
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["serving"]


def _serve(server: socketserver.TCPServer, wake_up: int) -> None:
    with selectors.DefaultSelector() as selector:
        selector.register(server.fileno(), selectors.EVENT_READ)
        selector.register(wake_up, selectors.EVENT_READ)
        while True:
            ready = {key.fd for key, _ in selector.select()}
            if wake_up in ready:
                return
            # The socket is readable, so a connection is waiting: ``handle_request`` with no
            # timeout of its own accepts it without waiting again.
            server.handle_request()


@contextmanager
def serving(server: socketserver.TCPServer) -> Iterator[None]:
    """Serve ``server`` on a daemon thread until the block ends, then close it.

    Requests already being answered on a threading server's worker threads finish on their
    own; the listening socket is closed before this returns, so no new one is accepted.
    """
    # A zero timeout makes ``handle_request`` accept at once instead of selecting again.
    server.timeout = 0
    wake_up_read, wake_up_write = os.pipe()
    thread = threading.Thread(target=_serve, args=(server, wake_up_read), daemon=True)
    thread.start()
    try:
        yield
    finally:
        os.write(wake_up_write, b"x")
        thread.join(timeout=5)
        server.server_close()
        os.close(wake_up_read)
        os.close(wake_up_write)
