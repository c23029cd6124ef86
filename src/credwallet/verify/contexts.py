"""Pinned JSON-LD contexts, and the copies of them that ship inside credwallet.

A pin says which document a context URL means. The document loader accepts a pinned URL's
content, from the package, a user's context directory, the cache or the network, only when it
matches a pin, so a swapped context (which could change what a signed credential means) is
refused. Content matches when the SHA-256 of its bytes is one of the URL's byte pins, or when
the SHA-256 of its parsed JSON (keys sorted, no spaces; see :func:`json_digest`) equals the
shipped copy's: servers re-indent and re-order published contexts, and what a context means is
its JSON, not its whitespace.

Every pinned context ships in ``contexts_data/`` (see its NOTICE.md): ``index.json`` there
gives each URL's file, SHA-256, parsed-JSON SHA-256, source, licence and notes (how the copy was
compared with what the URL serves), so a fresh install verifies RDFC-signed credentials
offline. Pins were computed from copies taken from each context's authoritative repository at a
fixed commit (recorded next to each entry). Aliases (several URLs for one document) share a
pin. ``context-3.0.3.json`` has two byte pins: 1EdTech added two terms (``endorsementJwt``,
``jti``) to the published 3.0.3 context after the first revision; credwallet ships the later
one, which only adds terms, and accepts either.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

__all__ = [
    "PINNED_CONTEXTS",
    "ShippedContext",
    "json_digest",
    "matches_pin",
    "pin_for",
    "pins_for",
    "shipped_context",
    "shipped_index",
]

_PINS: Final[dict[str, str]] = {
    # 1EdTech/digital-credentials-public-validator @ 38254719cf0a (Apache-2.0)
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": (
        "880f1902d4158f2f33ce06af41b90719977cd1ea337a9de2e41edb3ff5e543d6"
    ),
    # 1EdTech/digital-credentials-public-validator @ 38254719cf0a (Apache-2.0)
    "https://purl.imsglobal.org/spec/clr/v2p0/context.json": (
        "e198d7b517d74c5036434ce495086f67b10244709e9a3df9dcb7f8b1579b6167"
    ),
    # 1EdTech/openbadges-specification @ 1af145ff2dc6 (the alias 1EdTech's validator serves)
    "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld": (
        "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10"
    ),
    # 1EdTech/digital-credentials-public-validator @ 38254719cf0a (Apache-2.0); parsed JSON
    # equal to the copy found earlier in third-party code
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": (
        "146f85aa16effd7ca1da8056eb443f53ce1eca8a34186cb062832c0a97d889c3"
    ),
    # w3c/poe @ e3a45ad650e3 vocab/ODRL22.jsonld: the bytes w3.org serves (the copy shipped
    # before, 1EdTech's validator's, is the same JSON re-indented and still matches by JSON)
    "https://www.w3.org/ns/odrl.jsonld": (
        "88e7f9f9048f7c4997ecdd09dd82f864f92eb267ef3d4297dd7db971132583c1"
    ),
    # transmute-industries/ns.did.ai @ 43a5cd31a3b8 (= cert-verifier-js @ 21de5589cd9b)
    "https://ns.did.ai/suites/secp256k1-2019/v1": (
        "8452efdde151151539b78d240f55cee7d9cc985bf078123ce310aa7ae04763b4"
    ),
    # 1EdTech/openbadges-specification @ 1af145ff2dc6
    "https://openbadgespec.org/v2/context.json": (
        "3c0c25a0e581c64cbe632197377c4f334c6c0b95f0d90e3b74449781612b153d"
    ),
    # 1EdTech/openbadges-specification @ 1af145ff2dc6
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": (
        "d582f3564282fb3b709136d28412e78e70b678b4dbc2f0221f67d84932748355"
    ),
    # 1EdTech/openbadges-specification @ 1af145ff2dc6
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": (
        "00666ad080ba407687ed1846b7f5e7495f5019042b202a727de47c48a1755c53"
    ),
    # 1EdTech/digital-credentials-public-validator @ 38254719cf0a (the 2026 revision)
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": (
        "3d34f4d4ef1bce691106e63798beb5e7b862ba841423f5ee1e53ab7ddf3bca84"
    ),
    # 1EdTech/openbadges-specification @ 1af145ff2dc6
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": (
        "b077fa134d909d92c1dcd1c153f2af1b244aeb415967fdc1467d7fc5dd48ac10"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/blockcerts/3.0": (
        "7b5a4f9771640918b6e3169af29374b38a9f914dcfed77675db7944c8f1a1152"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/blockcerts/schema/2.0-alpha/context.json": (
        "1b85185c93a2923a50292fc8ec41b26e4dc404e79ec19bf32c02a3136c1eaf81"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/blockcerts/schema/2.0/context.json": (
        "9aeb82c65913f2b727170778a81b9f882254b12d4b66c7aca1c8ee4765d4fc57"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/blockcerts/schema/2.1/context.json": (
        "3c0621311db8d15a6aee9921a641d75d3cb72ebc296ff2c6d11597f23e4615b5"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/blockcerts/schema/3.0-alpha/context.json": (
        "1f1a02a0322ad28d9376dced3b81b909e0ea39dca2f963ec8308926d0aaf6acb"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/blockcerts/schema/3.0-beta/context.json": (
        "23caf3aaa35cefdf6444550bb39edb1eaf2d12d2d0128aab56322ad6a592e2b7"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/blockcerts/schema/3.0/context.json": (
        "7b5a4f9771640918b6e3169af29374b38a9f914dcfed77675db7944c8f1a1152"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/blockcerts/schema/3.1/context.json": (
        "2fc073679f0e05bba5984a3110c0bfcfbc9401c2a5874115e9a9bb12204001f3"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/blockcerts/schema/3.2/context.json": (
        "fa5afe993720de6d030dc78cb8d33085e4e8a58704e26c8eefa536f4ab7b9731"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/blockcerts/v2": (
        "9aeb82c65913f2b727170778a81b9f882254b12d4b66c7aca1c8ee4765d4fc57"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/blockcerts/v2.1": (
        "3c0621311db8d15a6aee9921a641d75d3cb72ebc296ff2c6d11597f23e4615b5"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/blockcerts/v3": (
        "7b5a4f9771640918b6e3169af29374b38a9f914dcfed77675db7944c8f1a1152"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/blockcerts/v3.0-beta": (
        "23caf3aaa35cefdf6444550bb39edb1eaf2d12d2d0128aab56322ad6a592e2b7"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/blockcerts/v3.1": (
        "2fc073679f0e05bba5984a3110c0bfcfbc9401c2a5874115e9a9bb12204001f3"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/blockcerts/v3.2": (
        "fa5afe993720de6d030dc78cb8d33085e4e8a58704e26c8eefa536f4ab7b9731"
    ),
    # w3c-ccg/citizenship-vocab @ 50a3689e3910
    "https://w3id.org/citizenship/v4rc1": (
        "5038c7383afd7ab2158f1b997913a8f60978a0abcf96e0b0d08e29f146d2db1e"
    ),
    # 1EdTech/openbadges-specification @ 1af145ff2dc6
    "https://w3id.org/openbadges/v1": (
        "406ec07d0e758a41e84bac6361d29e391188492eb25f7efc51bfa19d8b2db810"
    ),
    # 1EdTech/openbadges-specification @ 1af145ff2dc6
    "https://w3id.org/openbadges/v2": (
        "3c0c25a0e581c64cbe632197377c4f334c6c0b95f0d90e3b74449781612b153d"
    ),
    # w3c/vc-data-integrity @ 570d764182aa
    "https://w3id.org/security/data-integrity/v1": (
        "b5d829bd09aa7c42abc6efa0c8ed7635313b5487f37ccfce3ecd149ca9418554"
    ),
    # w3c/vc-data-integrity @ 570d764182aa
    "https://w3id.org/security/data-integrity/v2": (
        "67f21e6e33a6c14e5ccfd2fc7865f7474fb71a04af7e94136cb399dfac8ae8f4"
    ),
    # w3c/vc-data-integrity @ 570d764182aa
    "https://w3id.org/security/jwk/v1": (
        "0f14b62f6071aafe00df265770ea0c7508e118247d79b7d861a406d2aa00bece"
    ),
    # w3c/vc-data-integrity @ 570d764182aa
    "https://w3id.org/security/multikey/v1": (
        "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/security/suites/chained-2021/v1": (
        "d92de480e9478a76ba64a67209e15b4746758e0f28f074a4b5dc5ac8a684073d"
    ),
    # digitalbazaar/ed25519-signature-2020-context @ e19889b (what w3id.org redirects to)
    "https://w3id.org/security/suites/ed25519-2020/v1": (
        "b9e1ab971fd8bf2c7553e0c4a9438e0b9450afde1ea1ca5b2492368b9f549588"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://w3id.org/security/suites/merkle-2019/v1": (
        "953b934ec954fab06c3d48e524ac66f0f66531b86fa91330f66e8fc4ba536ff4"
    ),
    # transmute-industries/ns.did.ai @ 43a5cd31a3b8, what w3id.org redirects to (via jsld.org)
    "https://w3id.org/security/suites/secp256k1-2019/v1": (
        "8452efdde151151539b78d240f55cee7d9cc985bf078123ce310aa7ae04763b4"
    ),
    # w3c/vc-bitstring-status-list @ 74fcae11e5b3 contexts/2021/v1.jsonld (the redirect target)
    "https://w3id.org/vc/status-list/2021/v1": (
        "6dd06a52bedb771e059c1083ba8ba7848dce22f6b4a8cfa0b98ba3fc188870e4"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://www.blockcerts.org/schema/2.0-alpha/context.json": (
        "1b85185c93a2923a50292fc8ec41b26e4dc404e79ec19bf32c02a3136c1eaf81"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://www.blockcerts.org/schema/2.0/context.json": (
        "9aeb82c65913f2b727170778a81b9f882254b12d4b66c7aca1c8ee4765d4fc57"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://www.blockcerts.org/schema/2.1/context.json": (
        "3c0621311db8d15a6aee9921a641d75d3cb72ebc296ff2c6d11597f23e4615b5"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://www.blockcerts.org/schema/3.0-alpha/context.json": (
        "1f1a02a0322ad28d9376dced3b81b909e0ea39dca2f963ec8308926d0aaf6acb"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://www.blockcerts.org/schema/3.0/context.json": (
        "7b5a4f9771640918b6e3169af29374b38a9f914dcfed77675db7944c8f1a1152"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://www.blockcerts.org/schema/3.1/context.json": (
        "2fc073679f0e05bba5984a3110c0bfcfbc9401c2a5874115e9a9bb12204001f3"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://www.blockcerts.org/schema/3.2/context.json": (
        "fa5afe993720de6d030dc78cb8d33085e4e8a58704e26c8eefa536f4ab7b9731"
    ),
    # w3c/vc-data-model @ 979c4af1cfe2
    "https://www.w3.org/2018/credentials/examples/v1": (
        "2070ae4e75bc3b4c2cfe2b8b6e86ec45119672bbb5da283f0399ea96c60a0104"
    ),
    # w3c/vc-data-model @ 979c4af1cfe2
    "https://www.w3.org/2018/credentials/v1": (
        "ab4ddd9a531758807a79a5b450510d61ae8d147eab966cc9a200c07095b0cdcc"
    ),
    # w3c/vc-data-model @ 979c4af1cfe2
    "https://www.w3.org/ns/credentials/examples/v2": (
        "57393fbc69d6efb9b9b5dc9cb6b9880b0944360abfe2eaf459c9e58cf2279d7c"
    ),
    # w3c/vc-bitstring-status-list @ 74fcae11e5b3
    "https://www.w3.org/ns/credentials/status/v1": (
        "fda5add353231e6a6884a46b12e6c75464281900cb348284d9c360f62381d9f7"
    ),
    # w3c/vc-data-model @ 979c4af1cfe2
    "https://www.w3.org/ns/credentials/v2": (
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
    ),
    # w3c/did-spec-registries @ c315db97869e vocabs/v1/context.jsonld (what w3.org serves)
    "https://www.w3.org/ns/did/v1": (
        "4f3eae5568c9c5f036a082088f9e192019ee06faa78973c87ff91d5421b88dad"
    ),
    # blockchain-certificates/cert-schema @ 1e390ace91fb
    "https://www.w3id.org/blockcerts/3.0-beta": (
        "23caf3aaa35cefdf6444550bb39edb1eaf2d12d2d0128aab56322ad6a592e2b7"
    ),
}

#: Earlier published revisions of a pinned context that are accepted too (byte pins).
_EARLIER: Final[dict[str, tuple[str, ...]]] = {
    # 1EdTech/openbadges-specification @ 1af145ff2dc6: 3.0.3 before endorsementJwt and jti
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": (
        "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    ),
}

#: Read-only view of the pin table (URL -> SHA-256 of the shipped copy's bytes).
PINNED_CONTEXTS: Final = MappingProxyType(_PINS)

_DATA_PACKAGE = "credwallet.verify"
_DATA_DIR = "contexts_data"


def pin_for(url: str) -> str | None:
    """The pinned SHA-256 (lower-case hex) of the context at ``url``, or None if unpinned."""
    return _PINS.get(url)


def pins_for(url: str) -> tuple[str, ...]:
    """Every accepted byte SHA-256 of the context at ``url`` (empty if unpinned)."""
    pin = _PINS.get(url)
    return () if pin is None else (pin, *_EARLIER.get(url, ()))


def json_digest(data: bytes) -> str | None:
    """SHA-256 of the parsed JSON re-serialised with sorted keys and no spaces; None if not JSON.

    Two copies with the same digest are the same JSON document, whatever their layout.
    """
    try:
        parsed = json.loads(data)
    except ValueError:
        return None
    text = json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ShippedContext:
    """One entry of ``contexts_data/index.json``."""

    __slots__ = ("file", "json_sha256", "licence", "notes", "sha256", "source", "url")

    def __init__(self, url: str, entry: dict[str, Any]) -> None:
        self.url = url
        self.file = str(entry["file"])
        self.sha256 = str(entry["sha256"])
        self.json_sha256 = str(entry["json_sha256"])
        self.source = str(entry["source"])
        self.licence = str(entry["licence"])
        # Provenance only (what the copy was compared with); never consulted when verifying.
        self.notes = str(entry.get("notes", ""))


@functools.cache
def shipped_index() -> dict[str, ShippedContext]:
    """URL -> shipped context, read once from the package data."""
    folder = resources.files(_DATA_PACKAGE).joinpath(_DATA_DIR)
    raw = json.loads(folder.joinpath("index.json").read_bytes())
    return {url: ShippedContext(url, entry) for url, entry in raw.items()}


def shipped_context(url: str) -> bytes | None:
    """The bytes of the copy of ``url`` that ships with credwallet, or None."""
    entry = shipped_index().get(url)
    if entry is None:
        return None
    folder = resources.files(_DATA_PACKAGE).joinpath(_DATA_DIR)
    return folder.joinpath(entry.file).read_bytes()


def matches_pin(url: str, data: bytes) -> bool:
    """True when ``data`` is a pinned document for ``url`` (by bytes or by parsed JSON)."""
    if hashlib.sha256(data).hexdigest() in pins_for(url):
        return True
    entry = shipped_index().get(url)
    return entry is not None and json_digest(data) == entry.json_sha256
