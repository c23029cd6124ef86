"""What `receive` and `present` are given: a link, ``-`` (stdin), a file holding it, or a QR image.

An issuer's offer and a verifier's request reach the wallet the same ways (pasted, saved to a
file, scanned from a screen), so one reader serves both; only the words of its errors differ.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from credwallet.errors import BadInput, UsageError

__all__ = ["MAX_LINK_INPUT", "read_link_input"]

MAX_LINK_INPUT = 1024 * 1024  # bytes: far above any offer or request, even as a QR image


def read_link_input(
    source: str,
    *,
    what: str,
    link_prefixes: tuple[str, ...],
    stdin: Callable[[], bytes] | None = None,
) -> str:
    """The text in ``source``. ``what`` names it in errors ("an offer", "a request");
    ``link_prefixes`` are the schemes without ``//`` taken literally besides any ``scheme://``.
    """
    noun = what.split(" ", 1)[-1]
    if source == "-":
        if stdin is None:
            raise UsageError(f"no standard input to read the {noun} from")
        return _text(stdin()[:MAX_LINK_INPUT], "standard input")
    if "://" in source or source.lower().startswith(link_prefixes):
        return source.strip()
    path = Path(source)
    if not path.is_file():
        raise BadInput(f"{source}: not {what} link and no such file")
    if path.stat().st_size > MAX_LINK_INPUT:
        raise BadInput(f"{source}: too large to hold {what}")
    return _text(path.read_bytes(), source)


def _text(data: bytes, name: str) -> str:
    from credwallet.share.qr import looks_like_svg, read_qr_images, read_qr_svg
    from credwallet.wallet.verifying import is_image

    if is_image(data) or looks_like_svg(data):
        texts = read_qr_svg(data) if looks_like_svg(data) else read_qr_images([data])
        if not texts:
            raise BadInput(f"{name}: no QR code found")
        return texts[0].strip()
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise BadInput(f"{name}: neither text nor an image") from None
    if not text:
        raise BadInput(f"{name}: empty")
    return text
