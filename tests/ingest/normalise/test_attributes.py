"""Education, experience, employment type and work arrangement."""

from __future__ import annotations

import pytest

from ingest.normalise.attributes import (
    attribute_table,
    parse_education,
    parse_employment_types,
    parse_experience,
    parse_work_arrangement,
)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Min. D3/S1", "d3"),
        ("Pendidikan minimal SMA/SMK", "sma_smk"),
        ("Lulusan SMK sederajat", "sma_smk"),
        ("Diploma III Akuntansi", "d3"),
        ("D-IV Teknik", "d4"),
        ("S1 Teknik Informatika", "s1"),
        ("Bachelor's degree in any field", "s1"),
        ("S2 preferred, S1 ok", "s1"),
        ("Magister Manajemen", "s2"),
        ("PhD in statistics", "s3"),
        ("Diploma", "d1"),
        ("SMA/SMK/STM, Diploma/D1/D2/D3, Sarjana/S1", "sma_smk"),
        ("Usia maksimal 30 tahun", None),
        (None, None),
    ],
)
def test_education(text: str | None, level: str | None) -> None:
    assert parse_education(text) == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # "di" is a preposition, not diploma I: "lowest level wins" made these d1.
        ("Minimal S1 Psikologi, pengalaman 1 tahun di bidangnya", "s1"),
        ("Pendidikan S1, berdomisili di Jambi", "s1"),
        ("Penempatan di DI Yogyakarta, lulusan SMA/SMK", "sma_smk"),
        ("Kantor kami di D.I. Yogyakarta. Minimal D3", "d3"),
        ("Berdomisili di Jambi", None),
        ("DI Yogyakarta", None),
        ("Di prioritaskan yang berpengalaman", None),
        # Diploma forms: digits with or without a separator, Roman numerals with one.
        ("D3/S1", "d3"),
        ("Diploma III", "d3"),
        ("Diploma Tiga Keperawatan", "d3"),
        ("Pendidikan minimal Diploma (D3) atau Sarjana (S1)", "d3"),
        ("Minimal pendidikan D-3 Akuntansi", "d3"),
        ("Pendidikan minimal D 3 Perawat Gigi", "d3"),
        ("Minimal DIII Keperawatan", "d3"),
        ("Lulusan D-I Perhotelan", "d1"),
        ("Lulusan D I Perhotelan", "d1"),
        ("Minimum D1", "d1"),
        ("Lulusan D-II Komputer", "d2"),
        ("D-IV Teknik, atau S1", "d4"),
        ("Candidate must possess at least Diploma in any field", "d1"),
        ("Kandidat harus memiliki setidaknya Diploma di bidang apapun", "d1"),
        ("Bachelor degree / Diploma in Engineering", "d1"),
        # Words that looked like a level.
        ("Bertanggung jawab kepada Corporate IT Div. Head. S1 Teknik", "s1"),
        ("Menguasai desain grafis (AI, CD, DII). Lulusan S1", "s1"),
        ("Bagi yang tidak memenuhi syarat 1 s/d 3 diatas, harap tidak melamar", None),
        ("Jam kerja 08.00 sd 17.00, Senin sd Sabtu. Minimal SMA", "sma_smk"),
        ("Umur 28 sd 35 tahun", None),
        ("Jam 8 s/d 4 sore, s.d 2 siang", None),
        ("Pengalaman dengan shipping line (MAERSK, MSC, CMA). S1", "s1"),
        ("MSc in Statistics", "s2"),
        ("Kantor di Blok D 1, lulusan S1", "s1"),
        ("Psychological Test (D.I.S.C., IST & PAPI KOSTICK)", None),
        # "sd" means "sampai dengan" only between two numbers, days or levels (read-through).
        ("Lulusan kelas 6 SD", "sd"),
        ("Pendidikan SD 6 tahun", "sd"),
        ("Minimal SMA sd S1", "sma_smk"),
        ("Master (MSc) in Finance", "s2"),
    ],
)
def test_education_look_alike_words(text: str, level: str | None) -> None:
    assert parse_education(text) == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Regression: a school named as the workplace or the pupils read as an SD requirement.
        ("Guru SD", None),
        ("guru SMP", None),
        ("Guru SMA mata pelajaran kimia. Kualifikasi: S1", "s1"),
        ("Lowongan PekerjaanGuru SD (kelas)Kualifikasi : minimal pendidikan S-1 PGSD", "s1"),
        ("Guru Kelas (SD). Usia maksimal 30, pendidikan S1", "s1"),
        ("Mengajar materi PJOK jenjang sekolah dasarKualifikasi : Pendidikan S1 PJKR", "s1"),
        ("Mengajar matematika untuk jenjang SD - SMA", None),
        ("Menguasai mata pelajaran SD, SMP dan SMA", None),
        ("Mengajar les membaca (TK/SD)", None),
        ("Mengajar siswa dari jenjang TK hingga SMA", None),
        ("Penempatan :SD Muhammadiyah", None),
        # A requirement stays one, also next to a teaching word.
        ("Dibutuhkan guru TK minimal SMA", "sma_smk"),
        ("Guru SD. Pendidikan minimal SMA", "sma_smk"),
        ("lulusan tingkat SMA", "sma_smk"),
        ("tingkat pendidikan minimal SMA", "sma_smk"),
        ("jenjang pendidikan minimal SMK", "sma_smk"),
        ("Menerima siswa SMK untuk PKL", "sma_smk"),
        ("Lulusan kelas 6 SD", "sd"),
    ],
)
def test_a_school_level_named_as_the_workplace_is_no_requirement(text, level) -> None:
    assert parse_education(text) == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Regression: "SI" written for "S1" was not read.
        ("Pendidikan minimal SI", "s1"),
        ("Persyaratan: pendidikan SI Apoteker", "s1"),
        ("min SI ilmu kebumian", "s1"),
        ("lulusan SI", "s1"),
        ("lulusan SI/D3", "d3"),
        ("Education : DIII/SI Electronics", "d3"),
        # "SI" elsewhere is Sistem Informasi, a system integrator or shipping instructions.
        ("S1 jurusan SI, TI", "s1"),
        ("Membuat dokumen SJ/SI/BL", None),
        ("ISP, SI (system integrator)", None),
        ("Lulusan SI/TI atau Teknik Komputer", None),
        ("Pendidikan: Lulusan SI (Sistem Informasi) atau TI", None),
        ("Lulusan SI atau TI", None),
    ],
)
def test_si_written_for_s1_after_a_requirement_word(text, level) -> None:
    assert parse_education(text) == level


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Regression: a contact person's degree read as a bachelor requirement.
        ("Kirim CV ke Budi, S.H.", None),
        ("Kantor Notaris PPAT Mario Christo, S.H., M.Kn. sedang mencari staf", None),
        ("Hubungi Ani, S.Kom via e-mail", None),
        # Regression: without the comma the name's title was read as a requirement.
        ("Hubungi Ani S.Kom via e-mail", None),
        ("Kirim lamaran ke Bapak Budi Santoso S.H. di kantor", None),
        ("CP: Ani S.Kom", None),
        ("a.n. Budi S.E.", None),
        # Without a comma or a contact word before it a title is read as the degree asked for:
        # a job title or a major has the same shape as a name ("Ani S.Kom" is read as S1 too).
        ("Ani S.Kom", "s1"),
        ("Tridonic S.E.A Pte Ltd", "s1"),
        # Regression: the no-comma rule read these requirements as names.
        ("Dibutuhkan Programmer S.Kom", "s1"),
        ("Staff Akuntansi S.E.", "s1"),
        ("Teknik Informatika S.Kom", "s1"),
        ("Apoteker S.Farm", "s1"),
        ("Berijazah S.Kom", "s1"),
        ("Akuntan S.Ak", "s1"),
        ("Dibutuhkan Programmer, S.Kom", "s1"),
        ("Dicari Apoteker, S.Farm", "s1"),
        ("Posisi Guru, S.Pd", "s1"),
        # In a requirement the title is the degree asked for.
        ("Minimal S.Kom", "s1"),
        ("minimal S.Kom", "s1"),
        ("Lulusan S.Kom", "s1"),
        ("Lulusan Teknik Informatika S.Kom", "s1"),
        ("Jurusan Akuntansi S.E.", "s1"),
        ("Diutamakan S.Kom", "s1"),
        ("Bergelar S.T. (Teknik Sipil)", "s1"),
        ("Fresh Graduate S.Kom", "s1"),
        ("Lulusan S.E/S.Ak", "s1"),
        ("Pendidikan terakhir S.Kom, pengalaman 2 tahun", "s1"),
        # A major and its degree after a requirement word have the same shape as a name.
        ("Lulusan Teknik Sipil, S.T.", "s1"),
        ("Jurusan Akuntansi, S.E.", "s1"),
        ("Pendidikan: Hukum, S.H.", "s1"),
    ],
)
def test_an_academic_title_after_a_name_is_no_requirement(text, level) -> None:
    assert parse_education(text) == level


def test_words_glued_where_markup_was_stripped_are_read() -> None:
    assert parse_education("Kualifikasi max 35 tahunD3 / Sarjana") == "d3"


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("Pengalaman minimal 2 tahun di bidang sales", (2.0, None)),
        ("min. 2 tahun pengalaman", (2.0, None)),
        ("pengalaman 1 - 3 tahun", (1.0, 3.0)),
        ("At least 3 years of experience in data", (3.0, None)),
        ("3+ years experience", (3.0, None)),
        ("Fresh graduate welcome", (0.0, None)),
        ("Usia maksimal 30 tahun, berpengalaman di retail", (None, None)),
        ("Maksimal usia 30 tahun. Pengalaman minimal 1 tahun", (1.0, None)),
        (None, (None, None)),
    ],
)
def test_experience(text: str | None, years: tuple[float | None, float | None]) -> None:
    assert parse_experience(text) == years


@pytest.mark.parametrize(
    ("text", "types"),
    [
        ("Full Time", ["full_time"]),
        ("fullTime,contract", ["full_time", "contract"]),
        ("full_time", ["full_time"]),
        ("Kontrak/Temporer", ["contract", "temporary"]),
        ("Paruh waktu", ["part_time"]),
        ("temporary,internship", ["temporary", "internship"]),
        ("Magang", ["internship"]),
        ("Freelance", ["freelance"]),
        ("Kasual", ["casual"]),
        ("The Advertiser did not show the work type", []),
    ],
)
def test_employment_types(text: str, types: list[str]) -> None:
    assert parse_employment_types(text) == types


def test_employment_types_in_a_fixed_order_main_type_first_named() -> None:
    texts = ["Contract, Full time", "Full time, Contract", "Magang / part time", "N/A", None]
    table = attribute_table(texts, "employment")
    # One set of types is one value whatever the order of mention...
    assert table["employment_types"].to_list() == [
        "full_time;contract",
        "full_time;contract",
        "part_time;internship",
        None,
        None,
    ]
    # ... while the main type stays the one the board names first.
    assert table["employment_type"].to_list() == [
        "contract",
        "full_time",
        "internship",
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("text", "arrangement"),
    [
        ("Jakarta Raya\n(Hibrid)", "hybrid"),
        ("Jakarta Raya\n(Jarak jauh)", "remote"),
        ("Remote", "remote"),
        ("WFO Senin-Jumat", "on_site"),
        ("hybrid, 2 days WFH", "hybrid"),
        ("Jakarta Selatan", None),
    ],
)
def test_work_arrangement(text: str, arrangement: str | None) -> None:
    assert parse_work_arrangement(text) == arrangement
