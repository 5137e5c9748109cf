"""Link postings of the same vacancy: re-sightings across days and copies across boards.

`link_duplicates(df)` works on the output of `normalise_postings` and returns

* `pairs`: one row per linked pair with its score, the evidence, a decision (`duplicate` or
  `uncertain`) and a duplicate type in Eurostat's web-intelligence terms:
  - `full`: identical ads (same title, employer, place, text, pay and posting date), e.g. the
    same ad seen again on a later crawl day or copied unchanged;
  - `semantic`: the same position written differently (title "Staf"/"Staff", "PT"/"PT.",
    rewritten text, another board), posted at the same time;
  - `temporal`: the same position posted again at another time (a re-post or refresh);
  - `partial`: may be the same position but one ad lacks information (e.g. only a province
    where the other names a city), so it cannot be stated with certainty. These pairs are kept
    with their score and never merged.
* `clusters`: one row per posting with its `vacancy_id` (one distinct vacancy per cluster of
  `duplicate` links; `uncertain` pairs do not merge clusters).

Candidates come from blocking, not from all pairs: exact source id and canonical URL, then a
sorted-neighbourhood window over (employer, province) sorted by title, then a second window over
(province, title) sorted by employer, to catch employer-name variants. The same job in another
city is never a duplicate: two different regencies (or provinces) reject a pair outright. Two
named employers with no common word, titles that each have a word of their own (another
subject, branch or area) and two different lists of places keep a pair `uncertain`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import polars as pl

from ingest.normalise import places

log = logging.getLogger(__name__)

DUPLICATE = "duplicate"
UNCERTAIN = "uncertain"
TYPES = ["full", "semantic", "temporal", "partial"]

INPUT_COLUMNS = (
    "posting_id",
    "source",
    "source_posting_id",
    "title",
    "company",
    "description",
    "url",
    "province_code",
    "regency_code",
    "regency_name",
    "location_status",
    "location_text",
    "posted_date",
    "crawled_date",
    "salary_monthly_min",
    "salary_monthly_max",
    "employment_type",
)
"""Every column `link_duplicates` reads. Any but `posting_id` may be absent and is then read as
null, silently: a caller must pass them all (the place text tells "Bandung" from "Bandung
Barat" when no regency is resolved), and tests hold the warehouse's linker to this list."""


@dataclass(frozen=True)
class LinkerSettings:
    """Thresholds, windows and chunk size; the defaults are the ones measured in the docs."""

    window_employer: int = 8  # neighbours compared within (employer, province), by title
    window_title: int = 3  # neighbours compared within (province, title), by employer
    accept_score: float = 0.80  # at or above: a duplicate, merged into one vacancy
    uncertain_score: float = 0.60  # at or above (and below accept): linked, not merged
    max_gap_days: int = 60  # farther apart than this, two ads are two vacancies
    minhash_size: int = 16
    salary_tolerance: float = 0.05  # relative difference of monthly pay still "the same"
    score_chunk_pairs: int = 1_000_000  # candidate pairs scored at once: bounds peak memory


# Title words that differ between boards without changing the job.
_TITLE_SYNONYMS = [
    (r"\bstaf\b", "staff"),
    (r"\bstaffs\b", "staff"),
    (r"\badministrasi\b|\badministration\b|\badministrative\b|\badm\b", "admin"),
    (r"\bspv\b", "supervisor"),
    (r"\bmgr\b", "manager"),
    (r"\basst\b|\basisten\b", "assistant"),
    (r"\bsr\b", "senior"),
    (r"\bjr\b", "junior"),
    (r"\bexec\b|\beksekutif\b", "executive"),
    (r"\bengineering\b", "engineer"),
    (r"\bprogrammer\b", "developer"),
    (r"\bakuntansi\b|\baccountant\b", "accounting"),
    (r"\bmarketing\b|\bpemasaran\b", "marketing"),
    (r"\bpenjualan\b", "sales"),
    (r"\bgudang\b", "warehouse"),
    (r"\bsopir\b|\bsupir\b", "driver"),
    (r"\bteknisi\b", "technician"),
]
# Words that advertise rather than describe the job.
_TITLE_NOISE = (
    r"\b(urgent|urgently|dibutuhkan|dicari|lowongan|loker|hiring|segera|needed|wanted|"
    r"l/p|m/f|new|baru|immediate|join|our|team|di|at|"
    r"untuk|for|and|dan|the|of|a|an|&|-|/)\b"
)
# Title words that make two otherwise similar titles two positions: level, sex, role rank.
DISCRIMINATING_TITLE_WORDS = [
    "senior", "junior", "lead", "leader", "head", "principal", "chief", "manager", "supervisor",
    "coordinator", "koordinator", "assistant", "intern", "internship", "trainee", "apprentice",
    "apprenticeship", "director", "officer", "executive", "specialist", "analyst", "kepala",
    "male", "female", "pria", "wanita", "cewek", "cowok", "i", "ii", "iii", "iv", "1", "2", "3",
    "solo", "jabodetabek", "jakarta", "bandung", "surabaya",
]  # fmt: skip
# An employer name that hides the employer: it says nothing about which organisation it is.
_HIDDEN_EMPLOYER = r"confidential|rahasia|dirahasiakan|anonymous|undisclosed|perusahaan swasta"
_COMPANY_NOISE = (
    r"\b(pt|cv|tbk|persero|ud|pd|perum|koperasi|inc|ltd|limited|llc|co|corp|corporation|"
    r"company|indonesia|group|grup|the)\b"
)


def _title_tokens(title: pl.Expr) -> pl.Expr:
    # Bracketed words stay: they often name the place or shift ("(Gresik)", "(Malang)").
    text = title.str.to_lowercase().str.replace_all(r"[^a-z0-9/&]+", " ")
    for pattern, replacement in _TITLE_SYNONYMS:
        text = text.str.replace_all(pattern, replacement)
    text = text.str.replace_all(_TITLE_NOISE, " ")
    return text.str.split(" ").list.eval(pl.element().filter(pl.element().str.len_chars() > 0))


def _company_tokens(company: pl.Expr) -> pl.Expr:
    text = company.str.to_lowercase().str.replace_all(r"[^a-z0-9]+", " ")
    text = text.str.replace_all(_COMPANY_NOISE, " ")
    return text.str.split(" ").list.eval(pl.element().filter(pl.element().str.len_chars() > 0))


def _place_base(name: pl.Expr) -> pl.Expr:
    """'Kabupaten Tangerang' and 'Tangerang' -> 'tangerang': the name without its kind."""
    text = name.str.to_lowercase().str.replace_all(r"[^a-z0-9]+", " ")
    text = text.str.replace_all(
        r"\b(kabupaten|kab|kota|administrasi|adm|regency|city|district|kodya)\b", " "
    )
    return text.str.replace_all(r"\s+", " ").str.strip_chars()


def _canonical_url(url: pl.Expr) -> pl.Expr:
    # Tracking parameters, tokens and ranks differ per visit; the path names the ad.
    return (
        url.str.to_lowercase()
        .str.replace(r"^https?://(www\.)?", "")
        .str.replace(r"[?#].*$", "")
        .str.replace(r"/+$", "")
    )


def _minhash(descriptions: pl.Series, size: int) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signature of each description's word set: one row of `size` hashes per value.

    Also returns which descriptions have one: a description without a word of three letters or
    more (or a null one) has none, and its row stays zero.
    """
    words = (
        pl.DataFrame({"description": descriptions})
        .with_row_index("_doc")
        .select(
            "_doc",
            word=pl.col("description")
            .str.to_lowercase()
            .str.replace_all(r"[^a-z0-9]+", " ")
            .str.split(" "),
        )
        .explode("word")
        .filter(pl.col("word").str.len_chars() > 2)
        .unique()
    )
    signature = words.group_by("_doc").agg(
        [pl.col("word").hash(seed=seed).min().alias(f"mh{seed}") for seed in range(size)]
    )
    matrix = np.zeros((len(descriptions), size), dtype=np.uint64)
    matrix[signature["_doc"].to_numpy()] = signature.drop("_doc").to_numpy()
    has_signature = np.zeros(len(descriptions), dtype=bool)
    has_signature[signature["_doc"].to_numpy()] = True
    return matrix, has_signature


def _place_words() -> list[str]:
    """Every word of a province or regency name: in a title, they name the job's area."""
    gaz = places.default_gazetteer()
    names = [r.name for r in gaz.regencies.values()] + [p.name for p in gaz.provinces.values()]
    words = set()
    generic = {"kabupaten", "kota", "administrasi", "kepulauan", "daerah", "khusus", "ibukota",
               "istimewa", "raya", "dan", "kep"}  # fmt: skip
    for name in names:
        for word in places.normalise_place_name(name).split(" "):
            if len(word) > 2 and word not in generic:
                words.add(word)
    return sorted(words)


def _code(values: pl.Expr) -> pl.Expr:
    """Each value's rank among the distinct values, from 0 (UInt32; null stays null).

    Equal codes mean equal values and codes sort like the values, so equality tests, blocks and
    sorted neighbourhoods on codes are the ones on the strings, at a fraction of the cost.
    """
    return (values.rank("dense") - 1).cast(pl.UInt32)


def _distinct_index(values: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(distinct values, null included, and each value's position among them)."""
    distinct = values.unique()
    lookup = pl.DataFrame({"_v": distinct}).with_row_index("_i")
    index = (
        pl.DataFrame({"_v": values})
        .join(lookup, on="_v", how="left", nulls_equal=True, maintain_order="left")
        .get_column("_i")
    )
    return distinct, index


@dataclass(frozen=True)
class PostingFeatures:
    """What the linker compares, integer-encoded (see `posting_features`).

    `postings` has one row per input posting, in order (`_row` is the position); every string it
    compares is replaced by a code. Titles and employers are compared through their token sets
    (`title_tokens[title_id]`, `company_tokens[company_id]`, lists of token codes) and
    descriptions through MinHash signatures (`signatures[signature_id]`).
    """

    postings: pl.DataFrame
    title_tokens: pl.Series
    company_tokens: pl.Series
    signatures: np.ndarray
    title_words: pl.Series  # `title_tokens` less the tokens with no letter or digit ("&", "/")


def _token_table(
    values: pl.Series, tokens: pl.Expr, name: str, flag_words: pl.Expr | None = None
) -> tuple[pl.DataFrame, pl.Series, pl.Series]:
    """Distinct values of one text column with the codes the linker compares.

    Returns the table (the value; `{name}_id`, the rank of its token key; `{name}_exact_id`, the
    code of its lower-cased, single-spaced text; `{name}_empty`, no tokens; `{name}_flags_id`
    when `flag_words` is given), the token-code list of each `{name}_id` and the vocabulary (the
    token of each code).
    """
    table = (
        pl.DataFrame({"value": values})
        .with_columns(_tokens=tokens.list.eval(pl.element().unique().sort()))
        .with_columns(
            _key=pl.col("_tokens").list.join(" "),
            _exact=pl.col("value")
            .str.to_lowercase()
            .str.replace_all(r"\s+", " ")
            .str.strip_chars(),
        )
        .with_columns(
            _code(pl.col("_key")).alias(f"{name}_id"),
            _code(pl.col("_exact")).alias(f"{name}_exact_id"),
            pl.col("_tokens").list.len().eq(0).alias(f"{name}_empty"),
        )
    )
    if flag_words is not None:
        # A title conflict is a rank, sex or place word, or a reference number, in one title
        # only: that is, the two titles' sets of such words differ. Coding each title's set
        # makes the test one comparison per pair.
        flagged = pl.col("_tokens").list.eval(
            pl.element().filter(
                pl.element().is_in(flag_words) | pl.element().str.contains(r"\d{3,}")
            )
        )
        table = table.with_columns(_code(flagged.list.join(" ")).alias(f"{name}_flags_id"))
    by_id = table.unique(f"{name}_id").sort(f"{name}_id")
    vocabulary = by_id["_tokens"].explode().drop_nulls().unique().sort()
    token_codes = by_id.select(
        pl.col("_tokens").list.eval(
            pl.element().replace_strict(
                vocabulary, pl.Series(range(len(vocabulary)), dtype=pl.UInt32)
            )
        )
    ).to_series()
    return table.drop("_tokens", "_key", "_exact"), token_codes, vocabulary


def posting_features(df: pl.DataFrame, settings: LinkerSettings | None = None) -> PostingFeatures:
    """The keys the linker compares: one row per input row, in order, plus lookup tables.

    Every text is cleaned and tokenised once per distinct value and the postings carry codes:
    titles, employers, descriptions, places and statuses repeat heavily across postings.
    """
    settings = settings or LinkerSettings()

    def col(name: str, dtype: type[pl.DataType] = pl.String) -> pl.Expr:
        if name in df.columns:
            return pl.col(name).cast(dtype)  # an all-null input column has dtype Null
        return pl.lit(None, dtype=dtype)

    # Selected beside `posting_id`, an absent column becomes a full-height null column.
    raw = df.select(
        pl.col("posting_id"),
        title=col("title"),
        company=col("company"),
        description=col("description"),
        province=col("province_code"),
        regency=col("regency_code"),
        regency_name=col("regency_name"),
        location_status=col("location_status"),
        location_text=col("location_text"),
    )
    base = df.select(
        posting_id=pl.col("posting_id").cast(pl.String),
        source=col("source"),
        source_code=_code(col("source")),
        source_posting_code=_code(col("source_posting_id")),
        sid_code=_code(
            pl.when(col("source_posting_id").is_not_null()).then(
                pl.concat_str([col("source"), col("source_posting_id")], separator="|")
            )
        ),
        url_code=_code(_canonical_url(col("url"))),
        event_date=col("posted_date", pl.Date).fill_null(col("crawled_date", pl.Date)),
        posted_date=col("posted_date", pl.Date),
        pay_min=col("salary_monthly_min", pl.Float64),
        pay_max=col("salary_monthly_max", pl.Float64),
        employment_code=_code(col("employment_type")),
    )

    titles, title_tokens, title_vocabulary = _token_table(
        raw["title"].unique().rename("value"),
        _title_tokens(pl.col("value").fill_null("")),
        "title",
        flag_words=pl.Series(DISCRIMINATING_TITLE_WORDS + _place_words()).implode(),
    )
    companies, company_tokens, _ = _token_table(
        raw["company"].unique().rename("value"),
        _company_tokens(pl.col("value").fill_null("")),
        "company",
    )
    companies = companies.with_columns(
        company_hidden=pl.col("company_empty")
        | pl.col("value").str.to_lowercase().str.contains(_HIDDEN_EMPLOYER).fill_null(True)
    )

    # Place evidence depends only on these five columns: work it out per distinct combination.
    location_keys = ["province", "regency", "regency_name", "location_status", "location_text"]
    location = raw.select(location_keys)
    places_table = location.unique().with_columns(
        province_block_code=_code(
            # Postings without a province block together by their location status.
            pl.col("province").fill_null(
                pl.lit("~") + pl.col("location_status").fill_null("missing")
            )
        ),
        province_code=_code(pl.col("province")),
        regency_code=_code(pl.col("regency")),
        status_code=_code(pl.col("location_status")),
        status_ambiguous=pl.col("location_status") == "ambiguous",
        status_named=pl.col("location_status").is_in(["ambiguous", "regency"]),
        status_multiple=pl.col("location_status") == "multiple",
        place_name_code=_code(
            pl.when(pl.col("regency").is_not_null())
            .then(_place_base(pl.col("regency_name")))
            .otherwise(_place_base(pl.col("location_text").str.split(",").list.first()))
        ),
        location_text_code=_code(pl.col("location_text").str.to_lowercase().str.strip_chars()),
    )

    descriptions, description_index = _distinct_index(raw["description"])
    signatures, has_signature = _minhash(descriptions, settings.minhash_size)
    description_table = pl.DataFrame(
        {
            # Full duplicates are identical up to case and spacing, so they compare the text.
            "description_key": descriptions.str.to_lowercase()
            .str.replace_all(r"\s+", " ")
            .str.strip_chars()
            .hash(),
            "signature_id": pl.Series(np.arange(len(descriptions), dtype=np.uint32)).set(
                pl.Series(~has_signature), None
            ),
        }
    )

    postings = pl.concat(
        [
            base,
            raw.select(value="title")
            .join(titles, on="value", how="left", nulls_equal=True, maintain_order="left")
            .drop("value"),
            raw.select(value="company")
            .join(companies, on="value", how="left", nulls_equal=True, maintain_order="left")
            .drop("value"),
            location.join(
                places_table, on=location_keys, how="left", nulls_equal=True, maintain_order="left"
            ).drop(location_keys),
            description_table[description_index],
        ],
        how="horizontal",
    ).with_row_index("_row")
    log.debug(
        "link features: %d postings, %d titles, %d employers, %d place keys, %d descriptions",
        postings.height,
        len(title_tokens),
        len(company_tokens),
        places_table.height,
        len(descriptions),
    )
    punctuation = pl.Series(
        np.flatnonzero(~title_vocabulary.str.contains(r"[a-z0-9]").to_numpy()), dtype=pl.UInt32
    )
    title_words = title_tokens.list.set_difference(punctuation.implode())
    return PostingFeatures(postings, title_tokens, company_tokens, signatures, title_words)


def _chronological(postings: pl.DataFrame) -> np.ndarray:
    """A key that sorts postings by event date (undated last), then by row: one number each."""
    days = postings["event_date"].cast(pl.Int64).fill_null(2**31).to_numpy() + 2**31
    return (days.astype(np.uint64) << np.uint64(32)) | np.arange(postings.height, dtype=np.uint64)


def _star_pairs(postings: pl.DataFrame, key: str) -> pl.DataFrame:
    """Each member of a key group paired with the group's earliest member."""
    grouped = (
        postings.select("_row", key, _order=pl.Series(_chronological(postings)))
        .filter(pl.col(key).is_not_null())
        .with_columns(_first=(pl.col("_order").min().over(key) & 0xFFFFFFFF).cast(pl.UInt32))
        .filter(pl.col("_row") != pl.col("_first"))
    )
    return grouped.select(a=pl.col("_first"), b=pl.col("_row"))


def _window_pairs(
    postings: pl.DataFrame, block: list[str], order: list[str], width: int
) -> pl.DataFrame:
    """Sorted-neighbourhood pairs: each row with the next `width` rows of its block."""
    # The row number breaks ties, so equal keys always meet in input order.
    ordered = postings.select(["_row", *block, *order]).sort(
        [*block, *order, "_row"], nulls_last=True
    )
    frames = []
    for step in range(1, width + 1):
        same_block = (
            pl.all_horizontal(
                [pl.col(column).eq_missing(pl.col(column).shift(-step)) for column in block]
            )
            & pl.col("_row").shift(-step).is_not_null()
        )
        frames.append(
            ordered.select(a=pl.col("_row"), b=pl.col("_row").shift(-step), same=same_block)
            .filter(pl.col("same"))
            .drop("same")
        )
    return pl.concat(frames)


def candidate_pairs(features: PostingFeatures, settings: LinkerSettings) -> pl.DataFrame:
    """All blocked candidate pairs, each once with a < b, sorted by (a, b)."""
    postings = features.postings
    frames = [
        _star_pairs(postings, "sid_code"),
        _star_pairs(postings, "url_code"),
        _window_pairs(
            postings,
            ["company_id", "province_block_code"],
            ["title_id", "event_date"],
            settings.window_employer,
        ),
        _window_pairs(
            postings,
            ["province_block_code", "title_id"],
            ["company_id", "event_date"],
            settings.window_title,
        ),
    ]
    pairs = pl.concat(frames).select(a=pl.min_horizontal("a", "b"), b=pl.max_horizontal("a", "b"))
    keys = _distinct_sorted(_pair_keys(pairs["a"], pairs["b"]))
    return pl.DataFrame(
        {"a": _high(keys), "b": _low(keys)}, schema={"a": pl.UInt32, "b": pl.UInt32}
    )


def _high(keys: np.ndarray) -> np.ndarray:
    return (keys >> np.uint64(32)).astype(np.uint32)


def _low(keys: np.ndarray) -> np.ndarray:
    return (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def _jaccard(left: str, right: str) -> pl.Expr:
    inter = pl.col(left).list.set_intersection(pl.col(right)).list.len()
    union = pl.col(left).list.set_union(pl.col(right)).list.len()
    return pl.when(union > 0).then(inter / union)


def _pair_keys(left: pl.Series, right: pl.Series) -> np.ndarray:
    """One 64-bit key per pair of 32-bit codes (no nulls)."""
    return (left.cast(pl.UInt64).to_numpy() << np.uint64(32)) | right.cast(pl.UInt64).to_numpy()


def _distinct_sorted(keys: np.ndarray) -> np.ndarray:
    # Polars' hash-based unique then a sort of the few distinct keys: much faster than
    # np.unique on millions of keys.
    return np.sort(pl.Series(keys).unique().to_numpy())


def _per_distinct_pair(left: pl.Series, right: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (left, right) code pairs, as one 64-bit key each, and each row's position."""
    keys = _pair_keys(left, right)
    distinct = _distinct_sorted(keys)
    return distinct, np.searchsorted(distinct, keys)


def _token_jaccard(tokens: pl.Series, left: pl.Series, right: pl.Series) -> pl.Series:
    """Jaccard similarity of the token sets of each pair of ids (null when both are empty)."""
    distinct, position = _per_distinct_pair(left, right)
    lists = pl.DataFrame(
        {
            "left": tokens.gather(pl.Series(_high(distinct))),
            "right": tokens.gather(pl.Series(_low(distinct))),
        }
    )
    return lists.select(_jaccard("left", "right")).to_series().gather(position)


def _each_has_own_token(tokens: pl.Series, left: pl.Series, right: pl.Series) -> pl.Series:
    """Whether each title of a pair has a token the other lacks (a word swapped, not added).

    "Teacher (Religion)" against "Teacher (Music)", or "Officer Duri" against "Officer
    Perawang", name another subject or branch; "Admin" against "Admin Gudang" only adds a word.
    """
    distinct, position = _per_distinct_pair(left, right)
    lists = pl.DataFrame(
        {
            "left": tokens.gather(pl.Series(_high(distinct))),
            "right": tokens.gather(pl.Series(_low(distinct))),
        }
    )
    own = lists.select(
        (pl.col("left").list.set_difference(pl.col("right")).list.len() > 0)
        & (pl.col("right").list.set_difference(pl.col("left")).list.len() > 0)
    )
    return own.to_series().gather(position)


def _text_similarity(signatures: np.ndarray, left: pl.Series, right: pl.Series) -> pl.Series:
    """Share of equal MinHash values of each pair of signature ids (null when one is missing)."""
    both = (left.is_not_null() & right.is_not_null()).to_numpy()
    similarity = np.full(len(left), np.nan)
    if both.any():
        distinct, position = _per_distinct_pair(left.filter(both), right.filter(both))
        equal = signatures[_high(distinct)] == signatures[_low(distinct)]
        similarity[both] = (equal.sum(axis=1) / signatures.shape[1])[position]
    return pl.Series(similarity).fill_nan(None)


# Per posting, the columns scoring compares (all codes, dates or amounts).
_SCORED_COLUMNS = [
    "source_code", "source_posting_code", "url_code", "title_id", "title_flags_id",
    "title_exact_id", "company_id", "company_empty", "company_hidden", "company_exact_id",
    "province_code", "regency_code", "status_code", "status_ambiguous", "status_named",
    "status_multiple", "place_name_code", "location_text_code", "description_key",
    "signature_id", "event_date", "posted_date", "pay_min", "pay_max", "employment_code",
]  # fmt: skip


def _score_chunk(
    features: PostingFeatures, a: pl.Series, b: pl.Series, settings: LinkerSettings
) -> pl.DataFrame:
    """Evidence, score, decision and type of the pairs (a, b), on codes only (no strings)."""
    side = features.postings.select(_SCORED_COLUMNS)
    left, right = side[a], side[b]
    joined = pl.concat(
        [
            pl.DataFrame({"a": a, "b": b}),
            left.rename(lambda c: f"{c}_a"),
            right.rename(lambda c: f"{c}_b"),
        ],
        how="horizontal",
    ).with_columns(
        title_jaccard=_token_jaccard(features.title_tokens, left["title_id"], right["title_id"]),
        company_jaccard=_token_jaccard(
            features.company_tokens, left["company_id"], right["company_id"]
        ),
        text_similarity=_text_similarity(
            features.signatures, left["signature_id"], right["signature_id"]
        ),
        title_swapped_word=_each_has_own_token(
            features.title_words, left["title_id"], right["title_id"]
        ),
    )
    same_id = (
        (pl.col("source_code_a") == pl.col("source_code_b"))
        & (pl.col("source_posting_code_a") == pl.col("source_posting_code_b"))
    ).fill_null(False)
    same_url = (pl.col("url_code_a") == pl.col("url_code_b")).fill_null(False)
    both_regency = pl.col("regency_code_a").is_not_null() & pl.col("regency_code_b").is_not_null()
    both_province = (
        pl.col("province_code_a").is_not_null() & pl.col("province_code_b").is_not_null()
    )
    same_name = (pl.col("place_name_code_a") == pl.col("place_name_code_b")).fill_null(False)
    # A name that is both a kabupaten and a kota ("Tangerang") can only be the regency of the
    # same name; against any other regency it is another place.
    ambiguous_vs_named = (pl.col("status_ambiguous_a") & pl.col("status_named_b")) | (
        pl.col("status_ambiguous_b") & pl.col("status_named_a")
    )
    same_status = pl.col("status_code_a") == pl.col("status_code_b")
    both_multiple = (pl.col("status_multiple_a") & pl.col("status_multiple_b")).fill_null(False)
    location = (
        pl.when(both_regency & (pl.col("regency_code_a") == pl.col("regency_code_b")))
        .then(pl.lit("same_regency"))
        .when(both_regency)
        .then(pl.lit("different"))
        .when(both_province & (pl.col("province_code_a") != pl.col("province_code_b")))
        .then(pl.lit("different"))
        .when(ambiguous_vs_named & ~same_name)
        .then(pl.lit("different"))
        .when(ambiguous_vs_named & same_status)
        .then(pl.lit("same_place_name"))
        .when(both_province & (pl.col("location_text_code_a") == pl.col("location_text_code_b")))
        .then(pl.lit("same_place_name"))
        .when(both_province)
        .then(pl.lit("compatible"))
        # Two different lists of places ("Kalimantan ..." against "Sulawesi ..."): the same
        # status says nothing about the place, so the pair is never certain.
        .when(both_multiple & (pl.col("location_text_code_a") != pl.col("location_text_code_b")))
        .then(pl.lit("compatible"))
        .when(same_status)
        .then(pl.lit("same_status"))
        .otherwise(pl.lit("unknown"))
    )
    pay_both = pl.col("pay_min_a").is_not_null() & pl.col("pay_min_b").is_not_null()
    pay_diff = (pl.col("pay_min_a") - pl.col("pay_min_b")).abs() / pl.max_horizontal(
        "pay_min_a", "pay_min_b"
    )
    scored = joined.with_columns(
        titles_conflict=pl.col("title_flags_id_a") != pl.col("title_flags_id_b"),
        same_source_id=same_id,
        same_url=same_url,
        title_similarity=pl.col("title_jaccard").fill_null(0.0),
        employer_similarity=pl.when(pl.col("company_empty_a") & pl.col("company_empty_b"))
        .then(0.5)  # both employers hidden: no evidence either way
        .otherwise(pl.col("company_jaccard").fill_null(0.0)),
        location_relation=location,
        pay_agrees=pl.when(pay_both).then(pay_diff <= settings.salary_tolerance),
        employment_conflict=(pl.col("employment_code_a") != pl.col("employment_code_b")).fill_null(
            False
        ),
        gap_days=(pl.col("event_date_a") - pl.col("event_date_b")).dt.total_days().abs(),
    )
    text = pl.col("text_similarity").fill_null(pl.col("title_similarity"))
    raw_score = (
        0.55 * pl.col("title_similarity")
        + 0.2 * pl.col("employer_similarity")
        + 0.25 * text
        - pl.when(pl.col("titles_conflict")).then(0.35).otherwise(0.0)
        - pl.when(pl.col("pay_agrees") == False).then(0.15).otherwise(0.0)  # noqa: E712
        - pl.when(pl.col("employment_conflict")).then(0.10).otherwise(0.0)
    )
    identity = pl.col("same_source_id") | pl.col("same_url")
    rejected = (pl.col("location_relation") == "different") | (
        pl.col("gap_days") > settings.max_gap_days
    ).fill_null(False)
    score = (
        pl.when(identity)
        .then(1.0)
        .when(rejected)
        .then(0.0)
        .otherwise(raw_score.clip(0.0, 1.0))
        .round(4)
    )
    scored = scored.with_columns(score=score)
    certain_place = pl.col("location_relation").is_in(
        ["same_regency", "same_place_name", "same_status"]
    )
    # Two named employers with no word in common, or titles that each have a word of their
    # own (another subject, branch or area), are two vacancies as far as the fields can tell:
    # at most `uncertain`, kept with the score but never merged. A same id or URL still merges.
    employer_conflict = (
        ~pl.col("company_hidden_a")
        & ~pl.col("company_hidden_b")
        & (pl.col("company_jaccard").fill_null(0.0) == 0.0)
    )
    mergeable = identity | (certain_place & ~employer_conflict & ~pl.col("title_swapped_word"))
    decision = (
        pl.when(pl.col("score") >= settings.accept_score)
        .then(pl.when(mergeable).then(pl.lit(DUPLICATE)).otherwise(pl.lit(UNCERTAIN)))
        .when(pl.col("score") >= settings.uncertain_score)
        .then(pl.lit(UNCERTAIN))
    )
    identical = (
        pl.col("title_exact_id_a").eq_missing(pl.col("title_exact_id_b"))
        & pl.col("company_exact_id_a").eq_missing(pl.col("company_exact_id_b"))
        & (pl.col("description_key_a").eq_missing(pl.col("description_key_b")))
        & (pl.col("pay_min_a").eq_missing(pl.col("pay_min_b")))
        & (pl.col("pay_max_a").eq_missing(pl.col("pay_max_b")))
        & (pl.col("location_relation") != "compatible")
    )
    reposted = (pl.col("posted_date_a") != pl.col("posted_date_b")).fill_null(False)
    dup_type = (
        pl.when(pl.col("decision") == UNCERTAIN)
        .then(pl.lit("partial"))
        .when(reposted)
        .then(pl.lit("temporal"))
        .when(identical)
        .then(pl.lit("full"))
        .otherwise(pl.lit("semantic"))
    )
    scored = scored.with_columns(decision=decision)
    return scored.select(
        "a",
        "b",
        "score",
        "decision",
        duplicate_type=pl.when(pl.col("decision").is_not_null()).then(dup_type),
        same_source_id="same_source_id",
        same_url="same_url",
        title_similarity=pl.col("title_similarity").round(4),
        employer_similarity=pl.col("employer_similarity").round(4),
        text_similarity=pl.col("text_similarity").round(4),
        location_relation="location_relation",
        pay_agrees="pay_agrees",
        gap_days="gap_days",
    )


def score_pairs(
    features: PostingFeatures,
    pairs: pl.DataFrame,
    settings: LinkerSettings,
    keep_rejected: bool = False,
) -> pl.DataFrame:
    """Evidence, score, decision and duplicate type for each candidate pair.

    Pairs scoring below `uncertain_score` are dropped unless `keep_rejected` (for evaluation).
    Pairs are scored `settings.score_chunk_pairs` at a time, so memory grows with the linked
    pairs, not with the candidates; the posting ids and sources are attached to kept pairs only.
    """
    chunks = []
    for start in range(0, max(pairs.height, 1), settings.score_chunk_pairs):
        chunk = pairs.slice(start, settings.score_chunk_pairs)
        scored = _score_chunk(features, chunk["a"], chunk["b"], settings)
        if not keep_rejected:
            scored = scored.filter(pl.col("decision").is_not_null())
        chunks.append(scored)
    scored = pl.concat(chunks)
    names = features.postings.select("posting_id", "source")
    left, right = names[scored["a"]], names[scored["b"]]
    return scored.select(
        posting_id_a=left["posting_id"],
        posting_id_b=right["posting_id"],
        source_a=left["source"],
        source_b=right["source"],
        score=pl.col("score"),
        decision=pl.col("decision"),
        duplicate_type=pl.col("duplicate_type"),
        same_source_id=pl.col("same_source_id"),
        same_url=pl.col("same_url"),
        title_similarity=pl.col("title_similarity"),
        employer_similarity=pl.col("employer_similarity"),
        text_similarity=pl.col("text_similarity"),
        location_relation=pl.col("location_relation"),
        pay_agrees=pl.col("pay_agrees"),
        gap_days=pl.col("gap_days"),
        _a=pl.col("a"),
        _b=pl.col("b"),
    )


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected-component label (smallest member index) of each of n nodes."""
    labels = np.arange(n, dtype=np.int64)
    if len(a) == 0:
        return labels
    while True:
        low = np.minimum(labels[a], labels[b])
        before = labels.copy()
        np.minimum.at(labels, a, low)
        np.minimum.at(labels, b, low)
        labels = labels[labels]  # pointer jumping shortens chains
        if np.array_equal(labels, before):
            return labels


def build_clusters(features: PostingFeatures, pairs: pl.DataFrame) -> pl.DataFrame:
    """One row per posting: its vacancy, whether it is the vacancy's first posting, its type."""
    merged = pairs.filter(pl.col("decision") == DUPLICATE)
    postings = features.postings
    # Order nodes by date so a component's smallest index is its earliest posting.
    order = np.argsort(_chronological(postings))
    position = np.empty(postings.height, dtype=np.int64)
    position[order] = np.arange(postings.height)
    labels = _components(
        postings.height,
        position[merged["_a"].to_numpy().astype(np.int64)],
        position[merged["_b"].to_numpy().astype(np.int64)],
    )
    vacancy_row = pl.Series(order[labels[position]])  # each posting's vacancy's first posting
    # The type of each posting's strongest link, for the per-type duplicate rates. Equal scores
    # are broken by type (full, then semantic, then temporal): without it the type of a posting
    # with two equally strong links depended on the row order of the pairs.
    links = pl.concat(
        [
            merged.select(_row="_b", t="duplicate_type", s="score"),
            merged.select(_row="_a", t="duplicate_type", s="score"),
        ]
    )
    type_rank = pl.col("t").replace_strict(TYPES, list(range(len(TYPES))), return_dtype=pl.Int8)
    best_type = links.group_by("_row").agg(
        duplicate_type=pl.col("t").sort_by(["s", type_rank], descending=[True, False]).first()
    )
    clusters = (
        postings.select(
            "_row",
            "posting_id",
            "source",
            "event_date",
            _vacancy=vacancy_row,
            vacancy_id=postings["posting_id"].gather(vacancy_row),
            is_first_posting=vacancy_row == postings["_row"],
        )
        .join(best_type, on="_row", how="left")
        .with_columns(
            vacancy_size=pl.len().over("_vacancy"),
            vacancy_first_date=pl.col("event_date").min().over("_vacancy"),
            vacancy_last_date=pl.col("event_date").max().over("_vacancy"),
        )
    )
    return clusters.select(
        "posting_id",
        "source",
        "vacancy_id",
        "is_first_posting",
        pl.when(~pl.col("is_first_posting")).then(pl.col("duplicate_type")).alias("duplicate_type"),
        "vacancy_size",
        "vacancy_first_date",
        "vacancy_last_date",
    ).sort("posting_id")


def link_duplicates(
    df: pl.DataFrame,
    settings: LinkerSettings | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Scored duplicate pairs and vacancy clusters for normalised postings (see module doc).

    `df` needs `posting_id` (unique) and uses, when present, the other `INPUT_COLUMNS`.
    """
    settings = settings or LinkerSettings()
    if df["posting_id"].is_duplicated().any():
        raise ValueError("link_duplicates: `posting_id` must be unique")
    stage = timings if timings is not None else {}
    started = time.perf_counter()
    features = posting_features(df, settings)
    stage["link_features"] = time.perf_counter() - started

    started = time.perf_counter()
    candidates = candidate_pairs(features, settings)
    stage["link_candidates"] = time.perf_counter() - started

    started = time.perf_counter()
    pairs = score_pairs(features, candidates, settings)
    stage["link_scoring"] = time.perf_counter() - started

    started = time.perf_counter()
    clusters = build_clusters(features, pairs)
    stage["link_clusters"] = time.perf_counter() - started
    log.info(
        "link: %d postings, %d candidate pairs, %d linked (%d duplicate, %d uncertain), "
        "%d vacancies",
        df.height,
        candidates.height,
        pairs.height,
        pairs.filter(pl.col("decision") == DUPLICATE).height,
        pairs.filter(pl.col("decision") == UNCERTAIN).height,
        clusters["vacancy_id"].n_unique(),
    )
    return pairs.drop("_a", "_b"), clusters


def duplicate_rates(clusters: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """Per source: postings, distinct vacancies, duplicate rate overall and by type.

    A posting is a duplicate when an earlier posting of the same vacancy exists (in any
    source). `partial_rate` is the share of postings in at least one uncertain pair: a caveat on
    the distinct count, not part of it.
    """
    uncertain = pl.concat(
        [
            pairs.filter(pl.col("decision") == UNCERTAIN).select(posting_id="posting_id_a"),
            pairs.filter(pl.col("decision") == UNCERTAIN).select(posting_id="posting_id_b"),
        ]
    ).unique()
    marked = clusters.with_columns(
        in_uncertain=pl.col("posting_id").is_in(uncertain["posting_id"].implode())
    )
    return (
        marked.group_by("source")
        .agg(
            postings=pl.len(),
            vacancies=pl.col("is_first_posting").sum(),
            duplicate_rate=(~pl.col("is_first_posting")).mean(),
            full_rate=(pl.col("duplicate_type") == "full").fill_null(False).mean(),
            semantic_rate=(pl.col("duplicate_type") == "semantic").fill_null(False).mean(),
            temporal_rate=(pl.col("duplicate_type") == "temporal").fill_null(False).mean(),
            partial_rate=pl.col("in_uncertain").mean(),
        )
        .sort("source")
    )
