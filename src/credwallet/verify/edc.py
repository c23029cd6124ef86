"""Europass Digital Credentials: the JAdES seal.

What is checked: the JWS signature (RS256/ES256/... over ``ASCII(protected) || "." || payload``,
the payload unencoded as ``b64: false`` says) with the key of the first ``x5c`` certificate, and
that certificate against the header's ``x5t#S256``. What is not: whether the sealing certificate
is a qualified eIDAS seal of the issuer on the EU trusted lists (no trust list is loaded into
credwallet, so that step is ``unknown``), and the JAdES timestamps and revocation values in the
unprotected header. An EDC without a seal has no proof at all.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import TYPE_CHECKING

from credwallet import _crypto
from credwallet.errors import BadInput
from credwallet.formats import edc
from credwallet.formats.jose import b64url_decode
from credwallet.formats.jsonutil import loads_strict
from credwallet.models import Check, CheckStatus, Container, Credential

if TYPE_CHECKING:
    from credwallet.verify.engine import VerifyOptions

__all__ = ["verify_edc"]

_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "ES256", "ES384"})
TRUST_LIST_UNKNOWN = (
    "the seal certificate was not checked against the EU trusted lists (eIDAS): no trust list "
    "is loaded"
)


def verify_edc(credential: Credential, options: VerifyOptions) -> list[Check]:
    from credwallet.verify import status

    if credential.container is Container.XML:
        return _verify_xades(credential)
    try:
        value = loads_strict(credential.original)
    except BadInput:
        value = None
    if not edc.is_jades(value):
        return [
            Check("format", CheckStatus.PASS, "Europass Digital Credential (ELM 3), not sealed"),
            Check("proof", CheckStatus.FAIL, "the credential carries no seal (no JAdES signature)"),
            Check("issuer-key", CheckStatus.SKIP, "no seal, so no sealing certificate"),
        ]
    assert isinstance(value, dict)
    try:
        seal = edc.read_jades(value)
        proof, key = _check_seal(seal)
    except BadInput as exc:
        proof = Check("proof", CheckStatus.FAIL, f"the seal is unreadable: {exc.message}")
        key = Check("issuer-key", CheckStatus.SKIP, "the seal is unreadable")
    fmt = Check("format", CheckStatus.PASS, "Europass Digital Credential (ELM 3) sealed with JAdES")
    checks = [fmt, proof, key]
    try:
        checks.append(status.check_status(credential, options))
    except BadInput as exc:
        checks.append(Check("revocation", CheckStatus.FAIL, exc.message))
    return checks


def _check_seal(seal: edc.JadesSeal) -> tuple[Check, Check]:
    header = seal.header
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in _ALGORITHMS:
        fail = Check("proof", CheckStatus.FAIL, f"seal algorithm {alg!r} is not accepted")
        return fail, Check("issuer-key", CheckStatus.SKIP, "no acceptable seal")
    chain = header.get("x5c")
    if not isinstance(chain, list) or not chain or not isinstance(chain[0], str):
        fail = Check("proof", CheckStatus.FAIL, "the seal names no certificate (x5c)")
        return fail, Check("issuer-key", CheckStatus.FAIL, "no sealing certificate")
    try:
        der = base64.b64decode(chain[0], validate=True)
        public, _names = _crypto.x509_leaf(der)
    except (binascii.Error, ValueError):
        fail = Check("proof", CheckStatus.FAIL, "the seal's certificate is not readable")
        return fail, Check("issuer-key", CheckStatus.FAIL, "unreadable sealing certificate")
    unencoded = header.get("b64") is False
    payload = seal.payload.encode("utf-8")
    signing_input = seal.protected.encode("ascii") + b"." + payload
    signature = b64url_decode(seal.signature, what="JAdES signature")
    inputs = (
        ("algorithm", alg),
        ("payload", "unencoded (b64: false)" if unencoded else "base64url"),
        ("certificate sha-256", hashlib.sha256(der).hexdigest()),
    )
    if not _crypto.verify_signature(public, alg, signature, signing_input):
        fail = Check(
            "proof",
            CheckStatus.FAIL,
            "the seal does not verify: the credential or its seal was changed after sealing",
            inputs,
        )
        return fail, Check("issuer-key", CheckStatus.SKIP, "the seal does not verify")
    proof = Check("proof", CheckStatus.PASS, f"{alg} seal verified with its certificate", inputs)
    thumbprint = header.get("x5t#S256")
    if isinstance(thumbprint, str):
        actual = base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()
        if thumbprint != actual:
            return proof, Check(
                "issuer-key",
                CheckStatus.FAIL,
                "the seal's certificate is not the one its x5t#S256 names",
                inputs,
            )
    return proof, Check("issuer-key", CheckStatus.UNKNOWN, TRUST_LIST_UNKNOWN, inputs)


def _verify_xades(credential: Credential) -> list[Check]:
    """An ELM 2 XML credential: its enveloped XAdES seal, reference by reference."""
    from credwallet.formats import edc_xml

    fmt = Check("format", CheckStatus.PASS, "Europass credential (ELM 2 XML)")
    try:
        parts = edc_xml.seal_parts(credential.original)
    except BadInput as exc:
        return [
            fmt,
            Check("proof", CheckStatus.FAIL, f"the seal is unreadable: {exc.message}"),
            Check("issuer-key", CheckStatus.SKIP, "the seal is unreadable"),
        ]
    if not parts.sealed:
        return [
            fmt,
            Check("proof", CheckStatus.FAIL, "the credential carries no seal (no XAdES signature)"),
            Check("issuer-key", CheckStatus.SKIP, "no seal, so no sealing certificate"),
        ]
    if parts.unsupported is not None:
        reason = f"the XAdES seal was not checked: {parts.unsupported}"
        return [
            fmt,
            Check("proof", CheckStatus.UNKNOWN, reason),
            Check("issuer-key", CheckStatus.UNKNOWN, TRUST_LIST_UNKNOWN),
        ]
    inputs = [("certificate sha-256", hashlib.sha256(parts.certificate).hexdigest())]
    for uri, hash_name, expected, canonical in parts.references:
        actual = hashlib.new(hash_name, canonical).digest()
        inputs.append(
            (f"reference {uri or '(document)'}", "matches" if actual == expected else "differs")
        )
        if actual != expected:
            what = "the credential" if uri == "" else "the seal's signed properties"
            return [
                fmt,
                Check(
                    "proof",
                    CheckStatus.FAIL,
                    f"the seal does not verify: {what} changed after sealing",
                    tuple(inputs),
                ),
                Check("issuer-key", CheckStatus.SKIP, "the seal does not verify"),
            ]
    try:
        public, _names = _crypto.x509_leaf(parts.certificate)
    except ValueError:
        return [
            fmt,
            Check("proof", CheckStatus.FAIL, "the seal's certificate is not readable"),
            Check("issuer-key", CheckStatus.FAIL, "unreadable sealing certificate"),
        ]
    if not _crypto.verify_signature(public, parts.algorithm, parts.signature, parts.signed_info):
        return [
            fmt,
            Check(
                "proof",
                CheckStatus.FAIL,
                "the seal does not verify: its SignatureValue does not match SignedInfo",
                tuple(inputs),
            ),
            Check("issuer-key", CheckStatus.SKIP, "the seal does not verify"),
        ]
    return [
        fmt,
        Check(
            "proof",
            CheckStatus.PASS,
            f"XAdES seal verified ({len(parts.references)} references, exclusive C14N, "
            f"{parts.algorithm}); timestamps and revocation values in it were not checked",
            tuple(inputs),
        ),
        Check("issuer-key", CheckStatus.UNKNOWN, TRUST_LIST_UNKNOWN, tuple(inputs)),
    ]
