"""What every notebook page starts from: the event, its consolidated codes, reliability verdicts,
the grouping of reports, and plain sentences for sections that have nothing to show.

A page opens with :func:`open_page`; its sections ask :meth:`Page.can` whether the folder holds
what they need (a role of the codebook, a report column, term counts, a grouping) and, when it
does not, :meth:`Page.can` says so in one sentence that names what is missing and how to add it.
These are checks of what the folder holds, never caught exceptions.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .events import Event, load_event
from .plotting import save, source_line
from .reliability import consolidate, independent_coders, reliability

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# a group smaller than this is shown with its n but kept out of rankings and of the default grouping
MIN_GROUP = 5
# a grouping column whose largest group holds more than this share of reports compares little
MAX_SHARE = 0.8
# candidate grouping columns, in the order tried by choose_grouping (region and lineage are derived)
GROUPINGS = ("outlet_type", "region", "language", "lineage", "outlet_country")
ROLE_WORDS = {
    "frame_item": "frame items (role frame_item)", "claim": "claims (role claim)",
    "label": "labels (role label)", "figure": "figures (role figure)", "fact": "facts (role fact)",
    "source": "sources (role source)",
}
FLAG_TEXT = {"reliable": "", "tentative": "tentative", "unreliable": "unreliable",
             "unknown": "reliability unknown", "not measured": "reliability not measured"}


@lru_cache(maxsize=1)
def _regions() -> dict:
    """ISO 3166-1 alpha-2 -> UN M49 region (Africa, Americas, Asia, Europe, Oceania)."""
    import country_converter

    data = country_converter.CountryConverter().data
    names = data["continent"].replace({"America": "Americas"})
    out = {}
    # a few ISO2 cells are patterns, e.g. the United Kingdom's "^GB$|^UK$"
    for codes, region in zip(data["ISO2"].astype(str), names.astype(str)):
        for code in codes.split("|"):
            out[code.strip("^$ ")] = region
    return out


def _own_agency(reports: pd.DataFrame) -> np.ndarray:
    """True where ``wire`` names the outlet itself (an agency's own story on its own site, e.g.
    ANSA's report on ansa.it): by its ``outlet`` name or the first label of its ``outlet_id``."""
    wire = reports["wire"].astype("string").str.strip().str.casefold()
    own = np.zeros(len(reports), dtype=bool)
    if "outlet" in reports:
        own |= (wire == reports["outlet"].astype("string").str.strip().str.casefold()).fillna(False).to_numpy(bool)
    if "outlet_id" in reports:
        label = reports["outlet_id"].astype("string").str.strip().str.casefold().str.split(".").str[0]
        own |= (wire == label).fillna(False).to_numpy(bool)
    return own


def derive_columns(reports: pd.DataFrame) -> pd.DataFrame:
    """Reports with two derived grouping columns added (a new table).

    ``region``: the UN M49 region of ``outlet_country`` (missing where the country is missing or
    unknown). ``lineage``: "agency copy" where the report names a ``derived_from``, or a ``wire``
    other than the outlet itself (an agency's own story on its own site is its own reporting),
    else "own reporting".
    """
    out = reports.copy()
    country = out["outlet_country"] if "outlet_country" in out else pd.Series(np.nan, index=out.index)
    out["region"] = country.map(lambda c: _regions().get(str(c).upper()) if isinstance(c, str) else np.nan)
    copy = out["derived_from"].notna().to_numpy() if "derived_from" in out else np.zeros(len(out), dtype=bool)
    if "wire" in out:
        copy |= out["wire"].notna().to_numpy() & ~_own_agency(out)
    out["lineage"] = np.where(copy, "agency copy", "own reporting")
    return out


def choose_grouping(reports: pd.DataFrame, *, min_group: int = MIN_GROUP,
                    max_share: float = MAX_SHARE) -> tuple[str | None, str]:
    """The report column to compare groups by, and why (a sentence).

    Rule: the first of ``GROUPINGS`` (outlet_type, region from outlet_country, language, lineage,
    outlet_country) that has at least two groups of ``min_group`` or more reports, and whose
    largest group holds at most ``max_share`` of the reports with a value. ``reports`` should
    carry the derived columns of :func:`derive_columns`. None when no column qualifies.
    """
    tried = []
    for col in GROUPINGS:
        if col not in reports or reports[col].notna().sum() == 0:
            tried.append(f"{col} (absent)")
            continue
        sizes = reports[col].value_counts()
        big = int((sizes >= min_group).sum())
        share = sizes.iloc[0] / sizes.sum()
        if big >= 2 and share <= max_share:
            return col, (f"Reports are grouped by {col}: the first column, in the order "
                         f"{', '.join(GROUPINGS)}, with two or more groups of at least {min_group} "
                         f"reports and no group above {max_share:.0%} of them.")
        tried.append(f"{col} ({big} group(s) of {min_group}+, largest {share:.0%})")
    return None, ("No report column splits the reports into two or more groups of at least "
                  f"{min_group} reports with none above {max_share:.0%}: " + "; ".join(tried) + ".")


def with_group_sizes(reports: pd.DataFrame, column: str) -> pd.DataFrame:
    """Reports whose ``column`` values carry their group size, e.g. "private (n=48)" (a new table)."""
    out = reports.copy()
    sizes = out[column].value_counts()
    out[column] = out[column].map(lambda v: f"{v} (n={sizes[v]})" if isinstance(v, str) or pd.notna(v) else v)
    return out


@dataclass
class Page:
    """The shared state of one notebook page (see :func:`open_page`)."""

    event: Event
    final: pd.DataFrame
    reliability: pd.DataFrame
    codebook: pd.DataFrame
    left_out: pd.DataFrame
    reports: pd.DataFrame
    group_by: str | None
    grouping_reason: str
    source: str
    figures_dir: str | Path | None = None
    coders: list = field(default_factory=list)
    seed: int = 0
    engine: str = "pandas"
    scheduler: str | None = None
    # corpus mode (analysis.corpus): the Corpus, and each group's label by its value in the corpus
    # (its n in the whole corpus) and in the sample (its n in the sample, on the sample's reports)
    corpus: Any = None
    group_labels: dict = field(default_factory=dict)
    sample_labels: dict = field(default_factory=dict)
    # how many tables the page has shown: a long table's position, which names its download
    n_tables: int = field(default=0, init=False, repr=False)

    def variables(self, role: str) -> list:
        """The variables of a role that this page uses (unreliable ones left out unless asked)."""
        return self.codebook.loc[self.codebook["role"] == role, "variable"].tolist()

    def flag(self, variable: str) -> str:
        """"", "tentative", "unreliable", "reliability unknown" or "reliability not measured"."""
        row = self.reliability.loc[self.reliability["variable"] == variable, "verdict"]
        return FLAG_TEXT.get(row.iloc[0], "") if len(row) else ""

    def can(self, *, roles: Sequence[str] = (), columns: Sequence[str] = (), terms: bool = False, groups: bool = False,
            measured: bool = False, nominal: bool = False, coded: bool = True) -> bool:
        """Whether a section can be drawn; if not, show one sentence saying what is missing."""
        why = self.missing(roles=roles, columns=columns, terms=terms, groups=groups, measured=measured,
                           nominal=nominal, coded=coded)
        if why:
            _say(why)
        return not why

    def nonempty(self, table: pd.DataFrame, sentence: str) -> bool:
        """True when ``table`` has rows; else show ``sentence`` (what there is nothing of)."""
        if len(table):
            return True
        _say(sentence)
        return False

    def check(self, why: str) -> bool:
        """True when ``why`` is empty; else show it (the sentence of a check made elsewhere)."""
        if why:
            _say(why)
        return not why

    def findings(self, sentences: list, *, none: str = "The folder holds nothing for this page to find.") -> None:
        """Show a page's findings as a list of sentences (or one sentence when there are none)."""
        _say("\n".join(f"- {s}" for s in sentences) if sentences else none)

    def say(self, text: str) -> None:
        """Show a sentence (Markdown) on the page."""
        _say(text)

    def mappable(self, distances: pd.DataFrame, *, minimum: int = 3) -> pd.DataFrame | None:
        """The pairwise table restricted to groups that have a mean divergence with every other.

        Groups that share no coded variable with another get no divergence; they are dropped one
        at a time (the one missing most pairs first) and named on the page. None, with a
        sentence, when fewer than ``minimum`` groups remain.
        """
        rows = distances[distances["variable"] == "(mean)"]
        rows = rows[rows["jsd"].notna()]
        groups = sorted(pd.unique(pd.concat([distances["a"], distances["b"]])), key=str)
        kept, dropped = list(groups), []
        while len(kept) >= 2:
            inside = rows[rows["a"].isin(kept) & rows["b"].isin(kept)]
            have = pd.concat([inside["a"], inside["b"]]).value_counts().reindex(kept, fill_value=0)
            short = have[have < len(kept) - 1]
            if short.empty:
                break
            worst = short.sort_values(kind="stable").index[0]
            kept.remove(worst)
            dropped.append(worst)
        if dropped:
            _say(f"Left out of the map, sharing no coded variable with every other outlet: "
                 f"{', '.join(map(str, dropped))}.")
        if len(kept) < minimum:
            _say(f"Nothing to show here: a map needs at least {minimum} outlets with a divergence "
                 f"between every pair; {len(kept)} have one.")
            return None
        keep = distances["a"].isin(kept) & distances["b"].isin(kept)
        out = distances[keep].reset_index(drop=True)
        out.attrs = dict(distances.attrs)
        return out

    def missing(self, *, roles: Sequence[str] = (), columns: Sequence[str] = (), terms: bool = False,
                groups: bool = False, measured: bool = False, nominal: bool = False, coded: bool = True) -> str:
        """The sentence :meth:`can` shows, or "" when nothing is missing."""
        if nominal and not (self.codebook["level"] == "nominal").any():
            return ("Nothing to show here: divergence compares distributions of nominal codes, and the "
                    "codebook has no nominal variable in use.")
        if measured and (self.reliability["verdict"] == "not measured").all():
            return ("Nothing to show here: reliability is not measurable with one coder. Every variable "
                    "is kept and marked 'reliability not measured'; have a second coder code a "
                    "subsample of the reports independently to measure it.")
        for role in roles:
            if not self.variables(role):
                dropped = self.left_out.loc[self.left_out["role"] == role, "variable"].tolist()
                if dropped:
                    return (f"Nothing to show here: every variable of role {role} is unreliable "
                            f"({', '.join(dropped)}) and left out; set include_unreliable = True "
                            "in the parameters to show them with their flag.")
                return (f"Nothing to show here: the codebook has no {ROLE_WORDS.get(role, role)}. "
                        "Add such variables to codebook.yaml (see data/README.md) to answer this question.")
            if coded and not self.final.loc[self.final["variable"].isin(self.variables(role)), "value"].notna().any():
                return f"Nothing to show here: no report has a consolidated code for any variable of role {role}."
        for col in columns:
            if col not in self.reports or self.reports[col].notna().sum() == 0:
                return (f"Nothing to show here: no report has a value in column {col} of reports.csv. "
                        f"Add the column {col} (see data/README.md) to answer this question.")
        if terms and self.event.terms is None:
            return ("Nothing to show here: the folder has no terms.csv. Write it from the reports' texts "
                    "with `python -m analysis terms EVENT_DIR --texts FOLDER`.")
        if groups and self.group_by is None:
            return "Nothing to show here: " + self.grouping_reason
        return ""

    def describe(self, roles: Sequence[str] = ()) -> None:
        """Show, in sentences, the grouping, the variables left out and those to read with care."""
        _say(self.caveats(roles))

    def caveats(self, roles: Sequence[str] = ()) -> str:
        """The sentences :meth:`describe` shows (Markdown)."""
        lines = [self.grouping_reason]
        left = self.left_out[self.left_out["role"].isin(roles)] if roles else self.left_out
        if len(left):
            lines.append("Left out as unreliable (set include_unreliable = True to show them): "
                         + "; ".join(f"{v} ({r})" for v, r in zip(left["variable"], left["reason"])) + ".")
        used = self.codebook[self.codebook["role"].isin(roles)] if roles else self.codebook
        flags: dict[str, list[str]] = {}
        for v in used["variable"]:
            flags.setdefault(self.flag(v), []).append(v)
        for flag in ("tentative", "unreliable", "reliability unknown", "reliability not measured"):
            if flags.get(flag):
                lines.append(f"Read with care, {flag}: {', '.join(flags[flag])}.")
        return "\n\n".join(lines)

    def frame_profile(self, scores: pd.DataFrame, reports: pd.DataFrame, *, by: str, n_boot: int,
                      seed: int) -> pd.DataFrame:
        """:func:`analysis.framing.frame_profile` of ``scores``, its group means counted by the
        page's engine (:func:`analysis.engines.pages.frame_profile_by_engine`) unless it is pandas.
        On a corpus: the whole corpus's profile (:func:`analysis.corpus_page.frame_profile`)."""
        if self.corpus is not None:
            from .corpus_page import frame_profile as corpus_profile

            return corpus_profile(self, reports, by=by)
        if self.engine == "pandas":
            from .framing import frame_profile

            return frame_profile(scores, reports, by=by, n_boot=n_boot, seed=seed)
        from .engines.pages import frame_profile_by_engine

        return frame_profile_by_engine(scores, reports, by=by, engine=self.engine, n_boot=n_boot, seed=seed,
                                       scheduler=self.scheduler)

    def divergence(self, *, by: str, n_boot: int, seed: int) -> pd.DataFrame:
        """:func:`analysis.divergence.pairwise_divergence` between the groups of ``by`` on the
        consolidated codes, counted by the page's engine
        (:func:`analysis.engines.pages.divergence_by_engine`, no null model) unless it is pandas.
        On a corpus: between the groups of the whole corpus (:func:`analysis.corpus_tables.divergence`)."""
        if self.corpus is not None:
            from .corpus_page import relabel
            from .corpus_tables import divergence

            table = divergence(self.corpus, self.codebook, by=by, n_boot=n_boot, seed=seed)
            out = relabel(self, table, ["a", "b"], by)
            out.attrs = dict(table.attrs)
            return out
        if self.engine == "pandas":
            from .divergence import pairwise_divergence

            return pairwise_divergence(self.final, self.codebook, self.reports, by=by, n_boot=n_boot, seed=seed)
        from .engines.pages import divergence_by_engine

        return divergence_by_engine(self.final, self.codebook, self.reports, by=by, engine=self.engine,
                                    n_boot=n_boot, seed=seed, scheduler=self.scheduler)

    def counted_by(self, *, null_model: bool = False, corpus_only: bool = False) -> None:
        """Show which engine counted and how its intervals are made; nothing on the pandas engine.

        ``null_model``: also say that the engine's divergences have no null model.
        ``corpus_only``: say it on a corpus only (a section that the engine counts only there).
        """
        from .engines.pages import counted_by

        if corpus_only and self.corpus is None:
            return
        text = counted_by(self.engine, null_model=null_model)
        if self.corpus is not None:
            text = f"Counted on the whole corpus ({self.corpus.n_reports:,} reports). {text}"
        if text:
            _say(text)

    def about(self) -> None:
        """On a corpus, say its size, the engine, whose codes are final and the sample; nothing on an event."""
        if self.corpus is not None:
            _say(self.corpus.about())

    def on_sample(self) -> None:
        """On a corpus, say that the section runs on the sample (its size and how it was drawn)."""
        if self.corpus is not None:
            _say(self.corpus.sample_sentence())

    def label_shares(self, *, by: str) -> pd.DataFrame:
        """:func:`analysis.framing.label_shares` by ``by``; on a corpus, counted on the whole corpus."""
        if self.corpus is not None:
            from .corpus_page import relabel
            from .corpus_tables import label_shares as corpus_label_shares

            return relabel(self, corpus_label_shares(self.corpus, self.codebook, by=by), [by], by)
        from .framing import label_shares

        return label_shares(self.final, self.codebook, self.reports, by=by)

    def label_distribution(self) -> pd.DataFrame:
        """:func:`analysis.framing.label_distribution`; on a corpus, counted on the whole corpus."""
        if self.corpus is not None:
            from .corpus_tables import label_distribution as corpus_label_distribution

            return corpus_label_distribution(self.corpus, self.codebook)
        from .framing import label_distribution

        return label_distribution(self.final, self.codebook)

    def figure_spread(self) -> pd.DataFrame:
        """:func:`analysis.framing.figure_spread`; on a corpus, each figure's n, mean and sd per group
        of the whole corpus (:func:`analysis.corpus_tables.figure_moments`; a corpus has no reference values)."""
        if self.corpus is not None:
            from .corpus_page import relabel
            from .corpus_tables import figure_moments

            by = self.group_by or "outlet"
            return relabel(self, figure_moments(self.corpus, self.codebook, by=by), [by], by)
        from .framing import figure_spread

        return figure_spread(self.final, self.codebook, self.event.figures, self.reports)

    def keyness_group(self, column: str) -> tuple[str | None, str]:
        """:func:`analysis.keyness.keyness_group`; on a corpus, the largest group of the whole corpus."""
        if self.corpus is not None:
            from .corpus_tables import group_sizes

            sizes = group_sizes(self.corpus, column) if column in self.corpus.columns else pd.Series(dtype="int64")
            if len(sizes) < 2:
                return None, (f"Nothing to show here: keyness compares groups of column {column}, which has "
                              f"{len(sizes)} value(s) in the corpus; set keyness_column to another report column.")
            top = str(sizes.index[0])
            return self.group_labels.get(top, top) if column == self.group_by else top, ""
        from .keyness import keyness_group

        return keyness_group(self.event.terms, self.reports, column=column)

    def keyness(self, *, column: str, group_a: object) -> pd.DataFrame:
        """:func:`analysis.keyness.keyness` of ``group_a`` against the rest. On a corpus, from the
        whole corpus's term counts per group (:func:`analysis.corpus_tables.keyness`); on an event
        with an engine other than pandas and no reprint links, from the term counts per group the
        engine sums (reprints need each report's terms, so with reprints the counting stays in memory)."""
        if self.corpus is not None:
            from .corpus_page import raw_group
            from .corpus_tables import keyness as corpus_keyness

            return corpus_keyness(self.corpus, column=column, group_a=raw_group(self, group_a) if column == self.group_by
                                  else group_a)
        from .keyness import keyness

        if self.engine == "pandas" or _has_reprints(self.reports):
            return keyness(self.event.terms, self.reports, column=column, group_a=group_a)
        from .engines.pages import keyness_by_engine

        return keyness_by_engine(self, column=column, group_a=group_a)

    def labelled(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A copy whose codes (``value``, ``value_a``, ``value_b``, ``code``) and ``variable`` show
        the codebook's labels."""
        t = frame.copy()
        if "variable" in t:
            labels = self.event.values.assign(code=self.event.values["code"].astype(str))
            lookup = {(v, c): lab for v, c, lab in zip(labels["variable"], labels["code"], labels["label"])}
            for col in ("value", "value_a", "value_b", "code"):
                if col in t:
                    t[col] = [lookup.get((str(v), str(c)), c) if pd.notna(c) else c
                              for v, c in zip(t["variable"], t[col])]
            names = dict(zip(self.event.codebook["variable"], self.event.codebook["label"]))
            t["variable"] = t["variable"].map(lambda v: names.get(str(v), v))
        return t

    def table(self, frame: pd.DataFrame, *, columns: Mapping[str, str] | Sequence[str] | None = None,
              index: str | None = None, decimals: int = 3, max_rows: int | None = 50, name: str | None = None,
              ranked: str | None = None) -> pd.DataFrame:
        """A table for the reader: codebook labels for codes, plain numbers, dates as known.

        Columns ``value``, ``value_a``, ``value_b`` and ``code`` show the label of their
        ``variable``'s code, and ``variable`` its label; numbers are rounded to ``decimals`` (p and
        q below 0.001 shown as "<0.001"), never in scientific notation; a timestamp with a
        ``*_time_known`` companion (or ``published_time_known``) is shown as a date where no time
        is known. The first column (or ``index``) becomes the index. A new table (text cells).

        A table of more than ``max_rows`` rows is shown as ``max_rows`` of them, in the table's
        order, with a sentence above saying so: a random sample (numpy Generator seeded with the
        page's seed, the same rows at every run) or, when ``ranked`` says how the table is
        ranked (e.g. "most complete first"), its first rows. When the page has a figures folder
        (the main job), the full table is written as ``downloads/<name>.csv`` beside it
        (:func:`analysis.downloads.full_table`, formula-neutralised) and the sentence links it;
        ``name`` defaults to the table's position on the page and a digest of its columns
        (:func:`analysis.downloads.table_name`). A table of ``max_rows`` rows or fewer is shown
        whole, with no sentence and no file; so is every table when ``max_rows`` is None (for a
        table bounded by the codebook, such as one row per variable, rather than by the reports).
        """
        from .downloads import full_table, table_csv, table_file, table_name
        from .sheets import atomic_write_bytes

        if max_rows is not None and max_rows < 1:
            raise ValueError(f"max_rows must be a positive number of rows to show, not {max_rows}")
        self.n_tables += 1
        stem = table_name(name, position=self.n_tables, columns=list(columns or frame.columns))
        shown = frame
        if max_rows is not None and len(frame) > max_rows:
            if ranked:
                rows = np.arange(max_rows)
                what = f"the first {max_rows:,} of {len(frame):,} rows ({ranked})"
            else:
                rows = np.sort(np.random.default_rng(self.seed).choice(len(frame), size=max_rows, replace=False))
                what = f"{max_rows:,} of {len(frame):,} rows (a random sample, seed {self.seed})"
            shown = frame.iloc[rows]
            if self.figures_dir:
                href, path = table_file(self.figures_dir, stem)
                full = full_table(self, frame, columns=None if columns is None else list(columns), index=index)
                atomic_write_bytes(path, table_csv(full))
                _say(f"Showing {what}; the full table: [{href}]({href}).")
            else:
                _say(f"Showing {what}.")
        t = self.labelled(shown if columns is None else shown[list(columns)])
        for col in list(t.columns):
            if col not in t:
                continue
            if pd.api.types.is_datetime64_any_dtype(t[col]):
                known = next((k for k in (f"{col}_time_known", col.replace("published", "time_known"),
                                          "published_time_known") if k in shown.columns), None)
                flags = shown.loc[t.index, known] if known else pd.Series(True, index=t.index)
                t[col] = [("" if pd.isna(ts) else ts.strftime("%Y-%m-%d %H:%M UTC") if k
                           else ts.strftime("%Y-%m-%d") + " (date only)") for ts, k in zip(t[col], flags)]
                if known in t and known != col:
                    t = t.drop(columns=known)
            elif pd.api.types.is_float_dtype(t[col]):
                small = col in ("p_value", "q_value", "p", "q")
                t[col] = [("" if pd.isna(x) else "<0.001" if small and x < 0.001 else f"{x:,.{decimals}f}")
                          for x in t[col]]
        return t.set_index(index or t.columns[0])

    def save(self, ax: Axes, name: str) -> None:
        """Save a chart under the page's figures folder (when the main job set one)."""
        save(ax, name, self.figures_dir)


def _has_reprints(reports: pd.DataFrame) -> bool:
    """Some report names a ``derived_from`` or a ``wire``: keyness merges such reprints into stories."""
    return any(c in reports and reports[c].notna().any() for c in ("derived_from", "wire"))


def _say(text: str) -> None:
    from IPython.display import Markdown, display

    display(Markdown(text))


def open_page(event_dir: str | Path, *, group_by: str | None = None, include_unreliable: bool = False,
              n_boot: int = 1000, seed: int = 0, figures_dir: str | Path | None = None, engine: str = "pandas",
              scheduler: str | None = None, coder: str | None = None, sample_size: int | None = None) -> Page:
    """Load an event (or open a corpus) and prepare what every page uses.

    Parameters
    ----------
    event_dir : str or Path
        The event folder, or a Parquet dataset folder (``codebook.json``, ``judgements/``): a
        corpus, opened in corpus mode (:mod:`analysis.corpus`, :mod:`analysis.corpus_page`).
    group_by : str, optional
        Report column to compare groups by; None chooses one by :func:`choose_grouping`.
    include_unreliable : bool, default False
        Keep variables whose reliability verdict is "unreliable" in the analyses (they are
        always listed in ``left_out`` otherwise).
    n_boot, seed : int
        Bootstrap resamples and seed of the reliability intervals (verdicts need the interval);
        ``seed`` also draws the rows a long table shows (:meth:`Page.table`).
    figures_dir : str, optional
        Where charts are saved.
    engine : {"pandas", "duckdb", "dask"}, default "pandas"
        What counts (:mod:`analysis.engines`). With DuckDB or Dask the reliability table's
        ``alpha, ci_low, ci_high, n_pairable`` are counted by the engine, with the same coders,
        ``n_boot`` and ``seed``, and the verdicts recomputed from them
        (:func:`analysis.engines.pages.reliability_by_engine`); :meth:`Page.frame_profile` and
        :meth:`Page.divergence` count on it too. Point estimates are the same on every engine;
        the engines' intervals are the Poisson bootstrap's.
    scheduler : str, optional
        Dask only: the address of the cluster's scheduler (default: the Client current in this
        process, else Dask's local threads).
    coder : str, optional
        Corpus only: whose codes count as final (default the one machine coder ``model:*``).
    sample_size : int, optional
        Corpus only: reports in the sample that per-report sections use (default
        :data:`analysis.corpus.SAMPLE_SIZE`).

    Returns
    -------
    Page
        ``final`` (consolidated codes), ``reliability`` (verdicts per variable), ``codebook``
        (the variables used), ``left_out`` (``variable, role, verdict, reason``), ``reports``
        (with derived ``region`` and ``lineage`` and, in the grouping column, labels carrying
        each group's n), ``group_by`` and ``grouping_reason``, ``source`` (chart source line).
    """
    from .engines import ENGINES

    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if scheduler is not None and engine != "dask":
        raise ValueError(f"scheduler is the address of a Dask cluster: for engine='dask' only, not {engine!r}")
    from .corpus import SAMPLE_SIZE, is_dataset

    if is_dataset(event_dir):
        from .corpus_page import open_corpus_page

        return open_corpus_page(event_dir, group_by=group_by, include_unreliable=include_unreliable, n_boot=n_boot,
                                seed=seed, figures_dir=figures_dir, engine=engine, scheduler=scheduler, coder=coder,
                                sample_size=SAMPLE_SIZE if sample_size is None else sample_size)
    event = load_event(event_dir)
    final = consolidate(event.codes, event.codebook)
    coders = independent_coders(event.codes)
    others = tuple(c for c in event.coders if c not in coders)
    # with fewer than two independent coders every verdict is "not measured"
    rel = reliability(event.codes, event.codebook, coders=coders if len(coders) >= 2 else None,
                      exclude=() if len(coders) >= 2 else others, n_boot=n_boot, seed=seed)
    if engine != "pandas":
        from .engines.pages import reliability_by_engine

        rel = reliability_by_engine(rel, event, coders=coders if len(coders) >= 2 else None,
                                    exclude=() if len(coders) >= 2 else others, engine=engine, n_boot=n_boot,
                                    seed=seed, scheduler=scheduler)
    verdict = rel.set_index("variable")["verdict"]
    bad = event.codebook["variable"].map(verdict).eq("unreliable").to_numpy()
    left = event.codebook.loc[bad, ["variable", "role"]].assign(verdict="unreliable")
    left["reason"] = [f"alpha {a:.3f} (95% interval {lo:.3f} to {hi:.3f})"
                      for a, lo, hi in rel.set_index("variable").loc[left["variable"], ["alpha", "ci_low", "ci_high"]]
                      .itertuples(index=False)]
    codebook = event.codebook if include_unreliable else event.codebook.loc[~bad]
    reports = derive_columns(event.reports)
    if group_by is None:
        group_by, reason = choose_grouping(reports)
    elif group_by not in reports or reports[group_by].notna().sum() == 0:
        reason = f"the parameter group_by names column {group_by}, which no report has a value in."
        group_by = None
    else:
        reason = f"Reports are grouped by {group_by}, as the parameter group_by asks."
    if group_by is not None:
        reports = with_group_sizes(reports, group_by)
    extra = "coders: " + (", ".join(independent_coders(event.codes)) or "none")
    return Page(event=event, final=final, reliability=rel, codebook=codebook.reset_index(drop=True),
                left_out=left.reset_index(drop=True), reports=reports, group_by=group_by,
                grouping_reason=reason, source=source_line(event.meta["id"], len(event.reports), extra),
                figures_dir=figures_dir, coders=coders, seed=seed, engine=engine, scheduler=scheduler)
