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
  system, "fleksibel"), no hours are returned rather than a guess.

So a flag raised from these figures means the stated schedule exceeds the legal limit even when
read generously.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SECTION_LABEL = re.compile(
    r"(waktu\s+(?:bekerja|kerja)|jam\s+(?:kerja|operasional|bekerja)|(?:\b[1-7]\s*)?hari\s+kerja"
    r"|jadwal\s+kerja|(?:\b[1-7]\s*)?working\s+days?|working\s+(?:hours?|time|schedule)"
    r"|work(?:ing)?\s+schedule)\s*[:：]?",
    re.IGNORECASE,
)
SECTION_CHARS = 220
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
    r"(senin|selasa|rabu|kamis|jum\W?\s*at|sabtu|minggu|ahad|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)"
)
_TO = r"\s*(?:-|–|—|s\s*/\s*d|s\.\s*d\.?|sd|sampai(?:\s+dengan)?|hingga|to|until|through)\s*"
DAY_RANGE = re.compile(rf"\b{_DAY}\b{_TO}\b{_DAY}\b", re.IGNORECASE)
SINGLE_DAY = re.compile(rf"\b{_DAY}\b", re.IGNORECASE)
DAY_OFF = re.compile(r"^\W{0,3}(libur|off|tutup|closed)", re.IGNORECASE)
WEEK_WORD = re.compile(r"(\b(per|dalam|tiap|setiap|each|a)|/)\s*$", re.IGNORECASE)
DAYS_PER_WEEK = re.compile(
    r"\b([1-7])\s*(?:hari\s+(?:kerja|dalam\s+seminggu|seminggu|per\s+minggu|/\s*minggu)"
    r"|(?:working\s+)?days?\s+(?:a|per)\s+week|working\s+days)",
    re.IGNORECASE,
)
_CLOCK = r"(\d{1,2})(?:\s*[.:]\s*(\d{2}))?\s*(wib|wita|wit|am|pm|pagi|siang|sore|malam)?"
# Not followed by a unit: "8-9 jam" is a duration and "18-25 tahun" an age range, not clock times.
TIME_RANGE = re.compile(
    rf"(?<![\d.:]){_CLOCK}{_TO}(?:jam\s*)?{_CLOCK}(?![\d.:])"
    r"(?!\s*(?:jam|hours?|hrs?|tahun|thn|th\b|bulan|menit|minutes?|orang|x\b))",
    re.IGNORECASE,
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


def _net_hours(span: float) -> float:
    if span >= 6:
        return span - 1
    if span > 4:
        return span - 0.5
    return span


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
    if end_mark in {"pm", "sore", "malam"} and end < 12:
        end += 12
    if end <= start and end <= 12 and end + 12 > start:
        end += 12  # "8-5": five in the afternoon
    if end <= start:
        end += 24  # a night shift
    span = end - start
    return span if 0 < span <= 16 else None


def _day_index(name: str) -> int:
    key = re.sub(r"\W|\s", "", name.lower())
    return DAYS[key]


def _days_in_range(match: re.Match[str]) -> int:
    first, last = _day_index(match.group(1)), _day_index(match.group(2))
    return (last - first) % 7 + 1


def _schedule_section(text: str) -> str | None:
    label = next(
        (
            found
            for found in SECTION_LABEL.finditer(text)
            # "Masa percobaan 7 hari kerja", "diproses dalam 7 hari kerja": a count of working
            # days in a clause about a period is a duration, not a working week.
            if not (
                found.group(0)[0].isdigit()
                and PERIOD_OF_WORKING_DAYS.search(_clause_before(text, found.start()))
            )
        ),
        None,
    )
    if label is None:
        return None
    # "6 hari kerja" is a label and a day count at once: the count stays in the section.
    start = label.start() if label.group(0)[0].isdigit() else label.end()
    section = text[start : label.end() + SECTION_CHARS]
    end = SECTION_END.search(section)
    return section[: end.start()] if end else section


def _day_groups(section: str) -> list[tuple[int, int, str]]:
    """(position, days, text) of each day range or single day named as a working day."""
    groups: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for match in DAY_RANGE.finditer(section):
        if DAY_OFF.match(section[match.end() :]):
            continue
        groups.append((match.start(), _days_in_range(match), match.group(0)))
        taken.append(match.span())
    for match in DAYS_PER_WEEK.finditer(section):
        groups.append((match.start(), int(match.group(1)), match.group(0)))
        taken.append(match.span())
    for match in SINGLE_DAY.finditer(section):
        if any(start <= match.start() < end for start, end in taken):
            continue
        if DAY_OFF.match(section[match.end() :]) or WEEK_WORD.search(section[: match.start()]):
            continue  # "Minggu libur" is a day off; "per minggu" is a week, not Sunday
        groups.append((match.start(), 1, match.group(0)))
    return sorted(groups)


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
    text = text.replace("\u00a0", " ")
    hours = _stated_hours(text)
    if hours is None or hours.weekly is None:
        return _days_times_daily_hours(text) or hours
    return hours


def _daily_total(text: str) -> re.Match[str] | None:
    """The first "N jam/hari" of `text` that is not overtime or a break."""
    for match in DAILY_TOTAL.finditer(text):
        if not _is_not_working_hours(text, match.start(), match.end()):
            return match
    return None


def _stated_hours(text: str) -> StatedHours | None:
    weekly = WEEKLY_TOTAL.search(text)
    if weekly:
        hours = float(weekly.group(1).replace(",", "."))
        if 10 <= hours <= 100:
            return StatedHours(hours, None, "weekly_total", weekly.group(0).strip())
    section = _schedule_section(text)
    daily = _daily_total(section or text)
    if section is None:
        if daily:
            hours = float(daily.group(1).replace(",", "."))
            if 1 <= hours <= 16:
                return StatedHours(None, hours, "daily_total", daily.group(0).strip())
        return None
    times = [(m.start(), _span(m), m.group(0)) for m in TIME_RANGE.finditer(section)]
    times = [t for t in times if t[1] is not None]
    days = _day_groups(section)
    evidence = " ".join(section.split())[:160]
    if len(days) > 1 and len(times) <= 1 and len({count for _, count, _ in days}) == 1:
        days = days[:1]  # "6 hari kerja (Senin s/d Sabtu)" names one week twice
    if daily and not times:
        hours = float(daily.group(1).replace(",", "."))
        per_week = days[0][1] if len(days) == 1 else None
        if 1 <= hours <= 16:
            weekly_hours = hours * per_week if per_week else None
            return StatedHours(weekly_hours, hours, "schedule", evidence)
    if not times:
        return None
    if not days:
        net = min(_net_hours(span) for _, span, _ in times)
        return StatedHours(None, net, "schedule_hours_only", evidence)
    if len(days) == len(times):
        pairs = list(zip(days, times, strict=True))
    elif len(days) == 1:
        # Several time ranges for one group of days are alternative shifts: take the shortest.
        shortest = min(times, key=lambda t: t[1])
        pairs = [(days[0], shortest)]
    else:
        return None
    weekly_hours = sum(day[1] * _net_hours(time[1]) for day, time in pairs)
    daily_hours = max(_net_hours(time[1]) for _, time in pairs)
    if sum(day[1] for day, _ in pairs) > 7:
        return None
    return StatedHours(weekly_hours, daily_hours, "schedule", evidence)
