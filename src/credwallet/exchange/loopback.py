"""The one-shot loopback redirect listener of RFC 8252 (OAuth 2.0 for native apps).

The authorization server sends the browser back to ``http://127.0.0.1:PORT/callback`` with the
code. This listener binds 127.0.0.1 only (never a public interface), on a port the system
chooses, answers exactly one request to its path and then closes; a request whose ``state`` is
not ours is answered with an error and the wait goes on (another page on this machine could
guess the port, never the state).
"""

from __future__ import annotations

import secrets
import socket
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from credwallet.errors import FetchError, UsageError

__all__ = ["Callback", "LoopbackListener"]

_PAGE = (
    b"<!doctype html><meta charset=utf-8><title>credwallet</title>"
    b"<p>credwallet has the answer. You can close this window."
)
_MAX_REQUEST = 16 * 1024


@dataclass(frozen=True, slots=True)
class Callback:
    code: str


class LoopbackListener:
    """Bind now (so the redirect URI is known), wait for the browser later."""

    def __init__(self, *, path: str = "/callback") -> None:
        self.path = path
        self.state = secrets.token_urlsafe(24)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(4)

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}{self.path}"

    def close(self) -> None:
        self._sock.close()

    def __enter__(self) -> LoopbackListener:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def wait(self, timeout: float = 300.0) -> Callback:
        """The authorization code the browser brings back; raises on error, state or timeout."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchError("gave up waiting for the browser to come back (authorization)")
            self._sock.settimeout(remaining)
            try:
                conn, _addr = self._sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(10)
                answer = self._answer(conn)
            if answer is not None:
                return answer

    def _answer(self, conn: socket.socket) -> Callback | None:
        try:
            data = b""
            while b"\r\n\r\n" not in data and len(data) < _MAX_REQUEST:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
            line = data.split(b"\r\n", 1)[0].decode("ascii", "replace")
            parts = line.split(" ")
            target = urlsplit(parts[1]) if len(parts) == 3 and parts[0] == "GET" else None
            if target is None or target.path != self.path:
                self._reply(conn, 404, b"not found")
                return None
            query = parse_qs(target.query)
            if query.get("state") != [self.state]:
                self._reply(conn, 400, b"unexpected state")
                return None
            self._reply(conn, 200, _PAGE)
        except OSError:
            return None
        error = query.get("error")
        if error:
            raise UsageError(f"the authorization was not given ({error[0][:100]})")
        code = query.get("code")
        if not code or not code[0]:
            raise UsageError("the authorization server came back without a code")
        return Callback(code[0])

    @staticmethod
    def _reply(conn: socket.socket, status: int, body: bytes) -> None:
        head = (
            f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
            f"Content-Type: text/html; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
        )
        conn.sendall(head.encode("ascii") + body)
