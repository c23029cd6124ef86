"""Reading credentials: bytes in, a normalised :class:`~credwallet.models.Credential` out.

Supported: Open Badges 2.0 assertions (hosted, signed as a JWS, OB 1.x baked legacy), OB 3.0 and
other W3C VCs (1.1 and 2.0 JSON-LD), VC-JWT (1.1 ``vc`` claim and 2.0 JOSE), Blockcerts v2/v3,
presentations (JSON-LD and JWT), and badges baked into PNG (iTXt/tEXt/zTXt) or SVG.

Pure functions with no I/O. Every failure is a :class:`~credwallet.errors.BadInput` (or its
subclass :class:`~credwallet.errors.LimitExceeded`) with a one-line message.
"""

from __future__ import annotations

from credwallet.formats.limits import MAX_INPUT_BYTES
from credwallet.formats.parse import parse, parse_all, sniff

__all__ = ["MAX_INPUT_BYTES", "parse", "parse_all", "sniff"]
