"""Rendering: data on stdout (rich on a terminal, JSON with --json), messages on stderr.

Everything that came from a credential is data, not terminal commands: :func:`clean` makes
control characters, escape sequences and bidirectional overrides visible instead of letting the
terminal act on them. Rich markup is never parsed from data (markup is off on both consoles).
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["Output", "abbreviate", "clean", "fmt_date"]

# Characters that reorder or hide text (Trojan Source, CVE-2021-42574) and invisible joiners.
_BIDI_AND_INVISIBLE = {
    0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2028, 0x2029,
    0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060,
    0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF,
}  # fmt: skip


def clean(value: object, *, multiline: bool = False) -> str:
    """Text safe to print: controls, escapes and bidi overrides shown as ``\\uXXXX``."""
    text = "" if value is None else str(value)
    out: list[str] = []
    for char in text:
        code = ord(char)
        if multiline and char in "\n\t":
            out.append(char)
        elif char in "\n\t\r" and not multiline:
            out.append(" ")
        elif code in _BIDI_AND_INVISIBLE or unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co"}:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def abbreviate(text: str, *, keep: int = 28) -> str:
    """A long identifier (a did:key, a URL) shortened in the middle for a table cell: the
    start says what kind of id it is, the end tells ids apart; ``...`` is plain ASCII so it
    copies and greps as typed."""
    if len(text) <= keep:
        return text
    head = (keep - 3) * 2 // 3
    return f"{text[:head]}...{text[-(keep - head - 3) :]}"


# json.dumps escapes C0 controls but leaves C1 controls (U+009B is a CSI on some terminals),
# bidi overrides, invisible format characters and lone surrogates (which stdout cannot even
# encode). They only ever occur inside JSON strings, so a \uXXXX escape keeps the data exact.
_UNSAFE_IN_JSON = re.compile(
    "[\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ufeff\ufff9-\ufffb\ud800-\udfff\U000e0000-\U000e007f]"
)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JSON spells an astral character as a UTF-16 surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def fmt_date(value: datetime | None) -> str:
    return value.date().isoformat() if value else "-"


def _json_default(value: object) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _maybe_terminal(stream: Any) -> bool:
    if "TTY_COMPATIBLE" in os.environ or "FORCE_COLOR" in os.environ:
        return True  # rich decides
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or closed: rich says no terminal either
        return False


class Output:
    """The two streams of a command, and whether the user asked for JSON."""

    def __init__(self, *, json_mode: bool) -> None:
        self.json_mode = json_mode
        self._out: Console | None = None
        self._err: Console | None = None

    @property
    def out(self) -> Console:
        if self._out is None:
            from rich.console import Console

            self._out = Console(markup=False, emoji=False, highlight=False, soft_wrap=False)
        return self._out

    @property
    def err(self) -> Console:
        if self._err is None:
            from rich.console import Console

            # soft_wrap: a message is one logical line, even when the terminal folds it.
            self._err = Console(
                stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True
            )
        return self._err

    def err_is_terminal(self) -> bool:
        """``err.is_terminal``, without importing rich (about 25 ms of start-up) when stderr
        plainly is no terminal: not a TTY, and no TTY_COMPATIBLE or FORCE_COLOR, the only
        other ways rich is told it is one (a piped `import --json` draws no bar)."""
        if self._err is None and not _maybe_terminal(sys.stderr):
            return False
        return bool(self.err.is_terminal)

    def data(self, payload: Any) -> None:
        """Machine output: stable keys, UTF-8, one document on stdout."""
        # json.dumps(payload, indent=2, ensure_ascii=False, default=_json_default), faster
        from credwallet.cli._json_text import dumps_indented

        text = dumps_indented(payload, _json_default)
        sys.stdout.write(_UNSAFE_IN_JSON.sub(_json_escape, text))
        sys.stdout.write("\n")
        sys.stdout.flush()

    def message(self, text: str, *, style: str | None = None) -> None:
        """A human message on stderr (never mixed into data on stdout)."""
        self.err.print(clean(text, multiline=True), style=style)

    def success(self, text: str) -> None:
        self.message(text, style="green")

    def warn(self, text: str) -> None:
        self.message(f"warning: {text}", style="yellow")

    def error(self, text: str) -> None:
        self.message(f"error: {text}", style="bold red")

    def line(self, text: str = "") -> None:
        """One plain line on stdout, never wrapped or styled: shells and scripts read these
        (`eval "$(credwallet unlock)"`, `credwallet whoami`). Callers clean data first."""
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
