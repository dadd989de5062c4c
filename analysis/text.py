"""The package tokenizer and term counts, from which ``terms.csv`` is derived.

Term counts let word-choice analysis run where the text itself cannot be shared. Terms are
lower-cased word unigrams and bigrams; bigrams join two adjacent words with one space and never
span a sentence end.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pandas as pd

_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*", re.UNICODE)
_SENTENCE = re.compile(r"[.!?;:\n]+")


def tokenize(text: str) -> list:
    """Split text into lower-case word tokens.

    Unicode-normalised (NFKC), apostrophes unified, hyphenated words kept whole
    ("state-affiliated"), digits kept ("33,175" gives "33" and "175"; figures are coded, not counted).

    Examples
    --------
    >>> tokenize("Egypt's state-affiliated Al-Qahera News said")
    ["egypt's", 'state-affiliated', 'al-qahera', 'news', 'said']
    """
    text = unicodedata.normalize("NFKC", text).replace("’", "'").lower()
    return _WORD.findall(text)


def term_counts(texts: pd.DataFrame, *, ngrams: int = 2) -> pd.DataFrame:
    """Count unigrams (and bigrams) per report.

    Parameters
    ----------
    texts : DataFrame
        ``report_id, text``.
    ngrams : int
        1 for words only, 2 (default) for words and two-word phrases.

    Returns
    -------
    DataFrame
        ``report_id, term, count``, sorted by report_id then term.
    """
    rows = []
    for rid, text in zip(texts["report_id"], texts["text"]):
        counts: Counter = Counter()
        for sentence in _SENTENCE.split(unicodedata.normalize("NFKC", str(text))):
            toks = tokenize(sentence)
            counts.update(toks)
            if ngrams >= 2:
                counts.update(f"{a} {b}" for a, b in zip(toks, toks[1:]))
        rows.extend((rid, t, c) for t, c in counts.items())
    out = pd.DataFrame(rows, columns=["report_id", "term", "count"])
    return out.sort_values(["report_id", "term"], kind="stable").reset_index(drop=True)


def read_texts(folder) -> pd.DataFrame:
    """Read ``<report_id>.txt`` files into ``report_id, text``.

    A file may start with the page's address on its first line followed by a blank line (as the
    git-ignored ``.text/`` folders of the bundled event do); that header is not counted.
    """
    from pathlib import Path

    from .errors import DataError, Problem

    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(Problem(str(folder), "is not a folder of texts",
                                accepted="a folder of <report_id>.txt files"))
    rows = []
    for p in sorted(folder.glob("*.txt")):
        lines = p.read_text(encoding="utf-8").split("\n")
        if len(lines) > 1 and re.match(r"^https?://\S+$", lines[0].strip()) and not lines[1].strip():
            lines = lines[2:]
        rows.append({"report_id": p.stem, "text": "\n".join(lines)})
    return pd.DataFrame(rows, columns=["report_id", "text"])
