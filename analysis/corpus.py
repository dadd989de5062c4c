"""Corpus mode: the pages of a large Parquet dataset, counted by an engine, with a documented sample.

A *corpus* is a folder in the layout of :mod:`analysis.engines.layout` (``codebook.json``,
``judgements/``, optional ``terms/``; written by :func:`analysis.engines.write_parquet_dataset`
or by a pipeline of one's own, e.g. ``bench/bench_engines.py``). :func:`analysis.page.open_page`
opens one when it is given such a folder; everything else about a page stays as it is for an
event folder.

What is counted on the whole corpus, by the engine (:mod:`analysis.engines`): the number of
reports and coders, reliability (Krippendorff's alpha on the double-coded subsample: between the
human coders on the reports two or more of them coded; with one human coder, between that coder
and the machine coder whose codes are final, named ``model:*``: how far to trust the machine;
the adjudicator left out), frame scores per group, divergence between groups, label shares, the
figures' moments and the term counts that keyness compares.

Which codes count as final: a corpus has no consolidated codes (consolidating needs every
report's judgements side by side), so one coder's codes count: the ``coder`` named, else the one
machine coder when there is exactly one, else the one coder when there is only one; otherwise
the page asks for ``coder``. Every page says whose codes it shows.

What needs each report's own codes (contradicting pairs, timelines, omissions by report, wire
edits, machine coding, the listings of reports) runs on a *sample*: at most ``sample_size``
reports (default :data:`SAMPLE_SIZE`), those with the smallest ``md5(f"{seed}:{report_id}")``
(:mod:`analysis.engines.sampling`): a simple random sample without replacement, the same on
every engine and run, read by the engine with a filter on ``report_id``. The sample becomes an
:class:`analysis.Event` (codes decoded from their positions to the codebook's codes, reports from
the report columns present, the codebook from codebook.json; labels are the codes where
codebook.json gives none), so every in-memory function runs on it unchanged.

The pandas engine reads the whole judgements table into memory: it is refused for a corpus of
more than :data:`PANDAS_MAX_ROWS` judgement rows (counted from the Parquet footers).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import DataError, Problem
from .events import ADJUDICATOR, REPORT_OPTIONAL, Event
from .judgements import MODEL_PREFIX, human_coders

__all__ = ["PANDAS_MAX_ROWS", "SAMPLE_SIZE", "Corpus", "check_engine_for", "dataset_meta", "is_dataset",
           "open_corpus", "sample_event"]

SAMPLE_SIZE = 5_000
PANDAS_MAX_ROWS = 2_000_000
_CODEBOOK_DEFAULTS: dict[str, Any] = {
    "label": None, "question": "", "frame": None, "reverse": False, "yes_code": None, "contradicts": (),
    "referent": None, "fact": None, "figure": None, "attribution": None, "source": None, "unit": None,
    "compare_as": None}
# the frame of frame items that codebook.json gives none
NO_FRAME = "items"


def is_dataset(path: str | Path) -> bool:
    """Whether ``path`` is a Parquet dataset folder (``codebook.json`` and ``judgements/``)."""
    folder = Path(path)
    return (folder / "judgements").is_dir() and (folder / "codebook.json").is_file()


@dataclass(frozen=True)
class Corpus:
    """A Parquet dataset opened for the pages: its size, coders, final coder and sample."""

    path: Path
    engine: str
    scheduler: str | None
    coder: str
    coder_reason: str
    human_coders: tuple[str, ...]
    coders: tuple[str, ...]
    n_reports: int
    n_rows: int
    columns: tuple[str, ...]
    sample_ids: tuple[object, ...]
    sample_size: int
    seed: int
    raw: dict

    @property
    def options(self) -> dict[str, Any]:
        """The keyword arguments every engine call takes."""
        return {"engine": self.engine, "scheduler": self.scheduler}

    @property
    def compared(self) -> tuple[str, ...]:
        """The coders reliability compares: the human coders when there are two or more; with one
        human coder, that coder and the machine coder whose codes are final (how far to trust the
        machine, on the reports both coded); else none."""
        if len(self.human_coders) >= 2:
            return self.human_coders
        if len(self.human_coders) == 1 and self.coder.startswith(MODEL_PREFIX):
            return (self.human_coders[0], self.coder)
        return ()

    def compared_text(self) -> str:
        """Who reliability compares, in words."""
        if len(self.human_coders) >= 2:
            return f"the human coders ({', '.join(self.human_coders)}) on the reports two or more of them coded"
        if self.compared:
            return (f"the machine coder {self.coder} with the human coder {self.human_coders[0]} on the reports "
                    "both coded (the double-coded subsample: how far to trust the machine)")
        return "no two coders (reliability not measured)"

    @property
    def n_sample(self) -> int:
        return len(self.sample_ids)

    def sample_sentence(self) -> str:
        """The sentence of a section that runs on the sample."""
        whole = " (every report)" if self.n_sample == self.n_reports else ""
        return (f"This section runs on a sample of {self.n_sample:,} of the corpus's {self.n_reports:,} "
                f"reports{whole}: those whose md5 of \"{self.seed}:report_id\" is smallest, a simple random "
                "sample without replacement, the same on every engine and run.")

    def about(self) -> str:
        """What every corpus page says first: size, engine, whose codes, the sample."""
        from .engines.pages import ENGINE_NAMES

        return (f"Corpus mode: a Parquet dataset of {self.n_reports:,} reports ({self.n_rows:,} judgements), "
                f"counted on the whole corpus by the {ENGINE_NAMES[self.engine]} engine. Final codes are coder "
                f"{self.coder}'s ({self.coder_reason}); reliability compares {self.compared_text()}. Sections "
                f"that need each report's codes run on a sample of {self.n_sample:,} reports (seed {self.seed}).")


def dataset_meta(path: str | Path) -> dict[str, str]:
    """``id`` and ``title`` of a corpus: codebook.json's ``event`` entry, else the folder's name."""
    folder = Path(path)
    info = json.loads((folder / "codebook.json").read_text(encoding="utf-8")).get("event") or {}
    return {"id": str(info.get("id") or folder.name), "title": str(info.get("title") or f"Corpus {folder.name}")}


def check_engine_for(path: str | Path, engine: str) -> None:
    """ValueError when ``path`` is a corpus too large for the pandas engine (nothing else is checked)."""
    if engine == "pandas" and is_dataset(path):
        n_rows, _ = _row_count(Path(path))
        if n_rows > PANDAS_MAX_ROWS:
            raise ValueError(f"{path} holds {n_rows:,} judgements: the pandas engine would read them all into "
                             f"memory (it takes corpora of at most {PANDAS_MAX_ROWS:,}); use engine 'duckdb' "
                             "(--engine duckdb) or 'dask'")


def _row_count(folder: Path) -> tuple[int, tuple[str, ...]]:
    """Rows of the judgements (from the Parquet footers) and the report columns of the dataset."""
    import pyarrow.dataset as ds

    data = ds.dataset(str(folder / "judgements"), format="parquet", partitioning="hive")
    columns = tuple(c for c in data.schema.names if c not in ("report_id", "coder", "variable", "value"))
    return int(data.count_rows()), columns


def _final_coder(coders: list[str], coder: str | None, path: Path) -> tuple[str, str]:
    """The coder whose codes count as final, and why (see the module's docstring)."""
    machines = [c for c in coders if c.startswith(MODEL_PREFIX)]
    if coder is not None:
        if coder not in coders:
            raise DataError(Problem(str(path / "judgements"), f"coder {coder!r} has no judgement in the corpus",
                                    column="coder", value=coder, accepted=", ".join(coders)))
        return coder, "named by the parameter coder"
    if len(machines) == 1:
        return machines[0], "the corpus's one machine coder"
    if len(coders) == 1:
        return coders[0], "the corpus's one coder"
    raise DataError(Problem(str(path / "judgements"), "a corpus has no consolidated codes and more than one "
                            "coder could count as final: name one with the parameter coder (--coder)",
                            column="coder", accepted=", ".join(coders)))


def open_corpus(path: str | Path, *, engine: str, scheduler: str | None = None, coder: str | None = None,
                sample_size: int = SAMPLE_SIZE, seed: int = 0) -> Corpus:
    """Open a Parquet dataset: count its reports and coders, choose the final coder, draw the sample.

    Parameters
    ----------
    path : str or Path
        The dataset folder.
    engine : {"pandas", "duckdb", "dask"}
        pandas only for a corpus of at most ``PANDAS_MAX_ROWS`` judgements.
    scheduler : str, optional
        Dask only: the scheduler's address.
    coder : str, optional
        Whose codes count as final; default the one machine coder (``model:*``) or the one coder.
    sample_size : int, default SAMPLE_SIZE
        Reports in the sample (all when the corpus has fewer).
    seed : int, default 0
        Seed of the sample.

    Returns
    -------
    Corpus

    Raises
    ------
    ValueError
        The pandas engine on a corpus too large for it.
    DataError
        ``coder`` unknown, or no coder can count as final without being named.
    """
    from . import engines

    folder = Path(path)
    check_engine_for(folder, engine)
    n_rows, columns = _row_count(folder)
    per_coder = engines.report_counts(folder, by="coder", engine=engine, scheduler=scheduler)
    coders = sorted(str(c) for c in per_coder["coder"])
    final, reason = _final_coder(coders, coder, folder)
    humans = tuple(human_coders(coders, adjudicator=ADJUDICATOR))
    n_reports = int(engines.report_counts(folder, engine=engine, scheduler=scheduler)["n_reports"].sum())
    sample = engines.sample_reports(folder, size=sample_size, seed=seed, engine=engine, scheduler=scheduler)
    raw = json.loads((folder / "codebook.json").read_text(encoding="utf-8"))
    return Corpus(path=folder, engine=engine, scheduler=scheduler, coder=final, coder_reason=reason,
                  human_coders=humans, coders=tuple(coders), n_reports=n_reports, n_rows=n_rows, columns=columns,
                  sample_ids=tuple(sample["report_id"]), sample_size=sample_size, seed=seed, raw=raw)


def corpus_codebook(raw: dict) -> pd.DataFrame:
    """The codebook of an Event from codebook.json: missing keys get defaults (label = the
    variable's name); a yes/no frame item without ``yes_code`` gets 1 or "yes", an item without
    ``frame`` the frame :data:`NO_FRAME`."""
    rows = []
    for var in raw["variables"]:
        row = {**_CODEBOOK_DEFAULTS, **var}
        row["label"] = row["label"] or row["variable"]
        row["codes"] = tuple(row.get("codes") or ())
        row["contradicts"] = tuple(tuple(p) for p in row["contradicts"] or ())
        if row["role"] == "frame_item":
            row["frame"] = row["frame"] or NO_FRAME
            if row["yes_code"] is None and row["level"] == "nominal":
                row["yes_code"] = next((c for c in (1, "yes") if c in row["codes"]), None)
        if row["role"] == "figure" and row["figure"] is None:
            row["figure"] = row["variable"]
        row["reverse"] = bool(row["reverse"])
        rows.append(row)
    columns = ["variable", "label", "question", "level", "role", "codes", *list(_CODEBOOK_DEFAULTS)[2:]]
    table = pd.DataFrame(rows, dtype=object).reindex(columns=list(dict.fromkeys(columns)))
    return table.astype({"reverse": bool})


def _values(raw: dict, codebook: pd.DataFrame) -> pd.DataFrame:
    if raw.get("values"):
        return pd.DataFrame(raw["values"]).reindex(columns=["variable", "code", "label", "rank"])
    rows = [{"variable": v, "code": c, "label": str(c), "rank": i}
            for v, codes in zip(codebook["variable"], codebook["codes"]) for i, c in enumerate(codes)]
    return pd.DataFrame(rows, columns=["variable", "code", "label", "rank"])


def _frames(raw: dict, codebook: pd.DataFrame) -> pd.DataFrame:
    if raw.get("frames"):
        return pd.DataFrame(raw["frames"]).reindex(columns=["frame", "label"])
    frames = list(dict.fromkeys(codebook["frame"].dropna()))
    return pd.DataFrame({"frame": frames, "label": ["Frame items" if f == NO_FRAME else f for f in frames]})


def _facts(raw: dict) -> pd.DataFrame:
    facts = pd.DataFrame(raw.get("facts") or [], columns=["id", "label", "as_of", "as_of_time_known"])
    facts["as_of"] = pd.to_datetime(facts["as_of"], utc=True, errors="coerce")
    facts["as_of_time_known"] = facts["as_of_time_known"].fillna(False).astype(bool)
    return facts


def _figures(raw: dict, codebook: pd.DataFrame) -> pd.DataFrame:
    """The reference figures of codebook.json; a figure variable without one gets a row whose value
    is missing (a corpus need not carry reference values)."""
    columns = ["id", "label", "value", "unit", "as_of", "source"]
    figures = pd.DataFrame(raw.get("figures") or [], columns=columns)
    wanted = codebook.loc[codebook["role"] == "figure", ["variable", "figure"]]
    extra = [{"id": f if f is not None else v, "label": f if f is not None else v, "value": np.nan, "unit": None,
              "as_of": None, "source": None}
             for v, f in wanted.itertuples(index=False) if (f if f is not None else v) not in set(figures["id"])]
    figures = pd.concat([figures, pd.DataFrame(extra, columns=columns)], ignore_index=True) if extra else figures
    figures["value"] = pd.to_numeric(figures["value"], errors="coerce")
    figures["as_of"] = pd.to_datetime(figures["as_of"], utc=True, errors="coerce")
    return figures


def decode_values(rows: pd.DataFrame, codebook: pd.DataFrame) -> np.ndarray:
    """The judgements' values as the codebook's codes (positions decoded), numbers as they are."""
    out = np.full(len(rows), None, dtype=object)
    value = rows["value"].to_numpy(dtype=np.float64)
    variable = rows["variable"].astype(str).to_numpy()
    for var, level, codes in zip(codebook["variable"], codebook["level"], codebook["codes"]):
        at = (variable == var) & ~np.isnan(value)
        if level in ("interval", "ratio"):
            out[at] = value[at]
        elif at.any():
            table = np.array(list(codes) + [None], dtype=object)
            pos = value[at].astype(np.int64)
            out[at] = table[np.where((pos >= 0) & (pos < len(codes)), pos, len(codes))]
    return out


def _reports(rows: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """One row per sampled report from the report columns of its judgements; ``published`` from
    ``day`` (date only) where the corpus has one."""
    keep = [c for c in columns if c in rows]
    reports = rows.drop_duplicates("report_id")[["report_id", *keep]].copy()
    reports["report_id"] = reports["report_id"].astype(str)
    for c in keep:
        reports[c] = [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in reports[c]]
    day = reports["day"] if "day" in reports else pd.Series(None, index=reports.index, dtype=object)
    reports.insert(2 if "outlet" in reports else 1, "published", pd.to_datetime(day, utc=True, errors="coerce"))
    reports.insert(reports.columns.get_loc("published") + 1, "published_time_known", False)
    if "outlet" not in reports:
        reports.insert(1, "outlet", "(no outlet)")
    reports["url"] = ""
    for c in REPORT_OPTIONAL:
        if c not in reports:
            reports[c] = None
    return reports.drop(columns=[c for c in ("day",) if c in reports]).sort_values("report_id").reset_index(drop=True)


def sample_event(corpus: Corpus) -> Event:
    """The sample as an :class:`analysis.Event`: its judgements decoded, its reports, the codebook."""
    from . import engines

    codebook = corpus_codebook(corpus.raw)
    rows = engines.sample_rows(corpus.path, corpus.sample_ids, **corpus.options)
    rows = rows[rows["variable"].astype(str).isin(codebook["variable"])]
    codes = pd.DataFrame({
        "report_id": pd.Categorical(rows["report_id"].astype(str).to_numpy()),
        "coder": pd.Categorical(rows["coder"].astype(str).to_numpy()),
        "variable": pd.Categorical(rows["variable"].astype(str).to_numpy()),
        "value": decode_values(rows, codebook), "evidence": pd.Categorical([""] * len(rows))})
    terms = None
    if (corpus.path / "terms").is_dir():
        t = engines.sample_rows(corpus.path, corpus.sample_ids, terms=True, **corpus.options)
        terms = pd.DataFrame({"report_id": t["report_id"].astype(str), "term": t["term"].astype(str),
                              "count": t["count"].astype("int64")})
    info = corpus.raw.get("event") or {}
    meta = {**dataset_meta(corpus.path), "start": info.get("start", ""), "end": info.get("end", ""),
            "description": info.get("description", ""), "coders": "", "coded_text": "",
            "sampling": corpus.sample_sentence()}
    return Event(meta=meta, reports=_reports(rows, corpus.columns), codes=codes.reset_index(drop=True),
                 codebook=codebook, values=_values(corpus.raw, codebook), frames=_frames(corpus.raw, codebook),
                 facts=_facts(corpus.raw), figures=_figures(corpus.raw, codebook), terms=terms,
                 path=str(corpus.path))
