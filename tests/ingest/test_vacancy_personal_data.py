"""Contact details in vacancy adverts are masked before they reach the warehouse.

Adverts are written by the public: "kirim CV ke hrd.budi@gmail.com", "WA 0812-3456-7890",
"dezan.recruitment(at)gmail.com" (JobStreet 3728418, found in the published mart). Every board's
landing (`SourceSpec.masks_personal_data`) and every crawl's mask them with the admin sources'
one rule (`ingest.admin.personal_data`), count what they masked, and keep ids and source files as
they are. The placeholders must not make skills or text-rule flags of their own.
"""

from __future__ import annotations

import csv
import gzip
import importlib
import json
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from ingest.admin.personal_data import (
    CANDIDATE_PATTERN,
    find_personal_data,
    mask_json_text,
    mask_personal_data,
    mask_text_columns,
    mask_text_columns_counted,
)
from ingest.landing import FieldCheck, _row_problems, land_source, snake_case
from ingest.occupations.skills import _tokens
from ingest.quarantine import negative_pay_detail, quoted_value
from ingest.sources import VACANCY_SOURCES
from orchestration.crawling.landing import land_crawl_files
from orchestration.crawling.sources import crawled_source
from orchestration.settings import DATA_DIR
from quality.vacancies.hours import stated_hours
from quality.vacancies.text_rules import flag_text_rules

CONTACTS = (
    " Kirim CV ke hrd.budi@gmail.com atau WA 0812-3456-7890, NIK 3172040812340001,"
    " cc dezan.recruitment(at)gmail.com"
)
TEXT_COLUMNS = {"description", "job_title", "title", "company_name", "company"}


@pytest.mark.parametrize(
    "text",
    [
        "send your best works to [dezan.recruitment(at)gmail.com] Skills",
        "hrd [at] toko-maju [dot] co [dot] id",
        "hrd.budi at gmail dot com",
        "HRD.Budi AT Yahoo DOT co DOT id",
        "rekrutmen {at} pt-maju.co.id",
        "lamaran<at>maju(dot)com",
        "budi @ gmail.com",
        "budi@gmail dot com",
        "karir (at) maju (titik) com",
        "hrd.maju at hotmail.com",
    ],
)
def test_a_disguised_email_is_masked(text: str) -> None:
    masked = mask_personal_data(text)
    assert "[email]" in masked
    assert not {"gmail", "yahoo", "hotmail", "maju", "budi"} & set(masked.lower().split())
    assert find_personal_data(pl.DataFrame({"text": [text]})) != []


@pytest.mark.parametrize(
    "text",
    [
        "Follow @UNjobsJob...",
        "You can also find us on Instagram @candymotorsg and Facebook @CandyMotor",
        "BCK Denim (@bckdenim.id), kami adalah produsen jeans",
        "apply at our office in Jakarta",
        "look at gmail features and work at Yahoo Indonesia",
        "Masuk at 08.00 dot on time",
        "Penempatan (at) Jakarta Selatan",
        "Komunikasi via WhatsApp, telepon, atau email",
    ],
)
def test_ordinary_text_and_handles_are_not_masked(text: str) -> None:
    assert mask_personal_data(text) == text
    assert find_personal_data(pl.DataFrame({"text": [text]})) == []


def _fixture_file(spec, folder: Path) -> Path:
    """The first row of the source's first shipped file, with contact details in its text."""
    # (not JobStreet's malformed April 2022 extract, whose rows are quarantined whole)
    shipped = [p for p in sorted(DATA_DIR.glob(spec.files[0])) if "extra" not in p.name][0]
    opener = gzip.open if shipped.suffix == ".gz" else open
    with opener(shipped, "rt", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header, row = next(reader), next(reader)
    # A second copy whose title is empty: quarantined, with the contacts in its record.
    names = [snake_case(h) for h in header]
    planted = [v + CONTACTS if n in TEXT_COLUMNS else v for n, v in zip(names, row, strict=True)]
    broken = ["" if n in {"job_title", "title"} else v for n, v in zip(names, planted, strict=True)]
    target = folder / spec.name / shipped.name.removesuffix(".gz")
    target.parent.mkdir(parents=True)
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, planted, broken])
    return target


@pytest.mark.parametrize("spec", VACANCY_SOURCES, ids=lambda spec: spec.name)
def test_every_boards_landing_masks_contact_details(spec, tmp_path: Path) -> None:
    path = _fixture_file(spec, tmp_path)
    before = path.read_bytes()
    result = land_source(spec, tmp_path, [path])
    assert (result.rows_loaded, result.rows_quarantined) == (1, 1)
    assert find_personal_data(result.loaded, spec.table) == []
    assert find_personal_data(result.quarantined, "quarantine") == []
    planted = {c for c in result.loaded.columns if c in TEXT_COLUMNS}
    assert planted
    for column in planted:
        value = result.loaded[column][0]
        assert "[email]" in value and "[phone]" in value and "[nik]" in value, value
    # Counted per column, the quarantine's copy too; the source file is untouched.
    assert result.masked == {**dict.fromkeys(planted, 1), "quarantine.raw_record": 1}
    assert json.loads(result.quarantined["raw_record"][0])  # still JSON
    assert path.read_bytes() == before


def test_ids_and_provenance_are_never_masked() -> None:
    frame = pl.DataFrame({"id": ["3172040812340001"], "description": ["NIK 3172040812340001"]})
    masked, counts = mask_text_columns_counted(frame, keep={"id"})
    assert masked.row(0) == ("3172040812340001", "NIK [nik]") and counts == {"description": 1}


def test_a_crawl_landing_masks_contact_details_and_keeps_json(tmp_path: Path) -> None:
    day = "2025-10-23"
    item = {
        "source": "jobstreet",
        "source_posting_id": "3172040812340001",
        "url": "https://www.jobstreet.co.id/id/job/1",
        "title": "Staf Gudang (WA 0812-3456-7890)",
        "company_name": "PT Maju",
        "crawl_date": day,
        "crawled_at": "2025-10-23T10:00:00+00:00",
        "description": "Lamaran ke hrd [at] maju [dot] co [dot] id",
        "raw": {"listing": {"teaser": "hrd@maju.co.id", "nik": 3172040812340001, "n": 5}},
    }
    items = tmp_path / "jobstreet" / day / "items.jsonl"
    items.parent.mkdir(parents=True)
    items.write_text(json.dumps(item) + "\n", encoding="utf-8")
    columns = list(item)
    result = land_crawl_files(crawled_source("jobstreet"), tmp_path, day, items, None, columns)
    assert result.rows_loaded == 1
    row = result.loaded.row(0, named=True)
    assert row["source_posting_id"] == "3172040812340001"  # an id, kept
    assert row["title"] == "Staf Gudang (WA [phone])"
    assert row["description"] == "Lamaran ke [email]"
    assert json.loads(row["raw"]) == {"listing": {"teaser": "[email]", "nik": "[nik]", "n": 5}}
    assert result.masked == {"title": 1, "description": 1, "raw": 1}
    assert find_personal_data(result.loaded.drop("source_posting_id")) == []
    assert json.loads(items.read_text())["title"] == item["title"]


def test_json_text_stays_json() -> None:
    assert mask_json_text('{"a": 3172040812340001}') == '{"a": "[nik]"}'
    assert mask_json_text("not json 0812-3456-7890") == "not json [phone]"
    assert mask_json_text('{"a": 1}') == '{"a": 1}'


def test_placeholders_make_no_skill() -> None:
    # Read as words, "[email] marketing" would be ESCO's "execute email marketing".
    assert _tokens("execute [email] marketing") == ["execute", "[email]", "marketing"]
    from ingest.occupations.skills import default_matcher

    matcher = default_matcher()
    assert matcher.find("execute [email] marketing, maintain records of [phone] calls") == []
    assert [s.label for s, _ in matcher.find("execute email marketing")]


def test_placeholders_make_and_hide_no_text_rule_flag() -> None:
    # Adverts with a requirement each rule flags, and without; the contact details masked or not.
    descriptions = [
        "Wanita, usia maks 25 tahun, belum menikah.",
        "Kerja 12 jam per hari, 7 hari seminggu.",
        "Laki-laki, beragama Islam, tinggi badan min 170 cm.",
        "Staf gudang, pengalaman 1 tahun.",
    ]
    contacts = " Kirim CV ke hrd.budi@gmail.com atau WA 0812-3456-7890 (NIK 3172040812340001)."
    raw = [d + contacts for d in descriptions]
    frame = pl.DataFrame({"title": ["Staf"] * len(raw), "description": raw})
    masked = frame.with_columns(pl.col("description").map_elements(mask_personal_data))
    assert masked["description"][0].endswith("[email] atau WA [phone] (NIK [nik]).")
    flags = [c for c in flag_text_rules(frame).columns if c.startswith("has_")]
    assert flag_text_rules(frame).select(flags).equals(flag_text_rules(masked).select(flags))
    assert flag_text_rules(masked).select(flags).to_numpy().any()


@pytest.mark.parametrize("brk", ["\n", "\t", "\r\n"], ids=["lf", "tab", "crlf"])
def test_a_contact_on_a_line_of_its_own_is_masked_in_the_crawls_raw(brk, tmp_path: Path) -> None:
    # As JSON text a line break is `\n`: the number follows the letter "n" (reviewer's repro).
    day = "2025-10-23"
    description = f"Kontak HRD:{brk}0812-3456-7890{brk}NIK pelamar:{brk}3172040812340001"
    item = {
        "source": "jobstreet",
        "source_posting_id": "1",
        "url": "https://www.jobstreet.co.id/id/job/1",
        "title": "Staf Gudang",
        "crawl_date": day,
        "crawled_at": "2025-10-23T10:00:00+00:00",
        "description": description,
        "raw": {"job": {"content": description, "contacts": [f"{brk}hrd@maju.co.id"]}},
    }
    items = tmp_path / "jobstreet" / day / "items.jsonl"
    items.parent.mkdir(parents=True)
    items.write_text(json.dumps(item) + "\n", encoding="utf-8")
    result = land_crawl_files(crawled_source("jobstreet"), tmp_path, day, items, None, list(item))
    row = result.loaded.row(0, named=True)
    masked = f"Kontak HRD:{brk}[phone]{brk}NIK pelamar:{brk}[nik]"
    assert row["description"] == masked
    assert json.loads(row["raw"]) == {"job": {"content": masked, "contacts": [f"{brk}[email]"]}}
    assert result.masked == {"description": 1, "raw": 1}
    # The scanner reads JSON decoded, and JSON that does not parse past its escapes.
    raw_text = json.dumps(item["raw"])
    kinds = {hit.kind for hit in find_personal_data(pl.DataFrame({"raw": [raw_text]}))}
    assert kinds == {"phone", "nik", "email"}
    cut = raw_text[: raw_text.index("NIK")]  # not JSON any more
    assert {hit.kind for hit in find_personal_data(pl.DataFrame({"raw": [cut]}))} == {"phone"}
    assert mask_json_text(cut) == cut.replace("0812-3456-7890", "[phone]")


def test_json_is_decided_on_its_decoded_values() -> None:
    # An escaped character hides a value from the text: a non-breaking space, an escaped "@".
    for text in ('{"a": "Hub\\u00a00812-3456-7890"}', '{"a": "hrd\\u0040maju.co.id"}'):
        assert find_personal_data(pl.DataFrame({"raw": [text]})) != []
        masked, counts = mask_text_columns_counted(
            pl.DataFrame({"raw": [text]}), json_columns={"raw"}
        )
        assert counts == {"raw": 1} and find_personal_data(masked) == []
    # Nothing to mask: the text is kept as it was written, escapes and number spellings included.
    text = '{"a": "baris\\nkedua", "b": 1.0E2, "c": "\\u00e9"}'
    assert mask_json_text(text) == text


def test_masked_json_stays_valid_json() -> None:
    # A number too large for a float would be written back as `Infinity`, which is not JSON.
    masked = mask_json_text('{"big": 1e400, "odd": NaN, "tel": "0812-3456-7890", "n": 2.5}')

    def refuse(token: str) -> None:
        raise ValueError(token)

    assert json.loads(masked, parse_constant=refuse) == {
        "big": "1e400",
        "odd": "NaN",
        "tel": "[phone]",
        "n": 2.5,
    }
    # A 16-digit number in a document becomes the string "[nik]"; a repeated key keeps its last.
    assert json.loads(mask_json_text('{"id": 3172040812340001, "a": 1, "a": "x@maju.co.id"}')) == {
        "id": "[nik]",
        "a": "[email]",
    }


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Chat WA: wa.me/081234567890", "Chat WA: wa.me/[phone]"),
        ("https://wa.me/6281234567890", "https://wa.me/[phone]"),
        ("https://wa.me/6281234567890?text=Halo", "https://wa.me/[phone]?text=Halo"),
        ("api.whatsapp.com/send?phone=6281234567890", "api.whatsapp.com/send?phone=[phone]"),
        ("Email: hrd_budi @ gmail . com", "Email: [email]"),
        ("Email: hrd_budi@gmail .com (HRD)", "Email: [email] (HRD)"),
        ("logo@2x.png foto@2x.jpg icon@3x.webp", "logo@2x.png foto@2x.jpg icon@3x.webp"),
        ("Ada di rumah@home. Terima kasih", "Ada di rumah@home. Terima kasih"),
        ("hrd@maju.co.id", "[email]"),
    ],
)
def test_whatsapp_links_spaced_dots_and_file_names(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked
    assert bool(find_personal_data(pl.DataFrame({"text": [text]}))) == (masked != text)


@pytest.mark.parametrize(
    "text",
    [
        "a" * 20_000 + " @",
        "a" * 20_000 + "@",
        "a@" + "b" * 20_000,
        "a." * 10_000 + "@x",
        "a " * 10_000,
        # Dots after a provider, with no top-level part at the end: two ways to read each dot
        # made this exponential (22 dots took 8 s; 24 take about 30 s on the old pattern).
        "hrd@gmail" + ".1" * 24 + ".1_",
        "budi @ gmail" + " . 1" * 24 + " _",
        # Digit words and digits (a phone in words), a bare "at" before dotted names.
        "nol delapan " * 5_000 + "x",
        "1 " * 10_000 + "a",
        "hrd at " + "a." * 10_000 + "_",
    ],
    ids=[
        "run-space-at",
        "run-at",
        "long-domain",
        "dotted-run",
        "words",
        "provider-dots",
        "provider-spaced-dots",
        "digit-words",
        "spaced-digits",
        "at-dotted-run",
    ],
)
def test_masking_is_not_quadratic_on_long_runs(text: str) -> None:
    # 20,000 characters took minutes with the e-mail pattern tried from every start in a run.
    started = time.perf_counter()
    mask_personal_data(text)
    find_personal_data(pl.DataFrame({"text": [text]}))
    assert time.perf_counter() - started < 2


def test_a_quoted_value_is_masked_before_it_is_cut() -> None:
    # Cut to 60 characters first, a phone or an e-mail loses its shape and is quoted in clear.
    value = "x" * 48 + " 0812-3456-7890 hrd.budi@gmail.com"
    assert quoted_value(value) == "x" * 48 + " [phone] [em"
    assert "0812" not in negative_pay_detail("-" + value)
    check = FieldCheck("posted_at", "invalid_date", "posted_at must be a date", lambda v: False)
    [(_, _, detail)] = _row_problems([check], {"posted_at": value}, [])
    assert "0812" not in detail and "[phone]" in detail


@pytest.mark.parametrize(
    "text",
    [
        '{"a": "Kontak:\\n0812-3456-7890"}',
        '{"a": "NIK\\t3172 0408 1234 0001"}',
        '{"a": "Hub\\u00a00812-3456-7890"}',
        '{"a": "NIK 3172\\u00a00408\\u00a01234\\u00a00001"}',
        '{"a": "hrd\\u0040maju.co.id"}',
        '{"a": "budi\\nat gmail dot com"}',
        '{"a": "https:\\/\\/wa.me\\/6281234567890"}',
        '{"nik": 3.172040812340001e15}',
        "[1, -31.72040812340001E14]",
        '{"a": "baris\\nkedua", "b": "9a3fe000-ed34", "c": 2e5}',
    ],
)
def test_the_json_filter_finds_what_decoding_finds(text: str) -> None:
    # Only the documents the vectorised filter picks are decoded: it must miss none.
    frame, counts = mask_text_columns_counted(pl.DataFrame({"raw": [text]}), json_columns={"raw"})
    assert frame["raw"][0] == mask_json_text(text)
    assert counts == ({"raw": 1} if mask_json_text(text) != text else {})


# A phone typed as a JSON number has lost its 0 (81234567890) or carries the country code
# (6281234567890); numbers of other shapes, or under an id's key, are data and stay.
NUMBERS = {
    "contact": 6281234567890,
    "phone": 81234567890,
    "no_hp": 81234567890.0,
    "whatsapp": "81234567890",
    "kontak": [6281234567890, 8123456789],
    "value": 6281234567890,
    "salary": 5000000,
    "id": 6281234567890,
    "companyId": 81234567890,
    "year": 2024,
    "lat": -6.2088,
    "count": 81234567890,
    "hp_count": 81234567890,
}
NUMBERS_MASKED = {
    **NUMBERS,
    "contact": "[phone]",
    "phone": "[phone]",
    "no_hp": "[phone]",
    "whatsapp": "[phone]",
    "kontak": ["[phone]", "[phone]"],
    "value": "[phone]",
}


def test_a_phone_typed_as_a_json_number_is_masked(tmp_path: Path) -> None:
    text = json.dumps(NUMBERS)
    assert json.loads(mask_json_text(text)) == NUMBERS_MASKED
    # The scanner reads it so too, and the vectorised filter sends the document to be masked.
    assert {hit.kind for hit in find_personal_data(pl.DataFrame({"raw": [text]}))} == {"phone"}
    for one in ('{"phone": 81234567890}', '{"a": [1, {"hp": 8123456789.0}]}'):
        frame, counts = mask_text_columns_counted(
            pl.DataFrame({"raw": [one]}), json_columns={"raw"}
        )
        assert counts == {"raw": 1} and "[phone]" in frame["raw"][0]
    # Ordinary numbers alone: nothing to mask, nothing found.
    plain = json.dumps({k: v for k, v in NUMBERS.items() if NUMBERS_MASKED[k] == v})
    assert mask_json_text(plain) == plain
    assert find_personal_data(pl.DataFrame({"raw": [plain]})) == []
    # JSON quoted as text (cut short, so not parsed): a keyed number is masked as a string.
    cut = '{"phone": 81234567890, "salary": 5000000, "no_wa": "81234567890", "desc": "x'
    assert mask_personal_data(cut) == (
        '{"phone": "[phone]", "salary": 5000000, "no_wa": "[phone]", "desc": "x'
    )
    assert find_personal_data(pl.DataFrame({"raw": [cut]})) != []
    # Through a crawl's landing, in `raw`.
    day = "2025-10-23"
    item = {
        "source": "jobstreet",
        "source_posting_id": "1",
        "url": "https://www.jobstreet.co.id/id/job/1",
        "title": "Staf Gudang",
        "crawl_date": day,
        "crawled_at": "2025-10-23T10:00:00+00:00",
        "description": "Staf gudang",
        "raw": NUMBERS,
    }
    items = tmp_path / "jobstreet" / day / "items.jsonl"
    items.parent.mkdir(parents=True)
    items.write_text(json.dumps(item) + "\n", encoding="utf-8")
    result = land_crawl_files(crawled_source("jobstreet"), tmp_path, day, items, None, list(item))
    assert json.loads(result.loaded.row(0, named=True)["raw"]) == NUMBERS_MASKED
    assert result.masked == {"raw": 1}


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("wa.me/6281234567890 08.00-17.00", "wa.me/[phone] 08.00-17.00"),
        ("wa.me/628123456789 2 orang", "wa.me/[phone] 2 orang"),
        ("https://wa.me/+62 812-3456-7890 (Senin-Jumat)", "https://wa.me/[phone] (Senin-Jumat)"),
        (
            "api.whatsapp.com/send?phone=6281234567890 9 posisi",
            "api.whatsapp.com/send?phone=[phone] 9 posisi",
        ),
        ("wa.me/447911123456 UK", "wa.me/[phone] UK"),
        # The whole number, whatever its groups, up to a time or a word.
        ("wa.me/+44 20 7946 0958", "wa.me/[phone]"),
        ("wa.me/0812 345 678 90 (HRD)", "wa.me/[phone] (HRD)"),
        ("wa.me/0812.3456.789.0", "wa.me/[phone]"),
        ("wa.me/62-812-3456-7890 08:00 - 17:00", "wa.me/[phone] 08:00 - 17:00"),
        # A number written unbroken takes no further group: counts, years and hours stay.
        ("wa.me/6281234567890 10 orang", "wa.me/[phone] 10 orang"),
        ("wa.me/6281234567890 2024 lowongan", "wa.me/[phone] 2024 lowongan"),
        ("wa.me/6281234567890 08.00 s/d 17.00", "wa.me/[phone] 08.00 s/d 17.00"),
    ],
)
def test_a_whatsapp_link_masks_its_number_only(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Kirim CV ke hrd at company.co.id", "Kirim CV ke [email]"),
        ("email: recruitment at pt-abc dot com.", "email: [email]."),
        ("HRD.Maju AT PTMAJU DOT CO DOT ID", "[email]"),
        ("karir at maju.ac.id atau info at dinas.go.id", "[email] atau [email]"),
        ("lamaran at toko-maju (dot) net", "[email]"),
        # A mailbox word in any case, a name with a dot, a lower-case name before a provider.
        ("HRD at maju.co.id / Karir at maju.id", "[email] / [email]"),
        ("budi at gmail.com, Budi at yahoo.co.id", "[email], [email]"),
    ],
)
def test_a_bare_at_before_a_company_domain_is_masked(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked
    assert find_personal_data(pl.DataFrame({"text": [text]})) != []
    assert pl.Series([text]).str.contains(CANDIDATE_PATTERN)[0]


@pytest.mark.parametrize(
    "text",
    [
        "Work at home, at least 2 years, at PT ABC",
        "Masuk at 08.00, pulang at 17.00.",
        "Kantor located at Jl. Sudirman No. 5",
        "apply at www.maju.co.id or at https://maju.com",
        "Good at Excel. Strong at communication dot points",
        "at Jakarta.Selatan",
        "Visit our career page at agate.id/career",
        # A verb, a pronoun or one capitalised word is prose, not a mailbox's name.
        "Apply at jobstreet.com",
        "Visit at maju.com",
        "Join us at maju.co.id",
        "Data at Google.com scale",
        "sign in at outlook.com",
        "Lamaran dikirim at maju.co.id",
    ],
)
def test_a_bare_at_in_prose_is_not_masked(text: str) -> None:
    assert mask_personal_data(text) == text
    assert find_personal_data(pl.DataFrame({"text": [text]})) == []


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("WA nol delapan satu dua tiga empat lima enam tujuh delapan", "WA [phone]"),
        ("hub kosong delapan satu tiga - 1234 - 5678 ya", "hub [phone] ya"),
        ("call zero eight one two three four five six seven eight nine", "call [phone]"),
        ("WA 08 satu dua tiga empat lima enam tujuh delapan", "WA [phone]"),
        ("Nol Delapan Lima Dua.Tiga Tiga Empat Empat.Lima Lima Enam", "[phone]"),
        ("telp 0 8 1 2 3 4 5 6 7 8 9", "telp [phone]"),
        ("+62 delapan satu dua tiga empat lima enam tujuh delapan", "[phone]"),
        (
            "enam dua delapan satu dua tiga empat lima enam tujuh delapan, 2 orang",
            "[phone], 2 orang",
        ),
        ("tahun 2024 nol delapan satu dua tiga empat lima enam tujuh", "tahun 2024 [phone]"),
        ("Telp + 6 2 2 1 5 5 5 1 2 3 4", "Telp [phone]"),
        ("Jam 08.00 nol delapan satu dua tiga empat lima enam tujuh", "Jam 08.00 [phone]"),
        # Pairs that look like a time are no schedule unless two times make a range: "08 15"
        # is 0815, a mobile prefix, read aloud.
        ("Telp 08 15 30 45 67 89 dua", "Telp [phone]"),
        ("WA 0812 15 30 67 89 dua", "WA [phone]"),
        ("hubungi nol delapan satu dua 08 00 45 67 89", "hubungi [phone]"),
        ("Hub nol delapan 12.34.56.78.90", "Hub [phone]"),
        ("telp nol delapan satu tiga 10.30 empat lima enam", "telp [phone]"),
    ],
)
def test_a_phone_written_in_words_is_masked(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked
    assert {hit.kind for hit in find_personal_data(pl.DataFrame({"text": [text]}))} == {"phone"}
    assert pl.Series([text]).str.contains(CANDIDATE_PATTERN)[0]
    frame, counts = mask_text_columns_counted(pl.DataFrame({"text": [text]}))
    assert frame["text"][0] == masked and counts == {"text": 1}


@pytest.mark.parametrize(
    "text",
    [
        "Jam kerja 08.00-17.00 / 08.00-12.00, 2 orang",
        "lima hari kerja, satu dua tiga empat lima enam tujuh delapan sembilan",
        "nol delapan satu dua tiga",
        "Senin - Sabtu 08 00 - 17 00, dua shift",
        "one two three four five six seven eight nine ten",
        # Working hours with a number word after them: the schedule stays for the hours rule.
        "Jam kerja 08.00 - 12.00 / satu jam istirahat",
        "Senin-Jumat 08 00 17 00 lima hari kerja",
        "Jam kerja 08.00 - 17.00 satu hari libur",
        "Jam kerja 08:00-17:00 satu jam istirahat",
        "shift 1 08.00-16.00 dua shift",
        "2 orang, usia 18 - 25",
    ],
)
def test_numbers_and_counts_in_words_are_not_a_phone(text: str) -> None:
    assert mask_personal_data(text) == text
    assert find_personal_data(pl.DataFrame({"text": [text]})) == []


def test_a_schedule_keeps_its_hours_through_masking() -> None:
    # Karirhub's and MagangHub's descriptions are masked at landing, before the hours rule reads.
    text = "Senin - Sabtu, jam kerja 08.00 - 16.00 / satu jam istirahat"
    hours = stated_hours(mask_personal_data(text))
    assert hours is not None and hours.daily == 7.0


@pytest.mark.parametrize(
    ("document", "masked"),
    [
        ({"nohp": 81234567890}, {"nohp": "[phone]"}),
        ({"notelp": 81234567890, "notlp": 81234567890}, {"notelp": "[phone]", "notlp": "[phone]"}),
        ({"nowa": 6281234567890, "telp": 81234567890}, {"nowa": "[phone]", "telp": "[phone]"}),
        ({"contact": {"number": 81234567890}}, {"contact": {"number": "[phone]"}}),
        ({"kontak": {"nomor": [81234567890]}}, {"kontak": {"nomor": ["[phone]"]}}),
        # Under a contact key an id is still an id, a count still a count.
        (
            {"contact": {"id": 81234567890, "count": 81234567890}},
            {"contact": {"id": 81234567890, "count": 81234567890}},
        ),
        ({"status": {"phone": 81234567890}}, {"status": {"phone": "[phone]"}}),
    ],
)
def test_glued_and_nested_contact_keys_mask_a_phone_number(document, masked) -> None:
    text = json.dumps(document)
    assert json.loads(mask_json_text(text)) == masked
    assert bool(find_personal_data(pl.DataFrame({"raw": [text]}))) == (masked != document)
    frame, _ = mask_text_columns_counted(pl.DataFrame({"raw": [text]}), json_columns={"raw"})
    assert json.loads(frame["raw"][0]) == masked


def test_a_keyed_float_in_unparsable_json_is_masked() -> None:
    cut = '{"phone": 81234567890.0, "nohp": 81234567890, "salary": 5000000.0, "x": "y'
    assert mask_personal_data(cut) == (
        '{"phone": "[phone]", "nohp": "[phone]", "salary": 5000000.0, "x": "y'
    )
    assert pl.Series([cut]).str.contains(CANDIDATE_PATTERN)[0]


def _module_texts() -> list[str]:
    """Every text of the masking's parametrized test cases (and the contacts planted here)."""
    texts = [CONTACTS]
    modules = [sys.modules[__name__]] + [
        importlib.import_module(f"tests.ingest.admin.{path.stem}")
        for path in sorted(Path(__file__).parent.joinpath("admin").glob("*personal_data*.py"))
    ]
    tests = [test for module in modules for test in vars(module).values()]
    for test in tests:
        for mark in getattr(test, "pytestmark", []):
            if mark.name != "parametrize":
                continue
            for case in mark.args[1]:
                values = case if isinstance(case, tuple) else (case,)
                texts += [value for value in values if isinstance(value, str)]
    return texts


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ('data {"no_hp": [81234567890]', 'data {"no_hp": ["[phone]"]'),
        ('{"no_hp": [1, 2, 81234567890]', '{"no_hp": [1, 2, "[phone]"]'),
        ('{"contact": {"number": 81234567890}', '{"contact": {"number": "[phone]"}'),
        ('{"phone": 81234567890.0,', '{"phone": "[phone]",'),
        # Not a contact: an id under a contact key, a list under a plain key.
        ('{"contact": {"id": 81234567890}', '{"contact": {"id": 81234567890}'),
        ('{"nomor": [1, 81234567890]', '{"nomor": [1, 81234567890]'),
    ],
)
def test_a_contact_number_in_json_text_that_does_not_parse_is_masked(text, masked) -> None:
    # Cut lines of a document, as quarantine details quote them: a list or an object under a
    # contact key passed unmasked, although the parsed document masks them.
    assert mask_personal_data(text) == masked


def test_the_filter_finds_every_value_the_masking_changes() -> None:
    # `mask_text_columns` sends only the values `CANDIDATE_PATTERN` finds to be masked.
    texts = [text for text in _module_texts() if mask_personal_data(text) != text]
    assert len(texts) > 80
    missed = [text for text in texts if not pl.Series([text]).str.contains(CANDIDATE_PATTERN)[0]]
    assert missed == []
    frame = mask_text_columns(pl.DataFrame({"text": texts}))
    assert frame["text"].to_list() == [mask_personal_data(text) for text in texts]
