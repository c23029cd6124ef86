"""Blockcerts v2 and v3 verification: Merkle receipts, issuer profile keys, revocation.

What is checked locally (no blockchain needed):

- ``proof``: the document hash (SHA-256 of the RDFC-1.0/URDNA2015 canonical N-Quads of the
  document without its proof; for the n-th proof of a proof set, with the proofs before it,
  since each later proof covers the earlier ones) must equal the receipt's targetHash, and the
  Merkle path must lead to merkleRoot. v3 receipts are MerkleProof2019 (``proofValue``, CBOR;
  also as a ``DataIntegrityProof`` with cryptosuite ``merkle-proof-2019`` or inside a
  ``ChainedProof2021``); v2 receipts are MerkleProof2017 (``signature``). An
  ``EcdsaSecp256k1Signature2019`` proof of the proof set is verified too (ES256K detached JWS).
- ``issuer-key``: the verification method named by each proof is listed in the issuer profile
  it belongs to (the bundled or fetched profile), controlled by it, and was not revoked or
  expired when the proof was created; at least one proof must be bound to the credential's
  issuer. v2 keys (``ecdsa-koblitz-pubkey:``) must be listed in the profile's ``publicKey``.
- ``anchor``: the blockchain transaction holding merkleRoot. credwallet does not query block
  explorers, so a real anchor is ``unknown`` (never ``pass`` unless actually checked); the mock
  chain of test credentials is ``skip`` (nothing is anchored).
- ``format``: a proof is present, VC 2.0 dates are RFC 3339 with a time zone, and the
  credential conforms to its ``credentialSchema`` (a JSON Schema subset).
- ``revocation``: ``credentialStatus`` (status lists, see status.py) or the issuer profile's
  ``revocationList`` queried with ``assertionId``.

Verifiable presentations of Blockcerts are verified as a whole: the presentation's own
proofs, then each credential in it (through ``options.verify_embedded`` when the engine set
it; Blockcerts credentials in it are checked here, with their validity window). Validity
dates and recipients of the credential itself are the engine's checks.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

from credwallet import _crypto
from credwallet.errors import BadInput, CredwalletError, FetchError, VerificationIncomplete
from credwallet.formats.dates import parse_datetime
from credwallet.models import (
    Check,
    CheckStatus,
    Credential,
    JSONObject,
    ReportStatus,
    VerificationReport,
)
from credwallet.verify.keys import b64url_decode, base58_decode
from credwallet.verify.merkle import (
    Anchor,
    MerkleReceipt,
    decode_merkle_proof_2019,
    merkle_root,
    receipt_from_json,
)
from credwallet.verify.remote import as_of, fetch_json
from credwallet.verify.status import (
    CHECK_NAME as REVOCATION,
)
from credwallet.verify.status import (
    check_revocation_list,
    check_status,
    quote_assertion_id,
)

if TYPE_CHECKING:
    from credwallet.verify.engine import VerifyOptions
    from credwallet.verify.jsonld import DocumentLoader

__all__ = ["ANCHOR_CHECK", "verify_blockcerts"]

ANCHOR_CHECK = "anchor"
_VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
_DATE_TIME_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_SECP256K1_CODEC = b"\xe7\x01"
_MAX_EMBEDDED = 100
_ORDER = ("format", "proof", "issuer-key", ANCHOR_CHECK, REVOCATION)
_RANK = {
    CheckStatus.FAIL: 0,
    CheckStatus.UNKNOWN: 1,
    CheckStatus.PASS: 2,
    CheckStatus.SKIP: 3,
}


@dataclass(frozen=True, slots=True)
class _Finding:
    status: CheckStatus
    detail: str


@dataclass
class _Findings:
    """Findings per check name, combined at the end (the worst outcome decides)."""

    by_check: dict[str, list[_Finding]] = field(default_factory=dict)
    inputs: list[tuple[str, str]] = field(default_factory=list)

    def add(self, name: str, status: CheckStatus, detail: str) -> None:
        self.by_check.setdefault(name, []).append(_Finding(status, detail))

    def checks(self) -> list[Check]:
        result = []
        for name in _ORDER:
            findings = self.by_check.get(name)
            if not findings:
                continue
            worst = min(findings, key=lambda f: _RANK[f.status]).status
            details = [f.detail for f in findings if f.status is worst]
            result.append(Check(name, worst, "; ".join(details), tuple(self.inputs)))
        return result


def verify_blockcerts(credential: Credential, options: VerifyOptions) -> list[Check]:
    """The format, proof, issuer-key, anchor and revocation checks of a Blockcerts document."""
    findings = _Findings()
    document = credential.document
    if _is_presentation(document):
        _verify_presentation(document, options, findings)
    else:
        _verify_document(document, options, findings, credential_id=credential.credential_id)
    return findings.checks()


# --- one document ------------------------------------------------------------------------


def _verify_document(
    document: JSONObject,
    options: VerifyOptions,
    findings: _Findings,
    *,
    credential_id: str | None,
) -> None:
    if _is_v1(document):
        # Blockcerts 1.x (``document.signature`` + ``receipt``): credwallet does not read that
        # format, which says nothing about whether the certificate is genuine.
        reason = "Blockcerts v1.x: version not supported by this version of credwallet"
        findings.add("format", CheckStatus.UNKNOWN, reason)
        for name in ("proof", "issuer-key", ANCHOR_CHECK, REVOCATION):
            findings.add(name, CheckStatus.UNKNOWN, "not checked: version not supported")
        return
    if "signature" in document and "proof" not in document:
        _verify_v2(document, options, findings)
        return
    proofs = _proofs(document)
    if not proofs:
        findings.add("format", CheckStatus.FAIL, "the Blockcerts document has no proof")
        for name in ("proof", "issuer-key", ANCHOR_CHECK):
            findings.add(name, CheckStatus.SKIP, "no proof to check")
        findings.add(REVOCATION, CheckStatus.SKIP, "not checked: no proof")
        return
    _check_format(document, proofs, options, findings)
    issuer_id = _issuer_id(document)
    bound_to_issuer = False
    for index, proof in enumerate(proofs):
        covered = _with_proofs(document, proofs[:index])
        bound = _verify_proof(covered, proof, issuer_id, options, findings)
        bound_to_issuer = bound_to_issuer or bound
    if not bound_to_issuer and not _has_finding(findings, "issuer-key", CheckStatus.FAIL):
        if _has_finding(findings, "issuer-key", CheckStatus.UNKNOWN):
            findings.add("issuer-key", CheckStatus.UNKNOWN, "no proof could be bound to the issuer")
        else:
            findings.add(
                "issuer-key",
                CheckStatus.FAIL,
                f"no proof uses a key of the issuer {issuer_id or '(none named)'}",
            )
    _check_revocation(document, issuer_id, options, findings, version=3, id_=credential_id)


def _verify_proof(
    document: JSONObject,
    proof: Mapping[str, Any],
    issuer_id: str | None,
    options: VerifyOptions,
    findings: _Findings,
) -> bool:
    """Check one proof; True when its key is bound to the credential's issuer."""
    kind = _proof_kind(proof)
    vm = proof.get("verificationMethod")
    vm = vm if isinstance(vm, str) else None
    if kind == "merkle":
        try:
            receipt = decode_merkle_proof_2019(proof.get("proofValue"))
        except BadInput as exc:
            findings.add("proof", CheckStatus.FAIL, f"MerkleProof2019: {exc}")
            return False
        _check_receipt(document, receipt, options, findings)
        return _check_v3_key(vm, proof, issuer_id, receipt.anchors, options, findings)
    if kind == "secp256k1":
        return _verify_secp256k1(document, proof, vm, issuer_id, options, findings)
    findings.add(
        "proof",
        CheckStatus.UNKNOWN,
        f"proof type {proof.get('type')!r} is not checked by the Blockcerts verifier",
    )
    return False


def _check_receipt(
    document: JSONObject, receipt: MerkleReceipt, options: VerifyOptions, findings: _Findings
) -> None:
    findings.inputs.append(("targetHash", receipt.target_hash))
    findings.inputs.append(("merkleRoot", receipt.merkle_root))
    try:
        local = _document_hash(document, options)
    except VerificationIncomplete as exc:
        findings.add("proof", CheckStatus.UNKNOWN, f"cannot compute the document hash: {exc}")
        _check_anchors(receipt.anchors, findings)
        return
    except (BadInput, CredwalletError) as exc:
        findings.add("proof", CheckStatus.FAIL, f"cannot compute the document hash: {exc}")
        _check_anchors(receipt.anchors, findings)
        return
    if local != receipt.target_hash:
        findings.add(
            "proof",
            CheckStatus.FAIL,
            f"computed hash {local} does not match the receipt's targetHash "
            f"{receipt.target_hash}: the document was modified",
        )
    else:
        try:
            root = merkle_root(receipt.target_hash, receipt.path)
        except BadInput as exc:
            findings.add("proof", CheckStatus.FAIL, f"invalid Merkle receipt: {exc}")
        else:
            if root != receipt.merkle_root:
                findings.add(
                    "proof",
                    CheckStatus.FAIL,
                    "invalid Merkle receipt: the path does not lead to the merkleRoot",
                )
            else:
                findings.add(
                    "proof",
                    CheckStatus.PASS,
                    f"document hash and Merkle path ({len(receipt.path)} steps) match "
                    f"root {receipt.merkle_root[:16]}…",
                )
    _check_anchors(receipt.anchors, findings)


def _check_anchors(anchors: tuple[Anchor, ...], findings: _Findings) -> None:
    if not anchors:
        findings.add(ANCHOR_CHECK, CheckStatus.FAIL, "the receipt names no anchor")
        return
    for anchor in anchors:
        if anchor.is_mock:
            findings.add(
                ANCHOR_CHECK,
                CheckStatus.SKIP,
                "mock chain: a test credential, not anchored on any blockchain",
            )
        else:
            findings.add(
                ANCHOR_CHECK,
                CheckStatus.UNKNOWN,
                f"{anchor.describe()} not looked up (credwallet does not query block explorers)",
            )


def _document_hash(document: JSONObject, options: VerifyOptions) -> str:
    from credwallet.verify.jsonld import canonical_document

    canonical = canonical_document(document, _loader(options))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _loader(options: VerifyOptions) -> DocumentLoader:
    if options.loader is not None:
        return options.loader
    from credwallet.verify.dataintegrity import default_loader

    return default_loader()


# --- issuer profiles and keys ------------------------------------------------------------


def _check_v3_key(
    vm: str | None,
    proof: Mapping[str, Any],
    issuer_id: str | None,
    anchors: tuple[Anchor, ...],
    options: VerifyOptions,
    findings: _Findings,
) -> bool:
    if vm is None:
        findings.add("issuer-key", CheckStatus.FAIL, "the Merkle proof names no verificationMethod")
        return False
    method, profile_id = _profile_method(vm, options, findings)
    if method is None:
        return False
    created = parse_datetime(proof.get("created"))
    for field_name, verb in (("revoked", "revoked"), ("expires", "expired")):
        stamp = parse_datetime(method.get(field_name))
        if stamp is None:
            continue
        if created is None or stamp <= created:
            findings.add(
                "issuer-key",
                CheckStatus.FAIL,
                f"the verification key {vm} was {verb} on {stamp.isoformat()}, "
                "before the proof was created",
            )
            return False
        if not all(a.is_mock for a in anchors):
            findings.add(
                "issuer-key",
                CheckStatus.UNKNOWN,
                f"the verification key {vm} was {verb} on {stamp.isoformat()}; whether that was "
                "before the anchoring needs the transaction time",
            )
            return False
    findings.add("issuer-key", CheckStatus.PASS, f"{vm} is listed by {profile_id}")
    return profile_id == issuer_id


def _profile_method(
    vm: str, options: VerifyOptions, findings: _Findings
) -> tuple[Mapping[str, Any] | None, str]:
    """The verification method ``vm`` as its issuer profile lists it (fetched or cached)."""
    profile_url = urldefrag(vm)[0]
    try:
        profile, fetched = fetch_json(options.fetcher, profile_url, what="issuer profile")
    except FetchError as exc:
        findings.add("issuer-key", CheckStatus.UNKNOWN, str(exc))
        return None, profile_url
    except BadInput as exc:
        findings.add("issuer-key", CheckStatus.FAIL, str(exc))
        return None, profile_url
    findings.inputs.append(("issuer profile", f"{profile_url} ({as_of(fetched)})"))
    if profile.get("id") != profile_url:
        findings.add(
            "issuer-key",
            CheckStatus.FAIL,
            f"the issuer profile at {profile_url} calls itself {profile.get('id')!r}",
        )
        return None, profile_url
    for method in _list(profile.get("verificationMethod")):
        if not isinstance(method, Mapping):
            continue
        method_id = method.get("id")
        if method_id == vm or (isinstance(method_id, str) and profile_url + method_id == vm):
            controller = method.get("controller", profile_url)
            if controller != profile_url:
                findings.add(
                    "issuer-key",
                    CheckStatus.FAIL,
                    f"{vm} is controlled by {controller!r}, not by {profile_url}",
                )
                return None, profile_url
            return method, profile_url
    findings.add("issuer-key", CheckStatus.FAIL, f"the issuer profile does not list {vm}")
    return None, profile_url


def _verify_secp256k1(
    document: JSONObject,
    proof: Mapping[str, Any],
    vm: str | None,
    issuer_id: str | None,
    options: VerifyOptions,
    findings: _Findings,
) -> bool:
    """EcdsaSecp256k1Signature2019: ES256K over hash(proof options) || hash(document)."""
    jws = proof.get("jws")
    if vm is None or not isinstance(jws, str) or jws.count(".") != 2:
        findings.add("proof", CheckStatus.FAIL, "EcdsaSecp256k1Signature2019 proof is malformed")
        return False
    header, payload, signature = jws.split(".")
    if payload:
        findings.add("proof", CheckStatus.FAIL, "EcdsaSecp256k1Signature2019 jws is not detached")
        return False
    try:
        point = _secp256k1_key(vm, options, findings)
        if point is None:
            return False
        head = _json_b64(header)
        if head.get("alg") != "ES256K" or head.get("b64") is not False:
            findings.add(
                "proof", CheckStatus.FAIL, "EcdsaSecp256k1Signature2019: not ES256K b64:false"
            )
            return False
        options_doc = {k: v for k, v in proof.items() if k not in ("jws", "proofValue")}
        options_doc["@context"] = document.get("@context")
        verify_data = (
            hashlib.sha256(_canonical(options_doc, options).encode()).digest()
            + hashlib.sha256(_canonical(document, options).encode()).digest()
        )
        message = header.encode("ascii") + b"." + verify_data
        valid = _crypto.secp256k1_verify(point, b64url_decode(signature), message)
    except VerificationIncomplete as exc:
        findings.add("proof", CheckStatus.UNKNOWN, f"EcdsaSecp256k1Signature2019: {exc}")
        return False
    except (BadInput, CredwalletError, ValueError) as exc:
        findings.add("proof", CheckStatus.FAIL, f"EcdsaSecp256k1Signature2019: {exc}")
        return False
    if not valid:
        findings.add(
            "proof", CheckStatus.FAIL, f"EcdsaSecp256k1Signature2019 by {vm} does not verify"
        )
        return False
    findings.add("proof", CheckStatus.PASS, f"EcdsaSecp256k1Signature2019 by {vm} verified")
    controller = urldefrag(vm)[0]
    if controller == issuer_id:
        findings.add("issuer-key", CheckStatus.PASS, f"{vm} belongs to the issuer")
        return True
    findings.add("issuer-key", CheckStatus.PASS, f"{vm} is listed by {controller}")
    return False


def _secp256k1_key(vm: str, options: VerifyOptions, findings: _Findings) -> bytes | None:
    if vm.startswith("did:key:"):
        did = urldefrag(vm)[0]
        raw = base58_decode(did[len("did:key:z") :]) if did.startswith("did:key:z") else b""
        if not raw.startswith(_SECP256K1_CODEC) or len(raw) != 35:
            findings.add("proof", CheckStatus.FAIL, f"{did} is not a secp256k1 did:key")
            return None
        return raw[2:]
    method, _profile = _profile_method(vm, options, findings)
    if method is None:
        findings.add("proof", CheckStatus.UNKNOWN, f"the key {vm} is not available")
        return None
    jwk = method.get("publicKeyJwk")
    if isinstance(jwk, Mapping) and jwk.get("crv") == "secp256k1":
        x, y = jwk.get("x"), jwk.get("y")
        if isinstance(x, str) and isinstance(y, str):
            return b"\x04" + b64url_decode(x) + b64url_decode(y)
    multibase = method.get("publicKeyMultibase")
    if isinstance(multibase, str) and multibase.startswith("z"):
        raw = base58_decode(multibase[1:])
        if raw.startswith(_SECP256K1_CODEC):
            return raw[2:]
    findings.add("proof", CheckStatus.FAIL, f"{vm} is not a secp256k1 key")
    return None


def _json_b64(part: str) -> JSONObject:
    from credwallet.formats.jsonutil import loads_strict

    value = loads_strict(b64url_decode(part))
    if not isinstance(value, dict):
        raise BadInput("JWS header is not a JSON object")
    return value


def _canonical(document: Mapping[str, Any], options: VerifyOptions) -> str:
    from credwallet.verify.jsonld import canonical_document

    return canonical_document(document, _loader(options))


# --- Blockcerts v2 (MerkleProof2017) -----------------------------------------------------


def _verify_v2(document: JSONObject, options: VerifyOptions, findings: _Findings) -> None:
    signature = document.get("signature")
    if not isinstance(signature, Mapping):
        findings.add("format", CheckStatus.FAIL, "the Blockcerts v2 signature is not an object")
        return
    try:
        receipt = receipt_from_json(signature)
    except BadInput as exc:
        findings.add("format", CheckStatus.FAIL, str(exc))
        return
    findings.add("format", CheckStatus.PASS, "Blockcerts v2 certificate (MerkleProof2017)")
    unsigned = {k: v for k, v in document.items() if k != "signature"}
    _check_receipt(unsigned, receipt, options, findings)
    issuer_id = _v2_issuer_id(document)
    _check_v2_key(document, issuer_id, receipt.anchors, options, findings)
    id_ = document.get("id")
    _check_revocation(document, issuer_id, options, findings, version=2, id_=_str(id_))


def _check_v2_key(
    document: JSONObject,
    issuer_id: str | None,
    anchors: tuple[Anchor, ...],
    options: VerifyOptions,
    findings: _Findings,
) -> None:
    verification = document.get("verification")
    verification = verification if isinstance(verification, Mapping) else {}
    key = _str(verification.get("publicKey")) or _str(verification.get("creator"))
    if issuer_id is None:
        findings.add("issuer-key", CheckStatus.FAIL, "the certificate names no issuer profile")
        return
    try:
        profile, _fetched = fetch_json(options.fetcher, issuer_id, what="issuer profile")
    except FetchError as exc:
        findings.add("issuer-key", CheckStatus.UNKNOWN, str(exc))
        return
    except BadInput as exc:
        findings.add("issuer-key", CheckStatus.FAIL, str(exc))
        return
    listed: dict[str | None, Mapping[str, Any]] = {}
    entries = _list(profile.get("publicKey")) + _list(profile.get("publicKeys"))
    for entry in entries + _list(profile.get("issuerKeys")):
        if isinstance(entry, Mapping):
            # v2: {"id": ...}; v2-alpha: {"publicKey": ...}; v1 profiles: {"key": ..., "date"}
            found = _str(entry.get("id")) or _str(entry.get("publicKey")) or _str(entry.get("key"))
            listed[_key_form(found)] = entry
    key = _key_form(key)
    if key is None or key not in listed:
        findings.add("issuer-key", CheckStatus.FAIL, f"the issuer profile does not list key {key}")
        return
    issued = parse_datetime(document.get("issuedOn"))
    for field_name, verb in (("revoked", "revoked"), ("expires", "expired")):
        stamp = parse_datetime(listed[key].get(field_name))
        if stamp is not None and (issued is None or stamp <= issued):
            findings.add(
                "issuer-key",
                CheckStatus.FAIL,
                f"the issuing key {key} was {verb} on {stamp.isoformat()}, before issuance",
            )
            return
    if all(a.is_mock for a in anchors):
        findings.add("issuer-key", CheckStatus.PASS, f"{key} is listed by {issuer_id} (mock chain)")
        return
    findings.add(
        "issuer-key",
        CheckStatus.UNKNOWN,
        f"{key} is listed by {issuer_id}; that it issued the transaction needs a block explorer",
    )


def _key_form(key: str | None) -> str | None:
    """A v2 key id in the form keys are compared in: Ethereum addresses (``0x...``, EIP-55
    mixed case or not) compare case-insensitively; bitcoin addresses are case-sensitive."""
    if key is None:
        return None
    prefix, _, value = key.rpartition(":")
    if value.lower().startswith("0x"):
        return f"{prefix}:{value.lower()}" if prefix else value.lower()
    return key


# --- format ------------------------------------------------------------------------------


def _check_format(
    document: JSONObject,
    proofs: list[Mapping[str, Any]],
    options: VerifyOptions,
    findings: _Findings,
) -> None:
    problems: list[str] = []
    if _VC2_CONTEXT in _list(document.get("@context")):
        for proof in proofs:
            created = proof.get("created")
            if created is not None and not _is_date_time_stamp(created):
                problems.append(
                    f"proof {proof.get('type')} created {created!r} is not an RFC 3339 date-time "
                    "with a time zone"
                )
        for name in ("validFrom", "validUntil"):
            value = document.get(name)
            if value is not None and not _is_date_time_stamp(value):
                problems.append(f"{name} {value!r} is not an RFC 3339 date-time with a time zone")
    if problems:
        findings.add("format", CheckStatus.FAIL, "; ".join(problems))
        return
    schema_status, schema_detail = _check_schemas(document, options)
    if schema_status is not CheckStatus.PASS:
        findings.add("format", schema_status, schema_detail)
        return
    findings.add("format", CheckStatus.PASS, "Blockcerts v3 credential" + schema_detail)


def _is_date_time_stamp(value: object) -> bool:
    return isinstance(value, str) and bool(_DATE_TIME_STAMP.fullmatch(value))


def _check_schemas(document: JSONObject, options: VerifyOptions) -> tuple[CheckStatus, str]:
    schemas = _list(document.get("credentialSchema"))
    if not schemas:
        return CheckStatus.PASS, ""
    subjects = _list(document.get("credentialSubject"))
    for entry in schemas:
        url = entry.get("id") if isinstance(entry, Mapping) else None
        if not isinstance(url, str):
            return CheckStatus.FAIL, "a credentialSchema entry has no id"
        try:
            schema, _fetched = fetch_json(options.fetcher, url, what="credential schema")
        except FetchError as exc:
            return CheckStatus.UNKNOWN, str(exc)
        except BadInput as exc:
            return CheckStatus.FAIL, str(exc)
        try:
            errors = [e for subject in subjects for e in _schema_errors(subject, schema, "")]
        except _UnsupportedSchema as exc:
            return CheckStatus.UNKNOWN, f"credential schema {url} uses {exc}, which is not checked"
        if errors:
            return (
                CheckStatus.FAIL,
                f"the credential does not conform with its schema {url}: {errors[0]}",
            )
    return CheckStatus.PASS, f", conforms with {len(schemas)} credential schema(s)"


class _UnsupportedSchema(Exception):
    """A JSON Schema keyword outside the subset credwallet checks."""


_IGNORED_KEYWORDS = {"$schema", "$id", "id", "title", "description", "$comment", "examples"}
_JSON_TYPES: dict[str, Callable[[object], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
}


def _schema_errors(value: object, schema: object, where: str, depth: int = 0) -> list[str]:
    """Violations of a JSON Schema subset: type, required, properties, items, enum, const."""
    if depth > 32 or not isinstance(schema, Mapping):
        raise _UnsupportedSchema("a nested or non-object schema")
    known = {"type", "required", "properties", "items", "enum", "const", "additionalProperties"}
    unknown = set(schema) - known - _IGNORED_KEYWORDS
    if unknown:
        raise _UnsupportedSchema(", ".join(sorted(unknown)))
    label = where or "the subject"
    types = schema.get("type")
    if types is not None:
        wanted = [types] if isinstance(types, str) else types
        if not isinstance(wanted, list) or not all(isinstance(t, str) for t in wanted):
            raise _UnsupportedSchema("a malformed type")
        if not any(t in _JSON_TYPES and _JSON_TYPES[t](value) for t in wanted):
            return [f"{label} is not of type {'/'.join(wanted)}"]
    if "enum" in schema:
        if not isinstance(schema["enum"], list):
            raise _UnsupportedSchema("a malformed enum")
        if value not in schema["enum"]:
            return [f"{label} is not one of the allowed values"]
    if "const" in schema and value != schema["const"]:
        return [f"{label} is not the required value"]
    errors: list[str] = []
    if isinstance(value, dict):
        for name in _list(schema.get("required")):
            if isinstance(name, str) and name not in value:
                errors.append(f"required property {name!r} is missing")
        properties = schema.get("properties", {})
        if isinstance(properties, Mapping):
            for name, sub in properties.items():
                if name in value:
                    errors.extend(_schema_errors(value[name], sub, f"{where}.{name}", depth + 1))
            if schema.get("additionalProperties") is False:
                extra = sorted(set(value) - set(properties))
                errors.extend(f"property {name!r} is not allowed" for name in extra)
    if isinstance(value, list) and isinstance(schema.get("items"), Mapping):
        for i, item in enumerate(value):
            errors.extend(_schema_errors(item, schema["items"], f"{where}[{i}]", depth + 1))
    return errors


# --- revocation --------------------------------------------------------------------------


def _check_revocation(
    document: JSONObject,
    issuer_id: str | None,
    options: VerifyOptions,
    findings: _Findings,
    *,
    version: int,
    id_: str | None,
) -> None:
    if document.get("credentialStatus"):
        status_options = replace(options, verify_embedded=_list_verifier(options))
        status = check_status(_as_credential(document), status_options)
        findings.add(REVOCATION, status.status, status.detail)
        findings.inputs.extend(status.inputs)
        return
    if issuer_id is None or not issuer_id.startswith("https://"):
        findings.add(REVOCATION, CheckStatus.SKIP, "the issuer publishes no revocation list")
        return
    try:
        profile, _fetched = fetch_json(options.fetcher, issuer_id, what="issuer profile")
    except FetchError as exc:
        findings.add(REVOCATION, CheckStatus.UNKNOWN, f"revocation not checked: {exc}")
        return
    except BadInput as exc:
        findings.add(REVOCATION, CheckStatus.FAIL, str(exc))
        return
    list_url = _str(profile.get("revocationList"))
    assertion_id = id_ or _str(document.get("id"))
    query = None
    if list_url is not None and assertion_id is not None:
        # v3 issuers expect the id percent-encoded, v2 samples pass it as is
        query = quote_assertion_id(assertion_id) if version == 3 else assertion_id
    check = check_revocation_list(
        assertion_id, list_url, options, query_id=query, issuer_id=_str(profile.get("id"))
    )
    findings.add(REVOCATION, check.status, check.detail)
    findings.inputs.extend(check.inputs)


def _list_verifier(options: VerifyOptions) -> Callable[[JSONObject], VerificationReport]:
    """Verify status lists the way Blockcerts issuers sign them (EcdsaSecp256k1Signature2019);
    anything else goes to the engine's verifier. status.py checks type, purpose and dates."""
    fallback = options.verify_embedded

    def verify(list_doc: JSONObject) -> VerificationReport:
        proofs = _proofs(list_doc)
        if fallback is not None and not (
            proofs and all(_proof_kind(p) == "secp256k1" for p in proofs)
        ):
            return fallback(list_doc)
        findings = _Findings()
        issuer_id = _issuer_id(list_doc)
        bound = False
        for index, proof in enumerate(proofs):
            covered = _with_proofs(list_doc, proofs[:index])
            vm = proof.get("verificationMethod")
            vm = vm if isinstance(vm, str) else None
            bound = _verify_secp256k1(covered, proof, vm, issuer_id, options, findings) or bound
        if not proofs:
            findings.add("proof", CheckStatus.FAIL, "the status list has no proof")
        elif not bound:
            findings.add("issuer-key", CheckStatus.FAIL, "no proof by the status list's issuer")
        return VerificationReport(
            source="status list",
            format="vc",
            checks=tuple(findings.checks()),
            checked_at=options.now,
        )

    return verify


def _as_credential(document: JSONObject) -> Credential:
    from credwallet.models import Container, CredentialFormat

    return Credential(
        format=CredentialFormat.BLOCKCERTS,
        container=Container.JSON,
        original=b"",
        document=document,
        credential_id=_str(document.get("id")),
    )


# --- presentations -----------------------------------------------------------------------


def _verify_presentation(document: JSONObject, options: VerifyOptions, findings: _Findings) -> None:
    credentials = _list(document.get("verifiableCredential"))
    if len(credentials) > _MAX_EMBEDDED:
        findings.add("format", CheckStatus.FAIL, f"more than {_MAX_EMBEDDED} credentials")
        return
    proofs = _proofs(document)
    if not proofs:
        findings.add("format", CheckStatus.FAIL, "the presentation has no proof")
    else:
        _check_format(document, proofs, options, findings)
        for index, proof in enumerate(proofs):
            _verify_proof(_with_proofs(document, proofs[:index]), proof, None, options, findings)
    holder_findings = findings.by_check.pop("issuer-key", [])
    for finding in holder_findings:  # a presentation's key is the holder's, not an issuer's
        if finding.status is CheckStatus.FAIL:
            findings.add("issuer-key", finding.status, f"presentation: {finding.detail}")
    for entry in credentials:
        if not isinstance(entry, dict):
            findings.add("format", CheckStatus.FAIL, "a presentation entry is not an object")
            continue
        _verify_embedded_credential(entry, options, findings)


def _verify_embedded_credential(
    entry: JSONObject, options: VerifyOptions, findings: _Findings
) -> None:
    from credwallet.formats.blockcerts import is_blockcerts

    label = _str(entry.get("id")) or "(no id)"
    if not is_blockcerts(entry) and options.verify_embedded is not None:
        report = options.verify_embedded(entry)
        if report.status is ReportStatus.VALID:
            findings.add("proof", CheckStatus.PASS, f"credential {label} verified")
            return
        for check in report.checks:
            if check.required and check.status in (CheckStatus.FAIL, CheckStatus.UNKNOWN):
                name = check.name if check.name in _ORDER else "proof"
                findings.add(name, check.status, f"credential {label}: {check.detail}")
        return
    # A Blockcerts credential in the presentation: the same checks, plus its validity window.
    inner = _Findings()
    _verify_document(entry, options, inner, credential_id=_str(entry.get("id")))
    for check in inner.checks():
        if check.status is not CheckStatus.SKIP:
            findings.add(check.name, check.status, f"credential {label}: {check.detail}")
        else:
            findings.add(check.name, check.status, check.detail)
    from credwallet.verify.validity import check_validity

    dates = check_validity(entry, now=options.now)
    if dates.status in (CheckStatus.FAIL, CheckStatus.UNKNOWN):
        findings.add("format", dates.status, f"credential {label}: {dates.detail}")


# --- small helpers -----------------------------------------------------------------------


def _proofs(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [p for p in _list(document.get("proof")) if isinstance(p, Mapping)]


def _with_proofs(document: JSONObject, earlier: list[Mapping[str, Any]]) -> JSONObject:
    """The document as the next proof saw it: without proofs, or with the earlier ones."""
    covered = {k: v for k, v in document.items() if k != "proof"}
    if earlier:
        covered["proof"] = [copy.deepcopy(dict(p)) for p in earlier]
    return covered


def _proof_kind(proof: Mapping[str, Any]) -> str | None:
    kind = proof.get("type")
    if kind == "MerkleProof2019":
        return "merkle"
    if kind == "DataIntegrityProof" and proof.get("cryptosuite") == "merkle-proof-2019":
        return "merkle"
    if kind == "ChainedProof2021" and proof.get("chainedProofType") == "MerkleProof2019":
        return "merkle"
    if kind == "EcdsaSecp256k1Signature2019":
        return "secp256k1"
    return None


def _is_v1(document: Mapping[str, Any]) -> bool:
    """Blockcerts 1.1/1.2: a ``receipt`` beside the certificate, or the v1 context."""
    contexts = document.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    v1_context = any(
        isinstance(c, str) and ("blockcerts/v1" in c or "/schema/1." in c) for c in contexts
    )
    return "proof" not in document and (v1_context or isinstance(document.get("receipt"), dict))


def _is_presentation(document: Mapping[str, Any]) -> bool:
    return "VerifiablePresentation" in _list(document.get("type"))


def _issuer_id(document: Mapping[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def _v2_issuer_id(document: Mapping[str, Any]) -> str | None:
    badge = document.get("badge")
    if isinstance(badge, Mapping):
        return _issuer_id(badge)
    return None


def _has_finding(findings: _Findings, name: str, status: CheckStatus) -> bool:
    return any(f.status is status for f in findings.by_check.get(name, []))


def _list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
