"""Working hours read from advert text (standard VAC-HRS-01's text input)."""

from __future__ import annotations

import pytest

from quality.vacancies.hours import (
    NOT_DETERMINED,
    OPENING_HOURS,
    StatedHours,
    _plausible,
    stated_hours,
)


@pytest.mark.parametrize(
    ("text", "weekly", "daily"),
    [
        ("Waktu Bekerja :\nSenin - Sabtu 08.00 - 17.00", 48, 8),
        ("Waktu Bekerja :\nJam 08.00 - 17.00, Senin - Jumat.", 40, 8),
        ("Waktu Bekerja :\nSenin - Jumat 08.00 - 17.00, Sabtu 08.00 - 15.00", 46, 8),
        ("Waktu Bekerja :\nSenin-Jumat jam 8-5, Sabtu 8-11", 43, 8),
        ("Waktu Bekerja :\nSenin – Kamis : 07.00 – 16.00 dan Jumat : 07.30 – 16.30", 40, 8),
        ("Waktu Bekerja :\nSenin-Sabtu (09.00 - 19.00) Minggu libur", 54, 9),
        ("Waktu Bekerja :\n6 hari kerja (Senin s/d Sabtu) 8 jam per hari", 48, 8),
        ("Waktu Bekerja :\n5 hari kerja/ minggu, dua shift (pagi 9 - 17/ siang 11 - 20)", 35, 7),
        (
            "Jam kerja Senin-Jumat 7 pagi - 6 sore, kerja Sabtu 7 pagi - 5 sore, Minggu Libur",
            59,
            10,
        ),
        ("Working hours: Monday - Friday 09:00 - 18:00", 40, 8),
        ("Kerja 48 jam/minggu", 48, None),
        # Days a week next to hours a day, without a section label or with one inside them.
        ("Penempatan Jakarta, 6 hari kerja, 8 jam/hari", 48, 8),
        ("5 days a week, 9 hours/day", 45, 9),
        ("5 working days, 9 hours per day", 45, 9),
        ("work 6 days a week, 8 hrs/day", 48, 8),
        ("Kerja 6 hari seminggu, 8 jam per hari", 48, 8),
        ("Jaga malam 12 jam sehari 7 hari seminggu", 84, 12),
        ("Senin - Sabtu, 8 jam/hari", 48, 8),
        ("6 hari x 8 jam", 48, 8),
        ("Kerja 5 hari dalam seminggu, 8 jam per hari", 40, 8),
        ("Senin - Sabtu, 8 jam/hari", 48, 8),
        ("Monday - Saturday, 8 hours/day", 48, 8),
        ("6 hari kerja, 8 jam/hari, lembur 2 jam/hari", 48, 8),
        ("6 working days, 8 working hours", 48, 8),
        ("We offer a 45 hours per week schedule", 45, None),
    ],
)
def test_schedule_is_read_as_hours(text, weekly, daily):
    hours = stated_hours(text)
    assert hours is not None
    assert hours.weekly == pytest.approx(weekly)
    if daily is not None:
        assert hours.daily == pytest.approx(daily)


@pytest.mark.parametrize(
    "text",
    [
        "Waktu Bekerja :\nFleksibel",
        "Waktu Bekerja :\nSenin - Sabtu, Shift",
        "Waktu Bekerja :\n8-9 jam",
        "Kualifikasi: usia 18-25 tahun, pengalaman 1-2 tahun",
        None,
    ],
)
def test_no_hours_are_guessed(text):
    assert stated_hours(text) is None


def test_hours_without_days_give_a_daily_figure_only():
    hours = stated_hours("Waktu Bekerja :\njam 07 - 21.00")
    assert hours is not None and hours.weekly is None
    assert hours.daily == pytest.approx(13)


@pytest.mark.parametrize(
    "text",
    [
        "6 hari kerja, 8 jam/hari; atau 5 hari kerja, 9 jam/hari",
        "libur 1 hari, 8 jam/hari",
        "training 7 hari, 8 jam/hari",
        # Found by a reviewer: each got 56 h/week and an hours_above_legal_limit flag.
        "Mulai kerja dalam 7 hari, 8 jam/hari",
        "Lamaran diproses 7 hari, 8 jam/hari",
        "Masa percobaan 7 hari, 8 jam/hari",
        "Magang 7 hari, 8 jam/hari",
        "dibayar tiap 7 hari, 8 jam/hari",
        "Uang makan 7 hari, 8 jam/hari",
        "Onboarding 7 days, 8 hours/day",
        "5 days, 9 hours/day",
    ],
)
def test_days_are_not_multiplied_by_hours_a_day_when_they_are_no_working_week(text):
    """Two different weeks, a day off, a training period, bare days that may be a notice
    period, a probation or a pay interval: hours a day only, no week guessed."""
    hours = stated_hours(text)
    assert hours is not None and hours.weekly is None
    assert hours.daily == pytest.approx(8 if "8 " in text else 9)


@pytest.mark.parametrize(
    "text",
    [
        "Lembur 2 jam/hari, 6 hari kerja",
        "Overtime 2 hours/day, 6 days a week",
        "Kerja 6 hari, istirahat 1 jam/hari",
        "6 days a week, break 1 hour per day",
        "Kerja 6 hari seminggu, 1 jam/hari lembur",
    ],
)
def test_overtime_and_breaks_are_never_the_daily_hours(text):
    """Overtime comes on top of the working day and a break out of it: neither is the day."""
    hours = stated_hours(text)
    assert hours is None or (hours.weekly is None and hours.daily is None)


def test_working_hours_after_a_working_week_are_not_read_as_a_weekly_total():
    assert stated_hours("5 working days, 8 working hours per week") is None


@pytest.mark.parametrize(
    ("text", "weekly", "daily"),
    [
        ("Jam kerja 8 jam/hari (istirahat 1 jam)", None, 8.0),
        ("Senin-Jumat, 8 jam per hari (break 1 jam)", 40.0, 8.0),
    ],
)
def test_a_break_named_in_a_note_after_the_hours_does_not_void_them(text, weekly, daily):
    # Regression (read-through 2026-12-05): the bracket before the note was skipped, so "8
    # jam/hari (istirahat ...)" read the working hours as a break and dropped them.
    hours = stated_hours(text)
    assert hours is not None
    assert (hours.weekly, hours.daily) == (weekly, daily)


@pytest.mark.parametrize(
    "text",
    [
        "Masa percobaan 7 hari kerja, 8 jam/hari",
        "Training 7 hari kerja, 8 jam/hari",
    ],
)
def test_working_days_of_a_period_are_no_working_week(text):
    # Regression: "7 hari kerja" opened a schedule section and was taken as a 7-day week
    # (56 h/week, above the legal limit), although "Magang 7 hari, 8 jam/hari" was not.
    hours = stated_hours(text)
    assert hours is not None and (hours.weekly, hours.daily) == (None, 8.0)


def test_a_schedule_after_a_processing_period_in_working_days_is_read():
    # "diproses dalam 7 hari kerja" is a duration; the schedule label after it is the week.
    text = "Lamaran diproses dalam 7 hari kerja. Waktu kerja: Senin - Jumat 08.00 - 17.00"
    hours = stated_hours(text)
    assert hours is not None and (hours.weekly, hours.daily) == (40.0, 8.0)


@pytest.mark.parametrize(
    ("text", "weekly"),
    [
        ("Setiap minggu 6 hari kerja, 8 jam/hari", 48),
        ("Dalam seminggu 6 hari kerja, 8 jam per hari", 48),
        ("Magang 6 hari kerja, 8 jam/hari", 48),
        ("Program magang 6 hari kerja 09.00-18.00", 48),
        ("Status kontrak 6 hari kerja 08.00-17.00", 48),
    ],
)
def test_working_days_after_words_of_a_week_or_a_status_are_a_week(text, weekly):
    # Only words of a period make a count of working days a duration: "setiap", "dalam",
    # "magang" and "kontrak" (in `NOT_A_WEEK` for bare days) lost these 48-hour weeks.
    hours = stated_hours(text)
    assert hours is not None and hours.weekly == pytest.approx(weekly)


def test_a_working_week_of_seven_days_is_still_read_as_stated():
    hours = stated_hours("Penempatan Jakarta, 7 hari kerja, 8 jam/hari")
    assert hours is not None and hours.weekly == pytest.approx(56)


# Review s12 (VAC-HRS-01): real Loker.id schedules that were misread, most published as "false"
# with a week shorter than four of its days. Each text is the advert's own schedule section.
@pytest.mark.parametrize(
    ("text", "weekly", "daily"),
    [
        # A break range is a break, not the working day (its length comes out of the day).
        (
            "Waktu Bekerja :\nWorking Hours 08:00-17:30 WIB, Break Time 11:30-14:00Monday - "
            "Saturday",
            42,
            7,
        ),
        (
            "Waktu Bekerja :\nSenin-Sabtu (08.30-17.30), Waktu Istirahat 1 jam (12.00-13.00)",
            48,
            8,
        ),
        # A day off named: the other six days.
        ("Waktu Bekerja :\nJam 10:00 - 19:00, Libur di hari Kamis", 48, 8),
        (
            "Waktu Bekerja :\nJam 10-18, Setiap Hari Senin s/d Minggu, Libur 1x dalam Seminggu",
            42,
            7,
        ),
        ("Waktu Bekerja :\nJam 09.00 sd 19.00 (Libur 1 Hari dalam seminggu)", 54, 9),
        (
            "Waktu Bekerja :\nSenin - Jumat : 08.00 - 16:30 Sabtu : 08.00 - 15:00, Minggu dan "
            "Tanggal Merah libur",
            43.5,
            7.5,
        ),
        # Monday and a day at the end of the week with a slash, a space, "ke" or "~".
        ("Waktu Bekerja :\nSenin / Sabtu Jam 08.00 s/d 17.00 WIB", 48, 8),
        ("Waktu Bekerja :\nJam 9-17 senin sabtu", 42, 7),
        ("Waktu Bekerja :\njam 8 s/d 4 Sore dari hari Senin ke Sabtu", 42, 7),
        ("Waktu Bekerja :\n08:00 to 17:00, Monday~Friday", 40, 8),
        ("Waktu Bekerja :\n08.00 - 17.00. senen sampai sabtu", 48, 8),
        # Days a week stated as "hari bekerja dalam 1 minggu" next to hours a day.
        (
            "Waktu Bekerja :\n6 hari bekerja dalam 1 minggu, 8 jam per hari, bisa bekerja "
            "dalam weekends (Sabtu/Minggu)",
            48,
            8,
        ),
        # Overnight: three in the afternoon to five in the morning.
        ("Waktu Bekerja :\nJam 3 siang - Jam 5 pagi, Senin - Sabtu", 78, 13),
        # Each day group with its own range ("/ Minggu" is Sunday, not "per week").
        ("Waktu Bekerja :\nSenin - Sabtu 07.30 - 16.30 / Minggu 07.30 - 13.30", 53, 8),
        ("Waktu Bekerja :\nSenin-minggu 09-00 - 17.00", 49, 7),
        ("Waktu Bekerja :\nJam 09.00 s/d 17.000, Senin-Sabtu", 42, 7),
        ("Waktu Bekerja :\nSenin-jumat 8:30 -17. Sabtu 8:30-14", 42.5, 7.5),
        # A leading range that sums up the groups after it.
        (
            "Waktu Bekerja :\nSenin - Sabtu , Senin - Jumat (08.00-17.00) , Sabtu (08.00-16.00)",
            47,
            8,
        ),
        # A half day counts 4 hours.
        (
            "Waktu Bekerja :\nSENIN- SABTU. SENIN SAMPAI JUMAT, JM 07:30-17:00. SABTU SETENGAH "
            "HARI",
            46.5,
            8.5,
        ),
        ("Waktu Bekerja :\nJam 9 -17 Senin - Sabtu, Sabtu setengah hari", 39, 7),
        # A list of days with one schedule.
        ("Waktu Bekerja :\nSenin, Selasa, Kamis & Jumat pk 9.45 - 18.15", 30, 7.5),
        # A Saturday worked only for big events, or on a rota, is no regular day.
        (
            "Waktu Bekerja :\nSenin-Jumat 07.20-16.00 (bisa disesuaikan dengan hari mengajar), "
            "Sabtu 07.20-14.00 (Jika ada kegiatan besar saja)",
            38.33,
            7.67,
        ),
        ("Waktu Bekerja :\n07.00 - 16.00 Senin-Jum'at, 08.00 - 13.00 Sabtu (piket)", 40, 8),
    ],
)
def test_review_schedules_are_read(text, weekly, daily):
    hours = stated_hours(text)
    assert hours is not None
    assert hours.weekly == pytest.approx(weekly, abs=0.01)
    assert hours.daily == pytest.approx(daily, abs=0.01)


@pytest.mark.parametrize(
    "text",
    [
        "Tugas: atur jam kerja fleksibel.\n\nWaktu Bekerja :\nsenin-sabtu Jam 08.00 - 17.00 WIB",
        "Tugas: menjaga jam operasional.\n- Packing pesanan.\n\nWaktu Bekerja :\nSenin- Sabtu "
        "09:00-18:00",
    ],
)
def test_every_labelled_section_is_read(text):
    """An earlier "jam kerja fleksibel" / "jam operasional" in the duties hid the schedule."""
    hours = stated_hours(text)
    assert hours is not None and hours.weekly == pytest.approx(48)


@pytest.mark.parametrize(
    "text",
    [
        # Which days keep which hours is not said (likely a short Saturday).
        "Waktu Bekerja :\nJam 8 sd Jam 16.30, Senin - Sabtu Jam 8 sd 12:00",
        # Saturday's own end time; the other days are not named.
        "Waktu Bekerja :\njam kerja 08:00 s/d 17:00 sabtu jam 3",
        # Every day named off.
        "Waktu Bekerja :\nJam 9-17, libur Senin - Minggu",
    ],
)
def test_schedules_that_cannot_be_paired_are_not_determined(text):
    hours = stated_hours(text)
    assert hours is not None and hours.basis == NOT_DETERMINED
    assert hours.weekly is None and hours.daily is None


def test_a_week_shorter_than_its_day_is_not_determined():
    hours = _plausible(StatedHours(2.5, 8.0, "schedule", "x"))
    assert hours.basis == NOT_DETERMINED and hours.weekly is None
    assert "2.5 h/week read against 8 h/day" in hours.evidence


@pytest.mark.parametrize(
    ("text", "weekly"),
    [
        ("Waktu Bekerja :\n07.00-17.00 selasa-minggu (tergantung jadwal libur)", 54),
        ("Waktu Bekerja :\nJam 08.30-20.00, Off/Libur 2x Sebulan", None),
        ("Waktu Bekerja :\njam 10 - 6 Sore, Senin - Jumat , Sabtu (Optional)", 35),
    ],
)
def test_days_off_are_only_days_named_off_in_a_week(text, weekly):
    hours = stated_hours(text)
    assert hours is not None
    assert hours.weekly == (pytest.approx(weekly) if weekly else None)


@pytest.mark.parametrize(
    ("text", "weekly"),
    [
        ("Hari kerja: Senin - Sabtu / Minggu libur\nJam kerja: 08.00 - 17.00", 48.0),
        ("Hari kerja: Senin - Jumat (Sabtu libur)\nJam kerja: 08.00 - 17.00", 40.0),
        ("Hari kerja: Senin - Sabtu (Minggu libur)\nJam kerja: 08.00 - 17.00", 48.0),
        ("Jam kerja: 08.00 - 17.00, Sabtu - Minggu libur", 40.0),
    ],
)
def test_the_day_off_after_a_range_is_that_day_not_the_range(text, weekly):
    # "Senin - Sabtu / Minggu libur" read the range as off: 8 h a week, published as false.
    hours = stated_hours(text)
    assert hours is not None and hours.weekly == weekly and hours.daily == 8.0


# Review s13 (VAC-HRS-01 leftovers). Opening hours are the shop's, not the worker's.
@pytest.mark.parametrize(
    "text",
    [
        "Jam operasional : Senin - Minggu 08.00 - 22.00",
        "Waktu Bekerja :\nSenin - Jumat\n\nJam Operasional:\nSenin - Minggu 08.00 - 22.00",
        "Jam kerja: mengikuti jam operasional toko 08.00 - 22.00",
        "Opening hours: Monday - Sunday 08:00 - 22:00",
    ],
)
def test_opening_hours_are_never_the_workers_hours(text):
    # A section after "Jam kerja" without a week let "Jam operasional" give 84 h a week.
    hours = stated_hours(text)
    assert hours is None or (hours.weekly is None and hours.daily is None)


def test_a_text_with_only_opening_hours_says_so():
    hours = stated_hours("Jam operasional : Senin - Minggu 08.00 - 22.00")
    assert hours is not None and hours.basis == OPENING_HOURS
    assert hours.evidence.startswith("Jam operasional")


def test_an_offices_hours_under_the_working_hours_label_are_the_staffs():
    text = "Waktu Bekerja :\nJAM OPERASIONAL KANTOR 09:00 - 17:00, HARI KERJA SENIN - JUM'AT"
    hours = stated_hours(text)
    assert hours is not None and (hours.weekly, hours.daily) == (35.0, 7.0)


def test_operational_working_hours_are_the_workers():
    text = "Jam operasional kerja di hari Sabtu & Minggu pukul 8.00 - 15.00 WIB."
    hours = stated_hours(text)
    assert hours is not None and (hours.weekly, hours.daily) == (12.0, 6.0)


def test_the_workers_hours_next_to_opening_hours_are_read():
    text = "Jam Operasional: Senin - Minggu 08.00 - 22.00\nJam kerja: Senin - Sabtu 08.00 - 17.00"
    hours = stated_hours(text)
    assert hours is not None and (hours.weekly, hours.daily) == (48.0, 8.0)


@pytest.mark.parametrize(
    "tail",
    [
        "Gaji 4 - 5 juta",
        "Gaji: 3 - 4jt",
        "Kantor di Ruko No. 12 - 14",
        "Lokasi Jl. Melati No. 8 - 10",
        "mulai 1 - 15 Juli",
        "usia 18 - 25",
        "Senin - Sabtu 5 - 6 hari",
    ],
)
def test_pay_addresses_ages_and_dates_are_no_shift(tail):
    # Each was read as a shift: "Gaji 4 - 5 juta" as a 1-hour day, 6 h a week, "false".
    hours = stated_hours(f"Waktu Bekerja :\nSenin - Sabtu, {tail}")
    assert hours is None or (hours.weekly is None and hours.daily is None)


@pytest.mark.parametrize(
    ("text", "weekly", "daily"),
    [
        ("Waktu Bekerja :\n8-17 senin- sabtu", 48, 8),
        ("Waktu Bekerja :\nSenin-Jumat jam 8-5, Sabtu 8-11", 43, 8),
        ("Waktu Bekerja :\nJam 08.00 - 17.00 Hari Kerja Senin - Sabtu", 48, 8),
        ("Waktu Bekerja :\n4 days at Tuesday, Thursday, Saturday, Sunday from 9 to 5", 28, 7),
    ],
)
def test_clock_ranges_without_minutes_next_to_days_are_still_read(text, weekly, daily):
    hours = stated_hours(text)
    assert hours is not None and (hours.weekly, hours.daily) == (weekly, daily)


def test_a_rota_of_days_is_no_clock_range():
    # "sistem kerja 5-2 (non-shift)" was read as 5 to 14 o'clock, 8 h a day.
    assert stated_hours("Waktu Bekerja :\nsistem kerja 5-2 (non-shift)") is None


# Schedules still misread on the shipped postings (s13 review).
def test_a_range_of_half_days_is_not_determined():
    # Read as Friday and Saturday at 8 h each: 16 h a week, published "false".
    hours = stated_hours("Waktu Bekerja :\nJam 07:00 s/d 16:00,  jumat s/d sabtu setengah hari")
    assert hours is not None and hours.basis == NOT_DETERMINED


def test_monday_with_its_own_hours_before_saturday_is_not_determined():
    # Monday alone (12.5 h a week, published "false") or Monday to Friday (40.5 h) is not said.
    hours = stated_hours("Waktu Bekerja :\nSenin 09.00 - 17.00, Sabtu 09.00 - 15.00")
    assert hours is not None and hours.basis == NOT_DETERMINED


@pytest.mark.parametrize(
    ("text", "weekly", "daily"),
    [
        # HTML stripping glued the words: "andSaturday", "areMonday".
        (
            "Our working hours for Staff areMonday - Friday From 8 am to 4 pm andSaturday "
            "from 7 am to 12 pmWe are looking",
            39.5,
            7,
        ),
        ("Jam kerja: 08.00-17.00 Senin-JumatSabtu 08.00-13.00", 44.5, 8),
        # A day off counted after the day: "( 1 Hari Libur )".
        ("Waktu Bekerja :\nJam 10.00 s/d 22.00, Senin - Minggu ( 1 Hari Libur ).", 66, 11),
    ],
)
def test_glued_days_and_days_off_after_their_count_are_read(text, weekly, daily):
    hours = stated_hours(text)
    assert hours is not None
    assert (hours.weekly, hours.daily) == (pytest.approx(weekly), pytest.approx(daily))


@pytest.mark.parametrize(
    ("text", "daily"),
    [
        ("Shift Kerja 8-10 Jam per hari Libur seminggu sekali", 8),
        ("Waktu Bekerja :\n8 Jam atau 12 Jam per hari (Sistem Shift)", 8),
    ],
)
def test_a_range_of_hours_a_day_is_read_on_its_low_side(text, daily):
    # "8-10 Jam per hari" was 10 h a day and flagged.
    hours = stated_hours(text)
    assert hours is not None and hours.daily == daily


@pytest.mark.parametrize(
    "text",
    [
        "Waktu Bekerja :\nJam 09.00 sampai 22.00 di bagi 2 shift",
        "Waktu Bekerja :\nShift antara jam 9.00 - 22.00",
        "Waktu Bekerja :\nJam 11.00-22.00, Senin - Minggu, Sesuai shift",
    ],
)
def test_one_range_that_shifts_share_is_no_ones_day(text):
    # The hours a shop runs, split into shifts: read as a 12 h day and flagged.
    hours = stated_hours(text)
    assert hours is None or (hours.weekly is None and hours.daily is None)


@pytest.mark.parametrize(
    ("text", "weekly"),
    [
        ("Waktu Bekerja :\nJam 9.00 s/d 17.00 WIB ( Senin-Jumat ) atau sesuai shift", 35),
        (
            "Waktu Bekerja :\n5 hari kerja/ minggu, Menjalani dua shift bergantian (siang 11 - 20)",
            40,
        ),
        ("Waktu Bekerja :\nShift pagi 07.00 - 15.00, Senin - Sabtu", 42),
    ],
)
def test_a_named_shift_or_shifts_as_the_other_choice_keep_the_range(text, weekly):
    hours = stated_hours(text)
    assert hours is not None and hours.weekly == weekly
