"""Context rules: ISCO-08 conventions that turn on the employer or the setting, not the title.

A title alone cannot tell some unit groups apart. The ISCO-08 index of titles states two such
conventions in its own entries, with a qualifier after the colon:

* sales, account and business-development jobs that sell information and communications
  technology are ICT sales professionals, 2434 ("Executive, account: sales (information and
  communications technology)", "Manager, business development: ICT", "Representative, sales:
  computer systems"), not commercial sales representatives (3322);
* tutors who give private tuition are 2359 ("Tutor, maths: private tuition", "Tutor, coaching
  college"; 2353-2355 for languages, music and the arts), not school teachers (2330, 2341).

"Senior Account Executive" and "Guru Biologi SMA" say nothing of either; the employer's name or
the start of the description does ("a B2B SaaS company", "Bimbel Nusantara Belajar"). A rule
puts its code first when three things hold:

1. the title model's top code is one the rule may replace (`replaces`);
2. one of the rule's codes is already among the title model's top three (so the title allows
   it; the best-ranked of them is taken);
3. a cue of the rule is in the normalised title (`title_cue`, English after the normaliser's
   lexicon: "bimbel" and "les" read "tutoring", "IT" reads "information technology") or in the
   advert's text, company name and start of description, lower case (`text_cue`). A text cue
   names what the employer is or sells ("a SaaS company", "perusahaan software", "bimbel"),
   never a tool the worker uses ("menguasai software Microsoft Office", "CRM"). The category
   is not read: JobStreet's "Penjualan - Teknik/Teknikal/IT" mixes engineering and IT sales.

The rules are applied after the title model, per advert, on arrays (`choose`), so they cost a
few regular-expression searches per distinct title and per distinct advert text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)

TOP_CODES = 3
"""A rule may move a code only from the title model's top three."""


@dataclass(frozen=True)
class ContextRule:
    """Put the best-ranked of `codes` first when the top code is in `replaces` and a cue is
    found in the normalised title or in the advert text."""

    name: str
    codes: tuple[str, ...]
    replaces: frozenset[str]
    title_cue: re.Pattern[str]
    text_cue: re.Pattern[str]


ICT_SALES = ContextRule(
    name="ict_sales",
    codes=("2434",),
    # Sales, account and business-development codes (ISCO 1221, 2433, 3322, 4225 for account
    # and customer-success work, 5223, 5242): the jobs the index moves to 2434 for ICT. Not
    # marketing (2431) or contact-centre work (4222, 5244), which the index keeps apart.
    replaces=frozenset({"1221", "2433", "3322", "4225", "5223", "5242"}),
    # In a title the product is named ("Sales Software", "Account Executive SaaS", "Sales IT");
    # "CRM" in a title is a marketing role, not a product sold.
    title_cue=re.compile(r"\b(software|saas|information technology|erp)\b"),
    # In the text only what the employer is or sells counts, not the tools the worker uses:
    # "menguasai software Microsoft Office", "terbiasa menggunakan CRM", "aplikasi", "komputer"
    # and a bare "it" (an English pronoun) are every kind of advert's requirements.
    text_cue=re.compile(
        r"\b(saas|software (?:company|house|solutions?|products?|vendor|provider|development"
        r" company)|perusahaan (?:software|perangkat lunak|teknologi informasi|it)"
        r"|di bidang (?:software|perangkat lunak|teknologi informasi|it)"
        r"|it (?:solutions?|services|consulting) (?:company|provider)|system integrator"
        r"|information technology (?:company|solutions?|services)|data cent(?:er|re)s? provider"
        r"|cyber ?security (?:company|solutions?|provider)"
        r"|artificial intelligence (?:company|platform|solutions?))\b"
    ),
)

PRIVATE_TUITION = ContextRule(
    name="private_tuition",
    # Only 2359: the title model ranks language teachers (2353) high for any "guru", so its
    # order cannot tell a language tutor; one whose top code is 2353-2355 is left alone.
    codes=("2359",),
    # School, early-childhood and vocational teachers and sports coaches (ISCO 2320, 2330,
    # 2341, 2342, 3422): the jobs a tutoring centre's advert is coded to by its title.
    replaces=frozenset({"2320", "2330", "2341", "2342", "3422"}),
    title_cue=re.compile(r"\b(tutoring|tuition|privat|private|sempoa|abacus)\b"),
    # Not a bare "tutoring" or "tuition" in the text: a school may ask its teachers to tutor.
    text_cue=re.compile(
        r"\b(bimbel|bimbingan belajar|les privat|les private|private (?:tutor|tutoring|tuition"
        r"|lessons?|class(?:es)?)|tutoring (?:centre|center|institution)|learning cent(?:er|re)"
        r"|sempoa|abacus|kumon|lembaga kursus|tempat kursus)\b"
    ),
)

RULES: tuple[ContextRule, ...] = (ICT_SALES, PRIVATE_TUITION)


def _matches(pattern: re.Pattern[str], texts: Sequence[str]) -> np.ndarray:
    return np.fromiter((bool(pattern.search(t)) for t in texts), dtype=bool, count=len(texts))


def choose(
    pair_codes: Sequence[Sequence[str]],
    pair_titles: Sequence[str],
    texts: Sequence[str],
    pair_rows: np.ndarray,
    text_rows: np.ndarray,
    rules: Sequence[ContextRule] = RULES,
) -> np.ndarray:
    """Per advert row, the position (0, 1 or 2) in its pair's ranked codes of the code to put
    first: 0 keeps the title model's choice.

    Row i is (title, category) pair `pair_rows[i]`, whose ranked codes are `pair_codes[p]` and
    normalised title `pair_titles[p]`, with advert text `texts[text_rows[i]]` (company and start
    of description, as `descriptions.advert_text` makes it; "" when there is none)."""
    chosen = np.zeros(pair_rows.size, dtype=np.int64)
    if pair_rows.size == 0:
        return chosen
    for rule in rules:
        position = np.zeros(len(pair_codes), dtype=np.int64)
        for pair, codes in enumerate(pair_codes):
            if not codes or codes[0] not in rule.replaces:
                continue
            for rank, code in enumerate(codes[1:TOP_CODES], start=1):
                if code in rule.codes:
                    position[pair] = rank
                    break
        if not position.any():
            continue
        # Search only the titles and texts of pairs the rule could change: on a million
        # postings that is a few hundred of tens of thousands.
        row_position = position[pair_rows]
        title_cue = np.zeros(len(pair_codes), dtype=bool)
        open_pairs = np.flatnonzero(position)
        title_cue[open_pairs] = _matches(rule.title_cue, [pair_titles[i] for i in open_pairs])
        cued = title_cue[pair_rows]
        if len(texts):
            text_cue = np.zeros(len(texts), dtype=bool)
            open_texts = np.unique(text_rows[row_position > 0])
            text_cue[open_texts] = _matches(rule.text_cue, [texts[i] for i in open_texts])
            cued = cued | text_cue[text_rows]
        moved = (chosen == 0) & (row_position > 0) & cued
        chosen[moved] = row_position[moved]
        log.debug("context rule %s moved %d of %d rows", rule.name, moved.sum(), chosen.size)
    return chosen


def reorder(codes: Sequence[str], position: int) -> list[str]:
    """`codes` with the one at `position` moved first, the others in their order."""
    if position <= 0:
        return list(codes)
    return [codes[position], *codes[:position], *codes[position + 1 :]]
