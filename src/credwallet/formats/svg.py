"""Baked SVG badges: find or insert the ``openbadges:assertion`` / ``:credential`` element.

The SVG is parsed with defusedxml with entities, external references and internal DTD subsets
all forbidden, so an SVG can never pull a local file (``file:///etc/passwd``) or expand a
billion laughs into the credential. A plain ``<!DOCTYPE svg PUBLIC ...>`` line (every Adobe
Illustrator export has one) is accepted: with no internal subset it declares nothing, and the
external DTD it names is never loaded. Baking edits the text of the root start tag instead of
re-serialising the tree, so everything else in the image stays byte-for-byte as the issuer made
it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from credwallet.errors import BadInput, NotACredential

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

__all__ = ["OB2_NAMESPACE", "OB3_NAMESPACE", "BakedSvg", "extract", "insert"]

OB2_NAMESPACE = "http://openbadges.org"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
_NAMESPACES = (OB2_NAMESPACE, OB2_NAMESPACE + "/", OB3_NAMESPACE, OB3_NAMESPACE + "/")
_ELEMENT_KEYWORD = {"assertion": "openbadges", "credential": "openbadgecredential"}
_KEYWORD_ELEMENT = {
    "openbadges": ("assertion", OB2_NAMESPACE),
    "openbadgecredential": ("credential", OB3_NAMESPACE),
}
# Characters outside the XML 1.0 Char production, plus CR (normalised to LF when parsed).
# Kept as a pattern string: compiling the wide class costs ms at import, and only baking needs it.
_NOT_XML_CHAR = "[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
# Prolog items before the root element: XML declaration / processing instructions, comments,
# and a document type declaration without an internal subset (the parser refuses any other).
_PROLOG_ITEM = re.compile(
    r"""\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE\s(?:[^\[>"']|"[^"]*"|'[^']*')*>)""", re.DOTALL
)
_START_TAG = re.compile(
    r"""<[A-Za-z_][^\s/>]*(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>"""
)


@dataclass(frozen=True, slots=True)
class BakedSvg:
    keyword: str  # "openbadges" (OB 2.0 assertion element) or "openbadgecredential" (OB 3.0)
    content: str  # the element's text (JSON or a JWS), stripped; may be empty
    verify: str | None  # the verify attribute (hosted URL, or the JWS of a signed OB 2.0 badge)


def _parse(data: bytes) -> Element:
    # Imported here: XML support is only needed for SVG input and costs start-up time.
    from xml.etree.ElementTree import ParseError, TreeBuilder

    from defusedxml import DefusedXmlException, DTDForbidden
    from defusedxml.ElementTree import DefusedXMLParser

    def doctype(name: str, system_id: str, public_id: str, has_internal_subset: bool) -> None:
        # An internal subset is where entities, attribute defaults and the like are declared;
        # a DOCTYPE without one only names a DTD, which expat never loads.
        if has_internal_subset:
            raise DTDForbidden(name, system_id, public_id)

    parser = DefusedXMLParser(
        target=TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    parser.parser.StartDoctypeDeclHandler = doctype
    try:
        parser.feed(data)
        root: Element = parser.close()
    except DefusedXmlException as exc:
        raise BadInput(
            f"SVG refused: {type(exc).__name__} (DTD subsets and entities are not allowed)"
        ) from None
    except ParseError as exc:
        raise BadInput(f"SVG is not well-formed XML: {exc}") from None
    except (ValueError, LookupError) as exc:  # e.g. an unknown encoding declaration
        raise BadInput(f"SVG cannot be read: {exc}") from None
    if _local_name(root.tag) != "svg":
        raise BadInput(f"XML root element is <{_local_name(root.tag)}>, not <svg>")
    return root


def _local_name(tag: Any) -> str:
    return str(tag).rpartition("}")[2]


def _baked_elements(root: Element) -> list[Element]:
    found = []
    for element in root.iter():
        namespace, _, name = str(element.tag).partition("}")
        if namespace.lstrip("{") in _NAMESPACES and name in _ELEMENT_KEYWORD:
            found.append(element)
    return found


def extract(data: bytes) -> BakedSvg:
    """The one baked element of an SVG; BadInput if there is none or more than one."""
    elements = _baked_elements(_parse(data))
    if not elements:
        # Readable, but no badge is baked in: it may still be a QR code (see share.qr).
        raise NotACredential(
            "not a credential: SVG has no openbadges:assertion element (not baked)"
        )
    if len(elements) > 1:
        raise BadInput(f"SVG holds {len(elements)} openbadges elements; expected one")
    element = elements[0]
    verify = element.get("verify")
    return BakedSvg(
        keyword=_ELEMENT_KEYWORD[_local_name(element.tag)],
        content="".join(element.itertext()).strip(),
        verify=verify.strip() if verify is not None else None,
    )


def insert(svg: bytes, payload: str, *, keyword: str, verify_url: str | None) -> bytes:
    """The SVG with a baked element holding ``payload`` as the first child of the root."""
    from xml.sax.saxutils import quoteattr

    if keyword not in _KEYWORD_ELEMENT:
        raise BadInput(f"unknown baking keyword {keyword!r}; use openbadges or openbadgecredential")
    if _baked_elements(_parse(svg)):
        raise BadInput("SVG is already baked; bake the unbaked image instead")
    try:
        text = svg.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("only UTF-8 SVG files can be baked") from None
    _check_xml_text(payload, what="payload")
    if verify_url is not None:
        _check_xml_text(verify_url, what="verify URL")
    name, namespace = _KEYWORD_ELEMENT[keyword]
    start, end, self_closing = _root_start_tag(text)
    tag = text[start:end]
    declaration = f"xmlns:openbadges={quoteattr(namespace)}"
    if re.search(r"\sxmlns:openbadges\s*=", tag):
        if declaration not in tag and f"xmlns:openbadges='{namespace}'" not in tag:
            raise BadInput("SVG binds the openbadges prefix to another namespace")
        declaration = ""
    close = len("/>") if self_closing else len(">")
    head = tag[:-close].rstrip() + (f" {declaration}" if declaration else "") + ">"
    verify = f" verify={quoteattr(verify_url)}" if verify_url is not None else ""
    # "]]>" cannot appear inside CDATA: split it across two sections.
    cdata = payload.replace("]]>", "]]]]><![CDATA[>")
    element = f"<openbadges:{name}{verify}><![CDATA[{cdata}]]></openbadges:{name}>"
    tail = "</" + tag[1:].split(None, 1)[0].rstrip("/>") + ">" if self_closing else ""
    baked = text[:start] + head + element + tail + text[end:]
    return baked.encode("utf-8")


def _check_xml_text(value: str, *, what: str) -> None:
    """XML 1.0 cannot carry most control characters, and parsers turn CR into LF: refuse them."""
    match = re.search(_NOT_XML_CHAR, value)  # re caches the compiled pattern
    if match:
        raise BadInput(
            f"the {what} contains U+{ord(match.group()):04X}, which an SVG cannot carry exactly"
        )


def _root_start_tag(text: str) -> tuple[int, int, bool]:
    position = 1 if text.startswith("\ufeff") else 0
    while match := _PROLOG_ITEM.match(text, position):
        position = match.end()
    while position < len(text) and text[position].isspace():
        position += 1
    match = _START_TAG.match(text, position)
    if match is None:
        raise BadInput("cannot find the SVG root start tag")
    return match.start(), match.end(), match.group(1) == "/"
