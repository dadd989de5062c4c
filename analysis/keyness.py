"""Keyness: the terms that set two groups of reports apart.

:func:`keyness` compares the term counts of two groups of reports of one language by the
log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008), after
removing stop words, counting each reprinted story once, and controlling the false discovery
rate over all terms tested (Benjamini and Hochberg 1995). Inputs are never modified.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from .distributions import two_groups
from .common import check_columns
from .text import UNSPACED_LANGUAGES, clean_terms

__all__ = ["keyness", "KEYNESS_COLUMNS", "stop_words"]

KEYNESS_COLUMNS = ("term", "count_a", "count_b", "delta", "variance", "z", "p", "q", "significant",
                   "rank")
DEFAULT_LANGUAGE = "en"


def stop_words(language: str) -> frozenset[str]:
    """The stop words of a language: the ``stopwordsiso`` list, as the tokenizer writes words.

    Parameters
    ----------
    language : str
        ISO 639-1 code, e.g. ``"en"``.

    Returns
    -------
    frozenset of str
        Lower-case, NFKC-normalised words with the apostrophe ``'``.

    Raises
    ------
    ValueError
        ``stopwordsiso`` has no list for the language.

    References
    ----------
    Stopwords ISO: a collection of stop words for 50+ languages (stopwordsiso 0.7.1 on PyPI),
    https://github.com/stopwords-iso/stopwords-iso
    """
    import stopwordsiso

    code = str(language).strip().lower()
    if not stopwordsiso.has_lang(code):
        raise ValueError(f"no stop-word list for language {language!r}; stopwordsiso has "
                         f"{', '.join(sorted(stopwordsiso.langs()))} (or pass stopwords=[...])")
    return _normalised(stopwordsiso.stopwords(code))


def keyness(terms: pd.DataFrame, reports: pd.DataFrame, *, column: str, group_a: object,
            group_b: object = None,
            language: str | None = None, stopwords: Iterable[str] | None = None,
            prior: str = "informative", alpha0: float | None = None, min_count: int = 3,
            fdr: float = 0.05) -> pd.DataFrame:
    """Terms that distinguish two groups of reports: log-odds ratios with a Dirichlet prior.

    Parameters
    ----------
    terms : DataFrame
        ``report_id, term, count`` (``Event.terms``, or :func:`analysis.text.term_counts`).
        A term with one space is a bigram, with none a unigram.
    reports : DataFrame
        ``report_id`` and ``column``; optionally ``language`` (ISO 639-1) and ``derived_from``.
    column : str
        The report column that defines the groups, e.g. ``"outlet_type"`` or ``"outlet"``.
    group_a : value or list of values
        The value(s) of ``column`` of group A.
    group_b : value or list of values, optional
        The value(s) of group B; default every other report with a value in ``column``.
    language : str, optional
        The one language compared (ISO 639-1). Default: the most common ``language`` of the
        reports of the two groups (ties: the first code in alphabetical order); English when
        no report has one.
    stopwords : iterable of str, optional
        The stop words to remove; default :func:`stop_words` of ``language``.
    prior : {"informative", "uniform"}, default "informative"
        "informative": :math:`\\alpha_w = \\alpha_0 \\pi_w` with :math:`\\pi_w` the share of term
        w in the pooled counts of the two groups; "uniform": :math:`\\alpha_w = \\alpha_0 / V`.
    alpha0 : float, optional
        The prior's total weight :math:`\\alpha_0`. Default: for "informative", the pooled
        count, so that :math:`\\alpha_w` is the pooled count of w; for "uniform", 0.01 V.
    min_count : int, default 3
        Terms with a (story-weighted) count below this in the two groups together are not
        tested and left out of the table (they still count in the group sizes and the prior).
    fdr : float, default 0.05
        The false discovery rate at which ``significant`` is set.

    Returns
    -------
    DataFrame
        ``term, count_a, count_b, delta, variance, z, p, q, significant, rank``, sorted by rank:

        - ``count_a``, ``count_b``: the term's story-weighted count in each group (a story's
          count is the mean over its reports, so it can be fractional);
        - ``delta``: the log-odds ratio (positive: more typical of A), ``variance`` its
          approximate variance, ``z = delta / sqrt(variance)``;
        - ``p``: two-sided normal p-value of z; ``q``: Benjamini-Hochberg adjusted p-value over
          all terms of the table; ``significant``: ``q <= fdr``;
        - ``rank``: 1 for the term most typical of A (the largest z; ties by term).

        ``attrs``: ``column``, ``group_a``, ``group_b``, ``language``, ``fdr``,
        ``n_reports_a``, ``n_reports_b``, ``n_stories_a``, ``n_stories_b``, ``left_out`` (ids
        of the reports of the two groups not compared) and ``notes``: a tuple of sentences
        saying what was left out or assumed and why, to show beside the table.

    Raises
    ------
    ValueError
        A group has no report, or no term once other languages and stop words are removed; a
        language written without spaces; an option out of range.

    Notes
    -----
    **Statistic.** Monroe, Colaresi and Quinn (2008), section 3.5.2, eq. 16, 18, 20 and 22,
    with :math:`y_w^i` the count of term w in group i, :math:`n^i` the group's total count and
    :math:`\\alpha_w`, :math:`\\alpha_0 = \\sum_w \\alpha_w` the prior:

    .. math::

        \\hat\\delta_w^{(a-b)} = \\log\\frac{y_w^a + \\alpha_w}{n^a + \\alpha_0 - y_w^a - \\alpha_w}
          - \\log\\frac{y_w^b + \\alpha_w}{n^b + \\alpha_0 - y_w^b - \\alpha_w},

        \\sigma^2(\\hat\\delta_w^{(a-b)}) \\approx \\frac{1}{y_w^a + \\alpha_w}
          + \\frac{1}{y_w^b + \\alpha_w}, \\qquad
        z_w = \\hat\\delta_w^{(a-b)} / \\sqrt{\\sigma^2(\\hat\\delta_w^{(a-b)})}.

    Unigrams and bigrams are two vocabularies, each a multinomial with its own :math:`n^i`,
    :math:`\\alpha_0` and prior (a bigram's words are also counted as unigrams).

    **Testing.** :math:`p_w = 2\\,(1 - \\Phi(|z_w|))`, and the Benjamini-Hochberg step-up
    procedure (``scipy.stats.false_discovery_control``) over every term of the table, unigrams
    and bigrams together, keeps the expected share of false discoveries among the significant
    terms at ``fdr``. A fixed :math:`|z| > 1.96` would, over thousands of terms, flag hundreds
    by chance.

    **One language.** Stop words and word forms belong to a language, so only reports of
    ``language`` are compared; the others are left out and named in ``notes``. A report
    without a language is taken to be in the compared language (said in ``notes``). Languages
    written without spaces (zh, ja, th, ...) are refused: the tokenizer does not segment them.

    **Stop words.** The ``stopwordsiso`` list of the language (English: 1,298 words). It is
    broad: besides function words it holds reporting verbs ("said", "says") and some frequent
    content words ("state", "world", "new", "million"), which therefore never appear; pass
    ``stopwords`` for a narrower list. A unigram that is a stop word is removed; a phrase is
    removed when its first or last word is a stop word, which for a bigram means when either
    word is one. So "ceasefire talks" stays while "the hostages", "said hamas" and "of the" go:
    a phrase with a function word at its edge only restates its content word, and the rule is
    that of the connector words of gensim's ``Phrases`` (a phrase begins and ends with a content
    word, as in Justeson and Katz 1995). Numbers (tokens without a letter: "33", "2024") count
    as stop words: figures are coded as variables, and dates and times would otherwise fill the
    list. Removal happens before counting group sizes.

    **Reprints.** Reports linked by ``derived_from`` (a report and all that derive from it,
    transitively, and all that name the same ``derived_from`` id, such as one wire story) form
    one story. Within each group a story counts once, with the **mean** count of its reports
    there: each story weighs as one text of typical length, whichever copy is longer, and no
    copy is privileged when publication times are dates only. A story with reports in both
    groups counts once in each. ``n_stories_*`` counts stories, ``n_reports_*`` reports.

    References
    ----------
    Monroe, B. L., Colaresi, M. P., & Quinn, K. M. (2008). Fightin' words: Lexical feature
    selection and evaluation for identifying the content of political conflict. Political
    Analysis, 16(4), 372-403. https://doi.org/10.1093/pan/mpn018

    Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate: A practical and
    powerful approach to multiple testing. Journal of the Royal Statistical Society, Series B,
    57(1), 289-300. https://doi.org/10.1111/j.2517-6161.1995.tb02031.x

    Justeson, J. S., & Katz, S. M. (1995). Technical terminology: Some linguistic properties and
    an algorithm for identification in text. Natural Language Engineering, 1(1), 9-27.
    """
    _check_options(terms, reports, prior=prior, alpha0=alpha0, min_count=min_count, fdr=fdr)
    in_a, in_b = two_groups(reports, column=column, group_a=group_a, group_b=group_b)
    t = clean_terms(terms)
    sides, language, notes = _compared_reports(reports, in_a, in_b, set(t["report_id"]), language)
    stops = stop_words(language) if stopwords is None else _normalised(stopwords)
    notes.append(f"stop words removed: {'stopwordsiso list' if stopwords is None else 'given list'}"
                 f" for {language} ({len(stops)} words), and numbers; phrases with one at either end removed")
    t = t[~_has_stop_edge(t["term"], stops)]
    stories = _stories(reports)
    weighted, n_stories = {}, {}
    for side in ("a", "b"):
        weighted[side], n_stories[side] = _story_counts(t, sides[side], stories)
        notes.extend(_reprint_notes(sides[side], stories, "group A" if side == "a" else "group B"))
    for side, name in (("a", "group_a"), ("b", "group_b")):
        if weighted[side]["count"].sum() == 0:
            raise ValueError(f"{name} has no terms left once other languages and stop words are removed")

    parts = []
    for order in sorted(set(weighted["a"].index.str.count(" ")) | set(weighted["b"].index.str.count(" "))):
        ya = weighted["a"]["count"][weighted["a"].index.str.count(" ") == order]
        yb = weighted["b"]["count"][weighted["b"].index.str.count(" ") == order]
        part = _log_odds(ya, yb, prior=prior, alpha0=alpha0)
        if part is not None:
            parts.append(part)
    if not parts:
        raise ValueError("keyness needs at least two distinct terms in the term table")
    out = pd.concat(parts, ignore_index=True)
    out = out[out["count_a"] + out["count_b"] >= min_count]
    out = _test(out, fdr=fdr)
    out = out.sort_values(["z", "term"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out["rank"] = np.arange(1, len(out) + 1, dtype=np.int64)
    out = out[list(KEYNESS_COLUMNS)]
    left_out = tuple(sorted(sides["left_out"]))
    out.attrs.update(column=column, group_a=group_a, group_b=group_b if group_b is not None else "rest",
                     language=language, fdr=fdr,
                     n_reports_a=len(sides["a"]), n_reports_b=len(sides["b"]),
                     n_stories_a=n_stories["a"], n_stories_b=n_stories["b"],
                     left_out=left_out, notes=tuple(notes))
    return out


def _check_options(terms: pd.DataFrame, reports: pd.DataFrame, *, prior: str, alpha0: object,
                   min_count: object, fdr: object) -> None:
    check_columns(terms, ("report_id", "term", "count"), "terms")
    check_columns(reports, ("report_id",), "reports")
    if prior not in ("informative", "uniform"):
        raise ValueError(f"prior must be 'informative' or 'uniform', not {prior!r}")
    if alpha0 is not None and (isinstance(alpha0, bool) or not isinstance(alpha0, (int, float, np.number))
                               or not alpha0 > 0):
        raise ValueError(f"alpha0 must be a number > 0 or None, not {alpha0!r}")
    if isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer)) or min_count < 0:
        raise ValueError(f"min_count must be a whole number >= 0, not {min_count!r}")
    if isinstance(fdr, bool) or not isinstance(fdr, (int, float, np.number)) or not 0 < fdr < 1:
        raise ValueError(f"fdr must be a number between 0 and 1, not {fdr!r}")


def _compared_reports(reports: pd.DataFrame, in_a: pd.Series, in_b: pd.Series,
                      with_terms: set[str], language: str | None
                      ) -> tuple[dict[str, set[str]], str, list[str]]:
    """Report ids of each side in the compared language, the language, and the notes so far."""
    ids = reports["report_id"].astype(str).to_numpy()
    in_group = in_a.to_numpy() | in_b.to_numpy()
    if "language" in reports.columns:
        lang = reports["language"].map(lambda v: np.nan if pd.isna(v) or not str(v).strip()
                                       else str(v).strip().lower()).to_numpy(dtype=object)
    else:
        lang = np.full(len(ids), np.nan, dtype=object)
    notes = []
    if language is None:
        present = pd.Series(lang[in_group]).dropna()
        if present.empty:
            language = DEFAULT_LANGUAGE
            notes.append(f"no compared report has a language: all taken as {language}")
        else:
            counts = present.value_counts()
            language = sorted(counts.index[counts == counts.max()])[0]
    language = str(language).strip().lower()
    if language in UNSPACED_LANGUAGES:
        raise ValueError(f"language {language!r} is written without spaces between words, which the "
                         "tokenizer does not segment (see analysis.text); no keyness for it")
    missing = in_group & pd.isna(lang)
    if missing.any() and len(notes) == 0:
        notes.append(f"{int(missing.sum())} report(s) without a language taken as {language}: "
                     + ", ".join(sorted(ids[missing])))
    other = in_group & ~pd.isna(lang) & (lang != language)
    if other.any():
        notes.append(f"{int(other.sum())} report(s) not in {language} left out: "
                     + ", ".join(f"{i} ({g})" for i, g in sorted(zip(ids[other], lang[other]))))
    no_terms = in_group & ~other & ~pd.Series(ids).isin(with_terms).to_numpy()
    if no_terms.any():
        notes.append(f"{int(no_terms.sum())} report(s) without term counts left out: "
                     + ", ".join(sorted(ids[no_terms])))
    keep = in_group & ~other & ~no_terms
    sides = {"a": set(ids[keep & in_a.to_numpy()]), "b": set(ids[keep & in_b.to_numpy()]),
             "left_out": set(ids[in_group & ~keep])}
    for side, name in (("a", "group_a"), ("b", "group_b")):
        if not sides[side]:
            raise ValueError(f"{name} has no report in {language} with term counts"
                             + (f" ({notes[-1]})" if notes else ""))
    return sides, language, notes


def _stories(reports: pd.DataFrame) -> dict[str, str]:
    """report_id -> story id: connected components of the ``derived_from`` links."""
    ids = reports["report_id"].astype(str).tolist()
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    derived: dict[str, str] = {}
    if "derived_from" in reports.columns:
        for rid, src in zip(ids, reports["derived_from"]):
            if pd.isna(src) or not str(src).strip():
                continue
            src = str(src).strip()
            derived[rid] = src
            parent.setdefault(src, src)
            ra, rb = find(rid), find(src)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = {}
    for node in parent:
        members.setdefault(find(node), []).append(node)
    # a story is named by its source: the member that derives from nothing (a report or a wire id)
    name = {root: min([m for m in nodes if m not in derived] or nodes) for root, nodes in members.items()}
    return {i: name[find(i)] for i in ids}


def _story_counts(t: pd.DataFrame, side_ids: set[str],
                  stories: dict[str, str]) -> tuple[pd.DataFrame, int]:
    """Story-weighted counts of one side: per term, the sum over stories of the mean count."""
    sub = t[t["report_id"].isin(side_ids)]
    story = sub["report_id"].map(stories)
    size = pd.Series(sorted(side_ids)).map(stories).value_counts()
    summed = sub.assign(_story=story).groupby(["_story", "term"], sort=True, observed=True)["count"].sum()
    mean = summed / size.reindex(summed.index.get_level_values("_story")).to_numpy()
    counts = mean.groupby(level="term", sort=True).sum()
    return counts.to_frame("count"), int(len(size))


def _reprint_notes(side_ids: set[str], stories: dict[str, str], name: str) -> list[str]:
    story = pd.Series({i: stories[i] for i in side_ids}, dtype=object)
    notes = []
    for s, members in story.groupby(story, sort=True):
        if len(members) > 1:
            notes.append(f"{name}: {len(members)} reports of story {s} counted once "
                         f"({', '.join(sorted(members.index))})")
    return notes


def _has_stop_edge(term: pd.Series, stops: frozenset[str]) -> pd.Series:
    words = term.str.split(" ")
    first, last = words.str[0], words.str[-1]
    # a token without a letter (a number, a date, a time) counts as a stop word
    return (first.isin(stops) | last.isin(stops) | ~first.str.contains(r"[^\W\d_]")
            | ~last.str.contains(r"[^\W\d_]"))


def _normalised(words: Iterable[object]) -> frozenset[str]:
    # as the tokenizer writes words: NFKC, one apostrophe, lower case
    return frozenset(unicodedata.normalize("NFKC", str(w)).replace("’", "'").strip().lower() for w in words)


def _log_odds(ya: pd.Series, yb: pd.Series, *, prior: str,
              alpha0: float | None) -> pd.DataFrame | None:
    """Monroe et al. (2008) eq. 16-22 for one vocabulary; None when it has a single term."""
    vocabulary = ya.index.union(yb.index)
    ya = ya.reindex(vocabulary, fill_value=0.0).to_numpy(dtype=np.float64)
    yb = yb.reindex(vocabulary, fill_value=0.0).to_numpy(dtype=np.float64)
    pooled = ya + yb
    total = pooled.sum()
    if total == 0 or len(pooled) < 2:
        # a vocabulary of one term has odds p / (1 - p) with p = 1: nothing to compare
        return None
    n_a, n_b = ya.sum(), yb.sum()
    if prior == "informative":
        a0 = total if alpha0 is None else float(alpha0)
        alpha = a0 * pooled / total
    else:
        a0 = 0.01 * len(pooled) if alpha0 is None else float(alpha0)
        alpha = np.full(len(pooled), a0 / len(pooled))
    # Monroe et al. (2008), eq. 16 (with eq. 18's informative prior)
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = (np.log(ya + alpha) - np.log(n_a + a0 - ya - alpha)
                 - np.log(yb + alpha) + np.log(n_b + a0 - yb - alpha))
        variance = 1.0 / (ya + alpha) + 1.0 / (yb + alpha)  # eq. 20
        z = delta / np.sqrt(variance)  # eq. 22
    keep = pooled > 0
    return pd.DataFrame({"term": vocabulary[keep], "count_a": ya[keep], "count_b": yb[keep],
                         "delta": delta[keep], "variance": variance[keep], "z": z[keep]})


def _test(table: pd.DataFrame, *, fdr: float) -> pd.DataFrame:
    """Two-sided normal p-values of z and Benjamini-Hochberg q-values over all rows."""
    p = 2.0 * stats.norm.sf(np.abs(table["z"].to_numpy(dtype=np.float64)))
    q = _bh(p)
    return table.assign(p=p, q=q, significant=q <= fdr)


def _bh(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (an empty array for no test)."""
    p = np.asarray(p, dtype=np.float64)
    if p.size == 0:
        return p.copy()
    return stats.false_discovery_control(p, method="bh")


def keyness_group(terms: pd.DataFrame, reports: pd.DataFrame, *,
                  column: str) -> tuple[str | None, str]:
    """The group to compare with the rest, or None and a sentence saying why there is none.

    Keyness compares reports of one language (the most common among reports with term counts),
    so the group is the most common value of ``column`` among those reports, provided at least
    one other value is there too.
    """
    with_terms = set(terms["report_id"].astype(str))
    sub = reports[reports["report_id"].astype(str).isin(with_terms)]
    if "language" in sub.columns and sub["language"].notna().any():
        lang = sub["language"].fillna(sub["language"].mode().iloc[0]).astype(str).str.lower()
        dominant = sorted(lang.value_counts()[lambda c: c == c.max()].index)[0]
        sub = sub[lang == dominant]
    else:
        dominant = DEFAULT_LANGUAGE
    counts = sub[column].dropna().astype(str).value_counts() if column in sub.columns else pd.Series(dtype=int)
    if len(counts) < 2:
        return None, (f"Nothing to show here: keyness compares reports in one language ({dominant}), and "
                      f"among those with term counts column {column} has "
                      f"{'one value' if len(counts) == 1 else 'no value'}; set keyness_column to "
                      "another report column.")
    return sorted(counts.index[counts == counts.max()])[0], ""
