"""Bytes -> Credential: find the container (PNG, SVG, JWS, JSON), unwrap it, normalise the content.

Pure functions over bytes; nothing here opens a file or a connection. A hosted OB 2.0 badge baked
as a bare URL becomes a Credential that only knows its URL; the verifier fetches the rest.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from credwallet.errors import BadInput, LimitExceeded, NotACredential
from credwallet.formats import _values as v
from credwallet.formats import blockcerts, edc, edc_xml, enveloped, ob2, png, sdjwt, svg, vc
from credwallet.formats.jose import decode_compact_jws, looks_like_compact_jws
from credwallet.formats.jsonutil import loads_strict
from credwallet.formats.limits import MAX_CREDENTIALS_PER_INPUT, MAX_INPUT_BYTES
from credwallet.models import Container, Credential, CredentialFormat, JSONObject

__all__ = ["BAKING_KEYWORDS", "parse", "parse_all", "parse_enveloped", "sniff"]

BAKING_KEYWORDS = ("openbadges", "openbadgecredential")
_WHITESPACE = b" \t\r\n"
_OTHER_FILE_TYPES = (
    (b"\xff\xd8\xff", "a JPEG image (only PNG and SVG badges carry credentials)"),
    (b"GIF8", "a GIF image (only PNG and SVG badges carry credentials)"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b", "a gzip file"),
)


def sniff(data: bytes) -> Container:
    """Which container the bytes are, from their first bytes alone."""
    if not data:
        raise NotACredential("not a credential: the input is empty")
    if data.startswith(png.PNG_SIGNATURE):
        return Container.PNG
    for magic, description in _OTHER_FILE_TYPES:
        if data.startswith(magic):
            raise NotACredential(f"not a credential: {description}")
    head = data.removeprefix(b"\xef\xbb\xbf").lstrip(_WHITESPACE)[:1]
    if head == b"<":
        return Container.SVG
    if head in (b"{", b"[", b'"'):
        return Container.JSON
    if _is_jws_text(data):
        return Container.JWT
    if not head:
        raise NotACredential("not a credential: the input is only whitespace")
    raise NotACredential("not a credential: the input is not JSON, a JWS, a PNG or an SVG")


def _is_jws_text(data: bytes) -> bool:
    try:
        text = data.decode("ascii").strip()
    except UnicodeDecodeError:
        return False
    return looks_like_compact_jws(text) or sdjwt.looks_like_sd_jwt(text)


def parse(data: bytes, *, name: str | None = None) -> Credential:
    """Exactly one credential; BadInput for anything else (a presentation of two, a bad file)."""
    credentials = parse_all(data, name=name)
    if len(credentials) != 1:
        message = f"the input holds {len(credentials)} credentials; expected exactly one"
        raise BadInput(f"{name}: {message}" if name else message)
    return credentials[0]


def parse_all(data: bytes, *, name: str | None = None) -> list[Credential]:
    """Every credential in the input: one, a JSON array of them, or a presentation's list.

    ``name`` (a file name or URL) only prefixes error messages, so the user knows which input of a
    batch was refused.
    """
    try:
        return _parse_all(bytes(data))
    except BadInput as exc:
        if name:
            raise type(exc)(f"{name}: {exc.message}") from None
        raise


def _parse_all(data: bytes) -> list[Credential]:
    if len(data) > MAX_INPUT_BYTES:
        raise LimitExceeded(f"input of {len(data)} bytes exceeds the {MAX_INPUT_BYTES}-byte limit")
    container = sniff(data)
    if container is Container.PNG:
        return _from_payload(_png_payload(data), container=container, original=data)
    if container is Container.SVG and edc_xml.is_edc_xml(data):
        return [edc_xml.from_edc_xml(data)]
    if container is Container.SVG:
        return _from_payload(_svg_payload(data), container=container, original=data)
    if container is Container.JWT and b"~" in data:
        return [sdjwt.from_sd_jwt(data.decode("ascii").strip(), original=data)]
    if container is Container.JWT:
        return _from_jws(data.decode("ascii").strip(), container=container, original=data)
    return _from_json_value(loads_strict(data), container=container, original=data)


def _png_payload(data: bytes) -> str:
    # Counted before anything is inflated: a second baked chunk is an error whatever it holds.
    baked = png.keyword_chunks(png.read_chunks(data), BAKING_KEYWORDS)
    if not baked:
        raise NotACredential("not a credential: PNG has no openbadges text chunk (not baked)")
    if len(baked) > 1:
        raise BadInput(f"PNG holds {len(baked)} openbadges text chunks; expected one")
    (text,) = png.text_chunks(baked, BAKING_KEYWORDS)
    return text.text


def _svg_payload(data: bytes) -> str:
    baked = svg.extract(data)
    # OB 2.0 signed badges put the JWS in the verify attribute; hosted ones put the URL there.
    if baked.verify and looks_like_compact_jws(baked.verify):
        return baked.verify
    if baked.content:
        return baked.content
    if baked.verify and v.is_https_url(baked.verify):
        return baked.verify
    if baked.verify:
        raise BadInput(
            "SVG openbadges:assertion has no embedded assertion and its verify URL is not https"
        )
    raise BadInput("SVG openbadges element is empty: no assertion, JWS or URL")


def _from_payload(payload: str, *, container: Container, original: bytes) -> list[Credential]:
    """A baked payload: JSON, a compact JWS, or (hosted OB 2.0) the assertion's https URL."""
    text = payload.strip()
    if text.startswith(("{", "[")):
        return _from_json_value(loads_strict(text), container=container, original=original)
    if looks_like_compact_jws(text):
        return _from_jws(text, container=container, original=original)
    if v.is_http_url(text) and not any(c.isspace() for c in text):
        if not v.is_https_url(text):
            raise BadInput("baked hosted-assertion URL is not https; it cannot be fetched safely")
        return [ob2.hosted_reference(text, container=container, original=original)]
    raise NotACredential("not a credential: baked payload is not JSON, a JWS or an https URL")


def _from_json_value(value: Any, *, container: Container, original: bytes) -> list[Credential]:
    if isinstance(value, str):
        if looks_like_compact_jws(value.strip()):
            return _from_jws(value.strip(), container=Container.JWT, original=original)
        raise NotACredential("not a credential: JSON string that is not a JWS")
    if isinstance(value, list):
        return _from_entries(value, container=container, what="JSON array")
    if not isinstance(value, dict):
        raise NotACredential(f"not a credential: JSON {type(value).__name__} instead of an object")
    if vc.is_presentation(value):
        return _from_presentation(value, container=container)
    if edc.is_jades(value):  # a Europass credential sealed with JAdES
        return [edc.from_jades(value, original=original)]
    return [_from_document(value, container=container, original=original)]


def _from_presentation(document: JSONObject, *, container: Container) -> list[Credential]:
    """The presentation's credentials; a presentation of none (holder proof only) gives []."""
    entries = v.items(document.get("verifiableCredential"))
    if not entries:
        return []
    return _from_entries(entries, container=container, what="presentation")


def _from_entries(entries: list[Any], *, container: Container, what: str) -> list[Credential]:
    """Credentials embedded in an array or presentation: objects or compact JWS strings."""
    if not entries:
        raise NotACredential(f"not a credential: the {what} holds no credentials")
    if len(entries) > MAX_CREDENTIALS_PER_INPUT:
        raise LimitExceeded(
            f"the {what} holds {len(entries)} entries; at most {MAX_CREDENTIALS_PER_INPUT}"
        )
    result: list[Credential] = []
    for index, entry in enumerate(entries):
        try:
            result.extend(_from_entry(entry, container=container))
        except BadInput as exc:
            raise type(exc)(f"{what} entry {index}: {exc.message}") from None
    return result


def _from_entry(entry: Any, *, container: Container) -> list[Credential]:
    if isinstance(entry, str) and looks_like_compact_jws(entry.strip()):
        token = entry.strip()
        return _from_jws(token, container=Container.JWT, original=token.encode("ascii"))
    if enveloped.is_enveloped(entry):
        return [_from_enveloped(entry)]
    if isinstance(entry, dict) and not vc.is_presentation(entry):
        # An embedded credential has no bytes of its own: keep a compact UTF-8 serialisation.
        original = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return [_from_document(entry, container=container, original=original)]
    raise NotACredential("not a credential: expected a credential object or a compact JWS")


def _from_enveloped(entry: Any) -> Credential:
    """For import: an enveloped credential this build cannot read is not a credential."""
    try:
        return parse_enveloped(entry)
    except enveloped.UnsupportedEnvelope as exc:
        raise NotACredential(f"not a credential this build reads: {exc.message}") from None


def parse_enveloped(entry: Any) -> Credential:
    """The VC-JWT or SD-JWT VC an EnvelopedVerifiableCredential carries (VC 2.0 section 4.13),
    parsed as the stand-alone credential. Raises BadInput when the data is not the credential
    its media type promises, UnsupportedEnvelope for a mechanism this build cannot read."""
    media_type, token = enveloped.enveloped_data(entry)
    credential = parse(token.encode("ascii"))
    if media_type == enveloped.SD_JWT_MEDIA_TYPE:
        # The issued form is what the credential's issuer signed, disclosures included; a key
        # binding JWT at the end (if the holder added one) is not part of it.
        issued = token[: token.rindex("~") + 1]
        if credential.format is not CredentialFormat.SD_JWT_VC or credential.jws != issued:
            raise BadInput("the enveloped SD-JWT is not an SD-JWT VC")
        return credential
    if credential.format is not CredentialFormat.VC_JWT or credential.jws != token:
        # The media type promises a credential secured by this very JWT; an OB 2.0 signed
        # assertion, or a presentation JWT wrapping some other credential, is not that.
        raise BadInput("the enveloped JWT does not secure a Verifiable Credential itself")
    return credential


def _from_document(document: JSONObject, *, container: Container, original: bytes) -> Credential:
    if blockcerts.is_blockcerts(document):
        if blockcerts.is_v2(document) or not vc.is_credential(document):
            return ob2.from_assertion(
                document,
                container=container,
                original=original,
                credential_format=CredentialFormat.BLOCKCERTS,
            )
        return vc.from_credential(
            document,
            container=container,
            original=original,
            credential_format=CredentialFormat.BLOCKCERTS,
        )
    if vc.is_credential(document):
        if edc.is_edc(document):
            return edc.from_edc(document, container=container, original=original)
        return vc.from_credential(document, container=container, original=original)
    if ob2.is_assertion(document):
        return ob2.from_assertion(document, container=container, original=original)
    raise NotACredential("not a credential: JSON object without a recognised @context/type")


def _from_jws(token: str, *, container: Container, original: bytes) -> list[Credential]:
    jws = decode_compact_jws(token)
    claims = jws.payload
    if isinstance(claims.get("vp"), dict):  # VP-JWT (VC 1.1)
        return _from_presentation(claims["vp"], container=Container.JWT)
    if vc.is_presentation(claims):  # VC 2.0 JOSE-secured presentation
        return _from_presentation(claims, container=Container.JWT)
    if isinstance(claims.get("vc"), dict):  # VC-JWT (VC 1.1): the credential is the vc claim
        merged = _merge_vc11_claims(claims)
        credential = vc.from_credential(
            merged,
            container=container,
            original=original,
            credential_format=CredentialFormat.VC_JWT,
            jws=jws.token,
        )
        return [replace(credential, document=claims)]
    if vc.is_credential(claims):  # VC 2.0 JOSE: the payload is the credential
        return [
            vc.from_credential(
                claims,
                container=container,
                original=original,
                credential_format=CredentialFormat.VC_JWT,
                jws=jws.token,
            )
        ]
    if ob2.is_assertion(claims):  # OB 2.0 signed assertion
        return [ob2.from_assertion(claims, container=container, original=original, jws=jws.token)]
    raise NotACredential("not a credential: JWS payload is not a VC, a VP or an OB 2.0 assertion")


def _merge_vc11_claims(claims: JSONObject) -> JSONObject:
    """The credential a VC 1.1 JWT describes: the ``vc`` claim with iss/sub/jti/nbf/exp applied.

    VC Data Model 1.1 section 6.3.1: the registered claims stand for issuer, credentialSubject.id,
    id, issuanceDate and expirationDate, and take precedence over the same properties in ``vc``.
    """
    merged: JSONObject = dict(claims["vc"])
    issuer = claims.get("iss")
    if isinstance(issuer, str):
        existing = merged.get("issuer")
        merged["issuer"] = {**existing, "id": issuer} if isinstance(existing, dict) else issuer
    subject = claims.get("sub")
    if isinstance(subject, str):
        current = merged.get("credentialSubject")
        if isinstance(current, dict):
            merged["credentialSubject"] = {**current, "id": subject}
        elif current is None:
            merged["credentialSubject"] = {"id": subject}
    if isinstance(claims.get("jti"), str):
        merged["id"] = claims["jti"]
    for claim, prop in (("nbf", "issuanceDate"), ("exp", "expirationDate")):
        stamp = _numeric_date(claims.get(claim))
        if stamp is not None:
            merged[prop] = stamp
    return merged


def _numeric_date(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        moment = datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.isoformat().replace("+00:00", "Z")
