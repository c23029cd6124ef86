"""Connections for :class:`credwallet.net.Fetcher`: pinned to a checked address, one deadline.

Kept apart from the network rules so that ``http.client``, ``ssl`` and ``email`` (which
http.client pulls in) are imported only when a request is really made, not by every command
that might fetch (an offline run never does).
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
import time
from typing import Any

__all__ = ["PinnedHTTPConnection", "PinnedHTTPSConnection"]


class _DeadlineSocket:
    """A connected socket whose every operation ends by the request's overall deadline.

    A per-operation timeout alone lets a server trickle one byte every few seconds and hold a
    request for ever; here each receive and send waits at most until the deadline, so the status
    line, headers and body together get one budget. http.client reads through ``makefile``.
    """

    def __init__(self, sock: socket.socket, deadline: float, timeout: float) -> None:
        self._sock = sock
        self._deadline = deadline
        self._timeout = timeout
        self._readers = 0  # open makefile() readers: like socket.socket, close waits for them
        self._closed = False

    def _arm(self) -> None:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the request's deadline passed")
        self._sock.settimeout(min(self._timeout, remaining))

    def recv_into(self, buffer: Any, nbytes: int = 0) -> int:
        self._arm()
        return self._sock.recv_into(buffer, nbytes)

    def recv(self, bufsize: int) -> bytes:
        self._arm()
        return self._sock.recv(bufsize)

    def send(self, data: Any) -> int:
        self._arm()
        return self._sock.send(data)

    def sendall(self, data: Any) -> None:
        self._arm()
        self._sock.sendall(data)

    def makefile(self, mode: str = "rb", buffering: int | None = None) -> io.BufferedReader:
        if mode != "rb":
            raise ValueError("only binary reading goes through makefile")
        self._readers += 1
        return io.BufferedReader(socket.SocketIO(self, "rb"))  # type: ignore[arg-type]  # duck

    def _decref_socketios(self) -> None:
        """SocketIO calls this when a reader closes (http.client closes the connection first)."""
        self._readers -= 1
        if self._closed and self._readers <= 0:
            self._sock.close()

    def setsockopt(self, *args: Any) -> None:
        self._sock.setsockopt(*args)

    def close(self) -> None:
        self._closed = True
        if self._readers <= 0:
            self._sock.close()


def _remaining(deadline: float, timeout: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("the request's deadline passed")
    return min(timeout, remaining)


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP to an address chosen in advance (only ever a loopback address)."""

    def __init__(self, host: str, port: int, address: str, timeout: float, deadline: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self._deadline = deadline
        self._per_op = timeout

    def connect(self) -> None:
        raw = socket.create_connection(
            (self._address, self.port), _remaining(self._deadline, self._per_op)
        )
        self.sock = _DeadlineSocket(raw, self._deadline, self._per_op)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address chosen in advance; the certificate is checked for the host name."""

    def __init__(
        self,
        host: str,
        port: int,
        address: str,
        timeout: float,
        tls: ssl.SSLContext,
        deadline: float,
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=tls)
        self._address = address
        self._tls = tls
        self._deadline = deadline
        self._per_op = timeout

    def connect(self) -> None:
        raw = socket.create_connection(
            (self._address, self.port), _remaining(self._deadline, self._per_op)
        )
        try:
            # The handshake runs under one timeout for all its reads and writes (CPython's ssl
            # module counts it from the start of the handshake): the time left is that timeout.
            raw.settimeout(_remaining(self._deadline, self._per_op))
            tls_sock = self._tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise
        self.sock = _DeadlineSocket(tls_sock, self._deadline, self._per_op)
