"""Find and mask personal data (NIK, phone numbers, e-mail addresses) in text and frames.

Used in two places: every text value an admin reader stages or quarantines is masked
(`mask_text_columns`, applied by `AdminLoad` itself), because people write a WhatsApp number, a
gmail address or a NIK into any free-text field (a title, a skill, an employer's name), not only
into descriptions; and the tests scan every staging frame with `find_personal_data` to prove none
gets through in clear. Names and addresses have no pattern and are not found, except a record's
own ones where the reader knows them (`without_own_values`; see docs/admin-sources.md).

The patterns are anchored on non-word boundaries so that a 64-character hexadecimal pseudonym,
which can contain a long run of digits, is not mistaken for a NIK.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

# JSON written as text (a crawled item's `raw`, a quarantined record) has its line breaks and tabs
# as two characters, `\n`, `\t`: a number on a line of its own follows a letter there, which the
# patterns' edges refuse, so such an escape counts as a break. (JSON columns are masked decoded,
# `mask_json_text`; this is for JSON that does not parse and JSON quoted inside other text.)
_ESCAPED_BREAK = r"\\[nrtbf]"


def _starts_after(edge: str) -> str:
    """A match starts where no `edge` character is before it, or after an escaped break."""
    return rf"(?:(?<![{edge}])|(?<={_ESCAPED_BREAK}))"


# A NIK is 16 digits: 6 of region (province, regency, district), 6 of birth date (day + 40 for
# women, month, year), 4 of serial. Typed by hand it is also cut by one kind of separator into
# four groups of four ("3172 0408 1234 0001", "3172.0408.1234.0001", "3172-0408-1234-0001") or
# into its three parts ("317204 120390 0001"); spaces may be doubled or non-breaking (U+00A0,
# from word processors and web forms). A grouped one must also read as a NIK (a province code, a
# day, a month) and not sit among further 4-digit groups, because 4-digit codes in a row ("KBJI
# 2512 2513 2514 2519", years) look the same; money and counts group digits in threes ("Rp
# 3.500.000") and are never this shape. A shorter number beside it ("1 3172 0408 1234 0001",
# "3172 0408 1234 0001 2": a list number, a typo, a note) does not stop it: privacy first, only
# a further group of four digits or more makes it part of a longer code.
_NIK_BODY = r"\d{16}"
_NIK_EDGE = "0-9A-Za-z"
_NIK_PROVINCE = r"(?:1[1-9]|21|3[1-6]|5[1-3]|6[1-5]|7[1-6]|8[12]|9[1-6])"
_NIK_DAY = r"(?:[04][1-9]|[1256]\d|[37][01])"
_NIK_MONTH = r"(?:0[1-9]|1[0-2])"
_NIK_SPACES = "[ \u00a0]"
# (the separator, and its spellings of fixed width for the look-behind, which needs one: a
# group of four before four spaces or more does not stop the match, which masks more, not less).
_NIK_SEPARATORS = (
    (f"{_NIK_SPACES}+", tuple(f"{_NIK_SPACES}{{{n}}}" for n in (1, 2, 3))),
    (r"\.", (r"\.",)),
    (r"\-", (r"\-",)),
)


def _nik_grouped(sep: str) -> str:
    in_fours = rf"{_NIK_PROVINCE}\d\d{sep}\d\d{_NIK_DAY}{sep}{_NIK_MONTH}\d\d{sep}\d{{4}}"
    in_parts = rf"{_NIK_PROVINCE}\d{{4}}{sep}{_NIK_DAY}{_NIK_MONTH}\d\d{sep}\d{{4}}"
    return rf"(?:{in_fours}|{in_parts})"


def _no_group_before(separators: tuple[str, ...]) -> str:
    return "".join(rf"(?<!\d{{4}}{sep})" for sep in separators)


NIK_PATTERN = re.compile(
    "|".join((
        rf"{_starts_after(_NIK_EDGE)}{_NIK_BODY}(?![{_NIK_EDGE}])",
        *(
            rf"{_starts_after(_NIK_EDGE)}{_no_group_before(before)}{_nik_grouped(sep)}"
            rf"(?![{_NIK_EDGE}])(?!{sep}\d{{4}})"
            for sep, before in _NIK_SEPARATORS
        ),
    ))
)  # fmt: skip
# A NIK typed as a number (an integer, a float 3172040812340001.0 from a spreadsheet or JSON, a
# decimal) has 16 digits before any decimal point: no pattern sees it, so this one rule is used
# by every step that meets numbers (`nik_shaped_number_expr` on frames, `is_nik_shaped_number` on
# values).
_NIK_SHAPED = (10**15, 10**16)


def is_nik_shaped_number(value: object) -> bool:
    """Whether `value` is a number (not a bool) with 16 digits before any decimal point."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    low, high = _NIK_SHAPED
    return low <= abs(value) < high


def nik_shaped_number_expr(column: str) -> pl.Expr:
    """`is_nik_shaped_number` of a numeric column's values (null stays null)."""
    low, high = _NIK_SHAPED
    # Two ranges, not `abs`: the absolute value of the lowest Int64 overflows.
    return pl.col(column).is_between(low, high, closed="left") | pl.col(column).is_between(
        -high, -low, closed="right"
    )


# Mobile numbers (08…, 628…, +62 8…; 9 digits or more) with optional single separators, and
# landlines with an area code in brackets or followed by a dash, e.g. (021) 555-1234. Digits glued
# to dashes, slashes or dots on either side (UUID segments, URLs, dates) are not phone numbers.
_PHONE_BODY = (
    r"(?:\+62|62|0)[ .-]?8\d{1,3}[ .-]?\d{3,4}[ .-]?\d{3,5}"
    r"|\(0\d{2,3}\)[ .-]?\d{3,4}[ .-]?\d{3,4}"
    r"|0\d{2,3}-\d{3,4}-?\d{3,4}"
)
_PHONE_BEFORE = r"\w+\-./:"
_PHONE_AFTER = r"\w\-/"
# WhatsApp's click-to-chat links ("wa.me/6281234567890", "api.whatsapp.com/send?phone=62812...")
# carry the number after a slash or "=", which the edges above refuse: the link names the number.
# The whole number is masked, any groups of digits with one space, dot or hyphen between them
# ("wa.me/+44 20 7946 0958", "wa.me/0812.3456.789.0"; a mobile-only shape left "wa.me/[phone] 90"
# of "wa.me/0812 345 678 90"), but not what follows the link: a group that starts a time
# ("wa.me/6281234567890 08.00-17.00", "... 08:00") or a single digit before a word, a count
# ("wa.me/628123456789 2 orang", "... 9 posisi"). At most 6 groups: no number has more.
# A number written unbroken (10 digits or more) takes no further group: "wa.me/6281234567890 10
# orang" kept its count only so, and "... 08.00 s/d 17.00" its hours.
_WA_TIME = r"(?:[01]?\d|2[0-3])[.:][0-5]\d(?![\d.:])"
_WA_NUMBER = (
    rf"\+?(?:\d{{10,}}|\d{{1,9}}(?:[ .-](?!{_WA_TIME})(?!\d[ \t\u00a0]+[A-Za-z])\d+){{0,5}})"
    r"(?!\d)"
)
_WA_LINK = rf"(?:(?<=(?i:wa\.me/))|(?<=[?&](?i:phone)=)){_WA_NUMBER}"
PHONE_PATTERN = re.compile(
    rf"{_starts_after(_PHONE_BEFORE)}(?:{_PHONE_BODY})(?![{_PHONE_AFTER}])|{_WA_LINK}"
)
# E-mail addresses as written, and as people disguise them from harvesters: the "@" written
# "(at)", "[at]", "{at}" or "<at>", the dots "[dot]", "(titik)" or " dot " ("dezan.recruitment(at)
# gmail.com", "hrd [at] toko [dot] co [dot] id"). A bracketed "at" is a disguise in itself, so any
# domain with a top-level part follows it; a bare " at " (or an "@" between spaces) is ordinary
# prose ("apply at our office", "Follow @UNjobs"), so it counts only before a mail provider's
# domain ("hrd.budi at gmail dot com"). A social-media handle ("@candymotorsg", "(@bckdenim.id)")
# has no name before its "@": it names a business account, not a contact person, and stays. A
# bare " at " before a provider's site in prose ("sign in at outlook.com") is masked too: more
# masked, never less. Before a provider the dots may be spaced too ("budi @ gmail . com",
# "budi@gmail .com"), which elsewhere is prose ("us@home. Thanks"). An address starts where no
# character of one is before it (the look-behind): without it every start inside a long run of
# such characters is tried again ("a" * 8000 + " @" took 6-13 s, now 0.007 s). A top-level
# part that is a file's extension is a file name ("logo@2x.png", a retina image), not an address.
MAIL_PROVIDERS = (
    "gmail", "googlemail", "yahoo", "ymail", "rocketmail", "hotmail", "outlook", "icloud",
    "aol", "protonmail", "proton", "yandex", "zoho", "gmx",
)  # fmt: skip
_EMAIL_CHARS = r"A-Za-z0-9._%+\-"
_EMAIL_LOCAL = rf"(?<![{_EMAIL_CHARS}])[{_EMAIL_CHARS}]+"
_FILE_EXTENSIONS = (
    "png", "jpe?g", "gif", "webp", "svg", "bmp", "ico", "tiff?", "heic", "avif",
    "pdf", "docx?", "xlsx?", "pptx?", "csv", "txt", "js", "css", "html?", "php",
)  # fmt: skip
_TLD = rf"(?!(?i:{'|'.join(_FILE_EXTENSIONS)})(?![A-Za-z0-9]))[A-Za-z]{{2,}}"
_EMAIL_PLAIN = rf"{_EMAIL_LOCAL}@[A-Za-z0-9.-]+\.{_TLD}"
_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
_AT_BRACKETED = rf"\s*{_OPEN}\s*(?i:at|@)\s*{_CLOSE}\s*"
_AT_SPACED = r"(?:\s+@\s*|\s*@\s+)"
_AT_BARE = r"\s+(?i:at)\s+"
# Before a bare " at " the name must look like a mailbox's, not a word of prose: "Apply at
# jobstreet.com", "Visit at maju.com", "Join us at maju.co.id", "Data at Google.com scale" were
# masked. A known mailbox word in any case ("hrd", "HRD", "Karir") is one; otherwise a verb or
# pronoun of prose, or one capitalised word ("Apply", "Data"), is not. A name with a digit, dot,
# underscore or hyphen ("hrd.maju", "HRD.Budi", "budi_88") and other lower-case or upper-case
# names ("budi", "PTMAJU") stay masked: a person's mailbox is as likely as prose there. Before a
# mail provider's domain a capitalised name is a person's ("Budi at gmail.com"): only prose's
# words are refused there ("sign in at outlook.com").
MAILBOX_WORDS = (
    "hrd", "hr", "hrga", "recruitment", "recruiter", "recruiting", "rekrutmen", "rekrut",
    "career", "careers", "karir", "karier", "lowongan", "loker", "lamaran", "info", "admin",
    "cs", "jobs", "job", "hiring", "personalia", "contact", "kontak", "support", "marketing",
)  # fmt: skip
_PROSE_WORDS = (
    "apply", "applying", "visit", "join", "us", "me", "you", "we", "them", "it", "in", "on",
    "daftar", "kirim", "dikirim", "kirimkan", "lamar", "melamar", "submit", "sign", "login",
    "log", "register", "click", "klik", "see", "check", "cek", "find", "found", "available",
    "work", "working", "kerja", "bekerja", "here", "now", "online", "data",
)  # fmt: skip


def _bare_local(capitalised: bool) -> str:
    """A mailbox's name before a bare " at " (`capitalised`: whether one capitalised word may be
    one)."""
    word_end = rf"(?![{_EMAIL_CHARS}])"
    title = "" if capitalised else rf"(?![A-Z][a-z]+{word_end})"
    return (
        rf"(?<![{_EMAIL_CHARS}])(?:(?=(?i:{'|'.join(MAILBOX_WORDS)}){word_end})"
        rf"|(?!(?i:{'|'.join(_PROSE_WORDS)}){word_end}){title})[{_EMAIL_CHARS}]+"
    )


_DOT = rf"(?:\.|\s*{_OPEN}\s*(?i:dot|titik)\s*{_CLOSE}\s*|\s+(?i:dot|titik)\s+)"
# Before a provider a dot may have spaces around it. The alternatives must not overlap: with a
# bare "." matched by two of them, every dot of "hrd@gmail.1.1.1..." doubled the ways to try
# (22 dots took 8 s).
_DOT_SPACED = rf"(?:\s*\.\s*|\s*{_OPEN}\s*(?i:dot|titik)\s*{_CLOSE}\s*|\s+(?i:dot|titik)\s+)"


def _domain_rest(dot: str) -> str:
    return rf"(?:{dot}[A-Za-z0-9-]+)*{dot}{_TLD}(?![A-Za-z0-9])"


# A bare " at " before any domain ending in a real top-level part ("hrd at maju.co.id",
# "recruitment at pt-abc dot com"): a company's own mailbox is as personal as a gmail one. The
# part must be one of these, written right after a dot or " dot " (no spaces around a "."), so
# prose stays: "work at home", "at PT ABC", "at least", "at 08.00", "located at Jl. Sudirman". A
# web address ("apply at www.maju.co.id", "at maju.id/career") names a site, not a mailbox, and
# stays.
REAL_TLDS = (
    "com", "id", "net", "org", "info", "biz", "asia", "io", "co", "edu", "gov", "sg", "my",
)  # fmt: skip
# (a "/" after it makes a web address's path: "career page at maju.id/career")
_TLD_REAL = rf"(?i:{'|'.join(REAL_TLDS)})(?![A-Za-z0-9/])"
_AT_BARE_DOMAIN = (
    rf"\s+(?i:at)\s+(?!(?i:www|https?)\b)[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}{_TLD_REAL}"
)
_PROVIDER_DOMAIN = rf"(?i:{'|'.join(MAIL_PROVIDERS)}){_domain_rest(_DOT_SPACED)}"
_EMAIL_DISGUISED = (
    rf"{_EMAIL_LOCAL}(?:@|{_AT_BRACKETED})[A-Za-z0-9-]+{_domain_rest(_DOT)}"
    rf"|{_EMAIL_LOCAL}(?:{_AT_SPACED}|@){_PROVIDER_DOMAIN}"
    rf"|{_bare_local(capitalised=True)}{_AT_BARE}{_PROVIDER_DOMAIN}"
    rf"|{_bare_local(capitalised=False)}{_AT_BARE_DOMAIN}"
)
EMAIL_PATTERN = re.compile(f"{_EMAIL_PLAIN}|{_EMAIL_DISGUISED}")
# A phone number written in words, read aloud to dodge harvesters and the patterns above ("nol
# delapan satu dua ...", "kosong delapan ...", "zero eight one two ...", "08 satu dua ..."): a run
# of digit words and digits, spaces, tabs, a dash, dot or slash apart (a comma ends a run:
# "..., 2 orang" is a count), that holds 9 digits
# or more from where it starts like a mobile number (0 8, 6 2 8, + 6 2). It must have a word, or
# be single digits ("0 8 1 2 ..."): runs of numbers alone are times and counts ("08.00-17.00 /
# 08.00-12.00"), and grouped numbers are the patterns' business. A run is masked from that start
# for at most 14 digits (the longest number with its country code); what follows stays. A run
# holding a range of two clock times ("08.00 - 12.00", "08 00 17 00") is a schedule, even with a
# number word after it: "Jam kerja 08.00 - 12.00 / satu jam istirahat" lost its hours to
# "[phone]", and Karirhub's and MagangHub's descriptions are masked at landing. One time-like
# pair is not enough: "08 15" is 0815, a mobile prefix, read aloud in pairs.
DIGIT_WORDS = {
    "nol": "0", "kosong": "0", "zero": "0", "satu": "1", "one": "1", "dua": "2", "two": "2",
    "tiga": "3", "three": "3", "empat": "4", "four": "4", "lima": "5", "five": "5",
    "enam": "6", "six": "6", "tujuh": "7", "seven": "7", "delapan": "8", "eight": "8",
    "sembilan": "9", "nine": "9",
}  # fmt: skip
_DIGIT_WORD = rf"(?i:{'|'.join(DIGIT_WORDS)})"
_DIGIT_TOKEN = rf"(?:\d+|{_DIGIT_WORD})"
_DIGIT_SEP = r"(?:[ \t\u00a0]*[-./][ \t\u00a0]*|[ \t\u00a0]+)"
_DIGIT_RUN = re.compile(
    rf"(?<![A-Za-z0-9])(?:\+[ \t\u00a0]?)?{_DIGIT_TOKEN}(?:{_DIGIT_SEP}{_DIGIT_TOKEN})+"
    r"(?![A-Za-z0-9])"
)
_TOKEN = re.compile(rf"\+|{_DIGIT_TOKEN}")
_PHONE_MAX_DIGITS = 14
# An hour and its minutes: "08.00", "08:30", or "08 00" (with a space, only on the hour: "08 15"
# is how 0815, a mobile prefix, is read aloud).
_CLOCK_TIME = re.compile(r"(?:[01]\d|2[0-4])(?:[ \t\u00a0]*[.:][ \t\u00a0]*[0-5]\d|[ \t\u00a0]+00)")
_CLOCK_WITH_MARK = re.compile(r"(?:[01]\d|2[0-4])[ \t\u00a0]*[.:][ \t\u00a0]*[0-5]\d")
# Between the two times of a range: a dash or slash, or spaces ("08 00 17 00"); not a dot.
_RANGE_SEPARATOR = re.compile(r"[ \t\u00a0]*[-/][ \t\u00a0]*|[ \t\u00a0]+")


def _is_time(run: str, first: re.Match[str], second: re.Match[str], pattern: re.Pattern) -> bool:
    """Whether two tokens of a run, one after the other, are an hour and its minutes."""
    return bool(pattern.fullmatch(run[first.start() : second.end()]))


def _is_time_range(run: str, tokens: list[re.Match[str]], index: int) -> bool:
    """Whether the four tokens from `index` are a range of two clock times ("08.00 - 12.00",
    "08 00 17 00"): a schedule, never a phone. One time alone proves nothing ("nol delapan ...
    10.30 empat ..." is a number read in groups)."""
    if index + 3 >= len(tokens):
        return False
    first, second = tokens[index : index + 2], tokens[index + 2 : index + 4]
    between = run[first[1].end() : second[0].start()]
    return (
        _is_time(run, *first, _CLOCK_TIME)
        and _is_time(run, *second, _CLOCK_TIME)
        and bool(_RANGE_SEPARATOR.fullmatch(between))
    )


def _phone_in_run(run: str) -> tuple[int, int] | None:
    """The span of `run` (a `_DIGIT_RUN` match) that is a phone number in words, or None."""
    tokens = list(_TOKEN.finditer(run))
    digits = [DIGIT_WORDS.get(t.group(0).lower(), t.group(0)) for t in tokens]
    for start in range(len(tokens)):
        plus = digits[start] == "+"
        kept, count = [], 0
        for index in range(start + plus, len(tokens)):
            if count + len(digits[index]) > _PHONE_MAX_DIGITS:
                break
            kept.append(index)
            count += len(digits[index])
        number = "".join(digits[i] for i in kept)
        starts = number.startswith(("08", "628")) or (plus and number.startswith("62"))
        words = any(tokens[i].group(0).lower() in DIGIT_WORDS for i in kept)
        single = all(len(digits[i]) == 1 for i in kept)
        schedule = any(_is_time_range(run, tokens, i) for i in kept if i + 3 in kept)
        # A run that starts with a clock time ("Jam 08.00 nol delapan ...") starts no number.
        opens_with_time = start + 1 < len(tokens) and _is_time(
            run, tokens[start], tokens[start + 1], _CLOCK_WITH_MARK
        )
        if starts and count >= 9 and (words or single) and not schedule and not opens_with_time:
            return tokens[start].start(), tokens[kept[-1]].end()
    return None


def _mask_phone_run(match: re.Match[str]) -> str:
    run = match.group(0)
    span = _phone_in_run(run)
    return run if span is None else f"{run[: span[0]]}[phone]{run[span[1] :]}"


def find_phone_in_words(text: str) -> str | None:
    """The first phone number written in words in `text` (see `DIGIT_WORDS`), or None."""
    for match in _DIGIT_RUN.finditer(text):
        if (span := _phone_in_run(match.group(0))) is not None:
            return match.group(0)[span[0] : span[1]]
    return None


# A phone number typed as a number: JSON has no leading zero, so 0812 3456 7890 is written
# 81234567890, or 6281234567890 with the country code, and no pattern reads a number of a decoded
# document. Decided by the key and the shape, as salaries (5000000), ids, years, coordinates and
# counts are numbers too: a whole number (or a whole float, from a spreadsheet) whose digits are a
# mobile number (8 and 8-12 more, 9-13 digits, after 62 or not) under a key with a contact word
# (`phone`, `no_hp`, `contact`, `whatsapp`; not one named as a count or flag, `hp_count`), or
# with the country code (628..., 11-15 digits) under any key but an id (`id`, `job_id`,
# `companyId`). A text of digits alone under a contact key ("81234567890") is read the same way.
# JSON quoted as text (a board's field, a document that does not parse) is read by
# `_KEYED_NUMBER`: a quoted key, a colon, the number (or its digits in quotes), with a ".0" a
# float from a spreadsheet has; the first number of a list under the key (`"no_hp": [812...`,
# after items that are not text: `[1, 812...`), and one keyed in an object under it, read under
# the two keys, are read too. A value under a contact key's object is under the two keys
# (`{"contact": {"number": 81234567890}}` as `contact_number`), as a list's items are under its.
_KEYED_NUMBER = re.compile(
    r'"(?P<key>[^"\\\n]{1,64})"(?P<colon>\s*:\s*)'
    r'(?P<open>\[\s*(?:[^\[\]{}"\n]{0,64},\s*)?|\{\s*"(?P<inner>[^"\\\n]{1,64})"\s*:\s*)?'
    r'(?P<quote>"?)(?P<digits>\+?\d{9,15})(?:\.0+)?(?![\d.eE])(?P=quote)'
)


def _is_contact_key(key: str | None) -> bool:
    return (
        key is not None
        and has_contact_word(key)
        and not {word.lower() for word in _NAME_WORDS.findall(key)} & _ABOUT_PERSONAL_DATA
    )


def _child_key(parent: str | None, name: str) -> str:
    """The key a dict's item is judged under: its own, after its parent's if that is a contact
    key (so a `contact`'s `id` is still an id, its `count` still a count)."""
    return f"{parent}_{name}" if _is_contact_key(parent) else name


def _is_id_name(name: str) -> bool:
    words = [word.lower() for word in _NAME_WORDS.findall(name)]
    return bool(words) and words[-1] in {"id", "ids"}


def is_phone_shaped_number(value: object, key: str | None) -> bool:
    """Whether `value` (a number, or a text of digits alone) under `key` is a phone number typed
    as a number (see `_KEYED_NUMBER`'s note)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float) and value.is_integer() and value > 0:
        value = int(value)
    if isinstance(value, Decimal) and value == value.to_integral_value() and value > 0:
        value = int(value)
    if isinstance(value, int) and value > 0:
        digits = str(value)
    elif isinstance(value, str) and re.fullmatch(r"\+?\d{9,15}", value.strip()):
        digits = value.strip().lstrip("+")
    else:
        return False
    if key is None or _is_id_name(key):
        return False
    contact = _is_contact_key(key)
    if digits.startswith("628"):
        return 11 <= len(digits) <= 15
    if contact and digits.startswith("08"):
        return 10 <= len(digits) <= 14
    return contact and digits.startswith("8") and 9 <= len(digits) <= 13


def _mask_keyed_number(match: re.Match[str]) -> str:
    key, digits, inner = match["key"], match["digits"], match["inner"]
    judged_under = key if inner is None else _child_key(key, inner)
    if not is_phone_shaped_number(digits if match["quote"] else int(digits), judged_under):
        return match.group(0)
    return f'"{key}"{match["colon"]}{match["open"] or ""}"[phone]"'


# The same patterns for Polars' regex engine, which has no look-around: the edge characters are
# matched instead of looked at, and the guards against further groups are left out, so it finds
# every value the patterns above find (and a few more: an `@` or a bracketed "at" stands for an
# e-mail, a code of five groups for a NIK). `mask_text_columns` runs only the values it finds
# through Python's `re`, so a column of 64-character pseudonyms costs one vectorised pass, not 3
# regexes per value.
CANDIDATE_PATTERN = "|".join((
    rf"(?:^|[^{_NIK_EDGE}]|{_ESCAPED_BREAK}){_NIK_BODY}(?:$|[^{_NIK_EDGE}])",
    *(
        rf"(?:^|[^{_NIK_EDGE}]|{_ESCAPED_BREAK}){_nik_grouped(sep)}(?:$|[^{_NIK_EDGE}])"
        for sep, _ in _NIK_SEPARATORS
    ),
    rf"(?:^|[^{_PHONE_BEFORE}]|{_ESCAPED_BREAK})(?:{_PHONE_BODY})(?:$|[^{_PHONE_AFTER}])",
    r"(?i:wa\.me/|[?&]phone=)\+?\d",
    "@",
    # A disguised e-mail's "at" (an "@" is found above).
    rf"{_OPEN}\s*(?i:at)\s*{_CLOSE}",
    rf"\s(?i:at)\s+(?i:{'|'.join(MAIL_PROVIDERS)})",
    # A bare "at" before any domain (`_AT_BARE_DOMAIN`): a name and a dot after it.
    rf"\s(?i:at)\s+[A-Za-z0-9-]+(?:\.|\s*{_OPEN}|\s+(?i:dot|titik)\s)",
    # A phone number in words (`_DIGIT_RUN`: a digit word beside a digit or another, or single
    # digits from 0 8, 6 2 8 or + 6 2) and one keyed in JSON text (`_KEYED_NUMBER`) without its
    # 0 ("Telp + 6 2 2 1 5 5 5 1 2 3 4" was masked by one and not found by the other).
    rf"\b{_DIGIT_WORD}\b[ \t\u00a0.,/-]+(?:\d|{_DIGIT_WORD}\b)",
    rf"\d[ \t\u00a0.,/-]+{_DIGIT_WORD}\b",
    r"\b0[ \t\u00a0.,/-]+8[ \t\u00a0.,/-]+\d|\b6[ \t\u00a0.,/-]+2[ \t\u00a0.,/-]+8",
    r"\+[ \t\u00a0]?6[ \t\u00a0.,/-]*2",
    # (a list's item too: `"no_hp": [1, 81234567890]`)
    r'(?:"\s*:|[\[,])\s*"?\+?8\d{8}',
))  # fmt: skip

PATTERNS: dict[str, re.Pattern[str]] = {
    "nik": NIK_PATTERN,
    "phone": PHONE_PATTERN,
    "email": EMAIL_PATTERN,
}


# Words of names (API keys, columns) holding a person or a contact detail: an e-mail, a phone,
# an address, a contact person's name (first written for Karirhub's detail API body), an
# identity card number (`nik`, `no_ktp`), which may come as a JSON number of any length.
CONTACT_WORDS = frozenset({
    "email", "mail", "phone", "telp", "telepon", "tel", "hp", "handphone", "mobile", "whatsapp",
    "wa", "fax", "address", "alamat", "contact", "kontak", "person", "pic", "cp", "pimpinan",
    "nik", "ktp",
    # Glued to "no" (nomor) in one lower-case word, which `_NAME_WORDS` cannot split.
    "nohp", "notelp", "notlp", "notel", "nowa", "notelepon", "nomorhp", "nomorwa", "nomortelp",
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


# A column named for a name in Indonesian ("nama", "nama_lengkap", "Nama Pencari Kerja") holds a
# person's name unless another word says whose or what it names.
_NAME_OF_A_THING = frozenset({
    "perusahaan", "company", "usaha", "jabatan", "pekerjaan", "provinsi", "kabupaten", "kota",
    "kecamatan", "desa", "kelurahan", "sekolah", "instansi", "lembaga", "bank", "produk",
})  # fmt: skip


def is_personal_column(name: str) -> bool:
    """Whether a column's values are personal by its name: one of `PERSONAL_COLUMNS`, a name
    with a contact word, or an Indonesian "nama" of a person. An `*_id` column is a key or a
    keyed-hash pseudonym (`person_id` is a survey's row number), never personal by its name; its
    values are still masked by pattern."""
    lowered = name.strip().lower()
    if lowered.endswith("_id"):
        return False
    words = {word.lower() for word in _NAME_WORDS.findall(name)}
    if "nama" in words and not words & _NAME_OF_A_THING:
        return True
    return lowered in PERSONAL_COLUMNS or has_contact_word(name)


# Words that make a column of numbers or flags about personal data rather than holding it: a
# flag (`has_ktp`, `nik_valid`, `ktp_status`) or a count (`person_count`, `hp_count`, `cp_total`,
# `jumlah_pic`). "no"/"nomor"/"num" are not among them: `no_hp` is a phone number.
_ABOUT_PERSONAL_DATA = frozenset({
    "has", "is", "ada", "punya", "valid", "verified", "status", "flag",
    "count", "total", "jumlah", "qty", "cnt", "sum", "banyak",
})  # fmt: skip


def holds_personal_value(name: str, dtype: pl.DataType) -> bool:
    """Whether a staged column that is not text holds a personal value by its name, so must be
    removed (its values cannot be masked by pattern). A Boolean column holds none whatever its
    name (`has_ktp`), nor does a column named as a count or a flag (`hp_count`, `nik_valid`):
    its numbers are still checked for a NIK-shaped one like any other column of numbers."""
    if dtype == pl.Boolean or not is_personal_column(name):
        return False
    return not {word.lower() for word in _NAME_WORDS.findall(name)} & _ABOUT_PERSONAL_DATA


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
    masked = _KEYED_NUMBER.sub(_mask_keyed_number, masked)
    masked = PHONE_PATTERN.sub("[phone]", masked)
    return _DIGIT_RUN.sub(_mask_phone_run, masked)


def mask_nested(value: object, key: str | None = None) -> object:
    """`value` (JSON-like: dicts, lists, text, numbers) with `mask_personal_data` applied to
    every text, dict keys included, a NIK-shaped number (`is_nik_shaped_number`) as `[nik]`, a
    number (or a text of digits) that is a phone number under its key (`is_phone_shaped_number`;
    `key` is the one `value` is under, a list's items are under the list's) as `[phone]`, and any
    other object (a date, a path) as its masked text.

    For what describes an input rather than being its rows (a reader's metadata: file names,
    header labels, title and note lines, messages quoting cells), which no column masking sees.
    """
    if is_phone_shaped_number(value, key):
        return "[phone]"
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, dict):
        return {
            mask_nested(name): mask_nested(item, _child_key(key, str(name)))
            for name, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_nested(item, key) for item in value]
    if is_nik_shaped_number(value):
        return "[nik]"
    if value is None or isinstance(value, bool | int | float):
        return value
    return mask_personal_data(str(value))


def _json_float(token: str) -> float | str:
    # A number too large for a float ("1e400") reads as infinity, which JSON cannot write back
    # ("Infinity" is not JSON): it stays its own token, as a string.
    number = float(token)
    return number if math.isfinite(number) else token


def _loads_json_document(text: str) -> object:
    """The JSON object or array `text` is, or None when it is not one (`NaN` and `Infinity`,
    which Python reads but JSON does not have, read as strings)."""
    if text.lstrip()[:1] not in ("{", "["):
        return None
    try:
        return json.loads(text, parse_float=_json_float, parse_constant=str)
    except ValueError:
        return None


def mask_json_text(text: str | None) -> str | None:
    """`mask_personal_data` of a text that may be a JSON document (a crawled item's `raw`, a
    quarantined record). A JSON object or array is decided on its decoded values, not on its
    text, where a value on a line of its own follows the letter of a `\\n`: it is parsed, masked
    value by value (`mask_nested`) and written back only if that changed a value, so it stays JSON
    (a NIK typed as a number becomes `"[nik]"`, not a bare `[nik]`). Written back, a document has
    one value per key (the last, as Python and DuckDB read it) and numbers as Python writes them
    (`1.0E2` as `100.0`; one too large for a float as its token, a string). Other text is masked
    as text. Text with nothing to mask is returned as is."""
    if text is None:
        return None
    parsed = _loads_json_document(text)
    if parsed is None:
        return mask_personal_data(text)
    masked = mask_nested(parsed)
    return text if masked == parsed else json.dumps(masked, ensure_ascii=False)


def _json_candidates(texts: pl.Series) -> pl.Series:
    """Whether each JSON text may have something `mask_json_text` masks in its decoded values: the
    vectorised filter run on the text with its escaped breaks and slashes as they decode (a break
    as a space, which joins no less), or a `\\u` escape (which may be an "@" or a non-breaking
    space) or a number with an exponent (which may be a NIK-shaped one) where a value starts."""
    decoded = texts.str.replace_all(r"\\[nrtbf]", " ").str.replace_all(r"\\/", "/")
    return decoded.str.contains(CANDIDATE_PATTERN) | texts.str.contains(
        r"\\u[0-9A-Fa-f]{4}|[\[:,]\s*-?\d+(?:\.\d+)?[eE][+-]?\d"
    )


def mask_text_columns(
    frame: pl.DataFrame, columns: Collection[str] | None = None, keep: Collection[str] = ()
) -> pl.DataFrame:
    """`frame` with `mask_personal_data` applied to each text column (String or list of String)
    named in `columns` (default: every text column) except those in `keep`.

    Only the distinct values `CANDIDATE_PATTERN` finds go through `mask_personal_data`, once
    each, and only changed values are replaced.
    """
    return mask_text_columns_counted(frame, columns, keep)[0]


def mask_text_columns_counted(
    frame: pl.DataFrame,
    columns: Collection[str] | None = None,
    keep: Collection[str] = (),
    json_columns: Collection[str] = (),
) -> tuple[pl.DataFrame, dict[str, int]]:
    """`mask_text_columns` and, per column with a masked value, how many rows it changed (for a
    landing's log and metadata: what was masked where). Columns in `json_columns` hold JSON
    documents and are masked with `mask_json_text`, so they stay JSON."""
    replacements = []
    counts: dict[str, int] = {}
    for name, dtype in frame.schema.items():
        if name in keep or (columns is not None and name not in columns):
            continue
        is_list = isinstance(dtype, pl.List) and dtype.inner == pl.String
        if dtype != pl.String and not is_list:
            continue
        values = frame.get_column(name)
        flat = values.explode() if is_list else values
        if name in json_columns:
            candidates, mask = _json_candidates(flat), mask_json_text
        else:
            candidates, mask = flat.str.contains(CANDIDATE_PATTERN), mask_personal_data
        distinct = flat.filter(candidates).unique().to_list()
        changed = {v: m for v in distinct if (m := mask(v)) != v}
        if not changed:
            continue
        old, new = list(changed), list(changed.values())
        if is_list:
            hit = values.list.eval(pl.element().is_in(old)).list.any()
            replacements.append(pl.col(name).list.eval(pl.element().replace(old, new)))
        else:
            hit = values.is_in(old)
            replacements.append(pl.col(name).replace(old, new))
        counts[name] = int(hit.sum())
    return (frame.with_columns(replacements) if replacements else frame), counts


def without_own_values(text: str | None, values: Collection[str | None]) -> str | None:
    """`text` with each of `values` found in it as whole words, in any case, as `REMOVED`.

    For a record's free text and the record's own personal fields (an AK1 job seeker's name,
    address, birth date): a name has no pattern, but the record says which name is its own. Values
    with fewer than 3 letters or digits are ignored, as they would blot out more than a value.
    """
    if not text:
        return text
    lowered = text.lower()
    found = [
        value for value in values
        if value and value.lower() in lowered and sum(c.isalnum() for c in value) >= 3
    ]  # fmt: skip
    if not found:
        return text
    alternatives = "|".join(re.escape(v) for v in sorted(found, key=len, reverse=True))
    return re.sub(rf"(?<!\w)(?:{alternatives})(?!\w)", REMOVED, text, flags=re.IGNORECASE)


def _decoded_texts(value: object, key: str | None = None) -> list[str]:
    """The texts of a decoded JSON document: its keys and strings, and its numbers (a
    NIK-shaped float as its 16 digits, a phone number under its key as `+62` and its digits)."""
    if is_phone_shaped_number(value, key):
        number = value if isinstance(value, str) else int(value)  # type: ignore[call-overload]
        text = number.strip() if isinstance(number, str) else str(number)
        return [f"+62{text.lstrip('+').removeprefix('62').removeprefix('0')}"]
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [
            text
            for name, item in value.items()
            for text in (name, *_decoded_texts(item, _child_key(key, name)))
        ]
    if isinstance(value, list):
        return [text for item in value for text in _decoded_texts(item, key)]
    if is_nik_shaped_number(value):
        return [str(int(value))]  # type: ignore[call-overload]
    # An id's number is a key, not a phone, as `mask_nested` keeps it (a NIK-shaped one is not).
    id_number = key is not None and _is_id_name(key)
    return [] if value is None or isinstance(value, bool) or id_number else [str(value)]


def _as_scanned(value: str) -> str:
    """`value` as the scanner reads it: a JSON document as its decoded texts, one per line."""
    parsed = _loads_json_document(value)
    return value if parsed is None else "\n".join(_decoded_texts(parsed))


def _first_match(kind: str, text: str) -> str | None:
    """The first value of `kind` in `text` as `mask_personal_data` finds it: by its pattern, and
    for a phone also as a keyed number in JSON text or in words."""
    if match := PATTERNS[kind].search(text):
        return match.group(0)
    if kind != "phone":
        return None
    for keyed in _KEYED_NUMBER.finditer(text):
        if _mask_keyed_number(keyed) != keyed.group(0):
            return keyed.group(0)
    return find_phone_in_words(text)


def find_personal_data(frame: pl.DataFrame, table: str = "frame") -> list[PersonalDataHit]:
    """One hit per (column, kind) whose values look like a NIK, phone number or e-mail.

    Integer columns are read as their text (a NIK or a phone number typed as a number is still
    one), other columns of numbers (float, decimal) for a NIK-shaped number
    (`is_nik_shaped_number`), lists of text, and a text that is a JSON object or array as its
    decoded keys and values (the masking decides on them: `mask_json_text`).
    """
    hits: list[PersonalDataHit] = []
    for column in frame.columns:
        dtype = frame.schema[column]
        if dtype.is_integer():
            values = frame.get_column(column).cast(pl.String)
        elif dtype.is_numeric():
            shaped = frame.filter(nik_shaped_number_expr(column)).get_column(column)
            if len(shaped):
                example = str(shaped[0])
                hits.append(PersonalDataHit(table, column, "nik", example, shaped.n_unique()))
            continue
        elif dtype == pl.String:
            values = frame.get_column(column)
        elif isinstance(dtype, pl.List) and dtype.inner == pl.String:
            values = frame.get_column(column).list.join(" | ")
        else:
            continue
        # Python's `re` rather than Polars' regex engine: the patterns need look-behind.
        distinct = [_as_scanned(v) for v in values.drop_nulls().unique().to_list()]
        for kind in PATTERNS:
            found = [match for v in distinct if (match := _first_match(kind, v))]
            if found:
                hits.append(PersonalDataHit(table, column, kind, found[0], len(found)))
    return hits
