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

Department rules (`DEPARTMENT_RULES`, thirteenth round; on only when `DEPARTMENT_CUES` is True)
follow the index for generic titles that a department or employer decides:

* a generic "Admin" / "Staf Administrasi" is a stock clerk, 4321, in the warehouse ("Clerk,
  stock", "Clerk, storeroom", "Clerk, warehouse"), an accounting and bookkeeping clerk, 4311, in
  the accounts or finance office ("Clerk, accounts", "Clerk, bookkeeping", "Clerk, invoice",
  "Clerk, ledger"; the index's "Clerk, finance" and "Clerk, tax" are 4312, whose definition is
  clerical work of banks, insurers and other financial establishments, so a tax cue is not a
  4311 cue), a payroll clerk, 4313, on the payroll ("Clerk, payroll", "Clerk, wages"), and a
  contact-centre salesperson, 5244, in an online shop ("Salesperson, internet", "Seller, Ebay";
  5244 sells "using the telephone or other electronic communications media"). These four share
  a `group`: an advert that names two departments is left alone;
* a generic "Supervisor" / "Kepala" at a restaurant, cafe or other food-service employer is a
  restaurant manager, 1412 ("Manager, cafe", "Manager, restaurant"; supervising waiting and
  kitchen staff is one of 1412's tasks) or a head waiter, 5131 ("Waiter, head", "Maitre
  d'hotel"), whichever the title model ranks higher: ISCO has no food-service supervisors' group
  as it has for shops (5222), and supervisors go with those supervised.

A department rule reads only a generic title (`title_words`, `title_heads`): once its cue words
are taken out, the normalised title holds nothing but those words ("admin", "staff admin",
"supervisor outlet"), so "Admin Umum" (a general office clerk) or "Supervisor Produksi" is never
moved. Tools and schooling the worker brings are taken out of the text before the cue search
(`text_ignore`: "software akuntansi", "Accurate", "S1 Akuntansi").
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
    title_words: frozenset[str] | None = None
    """If set, the rule reads only titles whose words, cue words taken out, are all in it..."""
    title_heads: frozenset[str] = frozenset()
    """...and include one of these ("admin"; "supervisor", "head")."""
    text_ignore: re.Pattern[str] | None = None
    """Phrases taken out of the advert text before the cue search (tools, schooling)."""
    text_veto: re.Pattern[str] | None = None
    """An advert text that matches it is never cued (an employer whose clerks the index puts
    in another group)."""
    group: str = ""
    """Rules of one group exclude each other: an advert cued by two of them is left alone."""

    def reads_title(self, title: str) -> bool:
        """Whether the normalised title is one the rule may move (always, without a gate)."""
        if self.title_words is None:
            return True
        words = set(self.title_cue.sub(" ", title).split())
        return bool(words & self.title_heads) and words <= self.title_words

    def cued_text(self, text: str) -> bool:
        if self.text_veto is not None and self.text_veto.search(text):
            return False
        if self.text_ignore is not None:
            text = self.text_ignore.sub(" ", text)
        return bool(self.text_cue.search(text))


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
"""The shipped rules (tenth round)."""

# Generic clerical titles: general office clerks, administrative assistants and secretaries,
# clerical workers n.e.c. (ISCO 4110, 3343, 4120, 4419), the codes a bare "Admin" gets.
_ADMIN_REPLACES = frozenset({"4110", "3343", "4120", "4419"})
_ADMIN_WORDS = frozenset({"admin", "administrative", "staff", "officer"})
_ADMIN_HEADS = frozenset({"admin", "administrative"})
_ADMIN_GROUP = "admin_department"

STOCK_CLERK = ContextRule(
    name="stock_clerk",
    codes=("4321",),
    replaces=_ADMIN_REPLACES,
    title_cue=re.compile(r"\b(warehouse|stock|inventory|storeroom)\b"),
    text_cue=re.compile(
        r"\b(gudang|warehouse|stok|stock|inventory|inventori|persediaan barang|barang masuk"
        r"|barang keluar)\b"
    ),
    title_words=_ADMIN_WORDS,
    title_heads=_ADMIN_HEADS,
    group=_ADMIN_GROUP,
)

ACCOUNTS_CLERK = ContextRule(
    name="accounts_clerk",
    codes=("4311",),
    replaces=_ADMIN_REPLACES,
    title_cue=re.compile(r"\b(finance|accounting|accounts|bookkeeping|ledger)\b"),
    # The department or the bookkeeping itself, not a financial report or an invoice among an
    # office clerk's tasks (4110 prepares invoices and routine reports too), and not "Finance"
    # alone, often the employer's name ("Adira Finance").
    text_cue=re.compile(
        r"\b((?:admin|administrasi|staff|staf|bagian|divisi|departemen|department|dept|tim"
        r"|team) (?:keuangan|finance|accounting|akuntansi|akunting)|(?:finance|accounting)"
        r" (?:department|dept|division|team|staff|admin)|pembukuan|bookkeeping|jurnal umum"
        r"|hutang piutang|accounts? (?:payable|receivable))\b"
    ),
    # Banks, insurers and other financial establishments: the index puts their finance clerks
    # in 4312 ("Clerk, finance").
    text_veto=re.compile(
        r"\b(bank|perbankan|asuransi|insurance|multifinance|leasing|pembiayaan"
        r"|koperasi simpan pinjam|sekuritas|securities)\b"
    ),
    title_words=_ADMIN_WORDS,
    title_heads=_ADMIN_HEADS,
    # Tools and schooling the worker brings, and financial institutions as employers.
    text_ignore=re.compile(
        r"\b((?:software|aplikasi|program|sistem) (?:akuntansi|akunting|accounting|keuangan)"
        r"|accounting software|accurate|zahir|myob"
        r"|(?:lembaga|jasa|industri|institusi|otoritas jasa) keuangan"
        r"|(?:s1|s-1|d3|d-3|smk|jurusan|lulusan|pendidikan|sarjana|diploma) (?:akuntansi"
        r"|akunting|accounting|keuangan))\b"
    ),
    group=_ADMIN_GROUP,
)

PAYROLL_CLERK = ContextRule(
    name="payroll_clerk",
    codes=("4313",),
    replaces=_ADMIN_REPLACES,
    title_cue=re.compile(r"\b(payroll|penggajian|wages|salaries)\b"),
    # Not a bare "gaji": every advert states its pay.
    text_cue=re.compile(r"\b(payroll|penggajian|(?:perhitungan|menghitung|hitung) gaji)\b"),
    title_words=_ADMIN_WORDS,
    title_heads=_ADMIN_HEADS,
    group=_ADMIN_GROUP,
)

ONLINE_SHOP_SALES = ContextRule(
    name="online_shop_sales",
    codes=("5244",),
    replaces=_ADMIN_REPLACES,
    title_cue=re.compile(r"\b(online shop|online store|marketplace|ecommerce|e commerce)\b"),
    # The shop or the department, not a marketplace the clerk uploads products to (a channel,
    # like a tool) or a marketplace's brand name.
    text_cue=re.compile(
        r"\b(online shop|olshop|toko online|toko daring|e-?commerce|(?:admin|administrasi)"
        r" (?:marketplace|toko online|online shop|olshop|e-?commerce))\b"
    ),
    title_words=_ADMIN_WORDS,
    title_heads=_ADMIN_HEADS,
    group=_ADMIN_GROUP,
)

FOOD_SERVICE_SUPERVISOR = ContextRule(
    name="food_service_supervisor",
    codes=("1412", "5131"),
    # Supervisors and managers the title model gives a bare "Supervisor" or "Kepala Toko":
    # mining, manufacturing and construction supervisors, shop supervisors, retail managers.
    replaces=frozenset({"3121", "3122", "3123", "5222", "1420"}),
    title_cue=re.compile(
        r"\b(restaurant|cafe|coffee shop|fnb|f and b|food and beverage|food beverage|catering"
        r"|bakery)\b"
    ),
    text_cue=re.compile(
        r"\b(restoran|restaurant|resto|rumah makan|cafe|kafe|coffee shop|kedai kopi"
        r"|food (?:and|&) beverages?|f ?& ?b|fnb|kuliner|catering|katering|bakery)\b"
    ),
    title_words=frozenset({"supervisor", "head", "store", "outlet", "shift"}),
    title_heads=frozenset({"supervisor", "head"}),
)

DEPARTMENT_RULES: tuple[ContextRule, ...] = (
    STOCK_CLERK,
    ACCOUNTS_CLERK,
    PAYROLL_CLERK,
    ONLINE_SHOP_SALES,
    FOOD_SERVICE_SUPERVISOR,
)
DEPARTMENT_CUES = False
"""Thirteenth round's switch: apply `DEPARTMENT_RULES` after `RULES` (read at each call, and by
`build` for the model's cache key: the confidence model is fitted without the rows they move)."""


def active_rules() -> tuple[ContextRule, ...]:
    """The rules the coder applies now."""
    return RULES + DEPARTMENT_RULES if DEPARTMENT_CUES else RULES


def _matches(pattern: re.Pattern[str], texts: Sequence[str]) -> np.ndarray:
    return np.fromiter((bool(pattern.search(t)) for t in texts), dtype=bool, count=len(texts))


def choose(
    pair_codes: Sequence[Sequence[str]],
    pair_titles: Sequence[str],
    texts: Sequence[str],
    pair_rows: np.ndarray,
    text_rows: np.ndarray,
    rules: Sequence[ContextRule] | None = None,
) -> np.ndarray:
    """Per advert row, the position (0, 1 or 2) in its pair's ranked codes of the code to put
    first: 0 keeps the title model's choice.

    Row i is (title, category) pair `pair_rows[i]`, whose ranked codes are `pair_codes[p]` and
    normalised title `pair_titles[p]`, with advert text `texts[text_rows[i]]` (company and start
    of description, as `descriptions.advert_text` makes it; "" when there is none). `rules`:
    `active_rules()` unless given."""
    rules = active_rules() if rules is None else rules
    chosen = np.zeros(pair_rows.size, dtype=np.int64)
    if pair_rows.size == 0:
        return chosen
    mover = np.full(pair_rows.size, -1, dtype=np.int64)
    cue_counts: dict[str, np.ndarray] = {}
    for number, rule in enumerate(rules):
        position = np.zeros(len(pair_codes), dtype=np.int64)
        readable = np.zeros(len(pair_codes), dtype=bool)
        for pair, codes in enumerate(pair_codes):
            if not codes or codes[0] not in rule.replaces:
                continue
            if not rule.reads_title(pair_titles[pair]):
                continue
            readable[pair] = True
            for rank, code in enumerate(codes[1:TOP_CODES], start=1):
                if code in rule.codes:
                    position[pair] = rank
                    break
        # Search only the titles and texts of pairs the rule could change: on a million
        # postings that is a few hundred of tens of thousands. A rule of a group also searches
        # the pairs it could read but not move, to see that an advert names two departments.
        open_pairs = np.flatnonzero(readable if rule.group else position)
        if open_pairs.size == 0:
            continue
        searched = np.zeros(len(pair_codes), dtype=bool)
        searched[open_pairs] = True
        title_cue = np.zeros(len(pair_codes), dtype=bool)
        title_cue[open_pairs] = _matches(rule.title_cue, [pair_titles[i] for i in open_pairs])
        cued = title_cue[pair_rows]
        row_searched = searched[pair_rows]
        if len(texts):
            text_cue = np.zeros(len(texts), dtype=bool)
            open_texts = np.unique(text_rows[row_searched])
            text_cue[open_texts] = np.fromiter(
                (rule.cued_text(texts[i]) for i in open_texts), dtype=bool, count=open_texts.size
            )
            cued = cued | (text_cue[text_rows] & row_searched)
        if rule.group:
            counts = cue_counts.setdefault(rule.group, np.zeros(pair_rows.size, dtype=np.int64))
            counts += cued
        row_position = position[pair_rows]
        moved = (chosen == 0) & (row_position > 0) & cued
        chosen[moved] = row_position[moved]
        mover[moved] = number
        log.debug("context rule %s moved %d of %d rows", rule.name, moved.sum(), chosen.size)
    for group, counts in cue_counts.items():
        of_group = np.isin(mover, [n for n, rule in enumerate(rules) if rule.group == group])
        chosen[of_group & (counts > 1)] = 0
    return chosen


def reorder(codes: Sequence[str], position: int) -> list[str]:
    """`codes` with the one at `position` moved first, the others in their order."""
    if position <= 0:
        return list(codes)
    return [codes[position], *codes[:position], *codes[position + 1 :]]
