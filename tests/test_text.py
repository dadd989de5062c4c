"""Tests of analysis.text: the tokenizer, sentences and term counts."""
import pandas as pd

from analysis.text import sentences, term_counts, tokenize


def test_abbreviations_stay_one_token():
    assert tokenize("U.S. and U.N. officials met; the U.K. did not.") == [
        "u.s.", "and", "u.n.", "officials", "met", "the", "u.k.", "did", "not"]
    assert tokenize("e.g. the US") == ["e.g.", "the", "us"]
    assert tokenize("under U.S pressure") == ["under", "u.s.", "pressure"]        # the final stop added


def test_abbreviation_does_not_end_a_sentence_but_a_full_stop_does():
    assert sentences("CIA chief visits the U.S. embassy. Talks resume") == [
        ["cia", "chief", "visits", "the", "u.s.", "embassy"], ["talks", "resume"]]
    # a capital initial before a full stop is not an abbreviation of two letters
    assert sentences("plan B.The talks") == [["plan", "b"], ["the", "talks"]]


def test_term_counts_keep_u_s_whole():
    counts = term_counts(pd.DataFrame({"report_id": ["r1"], "text": ["Rising U.S. pressure. The U.S. said"]}))
    got = dict(zip(counts["term"], counts["count"]))
    assert got["u.s."] == 2 and got["u.s. pressure"] == 1 and got["the u.s."] == 1
    assert "u" not in got and "s" not in got
    assert counts.attrs["notes"] == ()


def test_unspaced_scripts_are_left_out_with_a_note():
    texts = pd.DataFrame({"report_id": ["zh1", "en1"],
                          "text": ["新华社 reported 加沙 talks", "Egypt's state-affiliated Al-Qahera"]})
    counts = term_counts(texts)
    assert set(counts.loc[counts["report_id"] == "zh1", "term"]) == {"reported", "talks", "reported talks"}
    assert len(counts.attrs["notes"]) == 1 and "zh1: 5 characters" in counts.attrs["notes"][0]
    assert tokenize("Egypt's state-affiliated Al-Qahera News said") == [
        "egypt's", "state-affiliated", "al-qahera", "news", "said"]


def test_evidence_words_counts_unspaced_scripts_two_characters_to_a_word():
    from analysis.text import evidence_words

    assert evidence_words("A Hamas official told Reuters there was no progress") == 9
    # 24 Han characters are 12 words, 25 are 13: the limit of 12 words allows 24 characters
    assert evidence_words("传" * 24) == 12 and evidence_words("传" * 25) == 13
    # Thai and Japanese kana count the same way; words in other scripts around them count as words
    assert evidence_words("ฮามาส" + " said") == 4
    assert evidence_words("ハマス 路透社 Reuters") == 4
    # spaces between such characters do not change the count
    assert evidence_words("传 加 沙") == evidence_words("传加沙") == 2
    # punctuation between such characters is not a word
    assert evidence_words("以便立即、不受限制") == 4
