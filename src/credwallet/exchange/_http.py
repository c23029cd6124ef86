"""JSON over the wallet's fetcher: GET a document, POST JSON or a form, read the answer."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import urlencode

from credwallet.errors import BadInput, CredwalletError, FetchError
from credwallet.net import Fetched, Reply

__all__ = ["Client", "JsonReply", "get_json", "post_form", "post_json"]

MAX_REPLY_BYTES = 5 * 1024 * 1024


class Client(Protocol):
    """What the protocol clients need of :class:`credwallet.net.Fetcher`."""

    def fetch(self, url: str, *, accept: str = ...) -> Fetched: ...

    def post(
        self,
        url: str,
        body: bytes,
        *,
        content_type: str,
        accept: str = ...,
        headers: Mapping[str, str] | None = ...,
    ) -> Reply: ...


class JsonReply:
    """A POST's status and its JSON object body (empty when there was none)."""

    def __init__(self, status: int, body: dict[str, Any], url: str) -> None:
        self.status = status
        self.body = body
        self.url = url

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def error_code(self) -> str:
        code = self.body.get("error")
        return code if isinstance(code, str) else ""


def _object(raw: bytes, *, what: str) -> dict[str, Any]:
    from credwallet.formats.jsonutil import loads_strict

    if not raw.strip():
        return {}
    try:
        value = loads_strict(raw)
    except CredwalletError as exc:
        raise BadInput(f"{what}: not JSON ({exc.message})") from None
    if not isinstance(value, dict):
        raise BadInput(f"{what}: expected a JSON object")
    return value


def get_json(client: Client, url: str, *, what: str) -> dict[str, Any]:
    fetched = client.fetch(url, accept="application/json")
    return _object(fetched.body, what=what)


def _reply(reply: Reply, *, what: str) -> JsonReply:
    try:
        body = _object(reply.body, what=what)
    except BadInput:
        if 200 <= reply.status < 300:
            raise
        body = {}  # an error page in HTML: the status says enough
    return JsonReply(reply.status, body, reply.url)


def post_json(
    client: Client,
    url: str,
    payload: Mapping[str, Any],
    *,
    what: str,
    token: str | None = None,
) -> JsonReply:
    headers = {"Authorization": f"Bearer {token}"} if token else None
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    try:
        reply = client.post(url, body, content_type="application/json", headers=headers)
    except FetchError as exc:
        raise FetchError(f"{what}: {exc.message}") from None
    return _reply(reply, what=what)


def post_form(client: Client, url: str, fields: Mapping[str, str], *, what: str) -> JsonReply:
    body = urlencode(dict(fields)).encode("ascii")
    try:
        reply = client.post(url, body, content_type="application/x-www-form-urlencoded")
    except FetchError as exc:
        raise FetchError(f"{what}: {exc.message}") from None
    return _reply(reply, what=what)
