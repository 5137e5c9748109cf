"""Find and mask personal data (NIK, phone numbers, e-mail addresses) in text and frames.

Used in two places: free-text fields (vacancy descriptions) are masked before they reach staging,
because employers often write a recruiter's WhatsApp number or gmail address into the advert; and
the tests scan every staging frame with `find_personal_data` to prove none gets through in clear.

The patterns are anchored on non-word boundaries so that a 64-character hexadecimal pseudonym,
which can contain a long run of digits, is not mistaken for a NIK.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

# A NIK is 16 digits: 6 of region, 6 of birth date (day + 40 for women), 4 of serial.
NIK_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{16}(?![0-9A-Za-z])")
# Mobile numbers (08…, 628…, +62 8…; 9 digits or more) with optional single separators, and
# landlines with an area code in brackets or followed by a dash, e.g. (021) 555-1234. Digits glued
# to dashes, slashes or dots on either side (UUID segments, URLs, dates) are not phone numbers.
PHONE_PATTERN = re.compile(
    r"(?<![\w+\-./:])(?:"
    r"(?:\+62|62|0)[ .-]?8\d{1,3}[ .-]?\d{3,4}[ .-]?\d{3,5}"
    r"|\(0\d{2,3}\)[ .-]?\d{3,4}[ .-]?\d{3,4}"
    r"|0\d{2,3}-\d{3,4}-?\d{3,4}"
    r")(?![\w\-/])"
)
EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")

PATTERNS: dict[str, re.Pattern[str]] = {
    "nik": NIK_PATTERN,
    "phone": PHONE_PATTERN,
    "email": EMAIL_PATTERN,
}


# Words of names (API keys, columns) holding a person or a contact detail: an e-mail, a phone,
# an address, a contact person's name (first written for Karirhub's detail API body).
CONTACT_WORDS = frozenset({
    "email", "mail", "phone", "telp", "telepon", "tel", "hp", "handphone", "mobile", "whatsapp",
    "wa", "fax", "address", "alamat", "contact", "kontak", "person", "pic", "cp", "pimpinan",
})  # fmt: skip
# A name of any spelling (`contact_person`, `picName`, `nama-kontak`) split into its words.
_NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
PERSONAL_COLUMNS = frozenset({
    # AK1 (ingest.admin.ak1: PERSONAL_COLUMNS, and IDENTIFIER_COLUMNS before pseudonymising).
    "full_name", "birth_place", "birth_date", "religion", "address", "phone", "email",
    "nik", "registration_number",
    # WLKP (ingest.admin.wlkp_layout.PERSONAL_COLUMNS).
    "manager_name", "company_phone", "company_email",
    # A whole source record as landed raw, personal fields included.
    "record_json",
})  # fmt: skip
"""The readers' personal columns: in raw frames only, never in the warehouse."""
REMOVED = "[removed]"
"""What a quarantine entry or an alert shows instead of a personal value (the source file still
has it)."""


def has_contact_word(name: str) -> bool:
    """Whether a name (`contact_person`, `picName`) has a word of `CONTACT_WORDS`."""
    return any(word.lower() in CONTACT_WORDS for word in _NAME_WORDS.findall(name))


def is_personal_column(name: str) -> bool:
    """Whether a column's values are personal by its name: one of `PERSONAL_COLUMNS` or a name
    with a contact word. An `*_id` column is a key or a keyed-hash pseudonym (`person_id` is a
    survey's row number), never personal by its name; its values are still masked by pattern."""
    lowered = name.strip().lower()
    if lowered.endswith("_id"):
        return False
    return lowered in PERSONAL_COLUMNS or has_contact_word(name)


def shown_in_alert(column: str | None, value: object) -> str:
    """A value as an alert shows it. Alerts are read by operators and may be forwarded, so a
    personal column (`is_personal_column`) shows `[removed]`, and any other value has its
    e-mails, phone numbers and NIK-shaped numbers masked (`mask_personal_data`), whatever its
    column is called; None shows as `None`."""
    if value is None:
        return "None"
    if column is not None and is_personal_column(column):
        return REMOVED
    return mask_personal_data(str(value)) or ""


@dataclass(frozen=True)
class PersonalDataHit:
    """Values of one column that look like one kind of personal data."""

    table: str
    column: str
    kind: str
    example: str
    distinct_values: int


def mask_personal_data(text: str | None) -> str | None:
    """Replace e-mails, phone numbers and NIK-shaped numbers in free text by placeholders."""
    if text is None:
        return None
    masked = EMAIL_PATTERN.sub("[email]", text)
    masked = NIK_PATTERN.sub("[nik]", masked)
    return PHONE_PATTERN.sub("[phone]", masked)


def find_personal_data(frame: pl.DataFrame, table: str = "frame") -> list[PersonalDataHit]:
    """One hit per (column, kind) whose values look like a NIK, phone number or e-mail.

    Integer columns are checked too (a NIK typed as a number is still a NIK), and lists of text.
    """
    hits: list[PersonalDataHit] = []
    for column in frame.columns:
        dtype = frame.schema[column]
        if dtype.is_integer():
            values = frame.get_column(column).cast(pl.String)
        elif dtype == pl.String:
            values = frame.get_column(column)
        elif isinstance(dtype, pl.List) and dtype.inner == pl.String:
            values = frame.get_column(column).list.join(" | ")
        else:
            continue
        # Python's `re` rather than Polars' regex engine: the patterns need look-behind.
        distinct = values.drop_nulls().unique().to_list()
        for kind, pattern in PATTERNS.items():
            found = [match.group(0) for v in distinct if (match := pattern.search(v))]
            if found:
                hits.append(PersonalDataHit(table, column, kind, found[0], len(found)))
    return hits
