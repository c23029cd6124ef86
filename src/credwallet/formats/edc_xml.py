"""Europass credentials of the first generation (EDCI 1.x, "ELM 2"): XML sealed with XAdES.

Root ``<europassCredential xmlns="http://data.europa.eu/snb">`` or a presentation
``<vp:verifiablePresentation>`` wrapping one. Shown: the credential's ``title``, the issuer's
``legalName``, ``issued``/``validFrom`` and the learning achievements' titles. The XAdES seal
is enveloped: references to the whole document with the signature taken out (XPath-Filter-2
``subtract /descendant::ds:Signature``, the XPath ``not(ancestor-or-self::ds:Signature)`` or
the enveloped-signature transform) and to the SignedProperties, all under exclusive XML
canonicalisation. The standard library's ``xml.etree.ElementTree.canonicalize`` implements
C14N 2.0, not exclusive C14N 1.0, so lxml (already a dependency of PyLD) canonicalises.

The bytes are first parsed with defusedxml (no DTDs, no entities), then by lxml with entity
resolution and network access off. Pure functions: no I/O.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from credwallet.errors import BadInput
from credwallet.formats.dates import parse_datetime
from credwallet.models import (
    Achievement,
    Alignment,
    Container,
    Credential,
    CredentialFormat,
    Party,
)

__all__ = ["SealParts", "from_edc_xml", "is_edc_xml", "seal_parts"]

SNB = "http://data.europa.eu/snb"
DS = "http://www.w3.org/2000/09/xmldsig#"
CRED = "http://data.europa.eu/europass/model/credentials/w3c#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
_FILTER2 = "http://www.w3.org/2002/06/xmldsig-filter2"
_XPATH = "http://www.w3.org/TR/1999/REC-xpath-19991116"
_ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
_DIGESTS = {"http://www.w3.org/2001/04/xmlenc#sha256": "sha256"}
_SIGNATURES = {"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": "RS256"}


def is_edc_xml(data: bytes) -> bool:
    head = data[:4096]
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and SNB.encode() in head


def _safe_tree(data: bytes) -> Any:
    from defusedxml import ElementTree as SafeTree
    from defusedxml.common import DefusedXmlException

    try:
        return SafeTree.fromstring(data)
    except (SafeTree.ParseError, DefusedXmlException, ValueError) as exc:
        raise BadInput(f"Europass XML credential: not readable XML ({exc})") from None


def _text(element: Any) -> str | None:
    """The English text of a multilingual ``<x><text lang=..>`` element, else the first."""
    if element is None:
        return None
    texts = element.findall(f"{{{SNB}}}text")
    for text in texts:
        if text.get("lang") == "en" and text.text:
            return " ".join(text.text.split())
    for text in texts:
        if text.text:
            return " ".join(text.text.split())
    return " ".join(element.text.split()) if element.text and element.text.strip() else None


def from_edc_xml(data: bytes) -> Credential:
    root = _safe_tree(data)
    credential = root if root.tag == f"{{{SNB}}}europassCredential" else None
    if credential is None:
        credential = root.find(f".//{{{SNB}}}europassCredential")
    if credential is None:
        raise BadInput("Europass XML: no europassCredential element")
    identifier = credential.get(f"{{{CRED}}}id") or credential.get("id")
    title = _text(credential.find(f"{{{SNB}}}title"))
    issuer_name = None
    for element in root.iter(f"{{{SNB}}}legalName"):
        issuer_name = _text(element)
        if issuer_name:
            break
    achievements = tuple(
        Alignment(target_name=name, target_type="LearningAchievement")
        for element in credential.iter(f"{{{SNB}}}learningAchievement")
        if (name := _text(element.find(f"{{{SNB}}}title")))
    )
    issued = (credential.findtext(f"{{{CRED}}}issued") or "").strip() or None
    valid_from = (credential.findtext(f"{{{CRED}}}validFrom") or "").strip() or None
    valid_until = (credential.findtext(f"{{{CRED}}}expirationDate") or "").strip() or None
    document: dict[str, Any] = {"id": identifier, "type": ["EuropassCredential"], "title": title}
    for key, value in (("issued", issued), ("validFrom", valid_from), ("validUntil", valid_until)):
        if value:
            document[key] = value
    return Credential(
        format=CredentialFormat.EDC,
        container=Container.XML,
        original=data,
        document=document,
        credential_id=identifier,
        name=title,
        issuer=Party(name=issuer_name),
        achievement=Achievement(name=title, alignments=achievements),
        issued=parse_datetime(issued),
        valid_from=parse_datetime(valid_from),
        valid_until=parse_datetime(valid_until),
        types=("EuropassCredential",),
    )


@dataclass(frozen=True, slots=True)
class SealParts:
    """What a verifier needs: each reference's expected and actual digest input, the canonical
    SignedInfo, the signature value and the certificate. ``unsupported`` says what could not be
    followed (then nothing else is meaningful)."""

    references: tuple[tuple[str, str, bytes, bytes], ...] = ()  # (uri, hash name, expected, c14n)
    signed_info: bytes = b""
    signature: bytes = b""
    algorithm: str = ""
    certificate: bytes = b""
    unsupported: str | None = None
    sealed: bool = True


def _c14n(element: Any) -> bytes:
    from lxml import etree

    return bytes(etree.tostring(element, method="c14n", exclusive=True, with_comments=False))


def _b64(text: str | None) -> bytes:
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise BadInput("Europass XML seal: a base64 value is damaged") from None


def seal_parts(data: bytes) -> SealParts:
    from lxml import etree

    _safe_tree(data)  # refuse DTDs and entities before lxml sees the bytes
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise BadInput(f"Europass XML credential: not readable XML ({exc})") from None
    signatures = root.findall(f".//{{{DS}}}Signature")
    if not signatures:
        return SealParts(sealed=False)
    signature = signatures[0]
    info = signature.find(f"{{{DS}}}SignedInfo")
    if info is None:
        return SealParts(unsupported="the signature has no SignedInfo")
    method = info.find(f"{{{DS}}}CanonicalizationMethod")
    if method is None or method.get("Algorithm") != EXC_C14N:
        return SealParts(unsupported="SignedInfo is not canonicalised with exclusive C14N")
    sig_method = info.find(f"{{{DS}}}SignatureMethod")
    algorithm = _SIGNATURES.get(sig_method.get("Algorithm", "") if sig_method is not None else "")
    if algorithm is None:
        return SealParts(unsupported="the signature algorithm is not RSA-SHA256")
    references = []
    for ref in info.findall(f"{{{DS}}}Reference"):
        uri = ref.get("URI")
        digest_method = ref.find(f"{{{DS}}}DigestMethod")
        hash_name = _DIGESTS.get(
            digest_method.get("Algorithm", "") if digest_method is not None else ""
        )
        if uri is None or hash_name is None:
            return SealParts(unsupported=f"reference {uri!r} uses an unsupported digest")
        transforms = [t.get("Algorithm") for t in ref.iter(f"{{{DS}}}Transform")]
        if uri == "":
            removes = {_FILTER2, _XPATH, _ENVELOPED} & set(transforms)
            rest = set(transforms) - {_FILTER2, _XPATH, _ENVELOPED, EXC_C14N}
            if not removes or rest:
                return SealParts(unsupported="the whole-document reference uses other transforms")
            whole = etree.fromstring(data, parser)
            for found in whole.findall(f".//{{{DS}}}Signature"):
                parent = found.getparent()
                if parent is not None:
                    parent.remove(found)
            canonical = _c14n(whole)
        elif uri.startswith("#") and set(transforms) <= {EXC_C14N}:
            targets = [e for e in root.iter() if e.get("Id") == uri[1:]]
            if len(targets) != 1:
                return SealParts(unsupported=f"reference {uri} does not name one element")
            canonical = _c14n(targets[0])
        else:
            return SealParts(unsupported=f"reference {uri!r} is not one credwallet can follow")
        expected = _b64(ref.findtext(f"{{{DS}}}DigestValue"))
        references.append((uri, hash_name, expected, canonical))
    certificate = signature.findtext(f".//{{{DS}}}X509Certificate")
    if not certificate:
        return SealParts(unsupported="the seal carries no certificate")
    return SealParts(
        references=tuple(references),
        signed_info=_c14n(info),
        signature=_b64(signature.findtext(f"{{{DS}}}SignatureValue")),
        algorithm=algorithm,
        certificate=_b64(certificate),
    )
