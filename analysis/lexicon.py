"""Word choice: which words set groups of reports apart, and label codes read from the words.

- :func:`keyness`: terms that distinguish two groups of reports (defined in
  :mod:`analysis.keyness`, importable from here);
- :func:`read_lexicon`: a label lexicon (YAML), by default ``analysis/lexicons/labels.yaml``;
- :func:`lexicon_code`: codes of the codebook's label variables read from term counts or texts;
- :func:`lexicon_agreement`: Krippendorff's alpha between those codes and the human ones.

Terms are those of :mod:`analysis.text`: lower-cased unigrams and bigrams, ``report_id, term,
count``. Inputs are never modified.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ._yaml import read_yaml
from .errors import DataError, Problem
from .common import check_columns
from .keyness import keyness
from .text import clean_terms, sentences, tokenize

__all__ = ["keyness", "read_lexicon", "lexicon_code", "lexicon_agreement"]

LEXICON_CODE_COLUMNS = ("report_id", "coder", "variable", "value", "evidence")
AGREEMENT_COLUMNS = ("variable", "alpha", "ci_low", "ci_high", "n_units", "n_pairable",
                     "percent_agreement", "verdict", "note")
LEXICON_CODER = "lexicon"
HUMAN_CODER = "consolidated"
PACKAGE_LEXICON = "labels.yaml"
# codes that mean "nothing of this kind in the report", used when an entry names no `absent`
NONE_CODES = ("none", "not_mentioned", "absent", "not_referred", "not_named")
# quoted speech is not the report's own voice (the codebook codes labels outside quotes)
_QUOTED = (r"\"[^\"\n]{0,400}\"", r"“[^”\n]{0,400}”", r"«[^»\n]{0,400}»")
_ENTRY_KEYS = {"referent", "variable", "codes", "mentions", "unmarked", "absent", "description"}
_MENTION = object()
# a word or phrase as the tokenizer writes it
Tokens = tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# the lexicon
# ---------------------------------------------------------------------------------------------

@dataclass
class _Entry:
    """One lexicon entry, checked: variants as tuples of tokens."""

    referents: tuple[str, ...]
    variables: tuple[str, ...]
    codes: dict[object, list[tuple[Tokens, str]]]  # code (as written) -> (token tuple, text)
    mentions: list[tuple[Tokens, str]] = field(default_factory=list)
    unmarked: object = None
    absent: object = None
    where: str = ""


def read_lexicon(path: str | Path | None = None) -> dict:
    """Read and check a label lexicon.

    Parameters
    ----------
    path : str or Path, optional
        A YAML file in the format described at the top of ``analysis/lexicons/labels.yaml``.
        Default: that package file.

    Returns
    -------
    dict
        The document (``{"entries": [...]}``), checked: every entry has ``codes`` (a mapping of
        code to a list of words or phrases) and a ``referent`` or a ``variable``.

    Raises
    ------
    DataError
        The file cannot be read (unsafe or malformed YAML, duplicate keys) or an entry is
        malformed; the message names the file and the entry.
    """
    if path is None:
        with resources.as_file(resources.files("analysis") / "lexicons" / PACKAGE_LEXICON) as p:
            doc = read_yaml(Path(p), f"analysis/lexicons/{PACKAGE_LEXICON}")
        name = f"analysis/lexicons/{PACKAGE_LEXICON}"
    else:
        name = str(path)
        doc = read_yaml(Path(path), name)
    _parse_lexicon(doc, name)
    return doc


def _parse_lexicon(doc: object, name: str) -> list[_Entry]:
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise DataError(Problem(name, "a lexicon is a mapping with a list under 'entries'",
                                accepted="entries: [{referent: ..., codes: {code: [words, ...]}}, ...]"))
    unknown = sorted(set(doc) - {"entries", "description", "version"}, key=str)
    problems = [Problem(name, f"unknown key '{k}'", accepted="entries (and description)") for k in unknown]
    entries = []
    for i, e in enumerate(doc["entries"], start=1):
        where = f"entry #{i}"
        if not isinstance(e, dict):
            problems.append(Problem(name, f"{where} is not a mapping",
                                    accepted="referent/variable, codes, and optionally mentions, unmarked, absent"))
            continue
        where = f"entry #{i} ({e.get('variable') or e.get('referent')})"
        for k in sorted(set(e) - _ENTRY_KEYS, key=str):
            problems.append(Problem(name, f"{where}: unknown key '{k}'", column=str(k),
                                    accepted=", ".join(sorted(_ENTRY_KEYS))))
        referents = _strings(e.get("referent"), name, where, "referent", problems)
        variables = _strings(e.get("variable"), name, where, "variable", problems)
        if not referents and not variables:
            problems.append(Problem(name, f"{where} names neither a referent nor a variable",
                                    accepted="referent: <the codebook's referent> or variable: <name>"))
        codes = e.get("codes")
        parsed: dict[object, list[tuple[Tokens, str]]] = {}
        if not isinstance(codes, dict) or not codes:
            problems.append(Problem(name, f"{where}: 'codes' must map codes to lists of words",
                                    column="codes", accepted="codes: {hostages: [hostage, hostages], ...}"))
        else:
            for code, variants in codes.items():
                parsed[code] = _variants(variants, name, f"{where}, code {code!r}", problems)
        mentions = _variants(e.get("mentions", []) or [], name, f"{where}, mentions", problems)
        if e.get("unmarked") is not None and not mentions:
            problems.append(Problem(name, f"{where}: 'unmarked' needs 'mentions'", column="unmarked",
                                    accepted="the words that name the referent, under 'mentions'"))
        entries.append(_Entry(tuple(referents), tuple(variables), parsed, mentions,
                              e.get("unmarked"), e.get("absent"), where))
    if problems:
        raise DataError(problems)
    return entries


def _strings(value: object, name: str, where: str, key: str,
             problems: list[Problem]) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and v.strip() for v in values):
        problems.append(Problem(name, f"{where}: '{key}' must be a text or a list of texts", column=key,
                                value=value, accepted="e.g. Hamas, or [Hamas, the movement]"))
        return []
    return [str(v) for v in values]


def _variants(values: object, name: str, where: str,
              problems: list[Problem]) -> list[tuple[Tokens, str]]:
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        problems.append(Problem(name, f"{where}: expected a list of words or phrases", value=values,
                                accepted="[hostage, hostages, held hostage]"))
        return []
    out = []
    for v in values:
        tokens = tuple(tokenize(v)) if isinstance(v, str) else ()
        if not tokens:
            problems.append(Problem(name, f"{where}: {v!r} is not a word or phrase", value=v,
                                    accepted="words, e.g. 'prisoners of war'"))
            continue
        out.append((tokens, " ".join(tokens)))
    return out


def _norm(text: object) -> str:
    return " ".join(str(text).split()).casefold()


@dataclass
class _Rule:
    """How one codebook variable is coded: variants per codebook code (in codebook order)."""

    variable: str
    codes: list[tuple[object, list[Tokens]]]  # [(codebook code, [token tuples])]
    mentions: list[Tokens]
    unmarked: object
    absent: object


def _rules(entries: list[_Entry], codebook: pd.DataFrame, name: str) -> list[_Rule]:
    """Map lexicon entries to the codebook's label variables."""
    check_columns(codebook, ("variable", "level", "role", "codes", "referent"), "codebook")
    labels = codebook[codebook["role"] == "label"]
    rules = []
    for var, codes, referent in zip(labels["variable"], labels["codes"], labels["referent"]):
        by_var = [e for e in entries if var in e.variables]
        chosen = by_var
        if not by_var and isinstance(referent, str):
            chosen = [e for e in entries if _norm(referent) in {_norm(r) for r in e.referents}]
        if len(chosen) > 1:
            raise DataError(Problem(name, f"variable {var} is matched by {chosen[0].where} and {chosen[1].where}",
                                    accepted="one entry per label variable (name the variable in one of them)"))
        if not chosen:
            continue
        e = chosen[0]
        codes = tuple(codes)
        text_of = {str(c): c for c in codes}

        def as_code(k: object) -> object:
            if k in codes:
                return k
            return text_of.get(str(k))

        per_code: dict[object, list[Tokens]] = {}
        for k, variants in e.codes.items():
            c = as_code(k)
            if c is not None:
                per_code.setdefault(c, []).extend(t for t, _ in variants)
        ordered = [(c, per_code[c]) for c in codes if c in per_code]
        absent = as_code(e.absent) if e.absent is not None else next(
            (c for c in codes if str(c) in NONE_CODES), None)
        if e.absent is not None and absent is None:
            raise DataError(Problem(name, f"{e.where}: absent code {e.absent!r} is not a code of {var}",
                                    column="absent", value=e.absent, accepted="one of " + ", ".join(map(repr, codes))))
        unmarked = as_code(e.unmarked) if e.unmarked is not None else None
        if e.unmarked is not None and unmarked is None:
            raise DataError(Problem(name, f"{e.where}: unmarked code {e.unmarked!r} is not a code of {var}",
                                    column="unmarked", value=e.unmarked, accepted="one of " + ", ".join(map(repr, codes))))
        rules.append(_Rule(var, ordered, [t for t, _ in e.mentions], unmarked, absent))
    return rules


# ---------------------------------------------------------------------------------------------
# coding with the lexicon
# ---------------------------------------------------------------------------------------------

def lexicon_code(data: pd.DataFrame, lexicon: str | Path | dict | None,
                 codebook: pd.DataFrame) -> pd.DataFrame:
    """Code the codebook's label variables from the words of each report.

    Parameters
    ----------
    data : DataFrame
        Either term counts ``report_id, term, count`` or texts ``report_id, text`` (a ``text``
        column selects the text rule).
    lexicon : str, Path, dict or None
        A lexicon file (read safely, see :func:`read_lexicon`), an already read lexicon, or None
        for the package lexicon ``analysis/lexicons/labels.yaml``.
    codebook : DataFrame
        ``variable, level, role, codes, referent``. Every label variable with an entry in the
        lexicon (by variable name, else by referent) is coded; the others are left out.

    Returns
    -------
    DataFrame
        ``report_id, coder, variable, value, evidence``: one row per report and coded variable,
        sorted by report_id then codebook order; ``coder`` is "lexicon"; ``value`` a code of the
        codebook or NaN; ``evidence`` the words that decided (NaN when none did).

    Notes
    -----
    A variant is a word or phrase of the lexicon, matched as a whole sequence of lower-case
    tokens (:func:`analysis.text.tokenize`). Where variants overlap, the longest wins, across
    all coded variables: "prisoners of war" is read once, as a word for captives.

    Texts: quoted passages ("...", “...”, «...», up to 400 characters within a line) are
    removed first, because the codebook codes the report's own voice. Every variant found in
    the rest is a match; where matches overlap the longest is kept (then the earlier), and the
    code of the first match in the text is the value, as the codebook asks for the word "at its
    first use". Matches never span a sentence end (the sentence breaks of
    :func:`analysis.text.term_counts`).

    Term counts: each variant's count is its count in the table, less the counts of the
    longer variants that contain it (so "war" inside "prisoners of war" is not counted as
    "war"); a variant of more than two words, which a table of unigrams and bigrams does not
    hold, counts as the smallest count of its bigrams (an upper bound). A code's count is the
    sum over its variants; the code with the highest count is the value, ties going to the code
    that comes first in the codebook. Term counts do not know quotation marks or order, so this
    rule is weaker than the text rule.

    When no variant matches: the entry's ``unmarked`` code if one of its ``mentions`` occurs
    (e.g. "Hamas" named without a descriptor), else its ``absent`` code, else a code of the
    codebook meaning none (one of ``NONE_CODES``), else NaN. A code the codebook does not have
    is never given.
    """
    check_columns(data, ("report_id",), "data")
    if isinstance(lexicon, dict):
        name = "lexicon"
        entries = _parse_lexicon(lexicon, name)
    else:
        doc = read_lexicon(lexicon)
        name = str(lexicon) if lexicon is not None else f"analysis/lexicons/{PACKAGE_LEXICON}"
        entries = _parse_lexicon(doc, name)
    rules = _rules(entries, codebook, name)
    if not rules:
        # the lexicon covers no label variable of this codebook: nothing to code, nothing to guess
        return pd.DataFrame({c: pd.Series(dtype=object) for c in LEXICON_CODE_COLUMNS})
    index = _VariantIndex(rules)
    if "text" in data.columns:
        found = _code_texts(data, rules, index)
    else:
        check_columns(data, ("report_id", "term", "count"), "data")
        found = _code_terms(clean_terms(data), rules, index)
    order = {r.variable: i for i, r in enumerate(rules)}
    out = pd.DataFrame(found, columns=["report_id", "variable", "value", "evidence"])
    out.insert(1, "coder", LEXICON_CODER)
    out["_o"] = out["variable"].map(order)
    out = out.sort_values(["report_id", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
    out["value"] = out["value"].astype(object)
    return out[list(LEXICON_CODE_COLUMNS)]


class _VariantIndex:
    """All variants of the coded variables: token tuple -> [(rule index, code or _MENTION)]."""

    def __init__(self, rules: list[_Rule]) -> None:
        self.owners: dict[Tokens, list[tuple[int, object]]] = {}
        for i, r in enumerate(rules):
            for code, variants in r.codes:
                for t in variants:
                    self.owners.setdefault(t, []).append((i, code))
            for t in r.mentions:
                self.owners.setdefault(t, []).append((i, _MENTION))
        self.longest = max((len(t) for t in self.owners), default=0)
        # for each variant, the longer variants that contain it as a run of words
        by_len = sorted(self.owners, key=len)
        self.containers = {t: [u for u in by_len if len(u) > len(t) and _contains(u, t)] for t in by_len}
        self.by_length_desc = sorted(self.owners, key=lambda t: (-len(t), t))


def _contains(longer: Tokens, shorter: Tokens) -> bool:
    k = len(shorter)
    return any(longer[i:i + k] == shorter for i in range(len(longer) - k + 1))


def _decide(rule: _Rule, first: tuple[object, str] | None,
            best_mention: str | None) -> tuple[object, object]:
    """The value and evidence of one variable, from what was found for rule ``i``."""
    if first is not None:
        return first
    if rule.unmarked is not None and best_mention is not None:
        return rule.unmarked, best_mention
    if rule.absent is not None:
        return rule.absent, np.nan
    return np.nan, np.nan


def _code_texts(data: pd.DataFrame, rules: list[_Rule],
                index: _VariantIndex) -> list[tuple[str, str, object, object]]:
    quoted = re.compile("|".join(_QUOTED))
    out = []
    for rid, text in zip(data["report_id"].astype(str), data["text"]):
        text = "" if pd.isna(text) else str(text)
        text = unicodedata.normalize("NFKC", quoted.sub(" . ", text))
        first: list[tuple[object, str] | None] = [None] * len(rules)
        mention: list[str | None] = [None] * len(rules)
        for toks in sentences(text):
            for hit in _matches(toks, index):
                for i, code in index.owners[hit]:
                    if code is _MENTION:
                        if mention[i] is None:
                            mention[i] = " ".join(hit)
                    elif first[i] is None:
                        first[i] = (code, " ".join(hit))
        for i, r in enumerate(rules):
            value, evidence = _decide(r, first[i], mention[i])
            out.append((rid, r.variable, value, evidence))
    return out


def _matches(toks: list[str], index: _VariantIndex) -> list[Tokens]:
    """The variants found in a list of tokens, in text order, longest first where they overlap."""
    found = []
    for pos in range(len(toks)):
        for k in range(1, min(index.longest, len(toks) - pos) + 1):
            t = tuple(toks[pos:pos + k])
            if t in index.owners:
                found.append((pos, t))
    taken = np.zeros(len(toks), dtype=bool)
    kept = []
    for pos, t in sorted(found, key=lambda x: (-len(x[1]), x[0])):
        if not taken[pos:pos + len(t)].any():
            taken[pos:pos + len(t)] = True
            kept.append((pos, t))
    return [t for _, t in sorted(kept)]


def _code_terms(terms: pd.DataFrame, rules: list[_Rule],
                index: _VariantIndex) -> list[tuple[str, str, object, object]]:
    out = []
    for rid, sub in terms.groupby("report_id", sort=True, observed=True):
        counts = dict(zip(sub["term"], sub["count"].to_numpy(dtype=np.float64)))
        raw: dict[Tokens, float] = {}
        for t in index.owners:
            if len(t) <= 2:
                raw[t] = counts.get(" ".join(t), 0.0)
            else:
                raw[t] = min(counts.get(f"{a} {b}", 0.0) for a, b in zip(t, t[1:]))
        # occurrences not inside a longer variant, longest first
        eff: dict[Tokens, float] = {}
        for t in index.by_length_desc:
            eff[t] = max(raw[t] - sum(eff[u] for u in index.containers[t]), 0.0)
        for i, r in enumerate(rules):
            first = None
            best = 0.0
            for code, variants in r.codes:
                total = sum(eff[t] for t in variants)
                if total > best:
                    used = sorted(((eff[t], " ".join(t)) for t in variants if eff[t] > 0),
                                  key=lambda x: (-x[0], x[1]))
                    best, first = total, (code, "; ".join(f"{w} ({n:g})" for n, w in used))
            mention = None
            m = [(eff[t], " ".join(t)) for t in r.mentions if eff[t] > 0]
            if m:
                mention = "; ".join(f"{w} ({n:g})" for n, w in sorted(m, key=lambda x: (-x[0], x[1])))
            value, evidence = _decide(r, first, mention)
            out.append((rid, r.variable, value, evidence))
    return out


# ---------------------------------------------------------------------------------------------
# agreement with human coders
# ---------------------------------------------------------------------------------------------

def lexicon_agreement(lex_codes: pd.DataFrame, final: pd.DataFrame, codebook: pd.DataFrame, *,
                      n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Krippendorff's alpha (nominal) between lexicon codes and consolidated human codes.

    Parameters
    ----------
    lex_codes : DataFrame
        ``report_id, variable, value`` as :func:`lexicon_code` returns (``coder`` ignored).
    final : DataFrame
        Consolidated human codes: ``report_id, variable, value`` (NaN: not coded or
        unresolved, left out).
    codebook : DataFrame
        ``variable, level, codes``.
    n_boot : int, default 1000
        Bootstrap resamples of reports for the interval; 0 for none.
    seed : int, default 0

    Returns
    -------
    DataFrame
        ``variable, alpha, ci_low, ci_high, n_units, n_pairable, percent_agreement, verdict,
        note``: one row per variable of ``lex_codes``, in codebook order. ``n_units`` counts
        reports with a value from either side, ``n_pairable`` those with both (only these enter
        alpha); ``verdict`` follows Krippendorff (2004): reliable from 0.800, tentative from
        0.667.

    Notes
    -----
    Computed by :func:`analysis.reliability.reliability` with the two "coders" ``lexicon``
    and ``consolidated``, at the nominal level whatever the codebook says (a label is a
    category). The tests check it against ``krippendorff.alpha(level_of_measurement=
    "nominal")``. Alpha here measures how far the lexicon can stand in for human coders on
    this event; it is not a reliability of the humans.

    References
    ----------
    Krippendorff, K. (2004). Content analysis: An introduction to its methodology (2nd ed.).
    Thousand Oaks, CA: Sage.
    """
    from .reliability import reliability

    check_columns(lex_codes, ("report_id", "variable", "value"), "lex_codes")
    check_columns(final, ("report_id", "variable", "value"), "final")
    check_columns(codebook, ("variable", "level", "codes"), "codebook")
    variables = [v for v in codebook["variable"] if v in set(lex_codes["variable"])]
    unknown = sorted(set(lex_codes["variable"]) - set(codebook["variable"]), key=str)
    if unknown:
        raise DataError(Problem("lex_codes", f"variable {unknown[0]} is not in the codebook",
                                column="variable", value=unknown[0], accepted="variables of the codebook"))
    if not variables:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in AGREEMENT_COLUMNS})
    cb = codebook[codebook["variable"].isin(variables)][["variable", "level", "codes"]]
    cb = cb.assign(level="nominal").reset_index(drop=True)
    codes = pd.concat([
        lex_codes[["report_id", "variable", "value"]].assign(coder=LEXICON_CODER),
        final.loc[final["variable"].isin(variables), ["report_id", "variable", "value"]].assign(coder=HUMAN_CODER),
    ], ignore_index=True)
    codes = codes.assign(report_id=codes["report_id"].astype(str))
    table = reliability(codes, cb, coders=[LEXICON_CODER, HUMAN_CODER], exclude=(), n_boot=n_boot,
                        seed=seed)
    return table[list(AGREEMENT_COLUMNS)].reset_index(drop=True)
