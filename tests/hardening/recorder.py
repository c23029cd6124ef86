"""A local HTTP server that records every connection made to it (the "was it fetched?" probe).

It counts TCP connections, not only well-formed requests: a TLS handshake attempt against it
(an ``https://127.0.0.1:port`` URL) is recorded too, so "nothing reached it" means nothing.
"""

from __future__ import annotations

import http.server
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from credwallet.exchange.serving import serving

_BODY = b'{"@context": {"@vocab": "https://recorder.example/vocab#"}, "id": "x"}'


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.paths.append(self.path)  # type: ignore[attr-defined]  # our server class
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(_BODY)))
        self.end_headers()
        self.wfile.write(_BODY)

    def log_message(self, format: str, *args: Any) -> None:  # the stdlib names it so
        return


class RecordingServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.connections: list[tuple[str, int]] = []
        self.paths: list[str] = []

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, address = super().get_request()
        self.connections.append(address)
        return conn, address

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def url(self, path: str, *, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}/{path.lstrip('/')}"


@contextmanager
def recording_server() -> Iterator[RecordingServer]:
    server = RecordingServer()
    with serving(server):
        yield server
