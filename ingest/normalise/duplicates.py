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
city is never a duplicate: two different regencies (or provinces) reject a pair outright.
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


@dataclass(frozen=True)
class LinkerSettings:
    """Thresholds and windows; the defaults are the ones measured in docs/normalisation.md."""

    window_employer: int = 8  # neighbours compared within (employer, province), by title
    window_title: int = 3  # neighbours compared within (province, title), by employer
    accept_score: float = 0.80  # at or above: a duplicate, merged into one vacancy
    uncertain_score: float = 0.60  # at or above (and below accept): linked, not merged
    max_gap_days: int = 60  # farther apart than this, two ads are two vacancies
    minhash_size: int = 16
    salary_tolerance: float = 0.05  # relative difference of monthly pay still "the same"


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


def _minhash(descriptions: pl.Series, size: int) -> pl.DataFrame:
    """MinHash signature of each distinct description's word set (columns mh0..mh{size-1})."""
    distinct = pl.DataFrame({"description": descriptions}).unique().drop_nulls()
    words = (
        distinct.with_row_index("_doc")
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
    return distinct.with_row_index("_doc").join(signature, on="_doc", how="left").drop("_doc")


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


def posting_features(df: pl.DataFrame, settings: LinkerSettings | None = None) -> pl.DataFrame:
    """The per-posting keys the linker compares; one row per input row, in order."""
    settings = settings or LinkerSettings()

    def col(name: str, dtype: type[pl.DataType] = pl.String) -> pl.Expr:
        if name in df.columns:
            return pl.col(name).cast(dtype)  # an all-null input column has dtype Null
        return pl.lit(None, dtype=dtype)

    base = df.select(
        posting_id=pl.col("posting_id").cast(pl.String),
        source=col("source"),
        source_posting_id=col("source_posting_id"),
        title=col("title"),
        company=col("company"),
        url_key=_canonical_url(col("url")),
        # Full duplicates are identical up to case and spacing, so they compare the raw text.
        title_exact=col("title").str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars(),
        company_exact=col("company")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .str.strip_chars(),
        province=col("province_code"),
        regency=col("regency_code"),
        location_status=col("location_status"),
        description=col("description"),
        event_date=col("posted_date", pl.Date).fill_null(col("crawled_date", pl.Date)),
        posted_date=col("posted_date", pl.Date),
        crawled_date=col("crawled_date", pl.Date),
        pay_min=col("salary_monthly_min", pl.Float64),
        pay_max=col("salary_monthly_max", pl.Float64),
        employment=col("employment_type"),
        place_name=pl.when(col("regency_code").is_not_null())
        .then(_place_base(col("regency_name")))
        .otherwise(_place_base(col("location_text").str.split(",").list.first())),
        location_text=col("location_text").str.to_lowercase().str.strip_chars(),
    )
    # Titles and employers repeat: tokenise each distinct value once, then join back.
    titles = (
        base.select("title")
        .unique()
        .with_columns(
            title_tokens=_title_tokens(pl.col("title").fill_null("")).list.unique().list.sort()
        )
    )
    companies = (
        base.select("company")
        .unique()
        .with_columns(
            company_tokens=_company_tokens(pl.col("company").fill_null(""))
            .list.unique()
            .list.sort()
        )
    )
    base = (
        base.join(titles, on="title", how="left", nulls_equal=True, maintain_order="left")
        .join(companies, on="company", how="left", nulls_equal=True, maintain_order="left")
        .drop("title", "company")
    )
    base = base.with_columns(
        title_key=pl.col("title_tokens").list.join(" "),
        company_key=pl.col("company_tokens").list.join(" "),
        # Postings without a province block together by their location status.
        province_block=pl.col("province").fill_null(
            pl.lit("~") + pl.col("location_status").fill_null("missing")
        ),
        description_key=pl.col("description")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .hash(),
    )
    signatures = _minhash(base["description"], settings.minhash_size)
    base = base.join(signatures, on="description", how="left", maintain_order="left")
    return base.drop("description").with_row_index("_row")


def _star_pairs(features: pl.DataFrame, key: str) -> pl.DataFrame:
    """Each member of a key group paired with the group's earliest member."""
    grouped = (
        features.filter(pl.col(key).is_not_null())
        .sort(["event_date", "_row"], nulls_last=True)
        .with_columns(_first=pl.col("_row").first().over(key))
        .filter(pl.col("_row") != pl.col("_first"))
    )
    return grouped.select(a=pl.col("_first"), b=pl.col("_row"))


def _window_pairs(
    features: pl.DataFrame, block: list[str], order: list[str], width: int
) -> pl.DataFrame:
    """Sorted-neighbourhood pairs: each row with the next `width` rows of its block."""
    ordered = features.select(["_row", *block, *order]).sort([*block, *order], nulls_last=True)
    block_id = pl.struct(block).rank("dense")
    ordered = ordered.with_columns(_block=block_id)
    frames = []
    for step in range(1, width + 1):
        frames.append(
            ordered.select(
                a=pl.col("_row"),
                b=pl.col("_row").shift(-step),
                same=pl.col("_block") == pl.col("_block").shift(-step),
            ).filter(pl.col("same"))
        )
    return pl.concat(frames).select("a", "b")


def candidate_pairs(features: pl.DataFrame, settings: LinkerSettings) -> pl.DataFrame:
    """All blocked candidate pairs, each once with a < b."""
    frames = [
        _star_pairs(
            features.with_columns(
                _sid=pl.when(pl.col("source_posting_id").is_not_null()).then(
                    pl.concat_str(["source", "source_posting_id"], separator="|")
                )
            ),
            "_sid",
        ),
        _star_pairs(features, "url_key"),
        _window_pairs(
            features,
            ["company_key", "province_block"],
            ["title_key", "event_date"],
            settings.window_employer,
        ),
        _window_pairs(
            features,
            ["province_block", "title_key"],
            ["company_key", "event_date"],
            settings.window_title,
        ),
    ]
    pairs = pl.concat(frames).select(
        a=pl.min_horizontal("a", "b").cast(pl.UInt32), b=pl.max_horizontal("a", "b").cast(pl.UInt32)
    )
    return pairs.unique()


def _jaccard(left: str, right: str) -> pl.Expr:
    inter = pl.col(left).list.set_intersection(pl.col(right)).list.len()
    union = pl.col(left).list.set_union(pl.col(right)).list.len()
    return pl.when(union > 0).then(inter / union)


def score_pairs(
    features: pl.DataFrame,
    pairs: pl.DataFrame,
    settings: LinkerSettings,
    keep_rejected: bool = False,
) -> pl.DataFrame:
    """Evidence, score, decision and duplicate type for each candidate pair.

    Pairs scoring below `uncertain_score` are dropped unless `keep_rejected` (for evaluation).
    """
    keep = [
        "_row", "posting_id", "source", "source_posting_id", "title_tokens", "company_tokens",
        "title_key", "company_key", "url_key", "province", "regency", "location_status",
        "place_name", "location_text", "title_exact", "company_exact",
        "description_key", "event_date", "posted_date", "pay_min", "pay_max", "employment",
        *[f"mh{i}" for i in range(settings.minhash_size)],
    ]  # fmt: skip
    side = features.select(keep)
    joined = pairs.join(side.rename(lambda c: f"{c}_a"), left_on="a", right_on="_row_a").join(
        side.rename(lambda c: f"{c}_b"), left_on="b", right_on="_row_b"
    )
    same_id = (
        (pl.col("source_a") == pl.col("source_b"))
        & (pl.col("source_posting_id_a") == pl.col("source_posting_id_b"))
    ).fill_null(False)
    same_url = (pl.col("url_key_a") == pl.col("url_key_b")).fill_null(False)
    desc_both = pl.col("mh0_a").is_not_null() & pl.col("mh0_b").is_not_null()
    desc_sim = pl.when(desc_both).then(
        pl.sum_horizontal(
            [
                (pl.col(f"mh{i}_a") == pl.col(f"mh{i}_b")).cast(pl.Float64)
                for i in range(settings.minhash_size)
            ]
        )
        / settings.minhash_size
    )
    both_regency = pl.col("regency_a").is_not_null() & pl.col("regency_b").is_not_null()
    both_province = pl.col("province_a").is_not_null() & pl.col("province_b").is_not_null()
    status_a, status_b = pl.col("location_status_a"), pl.col("location_status_b")
    same_name = (pl.col("place_name_a") == pl.col("place_name_b")).fill_null(False)
    # A name that is both a kabupaten and a kota ("Tangerang") can only be the regency of the
    # same name; against any other regency it is another place.
    ambiguous_vs_named = (
        (status_a == "ambiguous") & (status_b.is_in(["ambiguous", "regency"]))
    ) | ((status_b == "ambiguous") & (status_a.is_in(["ambiguous", "regency"])))
    location = (
        pl.when(both_regency & (pl.col("regency_a") == pl.col("regency_b")))
        .then(pl.lit("same_regency"))
        .when(both_regency)
        .then(pl.lit("different"))
        .when(both_province & (pl.col("province_a") != pl.col("province_b")))
        .then(pl.lit("different"))
        .when(ambiguous_vs_named & ~same_name)
        .then(pl.lit("different"))
        .when(ambiguous_vs_named & (status_a == status_b))
        .then(pl.lit("same_place_name"))
        .when(both_province & (pl.col("location_text_a") == pl.col("location_text_b")))
        .then(pl.lit("same_place_name"))
        .when(both_province)
        .then(pl.lit("compatible"))
        .when(status_a == status_b)
        .then(pl.lit("same_status"))
        .otherwise(pl.lit("unknown"))
    )
    pay_both = pl.col("pay_min_a").is_not_null() & pl.col("pay_min_b").is_not_null()
    pay_diff = (pl.col("pay_min_a") - pl.col("pay_min_b")).abs() / pl.max_horizontal(
        "pay_min_a", "pay_min_b"
    )
    discriminating = pl.Series(DISCRIMINATING_TITLE_WORDS + _place_words()).implode()
    title_difference = pl.col("title_tokens_a").list.set_symmetric_difference(
        pl.col("title_tokens_b")
    )
    scored = joined.with_columns(
        # A word of rank, sex or place, or a reference number, in one title only.
        titles_conflict=title_difference.list.eval(
            pl.element().is_in(discriminating) | pl.element().str.contains(r"\d{3,}")
        ).list.any(),
        same_source_id=same_id,
        same_url=same_url,
        title_similarity=_jaccard("title_tokens_a", "title_tokens_b").fill_null(0.0),
        employer_similarity=pl.when(
            (pl.col("company_key_a") == "") & (pl.col("company_key_b") == "")
        )
        .then(0.5)  # both employers hidden: no evidence either way
        .otherwise(_jaccard("company_tokens_a", "company_tokens_b").fill_null(0.0)),
        text_similarity=desc_sim,
        location_relation=location,
        pay_agrees=pl.when(pay_both).then(pay_diff <= settings.salary_tolerance),
        employment_conflict=(pl.col("employment_a") != pl.col("employment_b")).fill_null(False),
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
    decision = (
        pl.when(pl.col("score") >= settings.accept_score)
        .then(
            pl.when(certain_place | identity).then(pl.lit(DUPLICATE)).otherwise(pl.lit(UNCERTAIN))
        )
        .when(pl.col("score") >= settings.uncertain_score)
        .then(pl.lit(UNCERTAIN))
    )
    identical = (
        pl.col("title_exact_a").eq_missing(pl.col("title_exact_b"))
        & pl.col("company_exact_a").eq_missing(pl.col("company_exact_b"))
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
    if not keep_rejected:
        scored = scored.filter(pl.col("decision").is_not_null())
    scored = scored.with_columns(
        duplicate_type=pl.when(pl.col("decision").is_not_null()).then(dup_type)
    )
    return scored.select(
        posting_id_a=pl.col("posting_id_a"),
        posting_id_b=pl.col("posting_id_b"),
        source_a=pl.col("source_a"),
        source_b=pl.col("source_b"),
        score=pl.col("score"),
        decision=pl.col("decision"),
        duplicate_type=pl.col("duplicate_type"),
        same_source_id=pl.col("same_source_id"),
        same_url=pl.col("same_url"),
        title_similarity=pl.col("title_similarity").round(4),
        employer_similarity=pl.col("employer_similarity").round(4),
        text_similarity=pl.col("text_similarity").round(4),
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


def build_clusters(features: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """One row per posting: its vacancy, whether it is the vacancy's first posting, its type."""
    merged = pairs.filter(pl.col("decision") == DUPLICATE)
    # Order nodes by date so a component's smallest index is its earliest posting.
    order = features.select("_row", "posting_id", "source", "event_date").sort(
        ["event_date", "_row"], nulls_last=True
    )
    position = np.empty(features.height, dtype=np.int64)
    position[order["_row"].to_numpy()] = np.arange(features.height)
    labels = _components(
        features.height,
        position[merged["_a"].to_numpy().astype(np.int64)],
        position[merged["_b"].to_numpy().astype(np.int64)],
    )
    ordered = order.with_columns(_label=pl.Series(labels))
    representative = ordered.select(
        pl.col("_label"), vacancy_id=pl.col("posting_id")
    ).with_row_index("_pos")
    clusters = ordered.with_row_index("_pos").join(
        representative.select(pl.col("_pos").alias("_label"), "vacancy_id"),
        on="_label",
        how="left",
    )
    # The type of each posting's strongest link, for the per-type duplicate rates.
    by_posting = pl.concat(
        [
            merged.select(posting_id=pl.col("posting_id_b"), t="duplicate_type", s="score"),
            merged.select(posting_id=pl.col("posting_id_a"), t="duplicate_type", s="score"),
        ]
    )
    # Equal scores are broken by type (full, then semantic, then temporal): without it the
    # type of a posting with two equally strong links depended on the row order of the pairs.
    type_rank = pl.col("t").replace_strict(TYPES, list(range(len(TYPES))), return_dtype=pl.Int8)
    best_type = by_posting.group_by("posting_id").agg(
        duplicate_type=pl.col("t").sort_by(["s", type_rank], descending=[True, False]).first()
    )
    clusters = clusters.join(best_type, on="posting_id", how="left").with_columns(
        is_first_posting=pl.col("posting_id") == pl.col("vacancy_id"),
        vacancy_size=pl.len().over("vacancy_id"),
        vacancy_first_date=pl.col("event_date").min().over("vacancy_id"),
        vacancy_last_date=pl.col("event_date").max().over("vacancy_id"),
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

    `df` needs `posting_id` (unique) and uses, when present: `source`, `source_posting_id`,
    `title`, `company`, `description`, `url`, `province_code`, `regency_code`,
    `location_status`, `posted_date`, `crawled_date`, `salary_monthly_min/max`,
    `employment_type`.
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
