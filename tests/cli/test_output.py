"""Printing data from credentials: never control characters, escapes or bidi overrides."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from credwallet.cli._output import clean


class TestClean:
    def test_plain_text_is_unchanged(self) -> None:
        """Ordinary names, accents and emoji print as they are."""
        assert clean("Données & Café ☕ — 2026") == "Données & Café ☕ — 2026"

    def test_ansi_and_osc_sequences_are_made_visible(self) -> None:
        """ESC and BEL become visible escapes, so no colour, title or hyperlink trick works."""
        text = clean("\x1b[31mred\x1b[0m \x1b]8;;https://evil\x07link\x1b]8;;\x07")
        assert "\x1b" not in text and "\x07" not in text
        assert text.count("\\u001b") == 4

    def test_bidi_overrides_are_made_visible(self) -> None:
        """Right-to-left overrides (Trojan Source) cannot reorder what the user reads."""
        text = clean("Certified\u202egnp.exe")
        assert "\u202e" not in text and "\\u202e" in text

    def test_newlines_fold_in_single_line_cells(self) -> None:
        """A name cannot forge extra table rows."""
        assert clean("a\nb\r\nc") == "a b  c"
        assert clean("a\nb", multiline=True) == "a\nb"

    @given(st.text())
    def test_result_never_holds_control_or_format_characters(self, text: str) -> None:
        """Whatever the input, the output has no C0/C1 controls or bidi controls."""
        import unicodedata

        out = clean(text)
        assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Cs"} for ch in out)
