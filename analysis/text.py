"""The package tokenizer and term counts, from which ``terms.csv`` is derived.

Term counts let word-choice analysis run where the text itself cannot be shared. Terms are
lower-cased word unigrams and bigrams; bigrams join two adjacent words with one space and never
span a sentence end.

Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese)
are **left out**, not segmented: splitting them into words needs a dictionary-based segmenter
per language, and a run of such characters taken as one "word" would be a whole clause. Text
in these scripts is skipped by :func:`tokenize`, and :func:`term_counts` names the reports
that lost characters this way in ``attrs["notes"]``.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError, Problem

__all__ = ["tokenize", "sentences", "term_counts", "read_texts", "clean_terms", "evidence_words", "UNSPACED_LANGUAGES"]

# ISO 639-1 codes of languages written without spaces between words (left out, see above)
UNSPACED_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my"})
# Han (with extensions A and B and compatibility ideographs), Hiragana, Katakana, Thai, Lao,
# Khmer, Myanmar
_UNSPACED = ("\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df"
             "\u0e00-\u0e7f\u0e80-\u0eff\u1780-\u17ff\u1000-\u109f")
_LETTER = rf"[^\W\d_{_UNSPACED}]"
_ALNUM = rf"[^\W_{_UNSPACED}]"
_TOKEN = re.compile(
    # an abbreviation of single letters and full stops ("U.S.", "U.N.", "e.g."): one token whose
    # full stops are not sentence ends
    rf"(?P<abbr>(?<!{_ALNUM}){_LETTER}(?:\.{_LETTER})+\.?(?!{_ALNUM}))"
    rf"|(?P<word>{_ALNUM}+(?:['\-]{_ALNUM}+)*)"
    r"|(?P<end>[.!?;:\n]+)",
)
_UNSPACED_CHAR = re.compile(f"[{_UNSPACED}]")


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).replace("’", "'").lower()


def sentences(text: str) -> list[list[str]]:
    """Split text into sentences of lower-case word tokens.

    Sentences end at ``. ! ? ; :`` and line breaks, except the full stops of an abbreviation
    ("U.S.", which therefore never ends a sentence, even as the last word of one).

    Examples
    --------
    >>> sentences("The U.S. and Egypt met. Talks went on")
    [['the', 'u.s.', 'and', 'egypt', 'met'], ['talks', 'went', 'on']]
    """
    out: list[list[str]] = []
    current: list[str] = []
    for m in _TOKEN.finditer(_normalise(text)):
        kind = m.lastgroup
        if kind == "end":
            if current:
                out.append(current)
            current = []
        elif kind == "abbr":
            t = m.group()
            current.append(t if t.endswith(".") else t + ".")
        else:
            current.append(m.group())
    if current:
        out.append(current)
    return out


def evidence_words(snippet: str) -> int:
    """The length of an evidence snippet in words, as the 12-word limit counts it.

    Words are runs of text between spaces (punctuation alone is not a word); characters of scripts written without spaces
    (Chinese, Japanese, Thai, Lao, Khmer, Burmese) count two to a word, rounded up, so that the
    12-word limit allows 24 such characters (a Chinese word is 1.5 to 2 characters on average).

    Examples
    --------
    >>> evidence_words("Hamas says no progress"), evidence_words("传加沙停火谈判有重大进展"), evidence_words("路透社 said")
    (4, 6, 3)
    """
    text = unicodedata.normalize("NFKC", str(snippet))
    unspaced = len(_UNSPACED_CHAR.findall(text))
    # punctuation left between such characters ("、", "“") is not a word
    words = [w for w in _UNSPACED_CHAR.sub(" ", text).split() if any(c.isalnum() for c in w)]
    return len(words) + (unspaced + 1) // 2


def tokenize(text: str) -> list[str]:
    """Split text into lower-case word tokens.

    Unicode-normalised (NFKC), apostrophes unified, hyphenated words kept whole
    ("state-affiliated"), abbreviations of single letters kept whole with their full stops
    ("U.S." gives "u.s."), digits kept ("33,175" gives "33" and "175"; figures are coded, not
    counted). Characters of scripts written without spaces (Chinese, Japanese, Thai, ...) are
    left out.

    Examples
    --------
    >>> tokenize("Egypt's state-affiliated Al-Qahera News said")
    ["egypt's", 'state-affiliated', 'al-qahera', 'news', 'said']
    >>> tokenize("U.S. and U.N. officials")
    ['u.s.', 'and', 'u.n.', 'officials']
    """
    return [t for s in sentences(text) for t in s]


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
        ``report_id, term, count``, sorted by report_id then term. ``attrs["notes"]`` is a tuple
        of sentences naming the reports whose text in scripts written without spaces was left
        out (empty when none was).
    """
    rows: list[tuple[object, str, int]] = []
    notes: list[str] = []
    for rid, text in zip(texts["report_id"], texts["text"]):
        text = "" if pd.isna(text) else str(text)
        counts: Counter[str] = Counter()
        for toks in sentences(text):
            counts.update(toks)
            if ngrams >= 2:
                counts.update(f"{a} {b}" for a, b in zip(toks, toks[1:]))
        rows.extend((rid, t, c) for t, c in counts.items())
        skipped = len(_UNSPACED_CHAR.findall(unicodedata.normalize("NFKC", text)))
        if skipped:
            notes.append(f"report {rid}: {skipped} characters of scripts written without spaces "
                         "(Chinese, Japanese, Thai, ...) left out, not segmented")
    out = pd.DataFrame(rows, columns=["report_id", "term", "count"])
    out = out.sort_values(["report_id", "term"], kind="stable").reset_index(drop=True)
    out.attrs["notes"] = tuple(notes)
    return out


def read_texts(folder: str | Path) -> pd.DataFrame:
    """Read ``<report_id>.txt`` files into ``report_id, text``.

    A file may start with the page's address on its first line followed by a blank line (as the
    git-ignored ``.text/`` folders of the bundled event do); that header is not counted.
    """
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


def clean_terms(terms: pd.DataFrame, name: str = "terms") -> pd.DataFrame:
    """A checked copy of a term table: ``report_id`` and ``term`` as text, ``count`` as float.

    Raises
    ------
    DataError
        A count that is not a number >= 0, naming its row (as a spreadsheet counts it), term and
        value.
    """
    t = terms[["report_id", "term", "count"]]
    counts = pd.to_numeric(t["count"], errors="coerce")
    bad = counts.isna() | (counts < 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(Problem(name, f"count {t['count'].iloc[i]!r} of term {t['term'].iloc[i]!r} "
                                "is not a count", row=i + 2, column="count", value=t["count"].iloc[i],
                                accepted="a whole number >= 0"))
    return pd.DataFrame({"report_id": t["report_id"].astype(str).to_numpy(),
                         "term": t["term"].astype(str).str.lower().to_numpy(),
                         "count": counts.to_numpy(dtype=np.float64)})
