"""Baking and unbaking: put a credential payload into a PNG or SVG badge image, or take it out.

The payload is a string: assertion JSON, a compact JWS, or (hosted OB 2.0) the assertion URL.
Keywords follow the baking specs: ``openbadges`` for OB 2.0, ``openbadgecredential`` for OB 3.0.
"""

from __future__ import annotations

from credwallet.errors import BadInput, NotACredential
from credwallet.formats import png, svg
from credwallet.formats.limits import MAX_INPUT_BYTES
from credwallet.formats.parse import BAKING_KEYWORDS, sniff
from credwallet.models import Container

__all__ = ["bake_png", "bake_svg", "unbake"]


def _check_keyword(keyword: str) -> None:
    if keyword not in BAKING_KEYWORDS:
        raise BadInput(f"unknown baking keyword {keyword!r}; use openbadges or openbadgecredential")


def bake_png(image: bytes, payload: str, *, keyword: str) -> bytes:
    """The PNG with one uncompressed iTXt chunk holding ``payload``, placed right after IHDR.

    Any earlier baked chunk is dropped first, so re-baking replaces rather than duplicates.
    """
    _check_keyword(keyword)
    try:
        payload.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput("the payload is not encodable as UTF-8 (unpaired surrogate)") from None
    chunks = png.read_chunks(image)
    kept = [
        chunk for chunk, is_baked in zip(chunks, _baked_flags(chunks), strict=True) if not is_baked
    ]
    baked = png.write_chunks([kept[0], png.build_itxt(keyword, payload), *kept[1:]])
    if len(baked) > MAX_INPUT_BYTES:
        raise BadInput("baked PNG would exceed the maximum input size")
    return baked


def _baked_flags(chunks: list[png.Chunk]) -> list[bool]:
    baked = {id(chunk) for chunk in png.keyword_chunks(chunks, BAKING_KEYWORDS)}
    return [id(chunk) in baked for chunk in chunks]


def bake_svg(
    image: bytes, payload: str, *, keyword: str = "openbadges", verify_url: str | None = None
) -> bytes:
    """The SVG with an ``openbadges:assertion`` (or ``openbadges:credential``) element added."""
    _check_keyword(keyword)
    return svg.insert(image, payload, keyword=keyword, verify_url=verify_url)


def unbake(data: bytes) -> tuple[str, str]:
    """(keyword, payload) of a baked PNG or SVG; BadInput if the image is not baked."""
    container = sniff(data)
    if container is Container.PNG:
        chunks = png.keyword_chunks(png.read_chunks(data), BAKING_KEYWORDS)
        if len(chunks) != 1:
            raise NotACredential(
                "not a credential: PNG has no openbadges text chunk (not baked)"
                if not chunks
                else f"PNG holds {len(chunks)} openbadges text chunks; expected one"
            )
        (baked,) = png.text_chunks(chunks, BAKING_KEYWORDS)
        return baked.keyword.lower(), baked.text
    if container is Container.SVG:
        element = svg.extract(data)
        if element.verify and not element.content:
            return element.keyword, element.verify
        if not element.content:
            raise BadInput("SVG openbadges element is empty: no assertion, JWS or URL")
        return element.keyword, element.content
    raise BadInput(f"not a baked image: the input is {container.value}, not PNG or SVG")
