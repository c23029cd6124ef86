"""Verify an SD-JWT VC: the issuer's signature and key, validity, IETF Token Status List.

The issuer key comes from, in order: a DID ``iss`` (the ``kid`` resolved in its DID document),
or an https ``iss`` whose JWT VC Issuer Metadata (``/.well-known/jwt-vc-issuer``) publishes its
keys (``jwks`` or ``jwks_uri``) and names that same issuer. A key is never taken from the
token's own header. Disclosure digests were checked when the SD-JWT was read
(:mod:`credwallet.formats.sdjwt`), so every claim shown is one the issuer signed.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from credwallet.errors import BadInput, CredwalletError, FetchError, VerificationIncomplete
from credwallet.formats.jose import CompactJws, decode_compact_jws
from credwallet.formats.jsonutil import loads_strict
from credwallet.formats.sdjwt import decode_sd_jwt
from credwallet.models import Check, CheckStatus, Credential
from credwallet.verify import validity
from credwallet.verify.jwt import verify_jws_signature
from credwallet.verify.keys import PublicKey, jwk_to_public_key, resolve_verification_method

if TYPE_CHECKING:
    from credwallet.verify.engine import VerifyOptions

__all__ = ["issuer_key", "status_value", "verify_sd_jwt_vc"]

_ALGS = frozenset({"EdDSA", "ES256", "ES384", "RS256", "PS256"})
_STATUS_NAMES = {0: "valid", 1: "invalid (revoked)", 2: "suspended"}
_MAX_STATUS_LIST = 16 * 1024 * 1024


def _well_known(issuer: str) -> str:
    parts = urlsplit(issuer)
    return f"{parts.scheme}://{parts.netloc}/.well-known/jwt-vc-issuer{parts.path.rstrip('/')}"


def _json(fetcher: Any, url: str, what: str) -> dict[str, Any]:
    fetched = fetcher.fetch(url, accept="application/json")
    value = loads_strict(fetched.body)
    if not isinstance(value, dict):
        raise BadInput(f"{what} at {url} is not a JSON object")
    return value


def issuer_key(jws: CompactJws, issuer: str, options: VerifyOptions) -> tuple[PublicKey, str]:
    """(key, where it came from) for a JWS the issuer ``issuer`` signed.

    Raises BadInput when the issuer publishes no such key, FetchError when it cannot be asked.
    """
    kid = jws.header.get("kid")
    if "x5c" in jws.header and not issuer.startswith("did:"):
        return _x5c_key(jws.header["x5c"], issuer)
    if issuer.startswith("did:"):
        if not isinstance(kid, str) or not kid:
            if issuer.startswith(("did:key:", "did:jwk:")):
                kid = issuer
            else:
                raise BadInput("the SD-JWT names no kid in its issuer's DID document")
        vm = issuer + kid if kid.startswith("#") else kid
        if vm.split("#", 1)[0] != issuer:
            raise BadInput(f"kid {vm} is not a key of the issuer {issuer}")
        resolved = resolve_verification_method(vm, fetcher=options.fetcher)
        if resolved.purposes is not None and "assertionMethod" not in resolved.purposes:
            raise BadInput(f"{vm} is not listed under assertionMethod of {issuer}")
        return resolved.key, f"{vm} ({resolved.source})"
    if not issuer.startswith(("https://", "http://")):
        # A urn:uuid (or any URI that is neither a DID nor a web address) publishes no keys:
        # the signature cannot be tied to it, as for every other format (engine._binding).
        raise VerificationIncomplete(
            f"the issuer {issuer} is neither a DID nor an https URL: no key of theirs can be "
            "found, so nothing ties the signature to them"
        )
    if options.fetcher is None:
        raise FetchError(f"the keys of {issuer} are published online and no fetching is allowed")
    url = _well_known(issuer)
    metadata = _json(options.fetcher, url, "JWT VC Issuer Metadata")
    if metadata.get("issuer") != issuer:
        raise BadInput(f"the JWT VC Issuer Metadata at {url} names another issuer")
    jwks = metadata.get("jwks")
    if jwks is None and isinstance(metadata.get("jwks_uri"), str):
        url = metadata["jwks_uri"]
        jwks = _json(options.fetcher, url, "JWK set")
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list):
        raise BadInput(f"the issuer metadata at {url} publishes no keys")
    candidates = [k for k in keys if isinstance(k, dict) and (kid is None or k.get("kid") == kid)]
    if len(candidates) != 1:
        raise BadInput(f"the issuer {issuer} publishes no single key with kid {kid!r}")
    return jwk_to_public_key(candidates[0]), f"kid {kid} published at {url}"


def _x5c_key(chain: Any, issuer: str) -> tuple[PublicKey, str]:
    import base64
    import binascii

    from credwallet import _crypto

    if not isinstance(chain, list) or not chain or not isinstance(chain[0], str):
        raise BadInput("the SD-JWT's x5c is not a list of certificates")
    try:
        key, names = _crypto.x509_leaf(base64.b64decode(chain[0], validate=True))
    except (ValueError, binascii.Error):
        raise BadInput("the SD-JWT's x5c does not hold a usable certificate") from None
    host = urlsplit(issuer).hostname or ""
    if issuer not in names and host not in names:
        raise BadInput(f"the x5c certificate is not issued to {issuer} (subjectAltName)")
    return key, f"the x5c certificate for {host}"


def _proof(jws: CompactJws, issuer: str, options: VerifyOptions) -> tuple[Check, Check]:
    alg = jws.alg
    inputs = (("alg", str(alg)), ("issuer", issuer))
    if alg not in _ALGS:
        fail = Check("proof", CheckStatus.FAIL, f"alg {alg!r} is not accepted", inputs)
        return fail, Check("issuer-key", CheckStatus.SKIP, "no acceptable signature")
    try:
        key, source = issuer_key(jws, issuer, options)
    except VerificationIncomplete as exc:
        unknown = Check("proof", CheckStatus.UNKNOWN, exc.message, inputs)
        return unknown, Check("issuer-key", CheckStatus.UNKNOWN, exc.message, inputs)
    except CredwalletError as exc:
        failed = Check("issuer-key", CheckStatus.FAIL, exc.message, inputs)
        return Check("proof", CheckStatus.FAIL, exc.message, inputs), failed
    if not verify_jws_signature(jws.signing_input, jws.signature, str(alg), key):
        detail = "signature does not match: the SD-JWT was changed, or signed by another key"
        return Check("proof", CheckStatus.FAIL, detail, inputs), Check(
            "issuer-key", CheckStatus.SKIP, "the signature does not verify"
        )
    if source.startswith("the x5c certificate"):
        # The certificate names the issuer, but credwallet holds no trust list (EU trusted
        # lists, IACA roots) to anchor its chain in: the key is not proven the issuer's.
        return (
            Check("proof", CheckStatus.PASS, f"{alg} signature verifies with {source}", inputs),
            Check(
                "issuer-key",
                CheckStatus.UNKNOWN,
                f"{source} names the issuer, but its chain is not checked against a trust list",
                inputs,
            ),
        )
    return (
        Check("proof", CheckStatus.PASS, f"{alg} signature verifies with {source}", inputs),
        Check("issuer-key", CheckStatus.PASS, f"the key is the issuer's: {source}", inputs),
    )


def status_value(token: str, *, uri: str, index: int) -> int:
    """The status at ``index`` of a Status List Token (``statuslist+jwt``) for ``uri``."""
    jws = decode_compact_jws(token)
    if jws.header.get("typ") != "statuslist+jwt":
        raise BadInput("the status list is not a statuslist+jwt token")
    if jws.payload.get("sub") != uri:
        raise BadInput("the status list token is for another URI")
    status_list = jws.payload.get("status_list")
    if not isinstance(status_list, Mapping):
        raise BadInput("the status list token has no status_list")
    bits = status_list.get("bits")
    if bits not in (1, 2, 4, 8):
        raise BadInput("the status list's bits must be 1, 2, 4 or 8")
    from credwallet.formats.jose import b64url_decode

    compressed = b64url_decode(str(status_list.get("lst", "")), what="status list")
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(compressed, _MAX_STATUS_LIST)
    except zlib.error:
        raise BadInput("the status list is not zlib-compressed data") from None
    if inflater.unconsumed_tail:
        raise BadInput("the status list is too large")
    position = index * bits
    if position // 8 >= len(data):
        raise BadInput(f"the status index {index} is beyond the list")
    return int((data[position // 8] >> (position % 8)) & ((1 << int(bits)) - 1))


def _status(claims: Mapping[str, Any], issuer: str, options: VerifyOptions) -> Check:
    status = claims.get("status")
    if status is None:
        return Check("revocation", CheckStatus.SKIP, "the credential names no status list")
    entry = status.get("status_list") if isinstance(status, Mapping) else None
    if not isinstance(entry, Mapping):
        return Check("revocation", CheckStatus.SKIP, "no IETF Token Status List entry")
    uri, index = entry.get("uri"), entry.get("idx")
    if not isinstance(uri, str) or isinstance(index, bool) or not isinstance(index, int):
        return Check("revocation", CheckStatus.FAIL, "the status_list entry is malformed")
    inputs = (("status list", uri), ("index", str(index)))
    if options.fetcher is None:
        return Check("revocation", CheckStatus.UNKNOWN, f"{uri} was not fetched", inputs)
    try:
        fetched = options.fetcher.fetch(uri, accept="application/statuslist+jwt")
        token = fetched.body.decode("ascii").strip()
        jws = decode_compact_jws(token)
        key, _source = issuer_key(jws, issuer, options)
        if not verify_jws_signature(jws.signing_input, jws.signature, str(jws.alg), key):
            return Check(
                "revocation",
                CheckStatus.FAIL,
                "the status list is not signed by the issuer",
                inputs,
            )
        value = status_value(token, uri=uri, index=index)
    except VerificationIncomplete as exc:
        return Check("revocation", CheckStatus.UNKNOWN, exc.message, inputs)
    except (CredwalletError, UnicodeDecodeError) as exc:
        reason = exc.message if isinstance(exc, CredwalletError) else "not a token"
        return Check("revocation", CheckStatus.UNKNOWN, f"status list unusable: {reason}", inputs)
    name = _STATUS_NAMES.get(value, f"status {value:#x}")
    outcome = CheckStatus.PASS if value == 0 else CheckStatus.FAIL
    return Check("revocation", outcome, f"the issuer's status list says: {name}", inputs)


def _type_metadata_name(vct: Any, options: VerifyOptions) -> str | None:
    """Fetch (and so cache) the type's metadata when ``vct`` is a URL; never fails a check."""
    from credwallet.formats.sdjwt import type_name

    if not isinstance(vct, str) or not vct.startswith(("https://", "http://")):
        return None
    if options.fetcher is None:
        return None
    try:
        return type_name(_json(options.fetcher, vct, "type metadata"))
    except CredwalletError:
        return None


def verify_sd_jwt_vc(credential: Credential, options: VerifyOptions) -> list[Check]:
    """format, proof, issuer-key, validity and revocation checks of one SD-JWT VC."""
    try:
        sd = decode_sd_jwt(credential.jws or credential.original.decode("ascii"))
    except (CredwalletError, UnicodeDecodeError) as exc:
        reason = exc.message if isinstance(exc, CredwalletError) else "not ASCII"
        return [Check("format", CheckStatus.FAIL, reason)]
    claims = sd.claims
    issuer = str(claims.get("iss", ""))
    disclosed = len(sd.disclosures)
    fmt = Check(
        "format",
        CheckStatus.PASS,
        f"SD-JWT VC of type {claims.get('vct')}; {disclosed} disclosures, every digest matched",
    )
    type_name = _type_metadata_name(claims.get("vct"), options)
    if type_name:
        fmt = Check("format", CheckStatus.PASS, f"{fmt.detail}; the type is named {type_name!r}")
    proof, key = _proof(sd.issuer_jws, issuer, options)
    dates = validity.check_validity({}, now=options.now, jwt_claims=claims)
    if proof.status is CheckStatus.FAIL:
        revocation = Check("revocation", CheckStatus.SKIP, "not checked: the proof failed")
    else:
        revocation = _status(claims, issuer, options)
    return [fmt, proof, key, dates, revocation]
