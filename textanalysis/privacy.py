# Long on purpose: one detector per kind of personal data (regexes, deduce, NER) plus the masking policies they share; split by kind it would scatter the overlap rules.
"""Masking personal data in Dutch answer texts.

Survey answers contain names of contact persons, e-mail addresses, phone numbers,
addresses and the name of the responding municipality; the Movisie report promises
"uw gemeente zal niet herkenbaar in beeld worden gebracht". Detection combines

* ``deduce`` (Dutch de-identification: first-name, surname, street, municipality and
  place lookup lists plus context patterns such as "mevrouw Jansen"),
* regular expressions for e-mail, phone (06-, 0xx-, +31), postcode (+ house number),
  street + house number and IBAN (ours are broader than deduce's),
* spaCy NER (``PER`` entities) when a pipeline with an ``ner`` component is installed
  (``nl_core_news_md``); the offline simplemma pipeline has none and is skipped,

followed by filters against false positives on ordinary policy text: "het Rijk",
"Veilig Thuis", law and programme names (Wmo, Jeugdwet, GGZ, Sociaal Domein), "Den Haag"
as the national government ("Den Haag moet ...", "vanuit Den Haag"), and capitalised
sentence starts that happen to be first names.

Kinds and masks: ``person`` -> ``[PERSOON]``, ``email`` -> ``[E-MAIL]``, ``phone`` ->
``[TELEFOON]``, ``postcode`` -> ``[POSTCODE]`` (a postcode, with its house number and
place when present) or ``[ADRES]`` (street + house number), ``iban`` -> ``[IBAN]``,
``place`` -> ``[GEMEENTE]`` (a municipality in deduce's list) or ``[PLAATS]`` (other
places and regions), ``bsn`` -> ``[BSN]`` (9 digits, dots or spaces allowed, that pass the
elfproef), ``birthdate`` -> ``[GEBOORTEDATUM]`` (a date only in a birth context: "geboren op",
"geb.", "geboortedatum"; other dates are policy content and stay), ``dossier`` ->
``[DOSSIERNUMMER]`` (the number after "dossiernummer", "clientnr.", "cliëntnummer",
"klantnummer", "zaaknummer"). **All kinds, including place, are on by default**: the report
promises municipalities are not recognisable, and a place name in an answer of a
municipality survey usually names the respondent. Pass ``kinds`` without ``place`` to
keep place names.

deduce builds a lookup cache (~1 minute) on first use; ``textanalysis
warm-cache`` (run by ``make install``) builds it so no user waits for it.
"""

from __future__ import annotations

import bisect
import functools
import gc
import importlib
import logging
import os
import pickle
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import Errors, PrivacyError

ALL_KINDS: tuple[str, ...] = (
    "person",
    "email",
    "phone",
    "postcode",
    "iban",
    "place",
    "bsn",
    "birthdate",
    "dossier",
)
DEFAULT_KINDS: tuple[str, ...] = ALL_KINDS
MASKS = {
    "person": "[PERSOON]",
    "email": "[E-MAIL]",
    "phone": "[TELEFOON]",
    "postcode": "[POSTCODE]",
    "address": "[ADRES]",
    "iban": "[IBAN]",
    "municipality": "[GEMEENTE]",
    "place": "[PLAATS]",
    "bsn": "[BSN]",
    "birthdate": "[GEBOORTEDATUM]",
    "dossier": "[DOSSIERNUMMER]",
}
POLICIES = ("keep-original", "discard-original")
# Higher wins when spans overlap (then the longer span).
_PRIORITY = {
    "email": 8,
    "iban": 7,
    "bsn": 6,
    "dossier": 5,
    "birthdate": 5,
    "phone": 4,
    "postcode": 3,
    "person": 2,
    "place": 1,
}


@dataclass(frozen=True)
class Span:
    """One detected piece of personal data: character offsets in the original text."""

    start: int
    end: int
    kind: str
    text: str
    mask: str
    source: str  # "regex", "deduce" or "ner"


@dataclass
class MaskResult:
    """Masked text, the kinds found (in order of appearance, unique) and the spans."""

    text: str
    found: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)


def parse_kinds(kinds: str | Iterable[str] | None) -> tuple[str, ...]:
    """'person,email' or an iterable -> validated tuple; None/'' -> the default kinds."""
    if kinds is None:
        return DEFAULT_KINDS
    items = [k.strip().lower() for k in (kinds.split(",") if isinstance(kinds, str) else kinds)]
    items = [k for k in items if k]
    if not items:
        return DEFAULT_KINDS
    if items == ["all"]:
        return ALL_KINDS
    unknown = [k for k in items if k not in ALL_KINDS]
    if unknown:
        raise PrivacyError(
            Errors.P001,
            unknown=", ".join(repr(k) for k in unknown),
            all_kinds=", ".join(ALL_KINDS),
        )
    return tuple(dict.fromkeys(items))


# --- regular expressions -----------------------------------------------------------------
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w-])"
)
# "anouk[at]gemeente.nl", "anouk (at) gemeente.nl": addresses written to dodge spam bots.
_EMAIL_AT = re.compile(
    r"(?<![\w.+-])[\w.+-]+\s?(?:\[at\]|\(at\)|\{at\})\s?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w-])",
    re.IGNORECASE,
)
# 06-12345678, 06 1234 5678, 0612345678, 030-1234567, 0570 123456, +31 6 12345678, +31 (0)30 ..., 0031 ...
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)31[\s.-]?(?:\(0\)[\s.-]?)?|\(?0)"
    r"(?:\d[\s.-]?){8}\d(?!\d)"
    r"|(?<![\w+])\(0\d{2,3}\)[\s.-]?(?:\d[\s.-]?){5,6}\d(?!\d)"
    r"|(?<![\w+])(?:0800|0900|0909)[\s-]?\d{4,7}(?!\d)"
    r"|(?<![\w+])14[\s-]?0\d{2,3}(?!\d)"  # municipal numbers: 14 + area code ("14 030")
)
_POSTCODE = re.compile(
    r"(?<![\w-])[1-9]\d{3}[ ]?(?!SA|SD|SS)[A-Z]{2}(?![\w-])"
    r"(?:,?[ ]+\d{1,4}(?:[ -]?[a-zA-Z])?(?![\w-]))?"  # house number after the postcode
    r"(?:,?[ ]+(?:'s-)?[A-Z][a-zA-Z'-]+(?:[ -][A-Z][a-zA-Z'-]+)?)?"  # place after it (masked too)
)
_STREET_SUFFIX = (
    r"straat|laan|weg|plein|gracht|kade|dijk|singel|dreef|hof|park|steeg|pad|markt|baan|"
    r"boulevard|allee|plantsoen|wal|burg|erf|veld|hoven|ring|dam|haven|kant|zijde|polder"
)
_STREET = re.compile(
    rf"(?<![\w-])(?:[A-Z][a-zà-ÿ]+[ -])?[A-Z][a-zà-ÿ]*(?:{_STREET_SUFFIX})[ ]+\d{{1,4}}(?:[ -]?[a-zA-Z]\b|-\d{{1,3}})?(?!\d)"
)
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}[ ]?(?:[A-Za-z0-9]{4}[ ]?){2,7}[A-Za-z0-9]{1,4}(?![A-Za-z0-9])"
)
_NL_IBAN = re.compile(r"^NL\d{2}[A-Z]{4}\d{10}$")


# BSN: 9 digits, optionally grouped by single dots or spaces (123.456.782, 1234 56 782).
_BSN = re.compile(r"(?<![\w.,+-])\d(?:[ .]?\d){8}(?![\w-]|[.,]\d)")
_CURRENCY_BEFORE = re.compile(r"(?:€|eur|euro)\s*$", re.IGNORECASE)
_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def bsn_ok(candidate: str) -> bool:
    """The elfproef (11-test) of a Dutch citizen service number (BSN)."""
    digits = [int(ch) for ch in candidate if ch.isdigit()]
    if len(digits) != 9 or not any(digits):
        return False
    return sum(w * d for w, d in zip(_BSN_WEIGHTS, digits, strict=True)) % 11 == 0


_MONTHS = (
    r"januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
    r"jan|feb|febr|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)
_DATE = (
    r"(?:\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})"  # 12-03-1985, 12/3/85, 12.03.1985
    r"|(?:19|20)\d{2}-\d{1,2}-\d{1,2}"  # 1985-03-12
    rf"|\d{{1,2}}(?:e|ste|de)?\s+(?:{_MONTHS})\.?\s+(?:19|20)?\d{{2}})"  # 12 maart 1985
)
# Only a date in a birth context is personal data: policy answers mention dates all the time.
_BIRTHDATE = re.compile(
    r"\b(?:geboren|geb\.?\s?datum|geb\.|geb(?=\s)|geboortedatum|geboortedag|"
    r"date\s+of\s+birth|d\.?o\.?b\.?)"
    rf"\s*(?:op|in|:)?\s*(?:op\s+)?(?P<date>{_DATE})(?![\d/-])",
    re.IGNORECASE,
)
# A dossier/client/case number after its label: "dossiernummer 12345", "clientnr. A-2021-0042".
_DOSSIER = re.compile(
    r"\b(?:dossier|cli[eë]nt|klant|zaak)(?:[ -]?(?P<label>nummer|nr\.?|no\.?|number|id))?"
    r"\s*[:#]?\s*(?P<id>(?=[A-Za-z0-9/.-]*\d)[A-Za-z0-9][A-Za-z0-9/.-]*[A-Za-z0-9])",
    re.IGNORECASE,
)


_YEAR = re.compile(r"(?:19|20)\d{2}")


def _bsn_spans(text: str) -> list[Span]:
    out = []
    for m in _BSN.finditer(text):
        if bsn_ok(m.group()) and not _CURRENCY_BEFORE.search(
            text[max(0, m.start() - 6) : m.start()]
        ):
            out.append(_span(m, "bsn", "bsn", "regex"))
    return out


def _group_span(m: re.Match[str], group: str, kind: str) -> Span:
    s, e = m.span(group)
    txt = m.group(group).rstrip(" .,")
    return Span(s, s + len(txt), kind, txt, MASKS[kind], "regex")


def _dossier_spans(text: str) -> list[Span]:
    out = []
    for m in _DOSSIER.finditer(text):
        ident = m.group("id").rstrip(".")
        if m.group("label"):
            out.append(_group_span(m, "id", "dossier"))
            continue
        # without "nummer"/"nr" ("dossier 12345") only after dossier/client, and the id must
        # look like one: not a year ("het dossier 2023"), at least 4 characters, 3 digits
        if (
            m.group(0)[:4].lower() in ("doss", "clie", "clië")
            and not _YEAR.fullmatch(ident)
            and len(ident) >= 4
            and sum(ch.isdigit() for ch in ident) >= 3
        ):
            out.append(_group_span(m, "id", "dossier"))
    return out


def _iban_ok(candidate: str) -> bool:
    """Dutch format always (planted/typo'd numbers still identify); others by mod-97."""
    s = candidate.replace(" ", "").upper()
    if _NL_IBAN.match(s):
        return True
    if not 15 <= len(s) <= 34:
        return False
    digits = "".join(str(int(ch, 36)) for ch in s[4:] + s[:4])
    return int(digits) % 97 == 1


def _regex_spans(text: str, kinds: Sequence[str]) -> list[Span]:
    out: list[Span] = []
    if "email" in kinds:
        out += [_span(m, "email", "email", "regex") for m in _EMAIL.finditer(text)]
        out += [_span(m, "email", "email", "regex") for m in _EMAIL_AT.finditer(text)]
    if "iban" in kinds:
        out += [
            _span(m, "iban", "iban", "regex") for m in _IBAN.finditer(text) if _iban_ok(m.group())
        ]
    if "phone" in kinds:
        for m in _PHONE.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            if len(digits) >= 7 or digits.startswith("14"):
                out.append(_span(m, "phone", "phone", "regex"))
    if "postcode" in kinds:
        out += [_span(m, "postcode", "postcode", "regex") for m in _POSTCODE.finditer(text)]
        out += [_span(m, "postcode", "address", "regex") for m in _STREET.finditer(text)]
    if "bsn" in kinds:
        out += _bsn_spans(text)
    if "birthdate" in kinds:
        out += [_group_span(m, "date", "birthdate") for m in _BIRTHDATE.finditer(text)]
    if "dossier" in kinds:
        out += _dossier_spans(text)
    return out


def _span(m: re.Match[str], kind: str, mask_key: str, source: str) -> Span:
    s, e = m.span()
    txt = m.group().rstrip(" .,")
    return Span(s, s + len(txt), kind, txt, MASKS[mask_key], source)


# --- deduce ------------------------------------------------------------------------------
_DEDUCE_DISABLED = {"dates", "ages", "identifiers", "urls"}


def _import_deduce() -> Any:
    """Import deduce without its import-time ``logging.basicConfig(DEBUG, stdout)``."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import deduce  # noqa: PLC0415 (slow import, needed only for masking)

    for h in list(root.handlers):
        if h not in handlers:
            root.removeHandler(h)
    root.setLevel(level)
    return deduce


def _user_cache_dir() -> Path:
    return Path.home() / ".cache" / "textanalysis" / "deduce"


@functools.lru_cache(maxsize=1)
def get_deduce() -> Any:
    """The shared Deduce instance (loads the lookup structures once per process, ~3-5 s).

    deduce's own lookup tries take 1.2 GB (millions of small node objects), more than an
    import may use (issue 13: 1 GB). We keep them as :func:`_compact_trie` objects, which
    give the same answers in ~15 % of the memory, cached in ``_user_cache_dir()``; the
    first run builds that cache from deduce's (``--warm-cache`` at install does it).
    The cyclic garbage collector is paused while the structures load and they are then
    frozen (``gc.freeze``), otherwise every full collection walks them all.
    """
    deduce = _import_deduce()
    enabled = gc.isenabled()
    gc.disable()
    try:
        compact = _load_compact(deduce)
        if compact is None:
            compact = _compact_structs(_plain_deduce(deduce).lookup_structs)
            _save_compact(deduce, compact)
            gc.collect()  # the plain instance's 1.2 GB of tries
        instance = _deduce_with(deduce, compact)
    finally:
        if enabled:
            gc.enable()
    gc.freeze()
    return instance


def _plain_deduce(deduce: Any) -> Any:
    try:
        return deduce.Deduce()
    except OSError:
        # site-packages not writable (system install): keep the cache in the user's home.
        return deduce.Deduce(cache_path=_user_cache_dir())


_COMPACT_FORMAT = 1
_SEP = "\x1f"


@functools.lru_cache(maxsize=1)
def _compact_trie_class() -> type:
    from docdeid.ds import LookupTrie  # noqa: PLC0415 (deduce's dependency, loaded with it)

    class CompactTrie(LookupTrie):
        """A read-only ``LookupTrie``: each item as one joined string in a set, and the
        first tokens (what deduce reads of ``children``) with their longest item length.
        ``longest_matching_prefix`` gives the same answer as the trie: the longest item
        that the tokens from ``start_i`` begin with."""

        def __init__(self, entries: frozenset[str], starts: dict[str, int], pipeline: Any):
            self.matching_pipeline = pipeline
            self.children = starts
            self.is_terminal = False
            self.entries = entries

        def add_item(self, item: list[str]) -> None:
            raise NotImplementedError("a compact trie is read-only")

        def __contains__(self, item: Any) -> bool:
            # as LookupTrie: only the root applies the pipeline here (its children have none)
            item = list(item)
            if not item:
                return False
            return _SEP.join([self._apply_matching_pipeline(item[0]), *item[1:]]) in self.entries

        def longest_matching_prefix(self, item: list[str], start_i: int = 0) -> list[str] | None:
            if start_i >= len(item):
                return None
            pipe = self._apply_matching_pipeline
            first = pipe(item[start_i])
            longest = self.children.get(first)
            if not longest:
                return None
            keys = [first]
            keys += [pipe(x) for x in item[start_i + 1 : start_i + longest]]
            for n in range(len(keys), 0, -1):
                if _SEP.join(keys[:n]) in self.entries:
                    return keys[:n]
            return None

    return CompactTrie


def _trie_items(trie: Any) -> Iterable[tuple[str, ...]]:
    """Every item of a deduce LookupTrie (or a compact one) as a token tuple."""
    if isinstance(getattr(trie, "entries", None), frozenset):
        yield from (tuple(e.split(_SEP)) for e in trie.entries)
        return
    stack = [(trie, ())]
    while stack:
        node, path = stack.pop()
        if node.is_terminal and path:
            yield path
        stack.extend((child, (*path, tok)) for tok, child in node.children.items())


def _compact_structs(structs: Any) -> dict[str, Any]:
    """deduce's lookup structures with every trie as ("trie", items, starts, pipeline)."""
    from docdeid.ds import LookupTrie  # noqa: PLC0415

    out: dict[str, Any] = {}
    for name, struct in structs.items():
        if not isinstance(struct, LookupTrie):
            out[name] = struct
            continue
        items = [tup for tup in _trie_items(struct) if not any(_SEP in tok for tok in tup)]
        if len(items) != sum(1 for _ in _trie_items(struct)):
            out[name] = struct  # a token holds the separator: keep the real trie
            continue
        starts: dict[str, int] = {}
        for tup in items:
            starts[tup[0]] = max(starts.get(tup[0], 0), len(tup))
        entries = frozenset(_SEP.join(tup) for tup in items)
        out[name] = ("trie", entries, starts, struct.matching_pipeline)
    return out


def _compact_file(deduce: Any) -> tuple[Path, tuple]:
    """Our cache file and the stamp that must match: versions and deduce's own cache."""
    own = Path(deduce.__file__).parent / "data" / "lookup" / "cache" / "lookup_structs.pickle"
    if not own.exists():
        own = _user_cache_dir() / "cache" / "lookup_structs.pickle"
    st = own.stat() if own.exists() else None
    stamp = (
        _COMPACT_FORMAT,
        getattr(deduce, "__version__", "?"),
        (st.st_size, st.st_mtime_ns) if st else None,
    )
    return _user_cache_dir() / f"compact_lookup_v{_COMPACT_FORMAT}.pickle", stamp


def _load_compact(deduce: Any) -> dict[str, Any] | None:
    path, stamp = _compact_file(deduce)
    try:
        with path.open("rb") as fh:
            saved_stamp, data = pickle.load(fh)  # noqa: S301 (our own cache file)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
        return None
    return data if saved_stamp == stamp and stamp[2] is not None else None


def _save_compact(deduce: Any, data: dict[str, Any]) -> None:
    path, stamp = _compact_file(deduce)
    if stamp[2] is None:
        return  # deduce kept no cache of its own: nothing to tie ours to
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump((stamp, data), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        logging.getLogger(__name__).info("could not save %s; built again next time", path)


def _deduce_with(deduce: Any, compact: dict[str, Any]) -> Any:
    """A Deduce instance on the compact lookup structures (deduce's own loader bypassed)."""
    from docdeid.ds import DsCollection  # noqa: PLC0415

    cls = _compact_trie_class()
    structs = DsCollection()
    for name, value in compact.items():
        structs[name] = cls(*value[1:]) if isinstance(value, tuple) else value
    module = importlib.import_module("deduce.deduce")
    original = module.get_lookup_structs
    module.get_lookup_structs = lambda **_kwargs: structs
    try:
        return deduce.Deduce()
    finally:
        module.get_lookup_structs = original


@functools.lru_cache(maxsize=1)
def _lists() -> dict[str, frozenset[str]]:
    """Municipality names (lowercased) and common words, from deduce's own source lists."""
    deduce = _import_deduce()
    src = Path(deduce.__file__).parent / "data" / "lookup" / "src"

    def read(rel: str) -> frozenset[str]:
        p = src / rel / "items.txt"
        if not p.exists():
            return frozenset()
        return frozenset(
            x.strip().lower() for x in p.read_text(encoding="utf-8").splitlines() if x.strip()
        )

    # Everyday names of municipalities that the official list spells differently.
    municipality = read("locations/lst_placename/lst_municipality") | {"den bosch", "den haag"}
    return {
        "municipality": municipality,
        "place": municipality
        | read("locations/lst_placename/lst_residence")
        | read("locations/lst_placename/lst_region"),
        "common": read("whitelist/lst_common_word") | read("whitelist/lst_stop_word"),
        "first_name": read("names/lst_first_name"),
    }


# Words and phrases deduce may take for a name or place but which are policy vocabulary.
POLICY_TERMS = frozenset(
    x.lower()
    for x in (
        "Rijk",
        "het Rijk",
        "Rijksoverheid",
        "Kabinet",
        "Minister",
        "Ministerie",
        "Staat",
        "Veilig Thuis",
        "Thuis",
        "Wmo",
        "WMO",
        "GGZ",
        "GGD",
        "Jeugdwet",
        "Participatiewet",
        "Sociaal Domein",
        "Sociaal",
        "Domein",
        "Zorgverzekeringswet",
        "Wlz",
        "Zvw",
        "Wet",
        "Jeugd",
        "Gezin",
        "CJG",
        "Wijkteam",
        "Buurtteam",
        "Sociaal Team",
        "Movisie",
        "VNG",
        "Divosa",
        "Zorg",
        "Welzijn",
        "Schuldhulp",
        "Armoede",
        "Preventie",
        "Noord",
        "Zuid",
        "Oost",
        "West",
        "Centrum",
        "Gemeente",
        "Gemeenten",
        "Raad",
        "College",
        "Wethouder",
        "Hervormingsagenda",
        "Zorgakkoord",
        "Kamer",
        "Tweede Kamer",
        "Europa",
        "Nederland",
    )
)
# "Den Haag" as the national government, not as a place: a verb of a policy actor after it,
# or a direction/politics word before it.
_HAGUE_ACTOR_AFTER = re.compile(
    r"^\s*(?:moet|moeten|wil|wilt|willen|legt|leggen|bepaalt|bepalen|luistert|luisteren|"
    r"heeft|hebben|geeft|geven|schuift|denkt|zou|kan|doet|stelt|eist|komt|beslist|besluit|"
    r"bezuinigt|verwacht|vraagt|maakt|regelt|ziet|weet|snapt|begrijpt|houdt|zegt|is|blijft)\b",
    re.IGNORECASE,
)
_HAGUE_ACTOR_BEFORE = re.compile(
    r"\b(?:vanuit|uit|naar|richting|politiek|politici|kabinet|ministerie|regering|lobby|"
    r"signaal|signalen|aan)\s+(?:in\s+)?$",
    re.IGNORECASE,
)
_HAGUE = {"den haag", "'s-gravenhage"}


def _is_policy_actor(text: str, span_start: int, span_end: int) -> bool:
    before = text[max(0, span_start - 40) : span_start]
    if re.search(r"\bgemeente\s+$", before, re.IGNORECASE):
        return False
    return bool(_HAGUE_ACTOR_AFTER.match(text[span_end:]) or _HAGUE_ACTOR_BEFORE.search(before))


# --- which texts deduce can find anything in -----------------------------------------------
# deduce is ~50x slower than all our regular expressions together, so it only sees texts in
# which it can find something. Its lookups are case-sensitive and the annotations we use
# (persoon, locatie, telefoonnummer, emailadres) need one of:
#   * a digit or '@' (house numbers, postcodes, phone numbers, e-mail addresses);
#   * a token of a first-name, surname or place entry (every entry holds a capital);
#   * a capitalised word right after a title/initial ("mevrouw Bakkenes", "J. Bakkenes",
#     "dhr. A."), after title/initial + interfix ("dhr. van Bakkenes"), or after an interfix
#     when it is a known interfix surname ("van Dijk"): deduce's token patterns, whose only
#     skipped token is '.'. Its context rules only extend an annotation found this way.
# A text without any of these gets no deduce annotation, so skipping deduce for it changes
# nothing (tests/test_privacy.py compares with and without the filter).
_WORD = re.compile(r"\w+")
_DIGIT_OR_AT = re.compile(r"[\d@]")
_CHAIN_GAP = frozenset(" \t\r\n./'’-")  # between the words of a title, initial or interfix


@dataclass(frozen=True)
class _DeduceTriggers:
    complete: bool  # False: some entry has no capital, so the filter cannot be used
    seeds: frozenset[str]  # one word of every name/place entry (case-sensitive, as deduce)
    policy_seeds: frozenset[str]
    titles: frozenset[tuple[str, ...]]  # prefixes and initials, lowercased word tuples
    interfixes: frozenset[tuple[str, ...]]
    interfix_surnames: frozenset[str]
    first_words: frozenset[str]  # first words of the titles and interfixes
    longest: int  # words in the longest title or interfix


@functools.lru_cache(maxsize=1)
def _deduce_triggers() -> _DeduceTriggers:
    structs = get_deduce().lookup_structs
    seeds: set[str] = set()
    multi: set[str] = set()  # seeds of entries with more than one token
    complete = True
    for name in ("first_name", "surname", "placename"):
        for entry in _trie_items(structs[name]):
            words = [w for tok in entry for w in _WORD.findall(tok) if w.lower() != w]
            # any word of the entry appears in a text that matches it: take the longest,
            # the last on a tie ("Bilt" of "De Bilt", "Loo" of "Het Loo"); an entry without
            # a capital (none in deduce 3) would make every text a candidate
            if words:
                seeds.add(seed := max(reversed(words), key=len))
                if len(entry) > 1:
                    multi.add(seed)
            else:
                complete = False

    def tuples(name: str) -> frozenset[tuple[str, ...]]:
        return frozenset(
            tuple(w.lower() for w in _WORD.findall(str(item)))
            for item in structs[name].items()
            if _WORD.search(str(item))
        )

    titles = tuples("prefix") | tuples("initial")
    interfixes = tuples("interfix")
    return _DeduceTriggers(
        complete=complete,
        seeds=frozenset(seeds),
        # policy words that deduce knows only as a one-word name ("Rijk")
        policy_seeds=frozenset(w for w in seeds - multi if w.lower() in POLICY_TERMS),
        titles=titles,
        interfixes=interfixes,
        interfix_surnames=frozenset(str(x) for x in structs["interfix_surname"].items()),
        first_words=frozenset(x[0] for x in titles | interfixes),
        longest=max(len(x) for x in titles | interfixes),
    )


def _ends_with(words: list[str], end: int, items: frozenset[tuple[str, ...]], n: int) -> list[int]:
    """Start indexes i such that words[i:end] is one of ``items`` (at most ``n`` words)."""
    return [i for i in range(max(0, end - n), end) if tuple(words[i:end]) in items]


def _deduce_may_find(text: str) -> bool:
    """False when deduce cannot find a name, place, phone number or e-mail address in ``text``
    that :func:`_deduce_spans` keeps."""
    if _DIGIT_OR_AT.search(text):
        return True
    if text.islower() or not any(ch.isupper() for ch in text):
        return False
    trig = _deduce_triggers()
    if not trig.complete:
        return True
    words = list(_WORD.finditer(text))
    chain: list[str] = []  # lowercased words before the current one, joined by _CHAIN_GAP only
    n = trig.longest
    for k, m in enumerate(words):
        word = m.group()
        if k == 0 or not set(text[words[k - 1].end() : m.start()]) <= _CHAIN_GAP:
            chain = []
        if word.lower() != word:
            end = len(chain)
            if chain and _ends_with(chain, end, trig.titles, n):
                return True  # mevrouw X, J. X, dhr. A.
            for i in _ends_with(chain, end, trig.interfixes, n) if chain else ():
                if word in trig.interfix_surnames or _ends_with(chain, i, trig.titles, n):
                    return True  # van Dijk, dhr. van X, J. de X
            if word in trig.seeds and not _inert_seed(text, words, k, chain, trig):
                return True
        chain.append(word.lower())
    return False


def _inert_seed(
    text: str, words: list[re.Match[str]], k: int, chain: list[str], trig: _DeduceTriggers
) -> bool:
    """A name/place word that is policy vocabulary ("het Rijk", "Noord") with no capitalised,
    title or interfix word next to it: deduce's annotation is that word alone, which
    :func:`_person_false_positive` and :func:`_place_span` drop (POLICY_TERMS)."""
    if words[k].group() not in trig.policy_seeds:
        return False
    if chain and words[k - 1].group().lower() != words[k - 1].group():
        return False  # the word before is capitalised
    if chain and _ends_with(chain, len(chain), trig.titles | trig.interfixes, trig.longest):
        return False
    if k + 1 < len(words) and set(text[words[k].end() : words[k + 1].start()]) <= _CHAIN_GAP:
        nxt = words[k + 1].group()
        if nxt.lower() != nxt or nxt in trig.first_words:
            return False
    return True


def _deduce_spans(text: str, kinds: Sequence[str], *, prefilter: bool = True) -> list[Span]:
    want_person, want_place = "person" in kinds, "place" in kinds
    want_loc = "postcode" in kinds or want_place
    if not (want_person or want_loc or "phone" in kinds or "email" in kinds):
        return []
    if prefilter and not _deduce_may_find(text):
        return _lowercase_places(text, _lists()) if want_place else []
    doc = get_deduce().deidentify(text, disabled=_DEDUCE_DISABLED | {"redactor"})
    lists = _lists()
    out: list[Span] = []
    for a in doc.annotations:
        s, e, tag, t = a.start_char, a.end_char, a.tag, a.text
        if tag in ("persoon", "patient"):
            # "Gemeente Hof van Twente", "van Deventer", "Vanuit Den Haag": a place read as a name.
            m = _PLACE_IN_NAME.match(t)
            rest = m.group(2) if m else ""
            prefixes = (m.group(0)[: m.start(2)].lower().split() if m else []) or [""]
            is_place = rest[:1].isupper() and (
                rest.lower() in lists["municipality"]
                or (rest.lower() in lists["place"] and set(prefixes) - {"van", ""})
            )
            if is_place:
                if want_place:
                    sp = _place_span(text, s + m.start(2), e, rest, lists)
                    out += [sp] if sp else []
            elif want_person:
                s, t = _trim_leading_words(s, t, lists)
                if not _person_false_positive(text, s, e, t, lists):
                    out.append(Span(s, e, "person", t, MASKS["person"], "deduce"))
        elif tag == "locatie" and want_loc:
            if re.search(r"\d", t):
                if "postcode" in kinds:
                    key = "postcode" if re.search(r"\d{4}\s?[A-Za-z]{2}", t) else "address"
                    out.append(Span(s, e, "postcode", t, MASKS[key], "deduce"))
            elif want_place:
                sp = _place_span(text, s, e, t, lists)
                out += [sp] if sp else []
        elif tag == "telefoonnummer" and "phone" in kinds:
            out.append(Span(s, e, "phone", t, MASKS["phone"], "deduce"))
        elif tag == "emailadres" and "email" in kinds:
            out.append(Span(s, e, "email", t, MASKS["email"], "deduce"))
    if want_place:
        out += _lowercase_places(text, lists)
    return out


# "in zwolle", "gemeente amersfoort": lowercase municipality names deduce's case-sensitive lists
# miss; only after a place preposition and never for ordinary words ("in buren", "uit best").
_LOWER_PLACE = re.compile(
    r"\b(?:in|te|uit|gemeente|en|regio)\s+((?:'s-)?[a-zà-ÿ][a-zà-ÿ-]+(?: [a-zà-ÿ-]+){0,3})"
)


# Municipalities whose lowercase name is an everyday word ("scholen en huizen", "in bergen").
_WORD_MUNICIPALITIES = frozenset(
    "huizen putten bergen beek laren sluis goes hoorn stein hulst losser waterland westland "
    "duiven voorst ommen".split()
)


def _lowercase_places(text: str, lists: dict[str, frozenset[str]]) -> list[Span]:
    out = []
    pos = 0
    while (m := _LOWER_PLACE.search(text, pos)) is not None:
        start = m.start(1)
        words = m.group(1).split(" ")
        for n in range(len(words), 0, -1):  # longest municipality name first ("son en breugel")
            cand = " ".join(words[:n])
            if (
                cand in lists["municipality"]
                and cand not in lists["common"]
                and cand not in POLICY_TERMS
                and cand not in _WORD_MUNICIPALITIES
            ):
                out.append(
                    Span(start, start + len(cand), "place", cand, MASKS["municipality"], "regex")
                )
                break
        pos = m.start() + 1  # "in zwolle en kampen": the next preposition may sit inside this match
    return out


_PLACE_IN_NAME = re.compile(r"^((?:gemeente|vanuit|van|uit|in|regio)\s+)*(.+)$", re.IGNORECASE)


def _place_span(text: str, s: int, e: int, t: str, lists: dict[str, frozenset[str]]) -> Span | None:
    """A place span unless it is policy vocabulary, 'Den Haag' as government or a sentence-start word."""
    low = t.lower()
    if low in POLICY_TERMS or t.startswith(("de ", "het ")):
        return None  # "Integraal Werken in de Wijk": a real place name is capitalised ("De Bilt")
    if low in _HAGUE and _is_policy_actor(text, s, e):
        return None
    if _sentence_start(text, s) and " " not in t and low in lists["common"]:
        return None
    key = "municipality" if low in lists["municipality"] else "place"
    return Span(s, e, "place", t, MASKS[key], "deduce")


def _trim_leading_words(s: int, t: str, lists: dict[str, frozenset[str]]) -> tuple[int, str]:
    """'Bel Petra de Vries' -> 'Petra de Vries': deduce's context rule takes a capitalised
    ordinary word before a name into the name; keep that word visible."""
    while " " in t:
        head, rest = t.split(" ", 1)
        low = head.lower().rstrip(".,:")
        if low in lists["common"] and low not in lists["first_name"] and rest[:1].isupper():
            s, t = s + len(head) + 1, rest
        else:
            break
    return s, t


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?:;\n•-*\"'("


def _person_false_positive(
    text: str, s: int, e: int, t: str, lists: dict[str, frozenset[str]]
) -> bool:
    low = t.lower()
    if low in POLICY_TERMS:
        return True
    if " " not in t.strip() and text[e:].startswith(":"):
        return True  # a label such as "Bron:" or "Noot:"
    if " " not in t.strip():
        # "het Rijk", "de Wmo": a one-word 'name' after an article is vocabulary.
        if re.search(
            r"\b(?:het|de|een|deze|die|dit|onze|ons|uw)\s+$", text[max(0, s - 8) : s], re.IGNORECASE
        ):
            return True
        if t.isupper() and len(t) <= 5:  # abbreviations: GGZ, WMO, CJG
            return True
        # Sentence-initial capital on an ordinary word that is also a first name ("Mark", "Roos").
        if _sentence_start(text, s) and low in lists["common"]:
            return True
    return False


# --- spaCy NER (optional) ----------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _ner_pipeline() -> Any | None:
    """nl_core_news_md via textanalysis.nlp when installed and it has an 'ner' pipe, else None."""
    try:
        from .nlp import load_pipeline  # noqa: PLC0415 (optional; nlp is another area)

        nlp = load_pipeline()
    except Exception:  # noqa: BLE001 (no model installed: masking works without NER)
        return None
    return nlp if "ner" in getattr(nlp, "pipe_names", []) else None


def _ner_spans(text: str, kinds: Sequence[str]) -> list[Span]:
    if "person" not in kinds:
        return []
    nlp = _ner_pipeline()
    if nlp is None:
        return []
    lists = _lists()
    out = []
    for ent in nlp(text).ents:
        if ent.label_ in ("PER", "PERSON") and not _person_false_positive(
            text, ent.start_char, ent.end_char, ent.text, lists
        ):
            out.append(
                Span(ent.start_char, ent.end_char, "person", ent.text, MASKS["person"], "ner")
            )
    return out


# --- public API --------------------------------------------------------------------------
def detect(
    text: str, kinds: Iterable[str] | str | None = None, *, use_ner: bool | None = None
) -> list[Span]:
    """Non-overlapping spans of personal data in ``text`` (sorted by position)."""
    ks = parse_kinds(kinds)
    if not isinstance(text, str) or not text.strip():
        return []
    spans = _regex_spans(text, ks) + _deduce_spans(text, ks)
    if use_ner is not False:
        spans += _ner_spans(text, ks)
    spans = [sp for sp in spans if sp.end > sp.start]
    spans.sort(key=lambda sp: (-_PRIORITY[sp.kind], -(sp.end - sp.start), sp.start))
    chosen: list[Span] = []  # kept sorted by start; chosen spans never overlap each other
    starts: list[int] = []
    for sp in spans:
        i = bisect.bisect_left(starts, sp.start)
        if i > 0 and chosen[i - 1].end > sp.start:
            continue
        if i < len(chosen) and chosen[i].start < sp.end:
            continue
        chosen.insert(i, sp)
        starts.insert(i, sp.start)
    return chosen


def mask_text(
    text: str, kinds: Iterable[str] | str | None = ALL_KINDS, *, use_ner: bool | None = None
) -> MaskResult:
    """Replace personal data by masks such as [PERSOON]; ``found`` lists the kinds found."""
    if not isinstance(text, str):
        return MaskResult("" if text is None else str(text))
    spans = detect(text, kinds, use_ner=use_ner)
    parts, pos = [], 0
    for sp in spans:
        parts += [text[pos : sp.start], sp.mask]
        pos = sp.end
    parts.append(text[pos:])
    return MaskResult("".join(parts), list(dict.fromkeys(sp.kind for sp in spans)), spans)


def _memo_masker(kinds: tuple[str, ...]) -> Callable[[Any], MaskResult]:
    """:func:`mask_text` over ``kinds`` that masks each distinct text once (answers repeat:
    "nvt", a split cell's ``cell_text``); a missing value gives ``MaskResult(value)``."""
    cache: dict[str, MaskResult] = {}

    def run(value: Any) -> MaskResult:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return MaskResult(value)
        key = str(value)
        if key not in cache:
            cache[key] = mask_text(key, kinds)
        return cache[key]

    return run


def mask_frame(
    df: pd.DataFrame, column: str = "text", kinds: Iterable[str] | str | None = DEFAULT_KINDS
) -> pd.DataFrame:
    """Copy of ``df`` with ``column`` masked and a ``masked`` column: kinds found, ';'-separated."""
    ks = parse_kinds(kinds)
    if column not in df.columns:
        raise PrivacyError(
            Errors.P025,
            column=column,
            columns=", ".join(map(str, df.columns)) or "(none)",
        )
    run = _memo_masker(ks)
    out = df.copy()
    results = [run(v) for v in out[column].tolist()]
    out[column] = [r.text for r in results]
    out["masked"] = [";".join(r.found) for r in results]
    return out


def apply_masking(
    units_df: pd.DataFrame,
    policy: str | None = "keep-original",
    kinds: Iterable[str] | str | None = DEFAULT_KINDS,
) -> pd.DataFrame:
    """Mask ``text`` and ``cell_text`` of answer units as chosen at import.

    ``keep-original`` adds ``original_text`` (the unmasked unit; the Store shows it only
    on explicit request), ``discard-original`` keeps nothing unmasked, ``None`` returns
    an unchanged copy. The kinds found per unit are in ``df.attrs["masked_kinds"]``
    (a list aligned with the rows) so no extra attribute column appears.
    """
    if policy is None:
        return units_df.copy()
    if policy not in POLICIES:
        raise PrivacyError(
            Errors.P003,
            policy=policy,
            policies=", ".join(POLICIES),
        )
    run = _memo_masker(parse_kinds(kinds))
    out = units_df.copy()
    if "text" in out.columns:
        results = [run(v) for v in out["text"].tolist()]
        if policy == "keep-original":
            out["original_text"] = out["text"]
        out["text"] = [r.text for r in results]
        out.attrs["masked_kinds"] = [r.found for r in results]
    if "cell_text" in out.columns:
        out["cell_text"] = [run(v).text for v in out["cell_text"].tolist()]
    out.attrs["masking_policy"] = policy
    return out


# --- the masking choice at import ---------------------------------------------------------
IMPORT_MASKING_CHOICES: tuple[str, ...] = ("auto", *POLICIES, "none")
DEFAULT_IMPORT_MASKING = "keep-original"


def import_masking(choice: str | None, surveys: pd.DataFrame | None, survey: str) -> str | None:
    """The masking policy for an import of ``survey`` (None = no masking).

    An explicit policy wins (``"none"`` -> None). ``"auto"`` (or None): **on** for a new
    survey (``keep-original``: the unmasked text is kept apart and shown only on explicit
    request), else the policy the survey was first imported with, because masking a
    re-import of an unmasked survey would make every stored answer a "changed" one.
    ``surveys`` is :meth:`Store.surveys` (survey names compared case-insensitively).
    """
    if choice not in (None, "auto"):
        if choice not in IMPORT_MASKING_CHOICES:
            raise PrivacyError(
                Errors.P026,
                choice=choice,
                import_masking_choices=", ".join(IMPORT_MASKING_CHOICES),
            )
        return None if choice == "none" else choice
    if surveys is None or surveys.empty or "survey" not in surveys.columns:
        return DEFAULT_IMPORT_MASKING
    key = str(survey).strip().casefold()
    mine = surveys[surveys["survey"].astype(str).str.strip().str.casefold() == key]
    if mine.empty:
        return DEFAULT_IMPORT_MASKING
    stored = [
        m for m in mine.get("masking", pd.Series(dtype=object)).tolist() if isinstance(m, str)
    ]
    return stored[0] if stored and stored[0] in POLICIES else None


# --- identifier columns ------------------------------------------------------------------
@dataclass(frozen=True)
class IdentifierColumn:
    """A column that identifies a respondent and should not be shown or exported by default."""

    column: str
    kind: (
        str  # person, email, phone, function, address, iban, bsn, birthdate, dossier, organisation
    )
    reason: str


_HEADER_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("email", re.compile(r"e-?mail|mailadres", re.I)),
    ("phone", re.compile(r"telefoon|tel\.?(nr|nummer)?$|^tel\b|mobiel|phone|gsm", re.I)),
    ("function", re.compile(r"functie|function|job ?title|rol van", re.I)),
    ("address", re.compile(r"adres|postcode|woonplaats|straat|huisnummer|address|zip", re.I)),
    ("iban", re.compile(r"iban|rekeningnummer|bank", re.I)),
    ("bsn", re.compile(r"\bbsn\b|burgerservicen|sofi-?n", re.I)),
    ("birthdate", re.compile(r"geboorte|geb\.?\s?datum|birth|^dob$", re.I)),
    ("dossier", re.compile(r"dossier|cli[eë]nt\s?-?n(umme)?r|klant\s?-?n(umme)?r", re.I)),
    (
        "person",
        re.compile(
            r"(?<!gemeente)(?<!organisatie)naam|^name$|contactpersoon|respondent ?naam|voorletters|achternaam",
            re.I,
        ),
    ),
    ("organisation", re.compile(r"^(naam )?(gemeente|gemeentenaam|organisatie)( ?naam)?$", re.I)),
]


def detect_identifier_columns(df: pd.DataFrame, *, sample: int = 200) -> list[IdentifierColumn]:
    """Columns that identify respondents, by header (naam, e-mail, functie, telefoon, ...)
    and by content (most values are e-mail addresses, phone numbers, IBANs or names)."""
    found: list[IdentifierColumn] = []
    for col in df.columns:
        name = str(col).strip()
        hit = next(((k, rx) for k, rx in _HEADER_RULES if rx.search(name)), None)
        if hit:
            found.append(IdentifierColumn(name, hit[0], f"header '{name}' names {hit[0]} data"))
            continue
        values = [str(v).strip() for v in df[col].dropna().tolist()[:sample] if str(v).strip()]
        if not values:
            continue
        kind = _content_kind(values)
        if kind:
            found.append(
                IdentifierColumn(name, kind, f"most values in '{name}' look like {kind} data")
            )
    return found


def _content_kind(values: list[str]) -> str | None:
    n = len(values)
    for kind, rx in (("email", _EMAIL), ("phone", _PHONE), ("iban", _IBAN)):
        if sum(1 for v in values if rx.fullmatch(v.strip())) / n >= 0.5:
            return kind
    # Short values of 2-4 capitalised words that deduce sees as a person: a name column.
    short = [v for v in values if len(v) <= 40 and 1 <= len(v.split()) <= 4 and v[:1].isupper()]
    if len(short) / n >= 0.8:
        hits = sum(
            1
            for v in short[:50]
            if any(sp.kind == "person" for sp in detect(v, ("person",), use_ner=False))
        )
        if hits / min(len(short), 50) >= 0.5:
            return "person"
    return None


# --- install-time cache ------------------------------------------------------------------
def warm_cache() -> str:
    """Build (or load) deduce's lookup cache and our compact one now; returns what was done.

    `make install` runs it (``textanalysis warm-cache``): building the compact cache needs
    deduce's own lookup structures once (~1.3 GB for a few seconds); afterwards masking loads
    the compact cache (~15 % of that), so no import on this machine pays the build."""
    deduce = _import_deduce()
    cache_file = (
        Path(deduce.__file__).parent / "data" / "lookup" / "cache" / "lookup_structs.pickle"
    )
    existed = (
        cache_file.exists() or (_user_cache_dir() / "cache" / "lookup_structs.pickle").exists()
    )
    compact_file, _ = _compact_file(deduce)
    before = compact_file.stat().st_mtime_ns if compact_file.exists() else None
    t0 = time.perf_counter()
    get_deduce()  # loads the caches, or builds and saves them when missing/outdated
    elapsed = time.perf_counter() - t0
    where = (
        cache_file if cache_file.exists() else _user_cache_dir() / "cache" / "lookup_structs.pickle"
    )
    after = compact_file.stat().st_mtime_ns if compact_file.exists() else None
    compact = (
        "compact cache not saved (deduce keeps no cache of its own or the folder is not writable)"
        if after is None
        else f"{'loaded' if after == before else 'built'} compact cache {compact_file}"
    )
    check = mask_text("Bel Petra de Vries op 06-12345678.", ("person", "phone"))
    action = "loaded existing" if existed else "built"
    return (
        f"deduce {getattr(deduce, '__version__', '?')}: {action} lookup cache {where}, {compact} "
        f"in {elapsed:.1f} s; self-check: {check.text!r}"
    )


def mask_command(answers: str | Path, out: str | Path, kinds: str | None = None) -> pd.DataFrame:
    """`textanalysis mask`: every input column, ``text`` masked, plus ``masked`` (kinds found)."""
    from .csvio import CsvErrors, check_out, read_csv, write_csv  # noqa: PLC0415 (the one CLI CSV reader/writer)

    ks = parse_kinds(kinds)  # unknown kinds and a missing output folder fail before any work
    out = check_out(out, PrivacyError, Errors.P024)
    table = read_csv(
        answers,
        "ANSWERS",
        CsvErrors(PrivacyError, Errors.P020, Errors.P022, Errors.P021, Errors.P023),
    )
    if "text" not in table.columns:
        raise PrivacyError(
            Errors.P002,
            answers=answers,
            columns=", ".join(map(str, table.columns)),
        )
    result = mask_frame(table, "text", ks)
    write_csv(result, out)  # formula-looking cells neutralised, as in every CSV the tool writes
    return result
