"""Presenting an SD-JWT VC: only the disclosures a verifier asked for, plus a Key Binding JWT.

RFC 9901 section 4.3 (the holder's presentation) and section 4.3.1 (the KB-JWT): the holder
removes every disclosure it does not want to reveal and appends a ``kb+jwt`` signed by the key
in the credential's ``cnf``, whose ``sd_hash`` covers the issuer JWT and the disclosures sent,
so the verifier knows exactly that selection came from the holder for this ``aud`` and ``nonce``.

A disclosure is needed when a requested claim path runs through it (an object property hidden
in ``_sd`` or an array element hidden as ``{"...": digest}``); under the requested claim itself,
everything the holder has is disclosed (asking for ``address`` means the whole address).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from typing import Any

from credwallet.errors import BadInput
from credwallet.exchange.holder import HolderKeys, compact_jws
from credwallet.formats.jose import b64url_decode
from credwallet.formats.sdjwt import decode_sd_jwt
from credwallet.verify.keys import SigningKey, b64url_encode, jwk_to_public_key, same_key

__all__ = ["KB_TYP", "binding_key", "key_binding_jwt", "present_sd_jwt", "select_disclosures"]

KB_TYP = "kb+jwt"
_ALG = {"Ed25519": "EdDSA", "P-256": "ES256"}
_MAX_DEPTH = 32


def _digest(text: str) -> str:
    return b64url_encode(hashlib.sha256(text.encode("ascii")).digest())


class _Selector:
    """Walks the issuer-signed payload, recording the disclosures a walk passes through."""

    def __init__(self, disclosures: Sequence[str]) -> None:
        self.by_digest: dict[str, tuple[str, list[Any]]] = {}
        for text in disclosures:
            value = json.loads(b64url_decode(text, what="disclosure"))
            self.by_digest[_digest(text)] = (text, value)
        self.chosen: set[str] = set()

    def _take(self, digest: Any) -> list[Any] | None:
        found = self.by_digest.get(digest) if isinstance(digest, str) else None
        if found is None:
            return None
        self.chosen.add(found[0])
        return found[1]

    def _property(self, node: dict[str, Any], name: str) -> tuple[bool, Any]:
        if name in node and name not in ("_sd", "_sd_alg"):
            return True, node[name]
        for digest in node.get("_sd", []) if isinstance(node.get("_sd"), list) else []:
            found = self.by_digest.get(digest) if isinstance(digest, str) else None
            if found is not None and len(found[1]) == 3 and found[1][1] == name:
                self.chosen.add(found[0])
                return True, found[1][2]
        return False, None

    def _element(self, node: list[Any], index: int) -> tuple[bool, Any]:
        visible = -1
        for item in node:
            if isinstance(item, dict) and len(item) == 1 and "..." in item:
                found = self.by_digest.get(item["..."]) if isinstance(item["..."], str) else None
                if found is None:
                    continue  # a decoy or an element the holder never received
                visible += 1
                if visible == index:
                    self.chosen.add(found[0])
                    return True, found[1][1]
                continue
            visible += 1
            if visible == index:
                return True, item
        return False, None

    def follow(self, root: dict[str, Any], path: Sequence[str | int]) -> None:
        node: Any = root
        for element in path:
            if isinstance(element, str) and isinstance(node, dict):
                ok, node = self._property(node, element)
            elif isinstance(element, int) and isinstance(node, list):
                ok, node = self._element(node, element)
            else:
                ok = False
            if not ok:
                raise BadInput(f"the SD-JWT VC has no claim at {list(path)!r}")
        self.everything_under(node, 0)

    def everything_under(self, node: Any, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise BadInput("an SD-JWT payload is nested too deeply")
        if isinstance(node, dict):
            digests = node.get("_sd")
            for digest in digests if isinstance(digests, list) else []:
                value = self._take(digest)
                if value is not None and len(value) == 3:
                    self.everything_under(value[2], depth + 1)
            for key, item in node.items():
                if key not in ("_sd", "_sd_alg"):
                    self.everything_under(item, depth + 1)
        elif isinstance(node, list):
            for item in node:
                if isinstance(item, dict) and len(item) == 1 and "..." in item:
                    value = self._take(item["..."])
                    if value is not None and len(value) == 2:
                        self.everything_under(value[1], depth + 1)
                else:
                    self.everything_under(item, depth + 1)


def select_disclosures(compact: str, paths: Sequence[Sequence[str | int]]) -> tuple[str, ...]:
    """The disclosures (in their original order) needed to reveal ``paths`` and nothing else."""
    sd = decode_sd_jwt(compact)  # strict: every digest checked once more before anything leaves
    selector = _Selector(sd.disclosures)
    for path in paths:
        selector.follow(sd.issuer_jws.payload, path)
    return tuple(d for d in sd.disclosures if d in selector.chosen)


def binding_key(claims: dict[str, Any], holder: HolderKeys) -> SigningKey | None:
    """The holder key the credential's ``cnf`` names (by JWK or by kid), if it is one of ours."""
    cnf = claims.get("cnf")
    if not isinstance(cnf, dict):
        return None
    keys = (holder.ed25519, holder.p256)
    kid = cnf.get("kid")
    if isinstance(kid, str):
        for key in keys:
            if kid in (key.verification_method, key.did_key):
                return key
    if "jwk" in cnf:
        try:
            public = jwk_to_public_key(cnf["jwk"])
        except BadInput:
            return None
        for key in keys:
            if same_key(public, key.public_key):
                return key
    return None


def key_binding_jwt(
    key: SigningKey, presented: str, *, audience: str, nonce: str, now: float | None = None
) -> str:
    """The KB-JWT over ``presented`` (the SD-JWT as sent, ending with ``~``)."""
    if not presented.endswith("~"):
        raise BadInput("the SD-JWT to bind must end with '~'")
    sd_hash = b64url_encode(hashlib.sha256(presented.encode("ascii")).digest())
    header = {"typ": KB_TYP, "alg": _ALG[key.algorithm]}
    payload = {
        "iat": int(now if now is not None else time.time()),
        "aud": audience,
        "nonce": nonce,
        "sd_hash": sd_hash,
    }
    return compact_jws(key, header, payload)


def present_sd_jwt(
    compact: str,
    paths: Sequence[Sequence[str | int]],
    *,
    key: SigningKey | None,
    audience: str,
    nonce: str,
    now: float | None = None,
) -> str:
    """``<issuer JWT>~<chosen disclosures>~<KB-JWT>`` (no KB-JWT when ``key`` is None)."""
    sd = decode_sd_jwt(compact)
    chosen = select_disclosures(compact, paths)
    presented = "~".join((sd.issuer_jws.token, *chosen)) + "~"
    if key is None:
        return presented
    return presented + key_binding_jwt(key, presented, audience=audience, nonce=nonce, now=now)
