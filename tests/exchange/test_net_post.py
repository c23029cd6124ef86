"""Fetcher.post: the network rules hold for requests that carry codes and proofs."""

from __future__ import annotations

import http.server
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from credwallet.errors import FetchError
from credwallet.exchange.serving import serving
from credwallet.net import Fetcher


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append(
            (self.headers.get("Content-Type"), self.headers.get("Authorization"), body)
        )  # type: ignore[attr-defined]
        if self.path == "/redirect":
            self.send_response(307)
            self.send_header("Location", "http://127.0.0.1:1/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = b'{"error": "invalid_grant"}' if self.path == "/bad" else b"x" * 2048
        self.send_response(400 if self.path == "/bad" else 200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def _server() -> Iterator[Any]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.seen = []  # type: ignore[attr-defined]
    with serving(server):
        yield server


def test_post_sends_body_and_headers_and_returns_error_statuses() -> None:
    with _server() as server:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        fetcher = Fetcher(cache=None, offline=False, allow_loopback=True)
        reply = fetcher.post(
            base + "/bad",
            b"a=1",
            content_type="application/x-www-form-urlencoded",
            headers={"Authorization": "Bearer t"},
        )
        assert reply.status == 400
        assert reply.body == b'{"error": "invalid_grant"}'
        assert server.seen == [("application/x-www-form-urlencoded", "Bearer t", b"a=1")]


def test_post_never_follows_a_redirect() -> None:
    with _server() as server:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        fetcher = Fetcher(cache=None, offline=False, allow_loopback=True)
        with pytest.raises(FetchError, match="redirect"):
            fetcher.post(base + "/redirect", b"{}", content_type="application/json")


def test_post_caps_the_reply_and_refuses_offline_and_private_addresses() -> None:
    with _server() as server:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        small = Fetcher(cache=None, offline=False, allow_loopback=True, max_bytes=1024)
        with pytest.raises(FetchError, match="too large"):
            small.post(base + "/big", b"{}", content_type="application/json")
        offline = Fetcher(cache=None, offline=True, allow_loopback=True)
        with pytest.raises(FetchError, match="offline"):
            offline.post(base + "/big", b"{}", content_type="application/json")
        assert len(server.seen) == 1
    strict = Fetcher(cache=None, offline=False, allow_loopback=False)
    for url in ("http://127.0.0.1:9/x", "https://10.1.2.3/x", "https://[::1]/x"):
        with pytest.raises(FetchError):
            strict.post(url, b"{}", content_type="application/json")
