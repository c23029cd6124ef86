"""Enveloped credentials (VC 2.0 section 4.13): read in formats/enveloped.py, where the parser
also uses them to import a presentation's enveloped members; re-exported here for the engine."""

from __future__ import annotations

from credwallet.formats.enveloped import (
    ENVELOPED_TYPE,
    JWT_MEDIA_TYPES,
    MAX_ENVELOPED_CHARS,
    SD_JWT_MEDIA_TYPE,
    UNSUPPORTED_MEDIA_TYPES,
    UnsupportedEnvelope,
    enveloped_data,
    enveloped_jwt,
    is_enveloped,
)

__all__ = [
    "ENVELOPED_TYPE",
    "JWT_MEDIA_TYPES",
    "MAX_ENVELOPED_CHARS",
    "SD_JWT_MEDIA_TYPE",
    "UNSUPPORTED_MEDIA_TYPES",
    "UnsupportedEnvelope",
    "enveloped_data",
    "enveloped_jwt",
    "is_enveloped",
]
