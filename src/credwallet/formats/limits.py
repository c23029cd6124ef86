"""Size, depth and work limits applied to every input the parsers read.

The numbers are generous for real credentials (the largest fixture we know is under 200 KiB and
nests fewer than 15 levels) and small enough that hostile input fails fast with LimitExceeded.
"""

from __future__ import annotations

from typing import Final

MAX_INPUT_BYTES: Final = 16 * 1024 * 1024  # one file, image or JSON; the wallet enforces it on read
MAX_JSON_DEPTH: Final = 64  # nested arrays/objects; JSON-LD credentials use well under 20
MAX_JSON_CONTAINERS: Final = 1_000_000  # arrays + objects in one JSON text (10,000 credentials fit)
MAX_NUMBER_CHARS: Final = 400  # longer numeric literals are refused (no 100,000-digit ints)
MAX_INFLATED_CHUNK: Final = 16 * 1024 * 1024  # a compressed PNG text chunk may expand to this
MAX_INFLATED_PER_FILE: Final = 16 * 1024 * 1024  # ... and all of one image's chunks together
MAX_JWS_HEADER_CHARS: Final = 16 * 1024  # base64url characters; a header with an RSA jwk is ~700
MAX_CREDENTIALS_PER_INPUT: Final = 10_000  # entries of a JSON array / presentation
