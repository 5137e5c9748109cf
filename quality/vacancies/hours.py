"""Working hours stated in an advert's text, as hours per week and per day.

Indonesian adverts state hours as a schedule ("Waktu Bekerja : Senin - Sabtu 08.00 - 17.00",
"Jam kerja: 8-17 (Senin - Jumat) // 8-15 (Sabtu)") far more often than as a weekly total. This
module reads both: an explicit total ("48 jam/minggu", "40 hours per week") or, after a section
label (`SECTION_LABEL`), day ranges paired with time ranges, and turns a schedule into hours on
the low side of what it can mean:

* a break is taken out of each day (one hour from a span of six hours or more, half an hour from
  a span over four), as the law requires a rest after four hours (UU 13/2003 Art. 79);
* "5 pm" written as "5" after "8" is read as 17:00, and a range that ends before it starts as
  a night shift;
* when a schedule cannot be paired unambiguously (two day groups and one time range, a shift
  system, "fleksibel"), no hours are returned rather than a guess; when it is read but the days
  and hours cannot be paired (one day group between two time ranges) or the result is impossible
  (a week shorter than its day), the reading is `NOT_DETERMINED` with the reason as evidence, so
  the check publishes NULL and never "false" from a misreading;
* every labelled section is read, and the first that gives a week wins (an earlier "jam kerja
  fleksibel" in the duties must not hide the schedule);
* a shop's opening hours ("Jam operasional") are blanked before reading: they are not the
  worker's hours; and a number range is a shift only when it looks like clock times, never pay,
  an address, an age or a date ("Gaji 4 - 5 juta", "No. 12 - 14", "1 - 15 Juli").

So a flag raised from these figures means the stated schedule exceeds the legal limit even when
read generously.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SECTION_LABEL = re.compile(
    r"(waktu\s+(?:bekerja|kerja)|jam\s+(?:kerja|bekerja|operasional\s+kerja)"
    r"|(?:\b[1-7]\s*)?hari\s+kerja"
    r"|jadwal\s+kerja|(?:\b[1-7]\s*)?working\s+days?|working\s+(?:hours?|time|schedule)"
    r"|work(?:ing)?\s+schedule)\s*[:：]?",
    re.IGNORECASE,
)
SECTION_CHARS = 220
# The shop's opening hours ("Jam operasional : Senin - Minggu 08.00 - 22.00"), not the worker's:
# a shop open seven days from 8 to 22 is staffed in shifts. Such a section is never read as
# hours (not even its "N jam/hari"); it ends like a schedule section or at the next label. An
# office's hours ("JAM OPERASIONAL KANTOR 09:00 - 17:00" under "Waktu Bekerja") are its staff's,
# and "Jam operasional kerja" names the working hours (a `SECTION_LABEL`).
OPENING_HOURS_LABEL = re.compile(
    r"\b(?:(?:jam|waktu|hari)\s+(?:operasional|operasi|buka)"
    r"|(?:operational|operating|opening|store)\s+(?:hours?|time|days?))\b"
    r"(?!\s+(?:kantor|office|kerja)\b)\s*[:：]?",
    re.IGNORECASE,
)
# A following "Tunjangan :" / "Insentif :" header ends the schedule section (Loker.id layout).
SECTION_END = re.compile(r"\n\s*\n|\n\s*[A-Z][A-Za-z ]{2,25}\s*:\s*(\n|$)")

DAYS = {
    "senin": 0,
    "selasa": 1,
    "rabu": 2,
    "kamis": 3,
    "jumat": 4,
    "sabtu": 5,
    "minggu": 6,
    "ahad": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "mon": 0,
    "tue": 1,
    "wed": 2,
    "thu": 3,
    "fri": 4,
    "sat": 5,
    "sun": 6,
}
_DAY = (
    r"(senin|senen|selasa|rabu|kamis|ju[a-z]?m\W?\s*[aá]t|sabtu|minggu|ahad|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)"
)
# A day name may follow a digit ("Break Time 11:30-14:00Monday - Saturday"), not a letter,
# unless HTML stripping glued a capitalised day to a word ("andSaturday", "areMonday").
_GLUED = r"(?-i:(?<=[a-z])(?=[A-Z]))"
_FULL_DAY = (
    r"(?:senin|selasa|rabu|kamis|jum|sabtu|minggu|monday|tuesday|wednesday|thursday|friday"
    r"|saturday|sunday)"
)
_DAY_START = rf"(?:(?<![^\W\d_])|{_GLUED}(?={_FULL_DAY}))"
# A day name ends at a word boundary or where a glued capitalised word starts ("JumatSabtu").
_DAY_END = rf"(?:\b|{_GLUED})"
_TO = r"\s*(?:-|–|—|s\s*/\s*d|s\.\s*d\.?|sd|sampai(?:\s+dengan)?|hingga|to|until|through)\s*"
# Between day names also "ke" ("Senin ke Sabtu"), "~" ("Monday~Friday") and a common typo.
_DAY_TO = rf"(?:{_TO}|\s*(?:~|\bke\b|\bsamapi\b)\s*)"
DAY_RANGE = re.compile(
    rf"{_DAY_START}{_DAY}{_DAY_END}{_DAY_TO}{_DAY_START}{_DAY}{_DAY_END}", re.IGNORECASE
)
# "Senin / Sabtu", "Senin Jumat", "senin sabtu": Monday to a day at the end of the week with a
# slash or a space is a range; other pairs ("Sabtu/Minggu", "Libur Senin/Selasa") stay days.
MONDAY_RANGE = re.compile(
    rf"{_DAY_START}(senin|senen|monday)\s*(?:/\s*|\s)(ju[a-z]?m\W?\s*[aá]t|sabtu|minggu|friday"
    rf"|saturday|sunday){_DAY_END}",
    re.IGNORECASE,
)
SINGLE_DAY = re.compile(rf"{_DAY_START}{_DAY}{_DAY_END}", re.IGNORECASE)
# A day off: "Minggu libur", "Minggu dan Tanggal Merah: Libur", "Sabtu optional", "SABTU MINGGU
# ( OPTIONAL )"; not "libur 1 hari" / "off 1x", which count days off (`DAYS_OFF_COUNT`), nor
# "selasa-minggu (tergantung jadwal libur)", whose words between say the days are worked.
DAY_OFF = re.compile(
    rf"^[^\w,;.]{{0,3}}(?:(?:(?:dan|and|&|/)\s*)?(?:tanggal\s+merah|tgl\s+merah|{_DAY})"
    r"[^\w,;.]{0,3})?"
    r"(libur|off|tutup|closed|optional|opsional)\b(?!\s*(?:\d|satu\b|sehari))",
    re.IGNORECASE,
)
# A day range named as off itself ("Sabtu - Minggu libur"), with nothing between but marks.
RANGE_OFF = re.compile(
    r"^[^\w,;.]{0,3}(libur|off|tutup|closed|optional|opsional)\b(?!\s*(?:\d|satu\b|sehari))",
    re.IGNORECASE,
)
# "Libur di hari Kamis", "Libur Senin/Selasa", "kecuali Minggu": the day named is off.
OFF_BEFORE_DAY = re.compile(
    r"\b(libur|off|tutup|closed|kecuali|except)\b[^\d,;.\n]{0,15}$", re.IGNORECASE
)
# "off 1 hari", "Libur 1x dalam Seminggu": that many days off in the week.
# Not "Libur 2x per bulan", "Off/Libur 2x Sebulan": days off a month say nothing of a week.
_NOT_A_MONTH = r"(?!\s*(?:per|dalam|/|a|tiap|setiap|dlm)?\s*(?:1\s*)?(?:bulan|sebulan|month))"
DAYS_OFF_COUNT = re.compile(
    r"\b(?:libur|off)\s*(\d|satu|sehari)\s*(?:x\b|kali|hari|days?)" + _NOT_A_MONTH,
    re.IGNORECASE,
)
# Shifts named next to one clock range ("Jam 09.00 sampai 22.00 di bagi 2 shift", "Shift antara
# jam 9.00 - 22.00", "Jam 11.00-22.00, Sesuai shift"): the range is the hours the shifts share,
# no one's day. Not "non-shift", "atau sesuai shift" (shifts as the other choice), nor a named
# shift with its own range ("Shift pagi 07.00-15.00").
SHIFTS_SHARE_RANGE = re.compile(
    r"(?<!non-)(?<!non )(?<!non)(?<!tanpa )(?<!atau sesuai )(?<!or )\b(?:shift(?:ing)?|sif)\b"
    r"(?!\s*(?:pagi|siang|sore|malam|[1-3]|i{1,3}\b)[^\w\n]{0,3}(?:jam\s*|pukul\s*)?\d)",
    re.IGNORECASE,
)
# "dua shift bergantian (siang 11 - 20)": the range of a named shift is that shift's day.
NAMED_SHIFT_BEFORE = re.compile(r"\b(pagi|siang|sore|malam)[^\w\n]{0,3}$", re.IGNORECASE)
# The count before the word: "Senin - Minggu ( 1 Hari Libur )", "1 day off".
DAYS_OFF_COUNT_BEFORE = re.compile(
    r"(?<![\d.,])\b(\d|satu|sehari)\s*(?:x\s*)?(?:hari|days?)\s*(?:libur|off)\b" + _NOT_A_MONTH,
    re.IGNORECASE,
)
# "sistem 5-2 (Shift)": days on and off in a rota, not clock times.
ROTA = re.compile(r"\b(sistem|pola|rotasi|roster|rotation)\s*$", re.IGNORECASE)
# "Sabtu setengah hari", "Saturday half day": counted as 4 hours (the low side of a half day).
HALF_DAY = re.compile(r"^\s*[:(]?\s*(setengah\s+hari|half\s*day)", re.IGNORECASE)
HALF_DAY_HOURS = 4.0
# A day worked only when something happens, or on a rota, is no regular working day: "Sabtu
# 07.20-14.00 (Jika ada kegiatan besar saja)", "Sabtu (piket)".
IRREGULAR_DAY = re.compile(
    r"\b(jika\s+ada|kalau\s+ada|bila\s+ada|apabila\s+ada|bila\s+diperlukan|jika\s+diperlukan"
    r"|if\s+needed|when\s+needed|piket|on\s+call)\b",
    re.IGNORECASE,
)
# A lone day followed by an end time only ("08:00 s/d 17:00 sabtu jam 3"): that day's own
# hours, which say nothing of the other days.
LONE_DAY_END = re.compile(r"^\s*(?:jam|pukul|pk\.?|s/d|sd|sampai|hingga)\s*\d", re.IGNORECASE)
# "per minggu", "dalam 1 minggu", "jam/minggu" are a week, not Sunday; "16.30 / Minggu" is Sunday.
WEEK_WORD = re.compile(
    r"(\b(per|dalam|tiap|setiap|each|a)\s*(?:1\s*)?|[a-z]\s*/\s*)$", re.IGNORECASE
)
DAYS_PER_WEEK = re.compile(
    r"\b([1-7])\s*(?:hari\s+(?:(?:be)?kerja|dalam\s+(?:1\s+)?(?:seminggu|minggu)|seminggu"
    r"|per\s+minggu|/\s*minggu)"
    r"|(?:working\s+)?days?\s+(?:a|per)\s+week|working\s+days)",
    re.IGNORECASE,
)
_CLOCK = r"(\d{1,2})(?:\s*[.:]\s*(\d{2}))?\s*(wib|wita|wit|am|pm|pagi|siang|sore|malam)?"
# Not followed by a unit: "8-9 jam" is a duration and "18-25 tahun" an age range, not clock times.
TIME_RANGE = re.compile(
    rf"(?<![\d.:]){_CLOCK}{_TO}(?:jam\s*)?{_CLOCK}(?![\d:]|\.\d)"
    r"(?!\s*(?:jam|hours?|hrs?|tahun|thn|th\b|bulan|menit|minutes?|orang|x\b))",
    re.IGNORECASE,
)
# A range is read as clock times only when it looks like them: minutes ("08.00", "8:30"), a mark
# ("WIB", "pm", "sore"), "jam"/"pukul" before it, a day name or a part of the day ("pagi",
# "shift") right next to it, or nothing but the section label before it ("Jam kerja: 8-17").
# A bare "4 - 5" elsewhere in a section is as often pay, a street number or a date.
_CLOCK_WORD_BEFORE = re.compile(
    rf"(?:\b(?:jam|jm|pukul|pkl|pk)\b[^\d,;\n]{{0,15}}"
    rf"|(?:{_DAY_START}{_DAY}|\b(?:pagi|siang|sore|malam|shift\s*\d?|dari|from))\b[^\w\n]{{0,4}})$",
    re.IGNORECASE,
)
_DAY_AFTER = re.compile(rf"[^\w\n]{{0,4}}{_DAY}{_DAY_END}", re.IGNORECASE)
# Pay, an address, an age or a date: "Gaji 4 - 5 juta", "No. 12 - 14", "Jl. X No. 8 - 10",
# "usia 18 - 25", "1 - 15 Juli"; never clock times, whatever they look like.
NOT_CLOCK_BEFORE = re.compile(
    r"\b(?:no|nomor|nomer|jl|jln|jalan|blok|blk|lantai|lt|kav|rt|rw|rp|idr|usia|umur|age"
    r"|gaji|salary|upah|tgl|tanggal|date|km)\b[^,;\n]{0,20}$",
    re.IGNORECASE,
)
NOT_CLOCK_AFTER = re.compile(
    r"\s*(?:juta|jt|rb|ribu|k|km|m|meter|no|%|persen|unit|pcs|kg|cm|orang|tahun|thn"
    r"|th|bulan|bln|januari|februari|maret|april|mei|juni|juli|agustus|september|oktober"
    r"|november|desember|jan|feb|mar|apr|jun|jul|agu|agt|aug|sep|okt|oct|nov|des|dec)\b",
    re.IGNORECASE,
)
# "5 - 6 hari" is a count of days; "8-17 hari Senin - Sabtu" names the days of the range.
_DAYS_COUNTED_AFTER = re.compile(
    rf"\s*(?:hari|days?)\b(?![^\w\n]*(?:kerja\W*)?{_DAY})", re.IGNORECASE
)
WEEKLY_TOTAL = re.compile(
    r"\b(\d{2}(?:[.,]\d)?)\s*(?:jam|hours?|hrs?)\s*(?:/|per|a|dalam|setiap|each|in\s+a)\s*"
    r"(?:1\s*)?(?:minggu|pekan|week)\b",
    re.IGNORECASE,
)
_PER_DAY = r"(?:(?:/|per|a|dalam|setiap|tiap|each)\s*(?:1\s*)?(?:hari|day)|sehari|perhari)\b"
DAILY_TOTAL = re.compile(
    rf"\b(\d{{1,2}}(?:[.,]\d)?)\s*(?:jam|hours?|hrs?)\s*{_PER_DAY}",
    re.IGNORECASE,
)
# Days a week next to hours a day, in either order: "6 hari kerja, 8 jam/hari", "5 days a week,
# 9 hours/day", "Senin - Sabtu, 8 jam per hari", "12 jam sehari 7 hari seminggu", "6 hari x 8 jam".
# The days must say they are a working week ("hari kerja", "working days", "seminggu", "a week",
# a day-name range): a bare "7 hari" next to hours a day is as often a notice period, a
# probation, a meal allowance or a pay interval ("Masa percobaan 7 hari, 8 jam/hari").
_WEEK_LINK = r"(?:/|per|dalam|setiap|tiap|each|a|in\s+a)"
# A bare "minggu" after the days may be Sunday ("6 hari minggu libur"): only with a link word.
_A_WEEK = (
    rf"(?:\s*(?:{_WEEK_LINK}\s*)?(?:seminggu|sepekan)\b"
    rf"|\s*{_WEEK_LINK}\s*(?:1\s*)?(?:minggu|pekan|week)\b)"
)
_DAY_WORD = r"(?:hari|days?)\b"
_WORKING = r"(?:\s+(?:kerja|working|of\s+work)\b)"
_DAY_COUNT = (
    rf"(?P<days>[1-7])\s*(?:(?:working|work)\s+{_DAY_WORD}{_A_WEEK}?"
    rf"|{_DAY_WORD}(?:{_WORKING}{_A_WEEK}?|{_A_WEEK}))"
)
_WEEK_DAYS = rf"(?:{_DAY_COUNT}|(?P<range>{_DAY}{_TO}{_DAY}))"
# "6 hari x 8 jam": the multiplication sign says the days are multiplied, so bare days will do.
_TIMES_DAYS = (
    rf"(?:(?P<days>[1-7])\s*(?:(?:working|work)\s+)?{_DAY_WORD}{_WORKING}?{_A_WEEK}?"
    rf"|(?P<range>{_DAY}{_TO}{_DAY}))"
)
_DAY_HOURS = r"(?P<hours>\d{1,2}(?:[.,]\d)?)\s*(?:jam|hours?|hrs?)(?:\s+kerja)?"
# "6 working days, 8 working hours": hours named as working hours right after a count of
# working days. Not after a day range: "Senin sampai Jumat (7 Jam kerja), Sabtu (5 Jam Kerja)"
# goes on to another day group.
_WORKING_HOURS = (
    r"(?P<hours>\d{1,2}(?:[.,]\d)?)\s*(?:(?:working|work)\s+(?:hours?|hrs?)|jam\s+kerja)\b"
    r"(?!\s*(?:/|per|a|dalam|setiap|tiap|each|in\s+a)?\s*(?:1\s*)?"
    r"(?:seminggu|sepekan|minggu|pekan|week|bulan|month|sebulan))"
)
_BETWEEN = r"[\s,;:()]*(?:(?:dan|and|with|&)[\s,;:()]*)?"
DAYS_AND_DAILY_HOURS = (
    re.compile(rf"(?<![\d.,]){_WEEK_DAYS}{_BETWEEN}\b{_DAY_HOURS}\s*{_PER_DAY}", re.IGNORECASE),
    re.compile(rf"(?<![\d.,])\b{_DAY_HOURS}\s*{_PER_DAY}{_BETWEEN}\b{_WEEK_DAYS}", re.IGNORECASE),
    re.compile(rf"(?<![\d.,]){_TIMES_DAYS}\s*[x×]\s*{_DAY_HOURS}\b", re.IGNORECASE),
    re.compile(rf"(?<![\d.,]){_DAY_COUNT}{_BETWEEN}\b{_WORKING_HOURS}", re.IGNORECASE),
)
# Days that are not a working week, named in the same clause before the count: "libur 1 hari",
# "training 7 hari", "kontrak 5 hari", "Masa percobaan 7 hari", "Uang makan 7 hari".
NOT_A_WEEK = re.compile(
    r"\b(libur|off|cuti|leave|training|pelatihan|masa|selama|for|within|kontrak|contract"
    r"|percobaan|probation|magang|intern\w*|onboarding|orientasi|diproses|processed|proses"
    r"|dibayar|paid|pay|gaji|gajian|uang|makan|allowance|tunjangan|mulai|start\w*|dalam"
    r"|tiap|setiap|every|lembur|overtime)\b",
    re.IGNORECASE,
)
# Words that make a count of working days a period, not a working week: "Masa percobaan 7 hari
# kerja", "diproses dalam 7 hari kerja", "training 7 hari kerja". Narrower than `NOT_A_WEEK`:
# "setiap minggu 6 hari kerja", "magang 6 hari kerja" and "status kontrak 6 hari kerja" are weeks.
PERIOD_OF_WORKING_DAYS = re.compile(
    r"\b(masa|selama|for|within|training|pelatihan|percobaan|probation|onboarding|orientasi"
    r"|diproses|processed|proses)\b",
    re.IGNORECASE,
)
# Hours a day that are not the working day: overtime and breaks ("Lembur 2 jam/hari",
# "istirahat 1 jam/hari"); the law counts overtime on top of the working hours (UU 13/2003
# Art. 78), so it never stands for them.
NOT_WORKING_HOURS = re.compile(
    r"\b(lembur|overtime|istirahat|ishoma|break|rest|makan\s+siang|lunch)\b", re.IGNORECASE
)
# The unit and "a day" after the number of hours, to reach the word that follows them.
_HOURS_TAIL = re.compile(rf"\s*(?:jam|hours?|hrs?)?(?:\s+kerja)?\s*(?:{_PER_DAY})?", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,.;:()\n]")
_CLAUSE_CHARS = 40


def _clause_before(text: str, position: int) -> str:
    """The words before `position` back to the last comma, stop or line break (at most
    `_CLAUSE_CHARS` characters): what a count or an amount is said of."""
    window = text[max(0, position - _CLAUSE_CHARS) : position]
    ends = list(_CLAUSE_END.finditer(window))
    return window[ends[-1].end() :] if ends else window


def _is_not_working_hours(text: str, start: int, end: int) -> bool:
    """Hours between `start` and `end` that are overtime or a break, by the words of their
    clause before them or the few words right after them ("2 jam/hari lembur")."""
    tail = _HOURS_TAIL.match(text, end)
    # Only the words directly after the hours: "8 jam/hari (istirahat 1 jam)" names a break in
    # its note, not these hours, so a bracket ends the look.
    after = text[tail.end() if tail else end :].lstrip(" ")
    return bool(
        NOT_WORKING_HOURS.search(_clause_before(text, start)) or NOT_WORKING_HOURS.match(after)
    )


@dataclass(frozen=True)
class StatedHours:
    """Hours a text states; `weekly` may be None when only a day's hours are known."""

    weekly: float | None
    daily: float | None
    basis: str
    evidence: str


def _net_hours(span: float, stated_break: float = 0.0) -> float:
    """Hours worked in a day spanning `span` hours: the law's break (Art. 79) or the break the
    advert states, whichever is longer, is taken out."""
    legal_break = 1.0 if span >= 6 else 0.5 if span > 4 else 0.0
    rest = max(legal_break, stated_break)
    return span - rest if span - rest > 0 else span


def _clock(hour: str, minute: str | None) -> float | None:
    value = int(hour) + (int(minute) / 60 if minute else 0)
    if int(hour) > 24 or (minute and int(minute) > 59):
        return None
    return value


def _span(match: re.Match[str]) -> float | None:
    start = _clock(match.group(1), match.group(2))
    end = _clock(match.group(4), match.group(5))
    if start is None or end is None:
        return None
    start_mark = (match.group(3) or "").lower()
    end_mark = (match.group(6) or "").lower()
    if start_mark in {"pm", "sore", "malam"} and start < 12:
        start += 12
    # "Jam 3 siang": early afternoon ("siang" runs to about 3 pm; "11 siang" is late morning).
    if start_mark == "siang" and start < 6:
        start += 12
    if end_mark in {"pm", "sore", "malam"} and end < 12:
        end += 12
    if end_mark == "siang" and end < 6:
        end += 12
    # "8-5": five in the afternoon; not "3 siang - 5 pagi", which ends the next morning.
    if end <= start and end <= 12 and end + 12 > start and end_mark not in {"pagi", "am"}:
        end += 12
    if end <= start:
        end += 24  # a night shift
    span = end - start
    return span if 0 < span <= 16 else None


def _day_index(name: str) -> int:
    key = re.sub(r"[\W\d_]", "", name.lower())
    # Jumat is spelled many ways ("Jum'at", "Jumát", "Juamat"); Senen is Senin.
    return 4 if key.startswith("ju") else DAYS.get(key, DAYS.get(key[:3], 0))


def _days_in_range(match: re.Match[str]) -> int:
    first, last = _day_index(match.group(1)), _day_index(match.group(2))
    return (last - first) % 7 + 1


def _range_indexes(match: re.Match[str]) -> frozenset[int]:
    first = _day_index(match.group(1))
    return frozenset((first + step) % 7 for step in range(_days_in_range(match)))


def _schedule_sections(text: str) -> list[str]:
    """Every labelled schedule section of `text`, in order: an earlier "jam kerja fleksibel"
    or "jadwal kerja" in the duties must not hide the "Waktu Bekerja :" section after it."""
    sections = []
    read_to = 0
    for label in SECTION_LABEL.finditer(text):
        if label.start() < read_to:
            continue  # a label inside the section before ("6 hari kerja ... atau 5 hari kerja")
        # "Masa percobaan 7 hari kerja", "diproses dalam 7 hari kerja": a count of working
        # days in a clause about a period is a duration, not a working week.
        if label.group(0)[0].isdigit() and PERIOD_OF_WORKING_DAYS.search(
            _clause_before(text, label.start())
        ):
            continue
        # "6 hari kerja" is a label and a day count at once: the count stays in the section.
        start = label.start() if label.group(0)[0].isdigit() else label.end()
        section = text[start : label.end() + SECTION_CHARS]
        end = SECTION_END.search(section)
        section = section[: end.start()] if end else section
        read_to = start + len(section)
        sections.append(_normalised_times(section))
    return sections


def _normalised_times(section: str) -> str:
    """Clock times in the spellings adverts use: "09-00 - 17.00" is 09.00, "17.000" is 17.00."""
    section = re.sub(
        r"(?<![\d.:])(\d{1,2})-(00|30)(?=\s*(?:-|–|s/d|sd|sampai|to)\s*\d)", r"\1.\2", section
    )
    return re.sub(r"(?<=[-–\s])(\d{1,2}[.:]\d{2})0(?!\d|[.,]\d)", r"\1", section)


@dataclass(frozen=True)
class _DayGroup:
    """Days named together as working days: a range, a count or one day."""

    position: int
    end: int
    days: int
    kind: str  # "range", "count" or "day"
    indexes: frozenset[int]
    half: bool = False


def _is_day_off(section: str, start: int, end: int, *, is_range: bool = False) -> bool:
    """Whether the day or range at `start:end` is named as off. A further day between them and
    the word counts only after a single day ("Sabtu Minggu libur": both off); after a range it
    is the day named that is off ("Senin - Sabtu / Minggu libur": the range is worked)."""
    after = (RANGE_OFF if is_range else DAY_OFF).match(section[end:])
    return bool(after or OFF_BEFORE_DAY.search(section[:start]))


def _day_groups(section: str) -> tuple[list[_DayGroup], int]:
    """The day groups named as working days, and the number of days named as off."""
    groups: list[_DayGroup] = []
    taken: list[tuple[int, int]] = []
    off: set[int] = set()
    for pattern in (DAY_RANGE, MONDAY_RANGE):
        for match in pattern.finditer(section):
            if any(start <= match.start() < end for start, end in taken):
                continue
            taken.append(match.span())
            if _is_day_off(section, match.start(), match.end(), is_range=True):
                off |= _range_indexes(match)
                continue
            days = _days_in_range(match)
            indexes = _range_indexes(match)
            groups.append(_DayGroup(match.start(), match.end(), days, "range", indexes))
    for match in DAYS_PER_WEEK.finditer(section):
        if re.search(r"\b(libur|off|cuti)\s*$", section[: match.start()], re.IGNORECASE):
            continue  # "Libur 1 Hari dalam seminggu" counts the day off (`DAYS_OFF_COUNT`)
        groups.append(
            _DayGroup(match.start(), match.end(), int(match.group(1)), "count", frozenset())
        )
        taken.append(match.span())
    for match in SINGLE_DAY.finditer(section):
        if any(start <= match.start() < end for start, end in taken):
            continue
        if WEEK_WORD.search(section[: match.start()]):
            continue  # "per minggu" is a week, not Sunday
        index = _day_index(match.group(1))
        if _is_day_off(section, match.start(), match.end()):
            off.add(index)
            continue
        half = bool(HALF_DAY.match(section[match.end() :]))
        groups.append(
            _DayGroup(match.start(), match.end(), 1, "day", frozenset({index}), half=half)
        )
    return sorted(groups, key=lambda group: group.position), len(off)


def _days_times_daily_hours(text: str) -> StatedHours | None:
    """Hours a week as days a week times hours a day, when the text pairs them once and only
    once (two different pairings are not guessed between)."""
    found: dict[tuple[float, float], str] = {}
    for pattern in DAYS_AND_DAILY_HOURS:
        for match in pattern.finditer(text):
            if NOT_A_WEEK.search(_clause_before(text, match.start())):
                continue
            if _is_not_working_hours(text, match.start("hours"), match.end("hours")):
                continue
            day_range_text = match.groupdict().get("range")
            days_start = match.start("range" if day_range_text else "days")
            if match.start("hours") < days_start and NOT_A_WEEK.search(
                _clause_before(text, days_start)
            ):
                continue
            if day_range_text:
                day_range = DAY_RANGE.search(day_range_text)
                if day_range is None:
                    continue
                days = _days_in_range(day_range)
            else:
                days = int(match.group("days"))
            hours = float(match.group("hours").replace(",", "."))
            if 1 <= hours <= 16:
                found.setdefault((days * hours, hours), " ".join(match.group(0).split()))
    if len(found) != 1:
        return None
    [((weekly, daily), evidence)] = found.items()
    return StatedHours(weekly, daily, "days_times_daily_hours", evidence)


def stated_hours(text: str | None) -> StatedHours | None:
    """The hours `text` states, or None when it states none that can be read unambiguously.

    When the other readings give no weekly figure, days a week stated next to hours a day
    ("6 hari kerja, 8 jam/hari") give one: days times hours.
    """
    if not text:
        return None
    text, opening = _without_opening_hours(text.replace("\u00a0", " "))
    hours = _stated_hours(text)
    if hours is None or hours.weekly is None:
        hours = _days_times_daily_hours(text) or hours
    if hours is None and opening:
        return StatedHours(None, None, OPENING_HOURS, opening)
    return hours


OPENING_HOURS = "opening_hours"


def _without_opening_hours(text: str) -> tuple[str, str | None]:
    """`text` with its opening-hours sections blanked (kept at their length, line breaks and
    all, so the sections around them end where they did), and the first such section."""
    first = None
    for label in OPENING_HOURS_LABEL.finditer(text):
        section = text[label.start() : label.end() + SECTION_CHARS]
        ends = [SECTION_END.search(section, label.end() - label.start())]
        ends.append(SECTION_LABEL.search(section, label.end() - label.start()))
        end = min((found.start() for found in ends if found), default=len(section))
        if first is None:
            first = " ".join(section[:end].split())[:160]
        blank = re.sub(r"[^\n]", " ", section[:end])
        text = text[: label.start()] + blank + text[label.start() + end :]
    return text, first


@dataclass(frozen=True)
class _Daily:
    hours: float
    evidence: str


# "8-10 Jam per hari", "8 Jam atau 12 Jam per hari": the low end of hours a day given as a range
# or as alternatives, right before the "N jam/hari" it ends with.
_DAILY_LOW_END = re.compile(
    r"(?<![\d.,])(\d{1,2}(?:[.,]\d)?)\s*(?:jam|hours?|hrs?)?\s*"
    r"(?:-|–|s\s*/\s*d|sd|sampai|hingga|to|atau|or)\s*$",
    re.IGNORECASE,
)


def _daily_total(text: str) -> _Daily | None:
    """The first "N jam/hari" of `text` that is not overtime or a break, on the low side of a
    range or of alternatives ("8-10 Jam per hari" is 8)."""
    for match in DAILY_TOTAL.finditer(text):
        if not _is_not_working_hours(text, match.start(), match.end()):
            hours = float(match.group(1).replace(",", "."))
            low = _DAILY_LOW_END.search(text[max(0, match.start() - 20) : match.start()])
            if low is None:
                return _Daily(hours, match.group(0).strip())
            start = match.start() - (len(low.string) - low.start())
            low_hours = float(low.group(1).replace(",", "."))
            return _Daily(min(hours, low_hours), text[start : match.end()].strip())
    return None


def _stated_hours(text: str) -> StatedHours | None:
    weekly = WEEKLY_TOTAL.search(text)
    if weekly:
        hours = float(weekly.group(1).replace(",", "."))
        if 10 <= hours <= 100:
            return StatedHours(hours, None, "weekly_total", weekly.group(0).strip())
    sections = _schedule_sections(text)
    if not sections:
        daily = _daily_total(text)
        if daily:
            hours = daily.hours
            if 1 <= hours <= 16:
                return StatedHours(None, hours, "daily_total", daily.evidence)
        return None
    readings = [reading for section in sections if (reading := _section_hours(section))]
    # The most specific reading: a week, else a day's hours, else why none could be given.
    for wanted in (
        lambda r: r.weekly is not None,
        lambda r: r.basis != NOT_DETERMINED,
        lambda r: True,
    ):
        found = next((reading for reading in readings if wanted(reading)), None)
        if found is not None:
            return found
    return None


NOT_DETERMINED = "not_determined"


def _not_determined(why: str, evidence: str) -> StatedHours:
    return StatedHours(None, None, NOT_DETERMINED, f"{why}: '{evidence}'")


def _section_hours(section: str) -> StatedHours | None:
    """The hours one labelled schedule section states."""
    daily = _daily_total(section)
    found = [
        (m.start(), m.end(), _span(m))
        for m in TIME_RANGE.finditer(section)
        if _is_clock(section, m)
    ]
    # A break, rest or overtime range ("Break Time 11:30-14:00", "Istirahat 1 jam (12.00-13.00)")
    # is not a shift: its length is taken out of the day instead.
    breaks = [span for start, _, span in found if span and _is_break(section, start)]
    times = [(start, end, span) for start, end, span in found if span]
    times = [t for t in times if not _is_break(section, t[0]) and not ROTA.search(section[: t[0]])]
    groups, days_off = _day_groups(section)
    evidence = " ".join(section.split())[:160]
    if any(HALF_DAY.match(section[m.end() :]) for m in DAY_RANGE.finditer(section)):
        # "Jam 07:00 s/d 16:00, jumat s/d sabtu setengah hari" read as two 8-hour days: which
        # days are worked in full is not said.
        return _not_determined("a range of half days, the full days unnamed", evidence)
    if (
        len(times) == 1
        and SHIFTS_SHARE_RANGE.search(section)
        and not NAMED_SHIFT_BEFORE.search(section[: times[0][0]])
    ):
        return None
    groups, times = _regular_days(section, groups, times)
    if (
        len(groups) == 1
        and groups[0].kind == "day"
        and LONE_DAY_END.match(section[groups[0].end :])
        and all(start < groups[0].position for start, _, _ in times)
    ):
        return _not_determined("a lone day with its own end time, the other days unnamed", evidence)
    half_days = [g for g in groups if g.half]
    groups = _without_summaries([g for g in groups if not g.half], half_days, len(times))
    counts = [g for g in groups if g.kind == "count"]
    if len(counts) == 1 and len(times) <= 1:
        groups = counts[:1]  # "6 hari kerja ... (Sabtu/Minggu)": the count is the week
    elif len(groups) > 1 and len(times) <= 1 and all(g.kind == "day" for g in groups):
        # "Senin, Selasa, Kamis & Jumat pk 9.45 - 18.15": a list of days, one schedule.
        indexes = frozenset().union(*(g.indexes for g in groups))
        groups = [_DayGroup(groups[0].position, groups[-1].end, len(indexes), "day", indexes)]
    if len(groups) > 1 and len(times) <= 1 and len({g.days for g in groups}) == 1:
        groups = groups[:1]  # "6 hari kerja (Senin s/d Sabtu)" names one week twice
    groups = _less_days_off(groups, days_off, section, evidence)
    if groups is None:
        return _not_determined("the days off leave no working day", evidence)
    half_hours = HALF_DAY_HOURS * len(half_days)
    if daily and not times:
        hours = daily.hours
        per_week = groups[0].days if len(groups) == 1 else None
        if 1 <= hours <= 16:
            weekly_hours = hours * per_week + half_hours if per_week else None
            return _plausible(StatedHours(weekly_hours, hours, "schedule", evidence))
    if not times:
        return None
    stated_break = max(breaks, default=0.0)
    if not groups:
        net = min(_net_hours(span, stated_break) for _, _, span in times)
        return StatedHours(None, net, "schedule_hours_only", evidence)
    if len(groups) == len(times):
        if _lone_monday_first(groups):
            # "Senin 09.00 - 17.00, Sabtu 09.00 - 15.00": Monday alone (12.5 h a week) or
            # Monday to Friday (40.5 h) is not said; neither is a guess to publish.
            return _not_determined("a lone Monday with its own hours before a later day", evidence)
        pairs = [(g.days, span) for g, (_, _, span) in zip(groups, times, strict=True)]
    elif len(groups) == 1:
        if times[0][0] < groups[0].position < times[-1][0]:
            # "Jam 8 sd 16.30, Senin - Sabtu Jam 8 sd 12:00": which days keep which hours is
            # not said (likely a short Saturday); no alternative shifts to take the shortest of.
            return _not_determined("one day group between two time ranges", evidence)
        # Several time ranges for one group of days are alternative shifts: take the shortest.
        pairs = [(groups[0].days, min(span for _, _, span in times))]
    else:
        return None
    if sum(days for days, _ in pairs) + len(half_days) > 7:
        return None
    weekly_hours = sum(days * _net_hours(span, stated_break) for days, span in pairs)
    daily_hours = max(_net_hours(span, stated_break) for _, span in pairs)
    return _plausible(StatedHours(weekly_hours + half_hours, daily_hours, "schedule", evidence))


def _lone_monday_first(groups: list[_DayGroup]) -> bool:
    """Monday named alone with its own hours, then Friday or a later day with theirs: "Senin"
    may start a week whose end is left out."""
    return (
        len(groups) > 1
        and groups[0].kind == "day"
        and groups[0].indexes == frozenset({0})
        and bool(groups[1].indexes)
        and min(groups[1].indexes) >= 4
    )


def _is_clock(section: str, match: re.Match[str]) -> bool:
    """Whether a number range in a schedule section is clock times, not pay, an address, an
    age or a date (`NOT_CLOCK_BEFORE`, `NOT_CLOCK_AFTER`, `_CLOCK_WORD_BEFORE`)."""
    before = _clause_before(section, match.start())
    if NOT_CLOCK_BEFORE.search(before) or NOT_CLOCK_AFTER.match(section, match.end()):
        return False
    if any(match.group(group) for group in (2, 3, 5, 6)):
        return True  # minutes or a mark: "08.00", "WIB", "pm", "sore"
    if _DAYS_COUNTED_AFTER.match(section, match.end()):
        return False
    return bool(
        _CLOCK_WORD_BEFORE.search(section[max(0, match.start() - 30) : match.start()])
        or not re.search(r"\w", section[: match.start()])  # right after the label
        or _DAY_AFTER.match(section, match.end())
    )


def _is_break(section: str, start: int) -> bool:
    """A time range whose clause names a break, a rest or overtime."""
    before = section[max(0, start - _CLAUSE_CHARS) : start]
    ends = list(re.finditer(r"[,;\n]|\)", before))
    return bool(NOT_WORKING_HOURS.search(before[ends[-1].end() :] if ends else before))


def _regular_days(
    section: str, groups: list[_DayGroup], times: list[tuple[int, int, float]]
) -> tuple[list[_DayGroup], list[tuple[int, int, float]]]:
    """Without the days worked only now and then ("Sabtu 07.20-14.00 (Jika ada kegiatan besar
    saja)", "Sabtu (piket)") and their hours."""
    kept, dropped = [], []
    for number, group in enumerate(groups):
        upto = groups[number + 1].position if number + 1 < len(groups) else len(section)
        # Only a lone day: "Senin - Sabtu (+ Jam & Hari tertentu jika diperlukan)" adds to a week.
        irregular = group.kind == "day" and IRREGULAR_DAY.search(section[group.position : upto])
        (dropped if irregular else kept).append((number, group, upto))
    if len(groups) == len(times):
        # Paired in order: the dropped day's hours go with it, wherever they are written.
        gone = {number for number, _, _ in dropped}
        times = [t for number, t in enumerate(times) if number not in gone]
    else:
        times = [t for t in times if not any(g.position <= t[0] < upto for _, g, upto in dropped)]
    return [g for _, g, _ in kept], times


def _without_summaries(
    groups: list[_DayGroup], half_days: list[_DayGroup], time_count: int
) -> list[_DayGroup]:
    """Without a first range that sums up the groups after it ("Senin - Sabtu, Senin - Jumat
    (08.00-17.00), Sabtu (08.00-16.00)"), and without half days from a range ("Senin - Sabtu,
    Sabtu setengah hari")."""
    if (
        len(groups) > 1
        and groups[0].kind == "range"
        and len(groups) + len(half_days) - 1 >= time_count
        and groups[0].days == sum(g.days for g in groups[1:]) + len(half_days)
    ):
        groups = groups[1:]
    half = frozenset().union(*(g.indexes for g in half_days)) if half_days else frozenset()
    return [
        _DayGroup(g.position, g.end, len(g.indexes - half), g.kind, g.indexes - half)
        if g.kind == "range" and g.indexes & half
        else g
        for g in groups
    ]


def _less_days_off(
    groups: list[_DayGroup], days_off: int, section: str, evidence: str
) -> list[_DayGroup] | None:
    """The working days once the days named off are taken out: "Jam 10:00 - 19:00, Libur di
    hari Kamis" is the six other days, "Senin - Minggu, off 1 hari" six days."""
    count = DAYS_OFF_COUNT.search(section) or DAYS_OFF_COUNT_BEFORE.search(section)
    off_count = 0
    if count:
        word = count.group(1).lower()
        off_count = 1 if word in {"satu", "sehari"} else int(word)
    if not groups and (days_off or off_count):
        days = 7 - days_off - off_count
        return [_DayGroup(0, 0, days, "range", frozenset())] if days >= 1 else None
    if off_count and len(groups) == 1 and groups[0].days == 7:
        days = 7 - off_count
        g = groups[0]
        return [_DayGroup(g.position, g.end, days, g.kind, g.indexes)] if days >= 1 else None
    return groups


def _plausible(hours: StatedHours) -> StatedHours:
    """A week shorter than one of its days is a misreading: not determined, never judged."""
    if hours.weekly is not None and hours.daily is not None and hours.weekly < hours.daily:
        return _not_determined(
            f"{hours.weekly:g} h/week read against {hours.daily:g} h/day", hours.evidence
        )
    return hours
