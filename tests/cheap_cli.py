"""Run the credwallet CLI with the test-only cheap KDF (for real-subprocess tests)."""

from __future__ import annotations

import credwallet.store.kdf as kdf
from credwallet.cli import main

kdf.CREATION_PROFILE = kdf.CHEAPEST

if __name__ == "__main__":
    main()
