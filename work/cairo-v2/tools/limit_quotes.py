"""Shorten quotations of more than 12 words in the reasons and evidence of the v2 tables.

Reviewers and adjudicators sometimes quoted a sentence of 13-15 words in a reason; the dataset
stores at most 12 words of a report anywhere. A longer quotation keeps its first 12 words and "…".
Run from the repository root after build_v2.py: python work/cairo-v2/tools/limit_quotes.py
"""
import re

import pandas as pd

from analysis.text import evidence_words

QUOTE = re.compile(r'(["“«])([^"“”«»]+)(["”»])')


def shorten(text: str) -> str:
    words = text.split()
    out = text
    while evidence_words(out) > 12:
        words = words[:-1] if len(words) > 1 else words
        out = " ".join(words)
        if len(words) <= 1:  # one long unspaced run: cut characters
            out = out[:-1]
            words = [out]
    return out + " …" if out != text else text


def limit(text: str) -> str:
    return QUOTE.sub(lambda m: m.group(1) + shorten(m.group(2)) + m.group(3)
                     if evidence_words(m.group(2)) > 12 else m.group(0), text)


for path, columns in (("data/cairo-talks-2024-04/adjudication.csv", ["reason"]),
                      ("data/cairo-talks-2024-04/review.csv", ["reason"])):
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    before = table.copy()
    for c in columns:
        table[c] = table[c].map(limit)
    for c in [c for c in table.columns if c.endswith("evidence")]:
        table[c] = table[c].map(lambda e: shorten(e) if evidence_words(e) > 12 else e)
    print(path, int((table != before).to_numpy().sum()), "cells shortened")
    table.to_csv(path, index=False)
