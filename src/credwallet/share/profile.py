"""The holder's profile: the name (and optional contact details and photo) put on what is shared.

A recruiter reading a bundle, a résumé or a PDF wants a person's name, not a did:key. The wallet
stores the profile encrypted like everything else (see ``wallet/profile.py``); this module is the
plain data, its validation and its JSON form. When no profile is set, :func:`agreed_subject_name`
offers the ``credentialSubject.name`` that the credentials themselves agree on, never a guess.
"""

from __future__ import annotations

import base64
import binascii
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from credwallet.errors import BadInput, UsageError
from credwallet.models import Credential, JSONObject

__all__ = [
    "MAX_PHOTO_BYTES",
    "HolderProfile",
    "agreed_subject_name",
    "photo_type",
    "subject_names",
]

MAX_PHOTO_BYTES = 1024 * 1024
_MAX_TEXT = 200


def _clean(value: str | None, label: str) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", " ".join(value.split()))
    if not text:
        return None
    if len(text) > _MAX_TEXT:
        raise UsageError(f"the {label} is longer than {_MAX_TEXT} characters")
    # Controls and bidi overrides would let a name render differently from what it says.
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        raise UsageError(f"the {label} contains control or invisible formatting characters")
    return text


def photo_type(data: bytes) -> str | None:
    """The image type of a photo (PNG or JPEG only: every PDF and browser shows them)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    return None


@dataclass(frozen=True, slots=True)
class HolderProfile:
    """Who the holder says they are. Only ``name`` is required."""

    name: str
    email: str | None = None
    url: str | None = None
    photo: bytes | None = None

    @classmethod
    def create(
        cls,
        name: str,
        *,
        email: str | None = None,
        url: str | None = None,
        photo: bytes | None = None,
    ) -> HolderProfile:
        """A validated profile: a one-line name, a plausible e-mail and https URL, a small photo."""
        clean_name = _clean(name, "name")
        if clean_name is None:
            raise UsageError("the name cannot be empty")
        clean_email = _clean(email, "e-mail address")
        if clean_email is not None and (
            clean_email.count("@") != 1 or " " in clean_email or clean_email.startswith("@")
        ):
            raise UsageError(f"{clean_email!r} is not an e-mail address")
        clean_url = _clean(url, "URL")
        if clean_url is not None and not clean_url.lower().startswith(("https://", "http://")):
            raise UsageError("the URL must start with https:// (or http://)")
        if photo is not None:
            if len(photo) > MAX_PHOTO_BYTES:
                raise UsageError(f"the photo is larger than {MAX_PHOTO_BYTES // 1024} KB")
            if photo_type(photo) is None:
                raise UsageError("the photo must be a PNG or JPEG image")
        return cls(clean_name, clean_email, clean_url, photo)

    def to_json(self, *, with_photo: bool = True) -> JSONObject:
        data: JSONObject = {"name": self.name, "email": self.email, "url": self.url}
        if self.photo is not None:
            data["photo"] = (
                {
                    "type": photo_type(self.photo),
                    "base64": base64.b64encode(self.photo).decode("ascii"),
                }
                if with_photo
                else {"type": photo_type(self.photo), "bytes": len(self.photo)}
            )
        else:
            data["photo"] = None
        return data

    def to_bytes(self) -> bytes:
        return json.dumps({"setting": "profile", **self.to_json()}, ensure_ascii=False).encode()

    @classmethod
    def from_bytes(cls, payload: bytes) -> HolderProfile:
        """Read a stored profile; :class:`BadInput` if it is not one."""
        try:
            data: Any = json.loads(payload)
            if not isinstance(data, dict) or data.get("setting") != "profile":
                raise BadInput("not a profile record")
            photo_field = data.get("photo")
            photo = (
                base64.b64decode(photo_field["base64"], validate=True)
                if isinstance(photo_field, dict)
                else None
            )
            return cls.create(
                str(data["name"]), email=data.get("email"), url=data.get("url"), photo=photo
            )
        except (ValueError, KeyError, TypeError, binascii.Error, UsageError) as exc:
            raise BadInput(f"unreadable profile record: {exc}") from None


def _subject_name(credential: Credential) -> str | None:
    document = credential.document
    inner = document.get("vc")
    if isinstance(inner, dict):
        document = inner
    subjects = document.get("credentialSubject")
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        if isinstance(subject, dict) and isinstance(subject.get("name"), str):
            try:
                return _clean(subject["name"], "name")
            except UsageError:
                return None
    return None


def subject_names(credentials: Iterable[Credential]) -> list[str]:
    """The distinct ``credentialSubject.name`` values the credentials carry, in order."""
    names: list[str] = []
    for credential in credentials:
        name = _subject_name(credential)
        if name and name not in names:
            names.append(name)
    return names


def agreed_subject_name(credentials: Iterable[Credential]) -> str | None:
    """The subject name every credential that states one agrees on; None if none or they differ.

    Comparison ignores case and spacing, so "Ada Lovelace" and "ada  lovelace" agree (the first
    spelling is offered); "A. Lovelace" does not, and then nothing is offered.
    """
    names = subject_names(credentials)
    if not names:
        return None
    if len({n.casefold() for n in names}) != 1:
        return None
    return names[0]
