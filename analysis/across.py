"""Outlets across events: which outlets covered two or more events, where each stood on the
questions the events' codebooks share, and whether it stood in the same place each time.

Outlets of different event folders are matched on ``outlet_id`` (reports.csv). A *concept* is a
question that two codebooks ask alike: a ``compare_as`` key of a codebook variable, or an entry of
a mapping file (``data/compare/*.yaml``, format in data/README.md) that names each event's variable
and the code(s) that count as *positive*. An outlet's *position* on a concept in an event is the
share of its reports with a positive code, out of its reports coded on the variable (less those
whose code the mapping lists under ``exclude``), with a Wilson interval.

Every table function returns a DataFrame whose ``attrs["note"]`` is a sentence to show with it
("" when there is nothing to add). With no outlet shared by two events, every table is empty (with
its columns) and the note says so. Unreliable variables (verdict "unreliable") are never used; the
concept table names them.
"""
from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from .common import difference_interval, wilson_interval, with_note
from .concepts import (CONCEPT_COLUMNS, comparable_concepts, empty_mapping, event_id, left_out_sentence,
                       read_mapping, read_mappings)
from .errors import DataError, Problem
from .page import Page, derive_columns

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["SHARED_COLUMNS", "POSITION_COLUMNS", "CORRELATION_COLUMNS", "CHANGE_COLUMNS", "LINEAGES",
           "shared_outlets", "outlet_positions", "position_correlations", "position_changes", "findings",
           "EventSet", "open_events",
           # from analysis.concepts and analysis.common, where they are defined
           "CONCEPT_COLUMNS", "read_mapping", "read_mappings", "empty_mapping", "comparable_concepts",
           "left_out_sentence", "wilson_interval", "difference_interval"]

SHARED_COLUMNS = ["outlet_id", "outlet", "event", "n_reports", "n_own", "n_copy", "lineage"]
POSITION_COLUMNS = ["concept", "label", "event", "variable", "outlet_id", "outlet", "n_reports", "n", "k",
                    "position", "ci_low", "ci_high", "flag"]
CORRELATION_COLUMNS = ["concept", "label", "event_a", "event_b", "n_outlets", "rho", "ci_low", "ci_high",
                       "n_boot_defined"]
CHANGE_COLUMNS = ["concept", "label", "outlet_id", "outlet", "event_a", "event_b", "n_a", "position_a", "n_b",
                  "position_b", "difference", "ci_low", "ci_high", "verdict"]
LINEAGES = ("own reporting", "agency copy", "all")
# a rank correlation over fewer outlets says nothing (with 2 it is always +1 or -1)
MIN_OUTLETS = 3
# a bootstrap of rho over fewer outlets gives an interval of a few repeated values, not an interval
MIN_OUTLETS_INTERVAL = 10



def _empty(columns: list, note: str) -> pd.DataFrame:
    return with_note(pd.DataFrame(columns=columns), note)


# ---------------------------------------------------------------------------------------------
# outlets
# ---------------------------------------------------------------------------------------------

def _with_ids(page: Page) -> pd.DataFrame:
    """The event's reports with a cleaned ``outlet_id`` (lower case, no spaces) and ``lineage``."""
    r = derive_columns(page.event.reports)
    out = pd.DataFrame({"report_id": r["report_id"].astype(str), "outlet": r["outlet"].astype(str),
                        "lineage": r["lineage"]})
    ids = r["outlet_id"] if "outlet_id" in r else pd.Series(np.nan, index=r.index)
    out["outlet_id"] = ids.map(lambda v: str(v).strip().lower() if isinstance(v, str) and v.strip() else np.nan)
    return out


def shared_outlets(pages: Sequence[Page]) -> pd.DataFrame:
    """Outlets (by ``outlet_id``) with reports in two or more of the events.

    Parameters
    ----------
    pages : list of analysis.page.Page

    Returns
    -------
    DataFrame
        ``outlet_id, outlet, event, n_reports, n_own, n_copy, lineage``: one row per shared outlet
        and event it has reports in, outlets in ``outlet_id`` order and events in the order given.
        ``outlet`` is the outlet's name in that event (names joined by "; " when several);
        ``n_own`` and ``n_copy`` count own reporting and agency copy (a report naming a ``wire``
        or ``derived_from``); ``lineage`` says which of the two the outlet's reports are. Reports
        without an ``outlet_id`` are not matched. Empty, with a note, when no outlet is shared.
    """
    ids = [event_id(p) for p in pages]
    tables, missing = [], []
    for page in pages:
        r = _with_ids(page)
        if r["outlet_id"].notna().sum() == 0:
            missing.append(event_id(page))
            continue
        r = r[r["outlet_id"].notna()]
        g = r.groupby("outlet_id", sort=True)
        t = pd.DataFrame({"outlet": g["outlet"].agg(lambda s: "; ".join(dict.fromkeys(s))),
                          "n_reports": g.size(),
                          "n_own": g["lineage"].agg(lambda s: int((s == "own reporting").sum())),
                          "n_copy": g["lineage"].agg(lambda s: int((s == "agency copy").sum()))}).reset_index()
        t["event"] = event_id(page)
        tables.append(t)
    note = ""
    if missing:
        note = (f"{' and '.join(missing)} {'has' if len(missing) == 1 else 'have'} no outlet_id in reports.csv, so "
                f"{'its' if len(missing) == 1 else 'their'} outlets cannot be matched: add the column (the outlet's "
                "main web domain without www., see data/README.md).")
    if len(tables) < 2:
        return _empty(SHARED_COLUMNS, (note + " " if note else "") +
                      "No outlet can appear in two or more events: fewer than two events have outlet ids.")
    t = pd.concat(tables, ignore_index=True)
    counts = t.groupby("outlet_id")["event"].nunique()
    t = t[t["outlet_id"].isin(counts.index[counts >= 2])]
    if t.empty:
        return _empty(SHARED_COLUMNS, (note + " " if note else "") +
                      f"No outlet appears in two or more of the events ({', '.join(ids)}), matched on outlet_id.")
    t = t.assign(order=t["event"].map({e: i for i, e in enumerate(ids)})).sort_values(["outlet_id", "order"])
    t["lineage"] = [("own reporting and agency copy" if o and c else "own reporting" if o else "agency copy")
                    for o, c in zip(t["n_own"], t["n_copy"])]
    t[["n_reports", "n_own", "n_copy"]] = t[["n_reports", "n_own", "n_copy"]].astype(int)
    return with_note(t[SHARED_COLUMNS], note)



def outlet_positions(pages: Sequence[Page], concepts: pd.DataFrame, *, lineage: str = "own reporting",
                     level: float = 0.95) -> pd.DataFrame:
    """The position of each shared outlet on each concept in each event.

    Parameters
    ----------
    pages : list of analysis.page.Page
    concepts : DataFrame
        :func:`comparable_concepts`; only rows with ``used`` True are drawn on.
    lineage : {"own reporting", "agency copy", "all"}
        Which of the outlet's reports count. Agency copy carries the agency's words, not the
        outlet's, so the default counts own reporting only.
    level : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        ``concept, label, event, variable, outlet_id, outlet, n_reports, n, k, position, ci_low,
        ci_high, flag``: one row per concept, event and shared outlet with ``n_reports`` > 0
        reports of that lineage in the event. ``n`` of them have a consolidated code on the
        variable that is not excluded, ``k`` of those a positive code; ``position = k / n``
        (NaN when ``n`` is 0) with its Wilson interval (:func:`wilson_interval`). ``flag`` is the
        variable's reliability flag in that event ("" when reliable). Empty, with a note, when
        no outlet is shared or no concept is usable.
    """
    if lineage not in LINEAGES:
        raise ValueError(f"lineage must be one of {', '.join(LINEAGES)}, not {lineage!r}")
    shared = shared_outlets(pages)
    if shared.empty:
        return _empty(POSITION_COLUMNS, shared.attrs["note"])
    used = concepts[concepts["used"].astype(bool)]
    if used.empty:
        return _empty(POSITION_COLUMNS, "No concept can be compared: " + (left_out_sentence(concepts)
                                                                         or "the events share no concept."))
    names = shared.drop_duplicates("outlet_id").set_index("outlet_id")["outlet"]
    rows = []
    for page in pages:
        event = event_id(page)
        r = _with_ids(page)
        r = r[r["outlet_id"].isin(names.index)]
        if lineage != "all":
            r = r[r["lineage"] == lineage]
        if r.empty:
            continue
        final = page.final[page.final["report_id"].astype(str).isin(r["report_id"])]
        for c in used[used["event"] == event].itertuples(index=False):
            part = final[final["variable"].astype(str) == c.variable]
            code = dict(zip(part["report_id"].astype(str), part["value"]))
            flag = page.flag(c.variable)
            for outlet_id, reports in r.groupby("outlet_id", sort=True):
                values = [str(code[x]) for x in reports["report_id"] if pd.notna(code.get(x))]
                values = [v for v in values if v not in c.exclude]
                k = sum(v in c.positive for v in values)
                rows.append({"concept": c.concept, "label": c.label, "event": event, "variable": c.variable,
                             "outlet_id": outlet_id, "outlet": names[outlet_id], "n_reports": len(reports),
                             "n": len(values), "k": k, "flag": flag})
    if not rows:
        return _empty(POSITION_COLUMNS, f"None of the {len(names)} shared outlets has {lineage} in the events; "
                                        "set lineage = \"all\" to count agency copy too.")
    t = pd.DataFrame(rows)
    order = {c: i for i, c in enumerate(dict.fromkeys(used["concept"]))}
    t = t.assign(o=t["concept"].map(order)).sort_values(["o", "outlet_id"], kind="stable").drop(columns="o")
    t["position"] = np.where(t["n"] > 0, t["k"] / t["n"].where(t["n"] > 0, 1), np.nan)
    t["ci_low"], t["ci_high"] = wilson_interval(t["k"], t["n"], level=level)
    t[["n_reports", "n", "k"]] = t[["n_reports", "n", "k"]].astype(int)
    out = with_note(t[POSITION_COLUMNS])
    out.attrs["events"] = [event_id(p) for p in pages]
    return out


def _pairs(positions: pd.DataFrame) -> list:
    """Pairs of events in the order of ``attrs["events"]`` (set by outlet_positions), else of appearance."""
    order = positions.attrs.get("events") or list(dict.fromkeys(positions["event"]))
    present = set(positions["event"])
    return list(combinations([e for e in order if e in present], 2))


def _spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman's rho of each row pair (average ranks for ties); NaN where a row is constant."""
    rx, ry = stats.rankdata(x, axis=1), stats.rankdata(y, axis=1)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    num = (rx * ry).sum(axis=1)
    den = np.sqrt((rx**2).sum(axis=1) * (ry**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 1e-12, num / np.where(den > 1e-12, den, 1.0), np.nan)


def position_correlations(positions: pd.DataFrame, *, n_boot: int = 1000, seed: int = 0,
                          level: float = 0.95) -> pd.DataFrame:
    """Whether outlets keep their order from one event to the next: Spearman's rho of positions.

    Parameters
    ----------
    positions : DataFrame
        :func:`outlet_positions`.
    n_boot, seed : int
        Bootstrap resamples of the outlets and their seed.
    level : float
        Level of the percentile interval.

    Returns
    -------
    DataFrame
        ``concept, label, event_a, event_b, n_outlets, rho, ci_low, ci_high, n_boot_defined``: one
        row per concept and pair of events (in the order the events first appear), over the
        ``n_outlets`` outlets with a position in both. ``rho`` is Spearman's rank correlation
        (scipy.stats.spearmanr, average ranks for ties); the interval is the percentile interval
        of rho over ``n_boot`` resamples of the outlets with replacement (drawn by
        ``numpy.random.default_rng([seed, zlib.crc32(concept), pair number])``), of which
        ``n_boot_defined`` had a defined rho (a resample whose positions are all equal in one
        event has none). rho is NaN with fewer than ``MIN_OUTLETS`` (3) outlets, or when the
        positions of one event are all equal; the interval is NaN with fewer than
        ``MIN_OUTLETS_INTERVAL`` (10) outlets, where resamples repeat a handful of values. Empty,
        with a note, when no outlet has a position in two events.

    Notes
    -----
    With a handful of outlets the interval is wide and the bootstrap distribution lumpy: read
    ``n_outlets`` first (Efron and Tibshirani 1993, ch. 13, on percentile intervals).
    """
    defined = positions[positions["position"].notna()] if len(positions) else positions
    rows = []
    for concept, part in defined.groupby("concept", sort=False):
        for pair, (a, b) in enumerate(_pairs(positions)):
            wide = part.pivot(index="outlet_id", columns="event", values="position")
            if a not in wide or b not in wide:
                continue
            both = wide[[a, b]].dropna()
            x, y = both[a].to_numpy(float), both[b].to_numpy(float)
            row = {"concept": concept, "label": part["label"].iloc[0], "event_a": a, "event_b": b,
                   "n_outlets": len(both), "rho": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n_boot_defined": 0}
            if len(both) >= MIN_OUTLETS and np.ptp(x) > 0 and np.ptp(y) > 0:
                row["rho"] = float(stats.spearmanr(x, y).statistic)
                if n_boot > 0 and len(both) >= MIN_OUTLETS_INTERVAL:
                    # draws of their own per concept and pair: another concept never shifts them
                    rng = np.random.default_rng([seed, zlib.crc32(str(concept).encode("utf-8")), pair])
                    idx = rng.integers(0, len(x), size=(n_boot, len(x)))
                    rho = _spearman_rows(x[idx], y[idx])
                    rho = rho[~np.isnan(rho)]
                    row["n_boot_defined"] = len(rho)
                    if len(rho):
                        row["ci_low"], row["ci_high"] = np.quantile(rho, [(1 - level) / 2, (1 + level) / 2])
            rows.append(row)
    if not rows:
        return _empty(CORRELATION_COLUMNS, positions.attrs.get("note") or
                      "No outlet has a position in two events, so there is nothing to correlate.")
    t = pd.DataFrame(rows, columns=CORRELATION_COLUMNS)
    note = ""
    if t["rho"].isna().all():
        note = (f"No correlation can be computed: it needs at least {MIN_OUTLETS} outlets with a position in both "
                f"events whose positions are not all equal; at most {_n(int(t['n_outlets'].max()), 'outlet')} "
                f"{'has' if int(t['n_outlets'].max()) == 1 else 'have'} one.")
    elif t["ci_low"].isna().any():
        note = (f"A correlation over fewer than {MIN_OUTLETS_INTERVAL} outlets has no interval: resamples of so few "
                "outlets repeat a handful of values. Read rho with its n.")
    return with_note(t, note)



def position_changes(positions: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """How far each shared outlet moved on each concept from one event to another.

    Parameters
    ----------
    positions : DataFrame
        :func:`outlet_positions`.
    level : float
        Confidence level of the interval of the difference.

    Returns
    -------
    DataFrame
        ``concept, label, outlet_id, outlet, event_a, event_b, n_a, position_a, n_b, position_b,
        difference, ci_low, ci_high, verdict``: one row per concept, pair of events and outlet
        with reports in both. ``difference = position_b - position_a`` with Newcombe's interval
        (:func:`difference_interval`). ``verdict``: "changed" when the interval excludes 0,
        "consistent" when both positions are defined and it includes 0 (with few reports this
        says the data cannot tell a change, not that there was none), "undefined" when a
        position is missing. Sorted by the size of the difference, largest first (undefined
        last). Empty, with a note, when no outlet has reports in two events.
    """
    rows = []
    for (concept, outlet_id), part in positions.groupby(["concept", "outlet_id"], sort=False):
        by_event = part.set_index("event")
        for a, b in _pairs(positions):
            if a not in by_event.index or b not in by_event.index:
                continue
            ra, rb = by_event.loc[a], by_event.loc[b]
            rows.append({"concept": concept, "label": ra["label"], "outlet_id": outlet_id, "outlet": ra["outlet"],
                         "event_a": a, "event_b": b, "n_a": int(ra["n"]), "k_a": int(ra["k"]),
                         "position_a": ra["position"], "n_b": int(rb["n"]), "k_b": int(rb["k"]),
                         "position_b": rb["position"]})
    if not rows:
        return _empty(CHANGE_COLUMNS, positions.attrs.get("note") or
                      "No outlet has reports in two events, so no change can be measured.")
    t = pd.DataFrame(rows)
    t["difference"] = t["position_b"] - t["position_a"]
    t["ci_low"], t["ci_high"] = difference_interval(t["k_a"], t["n_a"], t["k_b"], t["n_b"], level=level)
    t["verdict"] = np.select([t["difference"].isna(), (t["ci_low"] > 0) | (t["ci_high"] < 0)],
                             ["undefined", "changed"], "consistent")
    t = t.assign(size=t["difference"].abs().fillna(-1)).sort_values("size", ascending=False, kind="stable")
    return with_note(t[CHANGE_COLUMNS])


# ---------------------------------------------------------------------------------------------
# the page
# ---------------------------------------------------------------------------------------------

def _n(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


# findings name the shared outlets one by one up to this many; beyond it they point to the table
MAX_NAMED = 8


def _share(x: float) -> str:
    return f"{x:.2f}"


def findings(pages: Sequence[Page], concepts: pd.DataFrame, *, lineage: str = "own reporting", n_boot: int = 1000,
             seed: int = 0) -> list:
    """What the cross-event page finds, in sentences with counts and n (Markdown).

    Computed from :func:`shared_outlets`, :func:`outlet_positions`,
    :func:`position_correlations` and :func:`position_changes` with the same options; the
    sentences name how few outlets the comparison rests on.
    """
    sizes = " and ".join(f"{len(p.event.reports)} ({event_id(p)})" for p in pages)
    shared = shared_outlets(pages)
    if shared.empty:
        return [shared.attrs["note"] + f" Reports: {sizes}."]
    out = []
    per = shared.groupby("outlet_id", sort=False)
    held = shared.groupby("event", sort=False)["n_reports"].sum()
    share = " and ".join(f"{int(held.get(event_id(p), 0))} of the {len(p.event.reports)} reports of {event_id(p)}"
                         for p in pages)
    if per.ngroups <= MAX_NAMED:
        names = [f"{g['outlet'].iloc[0]} (" + "; ".join(f"{e}: {_n(n, 'report')}, {lin}" for e, n, lin in
                                                       zip(g["event"], g["n_reports"], g["lineage"])) + ")"
                 for _, g in per]
        listed = ": " + "; ".join(names)
    else:
        listed = " (the table below lists each with its reports per event)"
    out.append(f"{_n(per.ngroups, 'outlet')} appear in two or more of the events, matched on outlet_id{listed}. "
               f"Their reports are {share}.")
    positions = outlet_positions(pages, concepts, lineage=lineage)
    if lineage != "all":
        both = positions.groupby("outlet_id")["event"].nunique() if len(positions) else pd.Series(dtype=int)
        n_both = int((both >= 2).sum())
        out.append(f"{_n(n_both, 'outlet')} {'has' if n_both == 1 else 'have'} {lineage} in two events; positions "
                   f"count {lineage} only (agency copy carries the agency's words; set lineage = \"all\" to count "
                   "every report).")
    used = concepts.loc[concepts["used"].astype(bool), "concept"].nunique()
    out.append(f"{_n(used, 'concept')} of {concepts['concept'].nunique()} declared can be compared. "
               + left_out_sentence(concepts))
    corr = position_correlations(positions, n_boot=n_boot, seed=seed)
    ok = corr[corr["rho"].notna()] if len(corr) else corr
    if len(ok):
        best = ok.loc[ok["rho"].abs().idxmax()]
        interval = (f"95% interval {best['ci_low']:.2f} to {best['ci_high']:.2f}, " if pd.notna(best["ci_low"])
                    else f"no interval below {MIN_OUTLETS_INTERVAL} outlets, ")
        out.append(f"Rank correlations of positions between events are defined for {_n(len(ok), 'concept')} "
                   f"(median rho {ok['rho'].median():.2f}); the strongest, {best['label']}, has rho "
                   f"{best['rho']:.2f} ({interval}{_n(int(best['n_outlets']), 'outlet')}).")
    else:
        out.append(corr.attrs.get("note") or "No correlation can be computed.")
    moved = position_changes(positions)
    if len(moved):
        n_changed = int((moved["verdict"] == "changed").sum())
        n_same = int((moved["verdict"] == "consistent").sum())
        text = (f"Of {_n(len(moved), 'outlet-concept pair')} with reports in two events, {n_changed} changed "
                f"(the 95% interval of the difference excludes 0) and {n_same} are consistent (it includes 0)")
        if n_changed:
            top = moved[moved["verdict"] == "changed"].iloc[0]
            text += (f"; the largest change: {top['outlet']} on {top['label']}, from {_share(top['position_a'])} "
                     f"(n = {top['n_a']}) in {top['event_a']} to {_share(top['position_b'])} (n = {top['n_b']}) in "
                     f"{top['event_b']}")
        small = int(moved[["n_a", "n_b"]].min(axis=1).max())
        out.append(text + f". With at most {_n(small, 'report')} on the smaller side, 'consistent' mostly means "
                   "the data cannot tell a change, not that the outlet did not move.")
    return out


def _say(text: str) -> None:
    from IPython.display import Markdown, display

    display(Markdown(text))


@dataclass
class EventSet:
    """The shared state of the cross-event page (see :func:`open_events`)."""

    pages: tuple
    concepts: pd.DataFrame
    source: str
    mapping_files: tuple = ()
    figures_dir: str | Path | None = None

    @property
    def ids(self) -> list:
        """The event ids, in the order given."""
        return [event_id(p) for p in self.pages]

    def say(self, text: str) -> None:
        """Show a sentence (Markdown) on the page."""
        _say(text)

    def findings(self, sentences: list) -> None:
        """Show the page's findings as a list of sentences."""
        _say("\n".join(f"- {s}" for s in sentences) if sentences else "Nothing to find: the events share no outlet.")

    def nonempty(self, table: pd.DataFrame) -> bool:
        """True when ``table`` has rows; else show its note."""
        if len(table):
            return True
        _say(table.attrs.get("note") or "Nothing to show here.")
        return False

    def check(self, table: pd.DataFrame, column: str) -> bool:
        """True when ``column`` of ``table`` has a value; else show the table's note."""
        if table[column].notna().any():
            if table.attrs.get("note"):
                _say(table.attrs["note"])
            return True
        _say(table.attrs.get("note") or f"Nothing to show here: no {column} could be computed.")
        return False

    def describe(self) -> None:
        """Show which events are compared, on which concepts, and from which mapping files."""
        events = "; ".join(f"{event_id(p)}, {p.event.meta.get('title', '')} ({_n(len(p.event.reports), 'report')})"
                           for p in self.pages)
        files = (f" Concepts come from the codebooks' compare_as keys and {', '.join(self.mapping_files)}."
                 if self.mapping_files else " Concepts come from the codebooks' compare_as keys.")
        _say(f"Events compared: {events}.{files}")

    def table(self, frame: pd.DataFrame, *, decimals: int = 2) -> pd.DataFrame:
        """A table for the reader: numbers rounded, tuples of codes as text, no row numbers."""
        t = frame.copy()
        for col in t.columns:
            if pd.api.types.is_float_dtype(t[col]):
                t[col] = ["" if pd.isna(x) else f"{x:.{decimals}f}" for x in t[col]]
            elif t[col].map(lambda v: isinstance(v, tuple)).any():
                t[col] = t[col].map(lambda v: ", ".join(v) if isinstance(v, tuple) else "")
        return t.set_index(t.columns[0])

    def save(self, ax: Axes, name: str) -> None:
        """Save a chart under the page's figures folder (when the main job set one)."""
        from .plotting import save

        save(ax, name, self.figures_dir)


def open_events(event_dirs: Sequence[str | Path], *, compare: str | Path | None = None, n_boot: int = 1000,
                seed: int = 0, figures_dir: str | Path | None = None) -> EventSet:
    """Load two or more events and the concepts they share.

    Parameters
    ----------
    event_dirs : list of str or Path
        The event folders, in the order they are compared.
    compare : str or Path, optional
        A mapping file or a folder of them; default the folder ``compare`` beside the first
        event folder, when there is one (``data/compare/`` for the bundled events).
    n_boot, seed : int
        Bootstrap resamples and seed of the reliability intervals (verdicts need them).
    figures_dir : str, optional
        Where charts are saved.
    """
    from .page import open_page
    from .plotting import source_line

    dirs = [Path(d) for d in event_dirs]
    pages = tuple(open_page(d, n_boot=n_boot, seed=seed) for d in dirs)
    ids = [event_id(p) for p in pages]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise DataError(Problem("event.yaml", f"two event folders have the id {twice[0]}", column="id",
                                value=twice[0], accepted="one folder per event id"))
    where = Path(compare) if compare else (dirs[0].parent / "compare" if dirs else None)
    mapping = read_mappings(where) if where is not None else empty_mapping()
    concepts = comparable_concepts(pages, mapping=mapping)
    files = tuple(sorted(set(mapping.loc[mapping["event"].isin(ids), "file"])))
    source = source_line(" and ".join(ids), sum(len(p.event.reports) for p in pages))
    return EventSet(pages=pages, concepts=concepts, source=source, mapping_files=files,
                    figures_dir=figures_dir)
