"""Blockcerts Merkle receipts: MerkleProof2019 ``proofValue`` decoding and the path walk.

A MerkleProof2019 ``proofValue`` is multibase base58btc (``z``) of a CBOR array of
``[key, value]`` pairs (keys: 0 merkleRoot, 1 targetHash, 2 anchors, 3 path). Hash values are
themselves CBOR-encoded (a text string of hex, or a byte string) inside a byte string; a path
step is ``[0 (left) | 1 (right), hash]``; an anchor is a list of ``[0, chain id]``,
``[1, network id]``, ``[2, transaction]`` pairs (chain -1 is the mock chain used in tests).
MerkleProof2017 (Blockcerts v2) carries the same receipt as plain JSON in ``signature``.

The path walk: starting from targetHash, each step hashes ``left || current`` or
``current || right`` (raw bytes, SHA-256); the result must be merkleRoot.

Only the CBOR subset these receipts use is decoded (integers, byte and text strings, arrays,
maps, false/true/null), with definite lengths, a depth limit and a length limit; anything else
is a :class:`~credwallet.errors.BadInput`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from credwallet.errors import BadInput, LimitExceeded
from credwallet.verify.keys import base58_decode

__all__ = [
    "Anchor",
    "MerkleReceipt",
    "cbor_decode",
    "decode_merkle_proof_2019",
    "merkle_root",
    "receipt_from_json",
]

MAX_CBOR_BYTES = 64 * 1024
MAX_CBOR_DEPTH = 16
MAX_PATH_STEPS = 256
_HEX_HASH = re.compile(r"[0-9a-f]{64}")
# Chain and network identifiers of the lds-merkle-proof-2019 key map.
_CHAINS = {-1: "mocknet", 0: "bitcoin", 1: "ethereum", 2: "polygon"}
_NETWORKS = {
    "bitcoin": {1: "mainnet", 3: "testnet"},
    "ethereum": {1: "mainnet", 3: "ropsten", 4: "rinkeby", 5: "goerli", 11155111: "sepolia"},
    "polygon": {137: "mainnet", 80001: "mumbai"},
}
_MOCK_CHAINS = {"mocknet", "mockchain", "mock"}
# Local test chains nobody else can look up (cert-issuer's bitcoinRegtest, ethereum dev nets):
# a certificate anchored there is a test credential, exactly like one on the mock chain.
_TEST_CHAIN_MARKERS = ("regtest", "mocknet", "mockchain")


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where a Merkle root was published."""

    chain: str  # mocknet, bitcoin, ethereum, polygon, or the v2 anchor type (BTCOpReturn, ...)
    network: str | None = None
    transaction: str | None = None

    @property
    def is_mock(self) -> bool:
        chain = self.chain.lower()
        network = (self.network or "").lower()
        return chain in _MOCK_CHAINS or any(
            marker in chain or marker in network for marker in _TEST_CHAIN_MARKERS
        )

    def describe(self) -> str:
        where = f"{self.chain} {self.network}" if self.network else self.chain
        return f"{where} transaction {self.transaction}" if self.transaction else where


@dataclass(frozen=True, slots=True)
class MerkleReceipt:
    """targetHash (the document's hash), the path to merkleRoot, and the anchors (hex strings)."""

    target_hash: str
    merkle_root: str
    path: tuple[tuple[str, str], ...]  # ("left" | "right", sibling hash)
    anchors: tuple[Anchor, ...]


def merkle_root(target_hash: str, path: tuple[tuple[str, str], ...]) -> str:
    """The root the path leads to from ``target_hash`` (SHA-256 over the raw bytes)."""
    if len(path) > MAX_PATH_STEPS:
        raise LimitExceeded(f"Merkle path longer than {MAX_PATH_STEPS} steps")
    current = _hash_bytes(target_hash, "targetHash")
    for side, sibling in path:
        other = _hash_bytes(sibling, "Merkle path")
        pair = other + current if side == "left" else current + other
        current = hashlib.sha256(pair).digest()
    return current.hex()


def _hash_bytes(value: str, what: str) -> bytes:
    if not _HEX_HASH.fullmatch(value):
        raise BadInput(f"{what} is not a 64-digit hex SHA-256 value")
    return bytes.fromhex(value)


# --- MerkleProof2019 (CBOR in base58btc) --------------------------------------------------


def decode_merkle_proof_2019(proof_value: object) -> MerkleReceipt:
    """The receipt a MerkleProof2019 ``proofValue`` carries; BadInput when malformed."""
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        raise BadInput("MerkleProof2019 proofValue is not multibase base58btc")
    top = cbor_decode(base58_decode(proof_value[1:]))
    if not isinstance(top, list):
        raise BadInput("MerkleProof2019 proofValue is not a CBOR list")
    fields: dict[int, Any] = {}
    for pair in top:
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], int)):
            raise BadInput("MerkleProof2019 proofValue has a malformed entry")
        fields[pair[0]] = pair[1]
    if 0 not in fields or 1 not in fields:
        raise BadInput("MerkleProof2019 proofValue lacks merkleRoot or targetHash")
    path = tuple(_path_step(step) for step in _list(fields.get(3, []), "path"))
    anchors = tuple(_anchor(item) for item in _list(fields.get(2, []), "anchors"))
    return MerkleReceipt(
        target_hash=_inner_hash(fields[1], "targetHash"),
        merkle_root=_inner_hash(fields[0], "merkleRoot"),
        path=path,
        anchors=anchors,
    )


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise BadInput(f"MerkleProof2019 {what} is not a list")
    return value


def _inner(value: object) -> object:
    """Values are CBOR inside a byte string; decode that once more."""
    return cbor_decode(value) if isinstance(value, bytes) else value


def _inner_hash(value: object, what: str) -> str:
    inner = _inner(value)
    text = inner.hex() if isinstance(inner, bytes) else inner
    if not isinstance(text, str) or not _HEX_HASH.fullmatch(text.lower()):
        raise BadInput(f"MerkleProof2019 {what} is not a SHA-256 hash")
    return text.lower()


def _path_step(step: object) -> tuple[str, str]:
    if not (isinstance(step, list) and len(step) == 2 and step[0] in (0, 1)):
        raise BadInput("MerkleProof2019 path step is malformed")
    return ("left" if step[0] == 0 else "right", _inner_hash(step[1], "path hash"))


def _anchor(item: object) -> Anchor:
    if not isinstance(item, list):
        raise BadInput("MerkleProof2019 anchor is malformed")
    chain_id: int | None = None
    network_id: int | None = None
    transaction: str | None = None
    for pair in item:
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], int)):
            raise BadInput("MerkleProof2019 anchor entry is malformed")
        key, value = pair
        if key == 0 and isinstance(value, int):
            chain_id = value
        elif key == 1 and isinstance(value, int):
            network_id = value
        elif key in (1, 2):  # the transaction id (or, for the mock chain, a note)
            inner = _inner(value)
            transaction = inner.hex() if isinstance(inner, bytes) else str(inner)
    chain = _CHAINS.get(chain_id if chain_id is not None else -2, f"chain {chain_id}")
    network = _NETWORKS.get(chain, {}).get(network_id) if network_id is not None else None
    if network is None and network_id is not None and chain != "mocknet":
        network = f"network {network_id}"
    return Anchor(chain=chain, network=network, transaction=transaction)


# --- MerkleProof2017 (JSON) ---------------------------------------------------------------


def receipt_from_json(signature: Mapping[str, Any]) -> MerkleReceipt:
    """The receipt of a Blockcerts v2 ``signature`` (MerkleProof2017) object."""
    target = signature.get("targetHash")
    root = signature.get("merkleRoot")
    if not isinstance(target, str) or not isinstance(root, str):
        raise BadInput("MerkleProof2017 signature lacks targetHash or merkleRoot")
    steps = signature.get("proof", [])
    if not isinstance(steps, list):
        raise BadInput("MerkleProof2017 proof is not a list")
    path: list[tuple[str, str]] = []
    for step in steps:
        if isinstance(step, Mapping) and isinstance(step.get("left"), str):
            path.append(("left", step["left"].lower()))
        elif isinstance(step, Mapping) and isinstance(step.get("right"), str):
            path.append(("right", step["right"].lower()))
        else:
            raise BadInput("MerkleProof2017 proof step is neither left nor right")
    anchors = []
    for anchor in signature.get("anchors", []) or []:
        if not isinstance(anchor, Mapping):
            raise BadInput("MerkleProof2017 anchor is malformed")
        chain = anchor.get("chain") or anchor.get("type") or "unknown"
        source = anchor.get("sourceId")
        anchors.append(
            Anchor(
                chain=str(chain),
                network=None,
                transaction=source if isinstance(source, str) else None,
            )
        )
    return MerkleReceipt(target.lower(), root.lower(), tuple(path), tuple(anchors))


# --- CBOR (RFC 8949) subset ---------------------------------------------------------------


def cbor_decode(data: bytes) -> Any:
    """Decode one CBOR item that fills ``data`` exactly."""
    if len(data) > MAX_CBOR_BYTES:
        raise LimitExceeded(f"CBOR data over {MAX_CBOR_BYTES} bytes")
    value, end = _item(data, 0, 0)
    if end != len(data):
        raise BadInput("CBOR data has trailing bytes")
    return value


def _item(data: bytes, pos: int, depth: int) -> tuple[Any, int]:
    if depth > MAX_CBOR_DEPTH:
        raise LimitExceeded(f"CBOR nested deeper than {MAX_CBOR_DEPTH}")
    if pos >= len(data):
        raise BadInput("CBOR data is truncated")
    initial = data[pos]
    major, info = initial >> 5, initial & 0x1F
    pos += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None}
        if info in simple:
            return simple[info], pos
        raise BadInput("CBOR floats and other simple values are not supported here")
    if info < 24:
        argument = info
    elif info <= 27:
        size = 1 << (info - 24)
        if pos + size > len(data):
            raise BadInput("CBOR data is truncated")
        argument = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    else:
        raise BadInput("CBOR indefinite lengths are not supported here")
    if major == 0:
        return argument, pos
    if major == 1:
        return -1 - argument, pos
    if major in (2, 3):
        end = pos + argument
        if end > len(data):
            raise BadInput("CBOR string runs past the end of the data")
        raw = data[pos:end]
        if major == 2:
            return raw, end
        try:
            return raw.decode("utf-8"), end
        except UnicodeDecodeError:
            raise BadInput("CBOR text string is not UTF-8") from None
    if major == 4:
        if argument > len(data):
            raise BadInput("CBOR array longer than the data")
        items = []
        for _ in range(argument):
            item, pos = _item(data, pos, depth + 1)
            items.append(item)
        return items, pos
    if major == 5:
        if argument > len(data):
            raise BadInput("CBOR map longer than the data")
        mapping: dict[Any, Any] = {}
        for _ in range(argument):
            key, pos = _item(data, pos, depth + 1)
            if isinstance(key, list | dict):
                raise BadInput("CBOR map key is not a scalar")
            mapping[key], pos = _item(data, pos, depth + 1)
        return mapping, pos
    raise BadInput("CBOR tags are not supported here")
