"""Job-title normalisation shared by the occupation coder and the skills extractor.

Advert titles carry a lot that says nothing about the occupation: places ("Sales (Ambon)"),
requisition codes ("(B-66471)"), seniority ("Senior", "Jr"), contract words ("Freelance",
"Magang"), languages asked for ("Mandarin Speaker") and shouting capitals. Reference titles are
in two languages. `TitleNormaliser` removes the noise and rewrites Indonesian job words into
English through the hand-made lexicon in `data/labels/title_lexicon.csv`, so that "Staf Gudang",
"Staff Warehouse" and "Warehouse Staff" meet on the same words.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from orchestration.settings import DATA_DIR

LEXICON_PATH = DATA_DIR / "labels" / "title_lexicon.csv"
REGIONS_PATH = DATA_DIR / "reference" / "wilayah" / "kemendagri_2025_kabupaten_kota.csv"
PROVINCES_PATH = DATA_DIR / "reference" / "wilayah" / "kemendagri_2025_provinsi.csv"

# Place words that are also job words or common title words; never dropped as locations.
_PLACE_NAMES_KEPT = {
    "agam",
    "batu",
    "barat",
    "timur",
    "utara",
    "selatan",
    "tengah",
    "raya",
    "kota",
    "pusat",
    "kepulauan",
    "laut",
    "darat",
    "baru",
    "lima",
    "tanah",
    "muara",
    "sungai",
    "pesisir",
    "banyak",
    "gunung",
    "hulu",
    "hilir",
    "ilir",
    "kabupaten",
    "tinggi",
    "halmahera",
}
# Places job boards use that are not kab/kota names.
_EXTRA_PLACES = (
    "jakarta",
    "jabodetabek",
    "jabotabek",
    "jabodetabekkar",
    "jadetabek",
    "jawa",
    "sumatera",
    "sumatra",
    "kalimantan",
    "sulawesi",
    "papua",
    "bali",
    "ntt",
    "ntb",
    "dki",
    "jabar",
    "jatim",
    "jateng",
    "diy",
    "jogja",
    "yogya",
    "jogjakarta",
    "yogyakarta",
    "bsd",
    "cikarang",
    "serpong",
    "karawaci",
    "kuningan",
    "sudirman",
    "thamrin",
    "kelapa gading",
    "pik",
    "sunter",
    "cakung",
    "cibubur",
    "cileungsi",
    "cibitung",
    "kemayoran",
    "pluit",
    "kebon jeruk",
    "kalideres",
    "sentul",
    "nigeria",
    "singapore",
    "singapura",
    "malaysia",
    "batam",
    "alam sutera",
    "gading serpong",
    "karawang",
    "sidoarjo",
    "gresik",
    "jababeka",
    "mm2100",
    "ejip",
    "kiic",
    "jakbar",
    "jaksel",
    "jakut",
    "jaktim",
    "jakpus",
    "tangsel",
    "jkt",
    "sby",
    "bdg",
    "smg",
)
_BRACKETS = re.compile(r"[\(\[\{]([^\)\]\}]*)[\)\]\}]?")
_REQUISITION_CODE = re.compile(r"\b[a-z]{1,3}-?\d{2,}\b|\b\d+\b")
_NON_WORD = re.compile(r"[^a-z0-9&+#/ ]+")
_SPLIT_SEPARATORS = re.compile(r"\s*(?:/|\||,|;|\s-\s|\s–\s|\s—\s)\s*")


def _fold_accents(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _load_lexicon(path: Path) -> tuple[dict[str, str], set[str]]:
    translations: dict[str, str] = {}
    drops: set[str] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            term = row["term"].strip().lower()
            if row["kind"] == "drop":
                drops.add(term)
            else:
                translations[term] = row["replacement"].strip().lower()
    return translations, drops


def _load_places() -> set[str]:
    places = set(_EXTRA_PLACES)
    for path in (REGIONS_PATH, PROVINCES_PATH):
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                name = row["nama"].lower()
                name = re.sub(r"^(kabupaten|kota administrasi|kota|kab\.?)\s+", "", name)
                name = _NON_WORD.sub(" ", _fold_accents(name)).strip()
                if name and name not in _PLACE_NAMES_KEPT:
                    places.add(name)
    return places


class TitleNormaliser:
    """Turns a raw advert title into a canonical lower-case English-leaning string.

    `normalise` keeps the words that describe the job; `translate` additionally rewrites
    Indonesian job words. Both are pure functions of the title and cached.
    """

    def __init__(self, lexicon_path: Path = LEXICON_PATH) -> None:
        translations, self.drop_words = _load_lexicon(lexicon_path)
        self.places = _load_places()
        # Multi-word phrases first, so "juru masak" wins over "masak".
        phrases = sorted(set(translations) | self.places, key=lambda p: (-len(p.split()), p))
        self._multiword = [p for p in phrases if " " in p]
        self._translations = translations
        self._multiword_pattern = (
            re.compile(r"\b(" + "|".join(re.escape(p) for p in self._multiword) + r")\b")
            if self._multiword
            else None
        )

    def _replace_multiword(self, text: str) -> str:
        if self._multiword_pattern is None:
            return text

        def substitute(match: re.Match[str]) -> str:
            phrase = match.group(1)
            if phrase in self.places:
                return " "
            return " " + self._translations[phrase].replace(" ", "_") + " "

        return self._multiword_pattern.sub(substitute, text)

    def clean(self, title: str | None) -> str:
        """Lower-case, fold accents, drop bracketed places/codes and punctuation noise."""
        if not title:
            return ""
        text = _fold_accents(str(title)).lower().replace("&", " and ")
        text = text.replace("\u00a0", " ")

        # Bracketed text is kept only when it holds a job word rather than a place or a code.
        def bracket(match: re.Match[str]) -> str:
            inner = match.group(1)
            return " , " + inner + " , "

        text = _BRACKETS.sub(bracket, text)
        text = re.sub(r"^\s*\d+\s*[\.\)]\s*", "", text)
        text = _REQUISITION_CODE.sub(" ", text)
        text = text.replace("_", " ")
        return " ".join(text.split())

    def tokens(self, title: str | None, translate: bool = True) -> list[str]:
        """Words of the cleaned title with places and noise removed (optionally translated)."""
        text = self.clean(title)
        if translate:
            text = self._replace_multiword(text)
        else:
            text = self._replace_places_only(text)
        out: list[str] = []
        for raw_word in _NON_WORD.sub(" ", text.replace("/", " ").replace(",", " ")).split():
            word = raw_word.strip("&+#")
            if not word or word in self.drop_words or word in self.places:
                continue
            if translate and word in self._translations:
                word = self._translations[word]
            if word:
                out.extend(word.replace("_", " ").split())
        return out

    def _replace_places_only(self, text: str) -> str:
        for phrase in self._multiword:
            if phrase in self.places and phrase in text:
                text = re.sub(r"\b" + re.escape(phrase) + r"\b", " ", text)
        return text

    def normalise(self, title: str | None) -> str:
        """The canonical form used as the coding key: translated, de-noised words."""
        return " ".join(self.tokens(title, translate=True))

    def segments(self, title: str | None) -> list[str]:
        """Normalised pieces of a title that lists two jobs ("Sales / Admin", "Kasir - SPG")."""
        text = self.clean(title)
        parts = [p for p in _SPLIT_SEPARATORS.split(text) if p.strip()]
        normalised = [" ".join(self.tokens(p)) for p in parts]
        return [p for p in normalised if p]


@lru_cache(maxsize=1)
def default_normaliser() -> TitleNormaliser:
    """The process-wide normaliser built from the shipped lexicon and region lists."""
    return TitleNormaliser()
