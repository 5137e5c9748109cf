"""Resolve the places named or coded in administrative sources to the warehouse's regions.

Every record gets the BPS regency and province codes (what Sakernas and other BPS microdata use),
the Kemendagri codes alongside, and `region_id`, the key of the warehouse's `dim_region`
(`regency-<Kemendagri code>`, or `province-<code>` when only the province is known).

Karirhub and MagangHub carry **Kemendagri** codes in BPS-looking 2/4-digit form: Karirhub city
3174 is "KOTA ADM. JAKARTA SELATAN", which is Kemendagri 31.74 but BPS 3171; its sub-district
codes have 6 digits (Kemendagri) where BPS uses 7; MagangHub uses the 2022 Papua provinces
93–96, which exist only in Kemendagri's list. So a source code is
read as Kemendagri first and the name that comes with it must agree; only if it does not is the
BPS reading tried. Every match records how it was made (`region_match_method`).

Built from `data/reference/wilayah` (see its PROVENANCE.md): the Kemendagri 2025 list (514
regencies, 38 provinces) and the BPS–Kemendagri 2020 bridging table. The bridging table predates
the Papua split, so the 26 regencies whose Papua codes changed with the split are linked to their
(2020) BPS code by name inside old Papua/Papua Barat, as `dim_region` does. Province BPS codes
come from the warehouse's `province_codes` seed, which has BPS 2024 codes for the four new
provinces (without it they fall back to the pre-split 91/94 of the regency's 2020 code).
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import polars as pl

from ingest.compressed import open_text
from orchestration.settings import DATA_DIR, DBT_PROJECT_DIR

log = logging.getLogger(__name__)

WILAYAH_DIR = DATA_DIR / "reference" / "wilayah"
PROVINCE_SEED = DBT_PROJECT_DIR / "seeds" / "province_codes.csv"
"""The warehouse's province codes (`dim_region`): BPS codes of the 2022 Papua provinces included."""

RESOLUTION_COLUMNS: dict[str, pl.DataType] = {
    "region_id": pl.String(),
    "province_code_bps": pl.String(),
    "regency_code_bps": pl.String(),
    "province_code_kemendagri": pl.String(),
    "regency_code_kemendagri": pl.String(),
    "region_match_method": pl.String(),
    "is_region_resolved": pl.Boolean(),
}

_KIND_PREFIX = re.compile(
    r"^(?P<kind>KABUPATEN|KAB\.?|KOTA)\s+(?:ADMINISTRASI\s+|ADM\.\s*|ADM\s+)?", re.IGNORECASE
)
# Province names as sources write them, beyond the two spellings in the reference files.
PROVINCE_ALIASES = {
    "DKIJAKARTA": "31",
    "JAKARTA": "31",
    "DIYOGYAKARTA": "34",
    "YOGYAKARTA": "34",
    "BANGKABELITUNG": "19",
    "NTB": "52",
    "NTT": "53",
}


def squash(name: str) -> str:
    """Upper case letters and digits only: 'B A T A M', 'Toli-Toli', 'PARE PARE' compare equal."""
    expanded = re.sub(r"\bKEP\.", "KEPULAUAN ", name.upper())
    return re.sub(r"[^0-9A-Z]", "", expanded)


def split_regency_name(name: str) -> tuple[str | None, str]:
    """(kind, squashed bare name): 'KAB. BOGOR' -> ('Kabupaten', 'BOGOR'), 'BOGOR' -> (None, …)."""
    text = name.strip()
    match = _KIND_PREFIX.match(text)
    if not match:
        return None, squash(text)
    kind = "Kota" if match.group("kind").upper().startswith("KOTA") else "Kabupaten"
    return kind, squash(text[match.end() :])


def names_agree(first: str, second: str) -> bool:
    """Squashed names are equal, or one is a cut-off of the other (the 2020 bridge truncates
    'KAB. OGAN KOMERING ULU TIMUR' to 'KAB. OGAN KOMERING ULU'; Toba Samosir became Toba)."""
    if not first or not second:
        return False
    if first == second:
        return True
    shorter, longer = sorted((first, second), key=len)
    return len(shorter) >= 4 and longer.startswith(shorter)


@dataclass(frozen=True)
class Regency:
    regency_code_bps: str
    regency_code_kemendagri: str
    regency_name: str
    regency_kind: str
    province_code_bps: str
    province_code_kemendagri: str
    province_name: str
    bps_link_method: str


@dataclass(frozen=True)
class RegionMatch:
    regency: Regency | None
    province_code_kemendagri: str | None
    province_code_bps: str | None
    method: str

    @property
    def is_resolved(self) -> bool:
        return self.regency is not None

    def as_columns(self) -> dict[str, object]:
        if self.regency is not None:
            region_id = f"regency-{self.regency.regency_code_kemendagri}"
        elif self.province_code_kemendagri is not None:
            region_id = f"province-{self.province_code_kemendagri}"
        else:
            region_id = None
        return {
            "region_id": region_id,
            "province_code_bps": self.province_code_bps,
            "regency_code_bps": self.regency.regency_code_bps if self.regency else None,
            "province_code_kemendagri": self.province_code_kemendagri,
            "regency_code_kemendagri": (
                self.regency.regency_code_kemendagri if self.regency else None
            ),
            "region_match_method": self.method,
            "is_region_resolved": self.regency is not None,
        }


UNRESOLVED = RegionMatch(None, None, None, "unresolved")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open_text(path, newline="") as handle:
        return list(csv.DictReader(handle))


class RegionIndex:
    """Look-ups from Kemendagri codes, BPS codes, names and address text to `Regency` rows."""

    def __init__(
        self, wilayah_dir: Path = WILAYAH_DIR, province_seed: Path | None = PROVINCE_SEED
    ) -> None:
        provinces = _read_csv(wilayah_dir / "kemendagri_2025_provinsi.csv")
        regencies_2025 = _read_csv(wilayah_dir / "kemendagri_2025_kabupaten_kota.csv")
        bridge = _read_csv(wilayah_dir / "bps_kemendagri_bridging_2020_kabkota.csv")
        bridge_provinces = _read_csv(wilayah_dir / "bps_kemendagri_bridging_2020_provinsi.csv")
        districts = _read_csv(wilayah_dir / "bps_kemendagri_bridging_2020_kecamatan.csv")

        self.province_names = {row["kode_kemendagri"]: row["nama"] for row in provinces}
        province_bps_by_dagri = {row["kode_dagri"]: row["kode_bps"] for row in bridge_provinces}
        if province_seed is not None and province_seed.exists():
            # The warehouse's own table wins: it has BPS codes for the 2022 Papua provinces.
            province_bps_by_dagri.update(
                {row["kemendagri_code"]: row["bps_code"] for row in _read_csv(province_seed)}
            )
        self._province_by_name: dict[str, str] = dict(PROVINCE_ALIASES)
        for code, name in self.province_names.items():
            self._province_by_name[squash(name)] = code
        for row in bridge_provinces:
            # Only where the 2020 Kemendagri code still names the same province in 2025.
            if squash(row["nama_dagri"]) == squash(self.province_names.get(row["kode_dagri"], "")):
                self._province_by_name.setdefault(squash(row["nama_bps"]), row["kode_dagri"])
                self._province_by_name.setdefault(squash(row["nama_dagri"]), row["kode_dagri"])

        bridge_by_dagri = {row["kode_dagri"]: row for row in bridge}
        papua_bridge = {
            split_regency_name(row["nama_dagri"]): row
            for row in bridge
            if row["kode_dagri"][:2] in {"91", "92"}
        }
        regencies: list[Regency] = []
        for row in regencies_2025:
            code = row["kode_4digit"]
            kind = row["jenis"]
            bare = split_regency_name(row["nama"])[1]
            linked = bridge_by_dagri.get(code)
            method = "kemendagri_code"
            if linked is None or not (
                names_agree(split_regency_name(linked["nama_dagri"])[1], bare)
                or names_agree(squash(linked["nama_bps"]), bare)
            ):
                linked = papua_bridge.get((kind, bare))
                method = "name_within_pre_2022_papua"
            if linked is None:
                raise ValueError(f"regency {code} {row['nama']} has no BPS code in the bridge")
            province_code = row["kode_provinsi"]
            regencies.append(
                Regency(
                    regency_code_bps=linked["kode_bps"],
                    regency_code_kemendagri=code,
                    regency_name=row["nama"],
                    regency_kind=kind,
                    province_code_bps=province_bps_by_dagri.get(
                        province_code, linked["kode_bps"][:2]
                    ),
                    province_code_kemendagri=province_code,
                    province_name=self.province_names[province_code],
                    bps_link_method=method,
                )
            )
        self.regencies = regencies
        self._by_kemendagri = {r.regency_code_kemendagri: r for r in regencies}
        self._by_bps = {r.regency_code_bps: r for r in regencies}
        self._by_name: dict[tuple[str, str], list[Regency]] = {}
        for regency in regencies:
            key = (regency.regency_kind, split_regency_name(regency.regency_name)[1])
            self._by_name.setdefault(key, []).append(regency)
        self._bps_name = {row["kode_bps"]: row["nama_bps"] for row in bridge}
        self._district_bps = {row["kode_dagri"]: row["kode_bps"] for row in districts}
        log.info(
            "region index: %d provinces, %d regencies (%d linked to BPS by name after the Papua "
            "split), %d districts bridged",
            len(self.province_names),
            len(regencies),
            sum(r.bps_link_method != "kemendagri_code" for r in regencies),
            len(self._district_bps),
        )

    # -- dimension ------------------------------------------------------------------------------
    def frame(self) -> pl.DataFrame:
        """One row per regency: the shape of `dim_region` at regency level, keyed on BPS code."""
        return pl.DataFrame([r.__dict__ for r in self.regencies]).sort("regency_code_bps")

    # -- look-ups -------------------------------------------------------------------------------
    def province_code(self, name: str | None) -> str | None:
        """Kemendagri province code from a province name in any of the usual spellings."""
        if not name:
            return None
        squashed = squash(re.sub(r"\(.*?\)", "", name))
        squashed = re.sub(r"^PROVINSI", "", squashed)
        return self._province_by_name.get(squashed)

    def district_code_bps(self, district_code_kemendagri: str | None) -> str | None:
        """BPS 7-digit kecamatan code of a 6-digit Kemendagri code (2020 bridge; may be None)."""
        if not district_code_kemendagri:
            return None
        return self._district_bps.get(district_code_kemendagri)

    def _match(self, regency: Regency, method: str) -> RegionMatch:
        return RegionMatch(
            regency, regency.province_code_kemendagri, regency.province_code_bps, method
        )

    def by_name(self, regency_name: str | None, province_name: str | None = None) -> RegionMatch:
        """Resolve 'KAB. BOGOR' (+ 'JAWA BARAT'); a bare name prefers the Kota if both exist."""
        if not regency_name or not regency_name.strip():
            return self.province_only(province_name)
        kind, bare = split_regency_name(regency_name)
        province = self.province_code(province_name)
        kinds = [kind] if kind else ["Kota", "Kabupaten"]
        for candidate_kind in kinds:
            candidates = self._by_name.get((candidate_kind, bare), [])
            if province:
                candidates = [c for c in candidates if c.province_code_kemendagri == province]
            if len(candidates) == 1:
                method = "name" if kind else "name_without_kind"
                return self._match(candidates[0], method)
        return self.province_only(province_name)

    def province_only(self, province_name: str | None) -> RegionMatch:
        province = self.province_code(province_name)
        if province is None:
            return UNRESOLVED
        bps = {
            r.province_code_bps for r in self.regencies if r.province_code_kemendagri == province
        }
        return RegionMatch(
            None, province, bps.pop() if len(bps) == 1 else None, "province_name_only"
        )

    def by_code(self, regency_code: str | int | None, regency_name: str | None) -> RegionMatch:
        """Resolve a source's 4-digit regency code, checking it against the name given with it.

        Kemendagri is tried first (what Kemnaker systems use); if the names disagree the BPS
        reading is tried; if neither agrees, the name alone decides.
        """
        code = str(regency_code).strip() if regency_code is not None else ""
        code = code.replace(".", "")
        _, bare = split_regency_name(regency_name or "")
        kemendagri = self._by_kemendagri.get(code)
        if kemendagri is not None and (
            not bare or names_agree(split_regency_name(kemendagri.regency_name)[1], bare)
        ):
            return self._match(kemendagri, "kemendagri_code")
        bps = self._by_bps.get(code)
        if bps is not None and names_agree(squash(self._bps_name.get(code, "")), bare):
            return self._match(bps, "bps_code")
        if regency_name:
            by_name = self.by_name(regency_name)
            if by_name.is_resolved:
                return RegionMatch(
                    by_name.regency,
                    by_name.province_code_kemendagri,
                    by_name.province_code_bps,
                    "name_code_disagrees",
                )
        return UNRESOLVED

    def from_address(self, address: str | None) -> RegionMatch:
        """Last resort: a regency named in a free-text address ('… NOMOR 284 B YOGYAKARTA').

        Explicit 'Kab. X' / 'Kota X' wins; otherwise the right-most bare regency name, preferring
        the Kota of that name (a bare city name in an address almost always means the city).
        """
        if not address:
            return UNRESOLVED
        text = address.upper()
        explicit = re.findall(r"\b(KABUPATEN|KAB\.?|KOTA)\s+([A-Z][A-Z .-]+?)(?=[,;]|$)", text)
        for prefix, name in reversed(explicit):
            found = self.by_name(f"{prefix} {name}")
            if found.is_resolved:
                return RegionMatch(
                    found.regency,
                    found.province_code_kemendagri,
                    found.province_code_bps,
                    "address_text",
                )
        words = re.findall(r"[A-Z]+", text)
        for size in (3, 2, 1):
            for start in range(len(words) - size, -1, -1):
                candidate = "".join(words[start : start + size])
                for kind in ("Kota", "Kabupaten"):
                    matches = self._by_name.get((kind, candidate), [])
                    if len(matches) == 1:
                        return self._match(matches[0], "address_text")
        return UNRESOLVED


@lru_cache(maxsize=4)
def bps_province_names(
    wilayah_dir: Path = WILAYAH_DIR, province_seed: Path | None = PROVINCE_SEED
) -> Mapping[str, str]:
    """Every BPS province code the regions reference knows, with the province's name.

    The 34 of the BPS-Kemendagri bridging table (its BPS names, title-cased), and the BPS 2024
    codes of the 2022 Papua provinces from the warehouse's `province_codes` seed, which the
    bridging table predates; the seed's names win where both have a code. Read-only, because
    the one cached mapping is shared by every caller.
    """
    names = {
        row["kode_bps"]: row["nama_bps"].title()
        for row in _read_csv(wilayah_dir / "bps_kemendagri_bridging_2020_provinsi.csv")
    }
    if province_seed is not None and province_seed.exists():
        names.update({row["bps_code"]: row["province_name"] for row in _read_csv(province_seed)})
    return MappingProxyType(dict(sorted(names.items())))


@lru_cache(maxsize=2)
def region_index(wilayah_dir: Path = WILAYAH_DIR) -> RegionIndex:
    """The region index, built once per process (about 0.1 s)."""
    return RegionIndex(wilayah_dir, PROVINCE_SEED)
