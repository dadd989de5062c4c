"""Check and type the judgements of the coding sheets, and build ``Event.codes``.

Every step works on whole columns of category codes; Python loops run only over problems shown
(at most 200 of a kind) and over distinct texts or (variable, text) pairs, so that ten million
judgements are checked in seconds.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._columns import Cells, compact, key_codes, map_pairs, sort_order
from .cells import map_distinct
from .common import is_blank
from .errors import Problem
from .event_sheets import CODE_COLUMNS, EVIDENCE_SUFFIX, LongRows, closest
from .text import evidence_words

__all__ = ["MAX_EVIDENCE_WORDS", "CheckedCodes", "validate_codes", "codes_frame", "used_order"]

MAX_EVIDENCE_WORDS = 12
MAX_SHOWN = 200  # problems listed per kind; the rest are counted


@dataclass
class CheckedCodes:
    """The long judgements, typed and checked.

    Attributes
    ----------
    keys : dict
        ``report_id, coder, variable``: each column's ``(codes, uniques)``.
    value : ndarray
        The typed value per row: the codebook's code, a float, or NaN.
    evidence : (ndarray, ndarray)
        Codes per row, and per code the stripped text or None.
    bad : ndarray of bool
        Rows with a problem.
    judged : ndarray of bool
        Rows with a value or evidence (the others are blank cells).
    problems : list of Problem
        In file and row order.
    order : ndarray of int or None
        The order of all rows sorted by report_id, coder, variable; None when a key is not text.
    """

    keys: dict[str, tuple[np.ndarray, np.ndarray]]
    value: np.ndarray
    evidence: tuple[np.ndarray, np.ndarray]
    bad: np.ndarray
    judged: np.ndarray
    problems: list[Problem]
    order: np.ndarray | None


def validate_codes(long: LongRows, codebook: pd.DataFrame, report_ids: set[str], max_words: int,
                   reports_file: str = "reports.csv") -> CheckedCodes:
    """Type and check long judgements against the codebook and the reports."""
    checks = _Checks(long, reports_file)
    known = checks.keys(codebook, report_ids)
    blank = checks.values(codebook, known)
    has_ev, evidence = checks.evidence(max_words)
    judged = ~(blank & ~has_ev)
    order = checks.duplicates(judged)
    problems = checks.problems
    # in file and row order, as the user will walk through them ("... more" notes last in their file)
    problems.sort(key=lambda p: (p.file, p.row is None, p.row or 0))
    keys = {"report_id": checks.rid_f, "coder": checks.coder_f, "variable": checks.var_f}
    return CheckedCodes(keys, checks.value, evidence, checks.bad, judged, problems, order)


def _has_spaces(u: object) -> bool:
    """As ``s != s.str.strip()``: text with spaces around it, and anything that is not text."""
    return not isinstance(u, str) or u != u.strip()


def _fmt_codes(codes: Sequence[object]) -> str:
    shown = ", ".join(map(str, codes[:12]))
    return shown + (f", ... ({len(codes)} codes)" if len(codes) > 12 else "")


def _key_frame(long: LongRows) -> pd.DataFrame:
    """The key columns of the long rows as text (for the rare paths that compare rows)."""
    return pd.DataFrame({c: np.asarray(long[c], dtype=object) for c in ("report_id", "coder", "variable")})


class _Checks:
    """The checks of long judgements, each on whole columns; a row with a problem is ``bad``.

    The key columns come categorical from the reader: their codes serve the checks, the
    duplicates and the sort, and a cell's text is looked up only to be shown.
    """

    def __init__(self, long: LongRows, reports_file: str):
        self.long, self.reports_file = long, reports_file
        self.n = n = len(long["_row"])
        self.rows = long["_row"]
        self.bad = np.zeros(n, dtype=bool)
        self.problems: list[Problem] = []
        self.files = Cells(*key_codes(long["_file"], False))
        self.rid_f, self.coder_f, self.var_f = (key_codes(long[c], False) for c in ("report_id", "coder", "variable"))
        self.raw_f, self.vcol_f = key_codes(long["value"], False), key_codes(long["_vcol"], False)
        self.rid, self.coder, self.var, self.raw, self.vcol = (
            Cells(*x) for x in (self.rid_f, self.coder_f, self.var_f, self.raw_f, self.vcol_f))
        self.value = np.full(n, np.nan, dtype=object)

    def report(self, mask: np.ndarray, message_fn: Callable[[int], str], column_fn: Callable[[int], object],
               accepted_fn: Callable[[int], str], value_fn: Callable[[int], object]) -> None:
        """A problem per row of ``mask`` not yet bad (the first ``MAX_SHOWN``); the rows become bad."""
        idx = np.flatnonzero(mask & ~self.bad)
        for i in idx[:MAX_SHOWN]:
            self.problems.append(Problem(str(self.files[i]), message_fn(i), row=int(self.rows[i]),
                                         column=str(column_fn(i)), value=value_fn(i), accepted=accepted_fn(i)))
        if len(idx) > MAX_SHOWN:
            self.problems.append(Problem(str(self.files[idx[0]]),
                                         f"... {len(idx) - MAX_SHOWN} more rows with the same kind of problem"))
        self.bad[idx] = True

    def keys(self, codebook: pd.DataFrame, report_ids: set[str]) -> pd.DataFrame:
        """Empty ids and names, coders with spaces, unknown reports and variables.

        Returns the codebook indexed by variable.
        """
        rid, coder, var = self.rid, self.coder, self.var
        self.report(map_distinct(None, is_blank, dtype=bool, factorized=self.rid_f),
                    lambda i: "report_id is empty", lambda i: "report_id",
                    lambda i: "the report_id of a report in reports.csv", lambda i: "")
        self.report(map_distinct(None, is_blank, dtype=bool, factorized=self.coder_f),
                    lambda i: "coder is empty", lambda i: "coder", lambda i: "the coder's name", lambda i: "")
        self.report(map_distinct(None, _has_spaces, dtype=bool, factorized=self.coder_f),
                    lambda i: f"coder '{coder[i]}' has leading or trailing spaces",
                    lambda i: "coder", lambda i: f"'{str(coder[i]).strip()}'", lambda i: coder[i])
        known_reports = np.array(sorted(report_ids), dtype=object)
        in_reports = pd.Index(self.rid_f[1]).isin(known_reports)[self.rid_f[0]]
        reports_file = self.reports_file

        def hint(word: object, options: Iterable[object]) -> str:
            sugg = closest(str(word), options)
            return f"did you mean '{sugg}'? " if sugg else ""

        self.report(~in_reports, lambda i: f"report_id '{rid[i]}' is not in {reports_file}",
                    lambda i: "report_id",
                    lambda i: hint(rid[i], report_ids) + f"add the report to {reports_file} or correct the id",
                    lambda i: rid[i])
        known = codebook.set_index("variable")
        in_cb = pd.Index(self.var_f[1]).isin(known.index)[self.var_f[0]]
        self.report(~in_cb, lambda i: f"variable '{var[i]}' is not in the codebook", lambda i: "variable",
                    lambda i: hint(var[i], known.index) + "a variable name of codebook.yaml", lambda i: var[i])
        return known

    def values(self, codebook: pd.DataFrame, known: pd.DataFrame) -> np.ndarray:
        """Type the values: a code of the codebook, or a number. Returns the blank cells."""
        blank = map_distinct(None, is_blank, dtype=bool, factorized=self.raw_f)
        var_level = pd.Series(self.var_f[1], dtype=object).map(known["level"]).to_numpy(dtype=object)
        categorical = np.isin(var_level, ["nominal", "ordinal"])[self.var_f[0]]
        numeric = np.isin(var_level, ["interval", "ratio"])[self.var_f[0]]
        # Codes are matched as written: 'Yes ' or 'YES' for 'yes' is refused, with the exact code in the
        # message, because a silent normalisation could merge codes that a codebook keeps apart.
        cat_idx = np.flatnonzero(categorical & ~blank & ~self.bad)
        if len(cat_idx):
            self._codes(cat_idx, codebook)
        num_idx = np.flatnonzero(numeric & ~blank & ~self.bad)
        if len(num_idx):
            self._numbers(num_idx, var_level)
        self.value[numeric & blank] = np.nan
        return blank

    def _codes(self, cat_idx: np.ndarray, codebook: pd.DataFrame) -> None:
        """Values of nominal and ordinal variables: the codebook's own code object, or a problem."""
        var, raw, vcol, var_f, raw_f = self.var, self.raw, self.vcol, self.var_f, self.raw_f
        lookup = {(v, str(c)): c for v, codes in zip(codebook["variable"], codebook["codes"]) for c in codes}
        codes_of, ok = map_pairs(var_f[0][cat_idx], var_f[1], raw_f[0][cat_idx], raw_f[1], lookup)
        self.value[cat_idx[ok]] = codes_of[ok]
        notok = np.zeros(self.n, dtype=bool)
        notok[cat_idx[~ok]] = True
        cb_codes = dict(zip(codebook["variable"], codebook["codes"]))

        def accepted(i: int) -> str:
            codes = cb_codes[var[i]]
            hint = [c for c in codes if str(c).strip().lower() == str(raw[i]).strip().lower()]
            pre = (f"did you mean '{hint[0]}'? codes are matched exactly as written in the codebook "
                   "(spaces and upper/lower case count); " if hint else "")
            return pre + f"codes are {_fmt_codes(codes)}"

        self.report(notok, lambda i: f"'{raw[i]}' is not a code of {var[i]}", lambda i: vcol[i], accepted,
                    lambda i: raw[i])

    def _numbers(self, num_idx: np.ndarray, var_level: np.ndarray) -> None:
        """Values of interval and ratio variables: a finite number (>= 0 for ratio), or a problem."""
        var, raw, vcol, var_f, raw_f = self.var, self.raw, self.vcol, self.var_f, self.raw_f
        lvl = Cells(var_f[0], var_level)
        # parsed once per distinct text, by pandas' own parser for a whole array
        used = np.zeros(len(raw_f[1]), dtype=bool)
        used[raw_f[0][num_idx]] = True
        parsed = np.full(len(raw_f[1]), np.nan)
        parsed[used] = pd.to_numeric(pd.Series(raw_f[1][used], dtype=object).str.strip(),
                                     errors="coerce").to_numpy(dtype=float)
        nums = parsed[raw_f[0][num_idx]]
        finite = np.isfinite(nums)
        notnum = np.zeros(self.n, dtype=bool)
        notnum[num_idx[~finite]] = True
        self.report(notnum, lambda i: f"'{raw[i]}' is not a number ({var[i]} is {lvl[i]})", lambda i: vcol[i],
                    lambda i: "a number written with digits and a decimal point, without thousands separators",
                    lambda i: raw[i])
        self.value[num_idx[finite]] = nums[finite]
        is_ratio = (var_level == "ratio")[var_f[0][num_idx]]
        neg = np.zeros(self.n, dtype=bool)
        neg[num_idx[finite & (nums < 0) & is_ratio]] = True
        self.report(neg, lambda i: f"{raw[i]} is negative, and {var[i]} is a ratio variable", lambda i: vcol[i],
                    lambda i: "zero or a positive number", lambda i: raw[i])

    def evidence(self, max_words: int) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
        """Evidence of at most ``max_words`` words. Returns whether each row has evidence, and the
        evidence as codes per row and, per code, the stripped text or None."""
        vcol = self.vcol
        ev_f = key_codes(self.long["evidence"], False)
        ev_text = np.array([str(u).strip() for u in ev_f[1]], dtype=object)
        has_ev_u = np.array([t != "" for t in ev_text], dtype=bool)
        has_ev = has_ev_u[ev_f[0]] if len(ev_text) else np.zeros(self.n, dtype=bool)
        if has_ev.any():
            words_u = np.array([evidence_words(t) for t in ev_text], dtype=np.int64)
            words = Cells(ev_f[0], words_u)
            evidence = Cells(ev_f[0], ev_text)
            self.report(has_ev & (words_u[ev_f[0]] > max_words), lambda i: f"evidence has {words[i]} words",
                        lambda i: f"{vcol[i]}{EVIDENCE_SUFFIX}" if vcol[i] != "value" else "evidence",
                        lambda i: (f"at most {max_words} words quoted from the report (no article text is stored; "
                                   f"in Chinese, Japanese or Thai script two characters count as a word)"),
                        lambda i: str(evidence[i])[:60])
        snippets = ev_text.copy()
        snippets[~has_ev_u] = None
        return has_ev, (ev_f[0], snippets)

    def duplicates(self, judged: np.ndarray) -> np.ndarray | None:
        """A judgement repeated (same report, coder, variable) is a problem of the later rows.

        Returns the order of all rows sorted by their key (None when a key is not text).
        """
        n = self.n
        # one integer per (report_id, coder, variable), from the category codes
        sorted_keys = sort_order(self.rid_f, self.coder_f, self.var_f)
        if sorted_keys is None:
            order = None
            dup = _key_frame(self.long).duplicated(keep=False).to_numpy()
        else:
            # equal keys are neighbours in sorted order: a row is repeated if it equals either one
            order, same = sorted_keys
            near = np.zeros(n, dtype=bool)
            near[1:] |= same
            near[:-1] |= same
            dup = np.empty(n, dtype=bool)
            dup[order] = near
        dup &= judged
        if dup.any():
            self._report_again(np.flatnonzero(dup))
        return order

    def _report_again(self, idx: np.ndarray) -> None:
        """The first judgement (in file order, then row order) stands; later ones are problems."""
        n, files, rows = self.n, self.files, self.rows
        coder, var, rid, vcol, raw = self.coder, self.var, self.rid, self.vcol, self.raw
        keys = _key_frame(self.long).iloc[idx].reset_index(drop=True)
        groups = keys.assign(_file=np.asarray(files.uniques[files.codes[idx]], dtype=object),
                             _row=rows[idx]).groupby(["report_id", "coder", "variable"], sort=False, observed=True)
        first_file = np.empty(n, dtype=object)
        first_row = np.zeros(n, dtype=np.int64)
        first_file[idx] = groups["_file"].transform("first").to_numpy(dtype=object)
        first_row[idx] = groups["_row"].transform("first").to_numpy(dtype=np.int64)
        again = np.zeros(n, dtype=bool)
        again[idx[groups.cumcount().to_numpy() > 0]] = True
        self.report(again, lambda i: f"{coder[i]} coded {var[i]} of report {rid[i]} again "
                    f"(first at {first_file[i]}, row {first_row[i]})",
                    lambda i: vcol[i], lambda i: "one judgement per report, coder and variable; delete one of them",
                    lambda i: raw[i])


def used_order(long: LongRows, checked: CheckedCodes, used: np.ndarray) -> np.ndarray:
    """The rows ``used``, sorted by report_id, coder, variable (stable: file, then row order)."""
    if checked.order is None:
        frame = _key_frame(long).assign(_i=np.arange(len(long["_row"])))
        return frame[used].sort_values(["report_id", "coder", "variable"], kind="stable")["_i"].to_numpy()
    return checked.order[used[checked.order]]  # sorted on integer ranks: the order of all rows


def codes_frame(checked: CheckedCodes, rows: np.ndarray) -> pd.DataFrame:
    """The judgements ``rows`` (in that order) as Event.codes: keys categorical, sorted categories.

    Only the texts used stay categories, sorted, so that sorting by a key column sorts by text.
    """
    out: dict[str, object] = {col: compact(*checked.keys[col], rows) for col in ("report_id", "coder", "variable")}
    # evidence: categorical of the stripped snippets, NaN where there is none (most cells)
    ev_codes, ev_text = checked.evidence
    has = np.array([t is not None for t in ev_text], dtype=bool)
    snippets = np.unique(ev_text[has]) if has.any() else np.zeros(0, dtype=object)
    code_of = np.full(len(ev_text) + 1, -1, dtype=np.int32)
    if has.any():
        code_of[np.flatnonzero(has)] = np.searchsorted(snippets, ev_text[has])
    ev_rows = ev_codes[rows] if len(ev_text) else np.full(len(rows), len(ev_text))
    out["evidence"] = pd.Categorical.from_codes(code_of[ev_rows], pd.Index(snippets, dtype=object))
    # an object Series: pandas would otherwise scan millions of cells for dates
    out["value"] = pd.Series(checked.value[rows], dtype=object, copy=False)
    return pd.DataFrame(out, columns=CODE_COLUMNS, copy=False)
