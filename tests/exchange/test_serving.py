"""The background HTTP serving loop used by the demo issuer and the test servers."""

from __future__ import annotations

import http.server
import socket
import threading
import urllib.request

import pytest

from credwallet.exchange.serving import serving


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"hello " + self.path.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


def _get(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as answer:
        body: bytes = answer.read()
    return body


def test_answers_every_request_then_stops_listening() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    port = server.server_address[1]
    with serving(server):
        assert [_get(port, f"/{n}") for n in range(3)] == [b"hello /0", b"hello /1", b"hello /2"]
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=5):
        pass


def test_requests_from_several_threads_are_all_answered() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    port = server.server_address[1]
    answers: list[bytes] = []
    with serving(server):
        workers = [
            threading.Thread(target=lambda n=n: answers.append(_get(port, f"/{n}")))
            for n in range(8)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(10)
    assert sorted(answers) == sorted(f"hello /{n}".encode() for n in range(8))


def test_the_serving_thread_ends_with_the_block() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    before = set(threading.enumerate())
    with serving(server):
        during = set(threading.enumerate()) - before
        assert len(during) == 1
    assert not any(thread.is_alive() for thread in during)
