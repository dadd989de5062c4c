"""Machine coding with scikit-learn, judged by its agreement with human coders.

A machine coder learns one nominal or ordinal codebook variable from the consolidated human
codes of an event and the term counts of its reports (``Event.terms``, or a ``text`` column in
``Event.reports`` tokenised by :mod:`analysis.text`). Its codes enter an event as a coder named
``model:<name>``, so every analysis can be run with and without them.

- :class:`TermCoder`: the scikit-learn classifier (log-scaled term counts, optionally IDF,
  logistic regression);
- :func:`feature_matrix`: term counts as the ``{term: count}`` rows a TermCoder takes;
- :func:`report_groups`: reports that must stay on one side of a split (outlet, wire, reprints);
- :func:`cross_val_codes`: out-of-fold machine and baseline codes, report by report;
- :func:`evaluate`: macro-F1 and Krippendorff's alpha against the humans, with intervals and
  baselines, one row per variable;
- :func:`per_class_recall`: how often each code is recovered;
- :func:`train`, :func:`machine_codes`, :func:`autocode`: code reports that no human has coded.

Models are never stored: they are retrained from the data, which takes seconds.
"""
from __future__ import annotations

import warnings
import zlib
from collections.abc import Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline
from sklearn.utils import check_array
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d
from tqdm.std import tqdm

from .errors import DataError
from .common import check_columns
from .events import ADJUDICATOR, CODE_COLUMNS, MAX_EVIDENCE_WORDS, TERM_COLUMNS
from .reliability import consolidate, reliability
from .text import term_counts

EVALUATION_COLUMNS = (
    "variable", "level", "n_reports", "n_classes", "status",
    "macro_f1", "macro_f1_ci_low", "macro_f1_ci_high",
    "alpha_machine_human", "alpha_ci_low", "alpha_ci_high",
    "baseline_macro_f1", "baseline_alpha", "lexicon_alpha", "human_alpha",
    "n_splits", "n_groups", "note",
)
RECALL_COLUMNS = ("variable", "code", "recall", "support")
CROSS_VAL_COLUMNS = ("report_id", "variable", "group", "fold", "rule", "human", "model", "baseline")
GROUP_COLUMNS = ("report_id", "group")

MODEL_PREFIX = "model:"
DEFAULT_NAME = "tfidf-logreg"
LEARNABLE = "learnable"
# below these a variable is reported as not learnable rather than forced through cross-validation
MIN_REPORTS = 10
N_SPLITS = 5
CI = 0.95
MAX_EVIDENCE_TERMS = 6


# ---------------------------------------------------------------------------------------------
# the estimator
# ---------------------------------------------------------------------------------------------

class _DocumentFrequency(TransformerMixin, BaseEstimator):
    """Keep the columns (terms) that occur in at least ``min_df`` training documents."""

    def __init__(self, min_df=1):
        self.min_df = min_df

    def fit(self, X, y=None):
        df = np.asarray((X != 0).sum(axis=0)).ravel()
        self.mask_ = df >= self.min_df
        if not self.mask_.any():
            raise ValueError(f"no term occurs in {self.min_df} or more training reports; "
                             "lower min_df")
        return self

    def transform(self, X):
        check_is_fitted(self)
        return X[:, self.mask_]


class _Vectorizer(TransformerMixin, BaseEstimator):
    """Term dicts (vocabulary learned in fit, as DictVectorizer) or a count matrix (columns kept)
    -> a sparse matrix."""

    def fit(self, X, y=None):
        if isinstance(X, list):
            self.dict_ = DictVectorizer().fit(X)
            self.feature_names_ = self.dict_.get_feature_names_out()
        else:
            self.dict_ = None
            self.feature_names_ = np.array([f"x{j}" for j in range(X.shape[1])], dtype=object)
        return self

    def transform(self, X):
        check_is_fitted(self)
        if self.dict_ is not None:
            if not isinstance(X, list):
                raise ValueError("this model learned from term counts per report ({term: count} "
                                 "dicts, texts or a wide DataFrame); give X in one of those forms")
            return self.dict_.transform(X)
        if isinstance(X, list):
            raise ValueError("this model learned from a numeric matrix; give a matrix with the "
                             "same columns")
        return X


class TermCoder(ClassifierMixin, BaseEstimator):
    """Code one nominal or ordinal variable from term counts: weighted terms, logistic regression.

    A scikit-learn classifier: ``fit(X, y)``, ``predict``, ``predict_proba``,
    ``decision_function``, ``score`` (accuracy), ``get_params``/``set_params`` and ``clone``
    work as for any scikit-learn estimator. The fitted :class:`~sklearn.pipeline.Pipeline` is
    ``pipeline_``: vectorizer (``DictVectorizer`` for term dicts) -> document-frequency filter
    -> ``TfidfTransformer`` -> ``LogisticRegression``. Vocabulary, document frequencies and IDF
    weights are learned from the training reports only, so cross-validation does not leak test
    reports into the features.

    Parameters
    ----------
    C : float, default 1.0
        Inverse strength of the L2 penalty of the logistic regression.
    use_idf : bool, default False
        Multiply term weights by their inverse document frequency. Off by default: in the
        coverage of one event the words that decide a code (the word a report chose for the
        hostages, say) occur in a large share of the reports, and IDF shrinks exactly those
        while it inflates rare words that a small training set cannot tell from noise (see
        Notes).
    sublinear_tf : bool, default True
        Use ``1 + log(count)`` instead of the raw count (a term said five times is not five
        times the evidence, and frequent function words do not swamp the rest).
    min_df : int, default 1
        Terms found in fewer training reports are dropped.
    class_weight : "balanced", dict or None, default "balanced"
        Passed to LogisticRegression; "balanced" weighs each code inversely to its frequency,
        so rare codes are not ignored.
    max_iter : int, default 1000
    random_state : int, default 0
        Passed to LogisticRegression (its lbfgs solver is deterministic anyway).

    Attributes
    ----------
    classes_ : ndarray, shape (n_classes,)
        The codes seen in ``y``, sorted when they can be compared (the original Python objects).
    pipeline_ : Pipeline
        The fitted pipeline; its classifier predicts positions in ``classes_``.
    feature_names_ : ndarray of str, shape (n_terms,)
        The terms the classifier uses, in the order of its coefficients.
    n_features_in_ : int
        Only when fitted on a numeric matrix: its number of columns.
    n_iter_ : ndarray
        Iterations of the logistic regression's solver.

    Notes
    -----
    ``X`` may be any of:

    - a list of ``{term: count}`` dicts, one per report (see :func:`feature_matrix`);
    - a sequence of texts (str), tokenised into lower-cased unigrams and bigrams by
      :func:`analysis.text.term_counts`, so a model trained on term counts can code texts and the
      other way round;
    - a wide DataFrame, one row per report and one column per term (column names are terms);
    - a 2-D array or sparse matrix of non-negative counts (column ``j`` is the term ``"x{j}"``).

    A long ``report_id, term, count`` table is not a valid X (its rows are not reports): turn
    it into rows with :func:`feature_matrix`.

    Each report's weights are scaled to unit length (L2) before the regression. On synthetic
    events with a planted label word (three codes, 60 to 300 reports, Zipf-distributed noise
    words, the other codes' words also present in some reports) 5-fold accuracy was 0.75 to
    0.97 with the defaults, 0.58 to 0.84 with ``use_idf=True`` and 0.57 to 0.82 with
    ``sublinear_tf=False``.

    Ordinal variables are learned as unordered classes; their order enters the evaluation
    through Krippendorff's ordinal alpha (:func:`evaluate`).

    Examples
    --------
    >>> X = [{"hostages": 2, "talks": 1}, {"captives": 1, "talks": 2}] * 5
    >>> y = ["hostages", "captives"] * 5
    >>> TermCoder().fit(X, y).predict([{"hostages": 1}, {"captives": 3}]).tolist()
    ['hostages', 'captives']
    """

    def __init__(self, *, C=1.0, use_idf=False, sublinear_tf=True, min_df=1,
                 class_weight="balanced", max_iter=1000, random_state=0):
        self.C = C
        self.use_idf = use_idf
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.dict = True
        tags.input_tags.string = True
        tags.input_tags.positive_only = True
        return tags

    def fit(self, X, y):
        """Learn the codes ``y`` (one per report) from the reports' terms ``X``."""
        rows, n_features = _prepare(X, self)
        y = column_or_1d(y, warn=True)
        if y.dtype == object and all(isinstance(v, (str, int, np.integer)) and not isinstance(v, bool)
                                     for v in y):
            # codebook codes: words or whole numbers (type_of_target calls an object array of
            # ints "unknown")
            pass
        else:
            check_classification_targets(y)
        if len(y) != _n_rows(rows):
            raise ValueError(f"X has {_n_rows(rows)} reports but y has {len(y)} codes; "
                             "give one code per report")
        classes, y_index = _classes(y)
        if len(classes) < 2:
            raise ValueError(f"TermCoder needs at least 2 classes (codes) in y; got only 1 "
                             f"class: {_plain(classes[0])!r}")
        pipeline = Pipeline([
            ("vectorize", _Vectorizer()),
            ("min_df", _DocumentFrequency(self.min_df)),
            ("tfidf", TfidfTransformer(use_idf=self.use_idf, sublinear_tf=self.sublinear_tf)),
            ("classify", LogisticRegression(C=self.C, class_weight=self.class_weight,
                                            max_iter=self.max_iter,
                                            random_state=self.random_state)),
        ])
        pipeline.fit(rows, y_index)
        self.pipeline_ = pipeline
        self.classes_ = classes
        names = pipeline.named_steps["vectorize"].feature_names_
        self.feature_names_ = names[pipeline.named_steps["min_df"].mask_]
        self.n_iter_ = pipeline.named_steps["classify"].n_iter_
        if n_features is not None:
            self.n_features_in_ = n_features
        elif hasattr(self, "n_features_in_"):
            del self.n_features_in_
        return self

    def predict(self, X):
        """The most probable code of each report, shape (n_reports,)."""
        rows = self._rows(X)
        return self.classes_[self.pipeline_.predict(rows)]

    def predict_proba(self, X):
        """Probability of each code, shape (n_reports, n_classes), columns in ``classes_`` order."""
        rows = self._rows(X)
        return self.pipeline_.predict_proba(rows)

    def decision_function(self, X):
        """Linear scores: shape (n_reports,) for two codes (positive: ``classes_[1]``),
        (n_reports, n_classes) otherwise."""
        rows = self._rows(X)
        return self.pipeline_.decision_function(rows)

    def _rows(self, X):
        check_is_fitted(self)
        rows, n_features = _prepare(X, self)
        expected = getattr(self, "n_features_in_", None)
        if expected is not None and n_features is not None and n_features != expected:
            raise ValueError(f"X has {n_features} features, but TermCoder is expecting "
                             f"{expected} features as input.")
        return rows

    def _contributions(self, rows):
        """Per report, a sparse row of term weight x TF-IDF for the predicted class."""
        pipe = self.pipeline_
        tfidf = pipe[:-1].transform(rows).tocsr()
        clf = pipe.named_steps["classify"]
        scores = np.asarray(clf.decision_function(tfidf))
        coef = clf.coef_
        if coef.shape[0] == 1:
            # two classes: one coefficient row, positive towards classes_[1]
            predicted = (scores > 0).astype(int)
            weights = np.vstack([-coef[0], coef[0]])
        else:
            predicted = scores.argmax(axis=1)
            weights = coef
        return tfidf, weights, predicted


def _n_rows(rows):
    return rows.shape[0] if sp.issparse(rows) else len(rows)


def _classes(y):
    """Sorted unique labels (original objects kept) and each label's position."""
    y = np.asarray(y)
    try:
        classes, index = np.unique(y, return_inverse=True)
    except TypeError:
        # codes of mixed types (e.g. 1 and "no"): first-seen order
        index, classes = pd.factorize(pd.Series(y, dtype=object), sort=False)
        classes = np.asarray(classes, dtype=object)
    return classes, np.asarray(index).ravel()


def _prepare(X, estimator):
    """X in any accepted form -> (list of {term: count} dicts or a CSR count matrix, number of
    matrix columns or None)."""
    if isinstance(X, pd.DataFrame):
        if {"report_id", "term", "count"} <= set(X.columns):
            raise ValueError("X looks like a long term-count table (report_id, term, count); "
                             "give one row per report: feature_matrix(terms, report_ids)")
        if "report_id" in X.columns:
            raise ValueError("X has a report_id column; make it the index "
                             "(X.set_index('report_id')) so every column is a term")
        matrix = _counts(check_array(X, accept_sparse=False, dtype="numeric", estimator=estimator))
        # columns are terms: as dicts, a wide table and term dicts code alike
        return _matrix_dicts(matrix, [str(c) for c in X.columns]), None
    if sp.issparse(X):
        matrix = _counts(check_array(X, accept_sparse="csr", dtype="numeric", estimator=estimator))
        return matrix, matrix.shape[1]
    if isinstance(X, (str, bytes, Mapping)) or not (hasattr(X, "__len__") or hasattr(X, "__array__")):
        raise ValueError("X must be a list of {term: count} dicts, a list of texts, a wide "
                         f"DataFrame or a 2-D array of counts, not {type(X).__name__}")
    if not isinstance(X, (list, tuple, pd.Series)):
        matrix = _counts(check_array(np.asarray(X), dtype="numeric", estimator=estimator))
        return matrix, matrix.shape[1]
    rows = list(X)
    if not rows:
        raise ValueError("X is empty: no report to learn from or to code")
    if all(isinstance(r, Mapping) for r in rows):
        _check_counts(rows)
        return rows, None
    if all(isinstance(r, str) for r in rows):
        return _text_dicts(rows), None
    # a list of lists of numbers
    matrix = _counts(check_array(rows, dtype="numeric", estimator=estimator))
    return matrix, matrix.shape[1]


def _counts(matrix):
    matrix = sp.csr_matrix(matrix)
    if matrix.nnz and matrix.data.min() < 0:
        raise ValueError("Negative values in data passed to TermCoder: X holds counts, "
                         "which are >= 0")
    return matrix


def _check_counts(rows):
    """Every count a finite number >= 0 (checked at once; the culprit found only on failure)."""
    try:
        values = np.fromiter((v for r in rows for v in r.values()), dtype=np.float64)
        ok = np.isfinite(values).all() and not (values < 0).any()
    except (TypeError, ValueError):
        ok = False
    if ok:
        return
    for i, r in enumerate(rows):
        for term, count in r.items():
            if not isinstance(count, (int, float, np.number)) or not np.isfinite(count) or count < 0:
                raise ValueError(f"report {i} of X: the count of {term!r} is {count!r}; counts "
                                 "are numbers >= 0 (Negative values in data passed to TermCoder "
                                 "are refused)")


def _matrix_dicts(matrix, names):
    names = np.asarray(names, dtype=object)
    out = []
    for i in range(matrix.shape[0]):
        lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
        keep = matrix.data[lo:hi] != 0
        out.append(dict(zip(names[matrix.indices[lo:hi][keep]], matrix.data[lo:hi][keep].tolist())))
    return out


def _text_dicts(texts):
    frame = pd.DataFrame({"report_id": np.arange(len(texts)), "text": texts})
    return feature_matrix(term_counts(frame), np.arange(len(texts)))


# ---------------------------------------------------------------------------------------------
# features and groups
# ---------------------------------------------------------------------------------------------

def feature_matrix(terms, report_ids):
    """Term counts as one ``{term: count}`` dict per report, the X of :class:`TermCoder`.

    Parameters
    ----------
    terms : DataFrame
        ``report_id, term, count`` (``Event.terms``); not modified.
    report_ids : sequence
        The reports, in the order wanted.

    Returns
    -------
    list of dict
        ``len(report_ids)`` dicts; a report without term counts gives ``{}``.

    Examples
    --------
    >>> terms = pd.DataFrame({"report_id": ["a", "a", "b"], "term": ["talks", "hostages", "talks"],
    ...                       "count": [2, 1, 1]})
    >>> feature_matrix(terms, ["b", "c", "a"])
    [{'talks': 1}, {}, {'talks': 2, 'hostages': 1}]
    """
    check_columns(terms, TERM_COLUMNS, "terms")
    wanted = pd.Index(pd.unique(pd.Series(list(report_ids), dtype=object)))
    sub = terms[terms["report_id"].isin(wanted) & (terms["count"] > 0)]
    by_report = {rid: dict(zip(g["term"].tolist(), g["count"].tolist()))
                 for rid, g in sub.groupby("report_id", sort=False, observed=True)}
    return [dict(by_report.get(rid, {})) for rid in report_ids]


def report_groups(reports):
    """Groups of reports that must stay together when splitting for cross-validation.

    Two reports share a group when they come from the same outlet, reprint the same wire
    agency, or are linked by ``derived_from`` (directly or through a chain); groups are the
    connected components of these links.

    Parameters
    ----------
    reports : DataFrame
        ``report_id, outlet``, optionally ``wire`` and ``derived_from`` (``Event.reports``).

    Returns
    -------
    DataFrame
        ``report_id, group``, in the order of ``reports``; ``group`` is an int, numbered by the
        first report of each group.

    Notes
    -----
    A wire agency and an outlet of the same name are one node: the agency's own report and the
    reprints of its copy tell the same story. ``derived_from`` may name a report or a wire story
    id that is not a report; reports deriving from the same id are linked either way.
    """
    check_columns(reports, ("report_id", "outlet"), "reports")
    ids = reports["report_id"].astype(str).to_numpy()
    keys = {}

    def node(key):
        return keys.setdefault(key, len(ids) + len(keys))

    src, dst = [], []
    for i, rid in enumerate(ids):
        # the report is also the node its derivations point to
        src.append(i)
        dst.append(node(("story", rid)))
    for column, kind in (("outlet", "source"), ("wire", "source"), ("derived_from", "story")):
        if column not in reports.columns:
            continue
        for i, value in enumerate(reports[column].to_numpy(dtype=object)):
            if isinstance(value, str) and value.strip():
                src.append(i)
                dst.append(node((kind, value.strip())))
    n = len(ids) + len(keys)
    graph = sp.coo_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    label = label[: len(ids)]
    # renumber by first appearance so the ids do not depend on scipy's numbering
    _, first = np.unique(label, return_index=True)
    order = np.empty(label.max() + 1 if len(label) else 0, dtype=np.int64)
    order[label[np.sort(first)]] = np.arange(len(first))
    return pd.DataFrame({"report_id": reports["report_id"].to_numpy(),
                         "group": order[label] if len(label) else np.array([], dtype=np.int64)})


# ---------------------------------------------------------------------------------------------
# cross-validation and evaluation
# ---------------------------------------------------------------------------------------------

def cross_val_codes(event, *, variables=None, n_splits=N_SPLITS, seed=0, progress=False):
    """Out-of-fold machine codes and majority-class baseline codes, one row per report.

    Parameters
    ----------
    event : Event
        Or any object with ``reports``, ``codes``, ``codebook`` and ``terms`` tables
        (docs/data-model.md); not modified. Features are ``terms`` and, for reports without term
        counts, a ``text`` column of ``reports`` if there is one.
    variables : sequence of str, optional
        Nominal or ordinal variables; default all of them.
    n_splits : int, default 5
        Folds; fewer when there are fewer independent groups (see :func:`report_groups`).
    seed : int, default 0
        Seeds the fold assignment and the model.
    progress : bool, default False
        Show a tqdm progress bar over variables.

    Returns
    -------
    DataFrame
        ``report_id, variable, group, fold, rule, human, model, baseline`` for the learnable
        variables: the human code (consolidated, ``rule`` from
        :func:`analysis.reliability.consolidate`, or "single_coder"), the code a TermCoder
        trained on the other folds gave, and the code a most-frequent-class baseline gave.
        ``fold`` is the fold in which the report was a test report. Sorted by variable in
        codebook order, then report_id.
    """
    table, _ = _cross_validate(event, variables, n_splits, seed, progress)
    return table


def evaluate(event, *, variables=None, n_splits=N_SPLITS, n_boot=1000, seed=0, lexicon=None,
             progress=False):
    """How well a machine coder agrees with the human coders, variable by variable.

    Parameters
    ----------
    event : Event
        Or any object with ``reports``, ``codes``, ``codebook`` and ``terms`` (see
        :func:`cross_val_codes`); not modified.
    variables : sequence of str, optional
        Nominal or ordinal variables; default all of them.
    n_splits : int, default 5
        Cross-validation folds (fewer when there are fewer independent groups of reports).
    n_boot : int, default 1000
        Bootstrap resamples of reports for the 95% intervals; 0 for none.
    seed : int, default 0
        Seeds folds, model and bootstrap.
    lexicon : str, Path, dict, None or False, default None
        The lexicon of :func:`analysis.lexicon.lexicon_code` (None: the package lexicon
        ``analysis/lexicons/labels.yaml``); its codes, read from the reports' texts where they
        have them and from term counts otherwise, are compared with the humans' on the label
        variables it covers. False: no lexicon comparison.
    progress : bool, default False
        Show a tqdm progress bar.

    Returns
    -------
    DataFrame
        One row per variable, in codebook order, columns ``EVALUATION_COLUMNS``:

        - ``variable, level``;
        - ``n_reports``: reports with a human code and term counts (or text);
        - ``n_classes``: distinct human codes among them;
        - ``status``: "learnable", or "not learnable: <reason>" (too few reports, one code only,
          a second most frequent code with fewer than ``n_splits`` reports, or fewer than two
          independent groups); machine columns are NaN then. "learnable" means that the data
          allow an honest test, not that the machine passed it: read the alphas;
        - ``macro_f1``, ``macro_f1_ci_low``, ``macro_f1_ci_high``: out-of-fold macro-F1 over the
          codes the humans used, with its bootstrap interval;
        - ``alpha_machine_human``, ``alpha_ci_low``, ``alpha_ci_high``: Krippendorff's alpha
          (level from the codebook) between the out-of-fold machine codes and the human codes,
          with the interval of :func:`analysis.reliability.reliability`;
        - ``baseline_macro_f1``, ``baseline_alpha``: the same for the most frequent code of each
          training fold (scikit-learn's DummyClassifier);
        - ``lexicon_alpha``: alpha between the lexicon coder and the humans on the same reports
          (those the lexicon gives a code; ``note`` says how many when not all); NaN where the
          lexicon does not cover the variable;
        - ``human_alpha``: alpha among the independent human coders (adjudicated and model
          coders left out), for comparison: a machine cannot be expected to agree with the
          humans more than they agree with each other;
        - ``n_splits``, ``n_groups``: folds used and independent groups;
        - ``note``: anything that qualifies the row.

    Notes
    -----
    The human code of a report is the consolidated code (:func:`analysis.reliability.consolidate`:
    adjudicated, unanimous or majority) or, where only one human coded the report, that coder's
    code. Ties are left out.

    Reports that reprint the same wire copy, derive from each other or come from one outlet are
    kept on one side of every split (:func:`report_groups`, scikit-learn's StratifiedGroupKFold
    with shuffling seeded by ``seed``); otherwise the model would be tested on copies of its
    training reports and look better than it is.

    Macro-F1 is the unweighted mean over the codes the humans used of
    :math:`F_1 = 2\\,TP / (2\\,TP + FP + FN)` (scikit-learn's ``f1_score(average="macro")``
    with ``labels`` the human codes). Its interval is the percentile bootstrap over reports
    (Efron & Tibshirani 1993), macro-F1 of each resample taken over the codes present in it.
    Reports are resampled one by one, as in :func:`analysis.reliability.reliability`; reprints
    of one story are not independent, so the intervals are if anything too narrow.

    The intervals hold the fitted models fixed: they say how much the figures depend on which
    reports were sampled, not on which outlets fell into which fold. That second source is not
    small when codes depend on the outlet. On synthetic events of
    :func:`analysis.synthetic.make_event_folder` (500 and 2,000 reports, 40 outlets), whose 14
    unplanted variables cannot be learned from the words, 3 and 5 of the 14 intervals left out 0
    (resampling whole groups instead: 3 and 4); at 2,000 reports alpha ranged from -0.08 to
    +0.08 and moved by up to 0.08 between fold seeds. The training folds' mix of codes differs
    from the test fold's, and a model that learned nothing still predicts against or along
    that difference. Treat ``|alpha_machine_human| < 0.1`` as no agreement, and compare seeds
    when it matters.

    References
    ----------
    Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Departmental papers
    (ASC) 43, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43

    Efron, B., & Tibshirani, R. J. (1993). An introduction to the bootstrap. New York:
    Chapman & Hall.

    Song, H., Tolochko, P., Eberl, J.-M., et al. (2020). In validations we trust? The impact of
    imperfect human annotations as a gold standard on the quality of validation of automated
    content analysis. Political Communication, 37(4), 550-572.
    https://doi.org/10.1080/10584609.2020.1723752
    """
    n_boot = _check_int(n_boot, "n_boot", minimum=0)
    table, info = _cross_validate(event, variables, n_splits, seed, progress)
    spec = _chosen_variables(event.codebook, variables)
    codebook = event.codebook
    human = _human_alpha(event.codes, codebook, [r.variable for r in spec])
    lex_codes, lex_note = _lexicon_codes(event, lexicon)

    rows = []
    for var in spec:
        meta = info[var.variable]
        notes = list(meta["notes"])
        row = {c: np.nan for c in EVALUATION_COLUMNS}
        row.update(variable=var.variable, level=var.level, n_reports=meta["n_reports"],
                   n_classes=meta["n_classes"], status=meta["status"], n_splits=meta["n_splits"],
                   n_groups=meta["n_groups"], human_alpha=human.get(var.variable, np.nan))
        lex_alpha, lex_msg = _lexicon_alpha(lex_codes, lex_note, var, meta["labels"], codebook)
        row["lexicon_alpha"] = lex_alpha
        if lex_msg:
            notes.append(lex_msg)
        if meta["status"] == LEARNABLE:
            sub = table[table["variable"] == var.variable]
            rng = np.random.default_rng([seed, zlib.crc32(var.variable.encode("utf-8"))])
            f1, lo, hi = _macro_f1_interval(sub["human"], sub["model"], var.codes, n_boot, rng)
            row.update(macro_f1=f1, macro_f1_ci_low=lo, macro_f1_ci_high=hi)
            alpha = _agreement(sub["report_id"], sub["human"], sub["model"], var, codebook,
                               n_boot=n_boot, seed=seed)
            row.update(alpha_machine_human=alpha["alpha"], alpha_ci_low=alpha["ci_low"],
                       alpha_ci_high=alpha["ci_high"])
            if alpha["note"]:
                notes.append("machine-human alpha: " + alpha["note"])
            row["baseline_macro_f1"], _, _ = _macro_f1_interval(sub["human"], sub["baseline"],
                                                                var.codes, 0, rng)
            row["baseline_alpha"] = _agreement(sub["report_id"], sub["human"], sub["baseline"],
                                               var, codebook, n_boot=0, seed=seed)["alpha"]
        row["note"] = "; ".join(notes)
        rows.append(row)
    out = pd.DataFrame(rows, columns=list(EVALUATION_COLUMNS))
    for col in ("n_reports", "n_classes", "n_splits", "n_groups"):
        out[col] = out[col].astype("int64")
    floats = [c for c in EVALUATION_COLUMNS if c.startswith(("macro", "alpha", "baseline"))
              or c in ("lexicon_alpha", "human_alpha")]
    out[floats] = out[floats].astype("float64")
    return out


def per_class_recall(event, *, variables=None, n_splits=N_SPLITS, seed=0, progress=False):
    """Out-of-fold recall of each code: the share of reports the humans gave a code that the
    machine gave it too.

    Parameters are those of :func:`cross_val_codes`.

    Returns
    -------
    DataFrame
        ``variable, code, recall, support`` for every code of every learnable variable, in
        codebook order; ``support`` counts the reports the humans gave the code, and ``recall``
        is NaN when it is 0. The mean recall over codes with support is the balanced accuracy.
    """
    table, _ = _cross_validate(event, variables, n_splits, seed, progress)
    spec = _chosen_variables(event.codebook, variables)
    rows = []
    for var in spec:
        sub = table[table["variable"] == var.variable]
        if sub.empty:
            continue
        human = sub["human"].to_numpy(dtype=object)
        model = sub["model"].to_numpy(dtype=object)
        for code in var.codes:
            is_code = np.array([h == code for h in human], dtype=bool)
            support = int(is_code.sum())
            hit = int(sum(m == code for m in model[is_code]))
            rows.append({"variable": var.variable, "code": code,
                         "recall": hit / support if support else np.nan, "support": support})
    out = pd.DataFrame(rows, columns=list(RECALL_COLUMNS))
    out["recall"] = out["recall"].astype("float64")
    out["support"] = out["support"].astype("int64")
    return out


# ---------------------------------------------------------------------------------------------
# coding new reports
# ---------------------------------------------------------------------------------------------

def train(event, *, variables=None, seed=0):
    """Fit one :class:`TermCoder` per learnable variable on all of an event's human codes.

    Parameters
    ----------
    event : Event
        The coded event (see :func:`cross_val_codes`); not modified.
    variables : sequence of str, optional
        Nominal or ordinal variables. Default: all of them, leaving out those that are not
        learnable (see :func:`evaluate` for why); a variable named here that is not learnable
        raises ValueError.
    seed : int, default 0

    Returns
    -------
    dict
        ``{variable: fitted TermCoder}``, in codebook order; the input of :func:`machine_codes`.
    """
    _check_event(event)
    spec = _chosen_variables(event.codebook, variables)
    labels = _human_labels(event.codes, event.codebook, spec)
    features = _features(event.reports, event.terms)
    models = {}
    for var in spec:
        lab = labels[(labels["variable"] == var.variable)
                     & labels["report_id"].isin(features.keys())]
        reason = _unlearnable(lab["value"], var, N_SPLITS)
        if reason:
            if variables is not None:
                raise ValueError(f"variable {var.variable} is not learnable: {reason}")
            continue
        X = [features[r] for r in lab["report_id"]]
        models[var.variable] = TermCoder(random_state=seed).fit(X, _code_array(lab["value"]))
    return models


def machine_codes(models, terms, reports, *, name=DEFAULT_NAME):
    """Code reports with fitted models, as a coder named ``model:<name>``.

    Parameters
    ----------
    models : mapping
        ``{variable: fitted classifier}`` (e.g. from :func:`train`); each classifier's
        ``predict`` takes a list of ``{term: count}`` dicts.
    terms : DataFrame or None
        ``report_id, term, count``; not modified.
    reports : DataFrame
        ``report_id`` and optionally ``text``: the reports to code. A report with neither term
        counts nor text is not coded.
    name : str, default "tfidf-logreg"
        The coder is ``model:<name>``.

    Returns
    -------
    DataFrame
        ``report_id, coder, variable, value, evidence``, sorted by report_id, coder, variable,
        ready for :meth:`analysis.events.Event.with_codes`. ``evidence`` lists the terms of the
        report that pushed a :class:`TermCoder` most towards the code it gave (at most 12 words,
        separated by "; "), or NaN when no term did (or for other classifiers).
    """
    coder = _coder_name(name)
    if not isinstance(models, Mapping):
        raise ValueError("models must be a mapping {variable: fitted model}, e.g. "
                         "{'label_captives': model} or the result of train(event)")
    check_columns(reports, ("report_id",), "reports")
    for variable, model in models.items():
        if not hasattr(model, "predict"):
            raise ValueError(f"models[{variable!r}] is not a classifier (no predict method)")
        check_is_fitted(model)
    features = _features(reports, terms)
    ids = [r for r in pd.unique(reports["report_id"]) if r in features]
    parts = []
    if ids:
        X = [features[r] for r in ids]
        for variable, model in models.items():
            values = np.asarray(model.predict(X), dtype=object)
            evidence = (_evidence(model, X) if isinstance(model, TermCoder)
                        else np.full(len(ids), np.nan, dtype=object))
            parts.append(pd.DataFrame({"report_id": ids, "coder": coder, "variable": variable,
                                       "value": [_plain(v) for v in values],
                                       "evidence": evidence}))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in CODE_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    out["value"] = out["value"].astype(object)
    out["evidence"] = out["evidence"].astype(object)
    return out.sort_values(["report_id", "coder", "variable"], kind="stable").reset_index(drop=True)


def autocode(event, train_event, *, variables=None, name=DEFAULT_NAME, seed=0):
    """A machine coding sheet for the reports of ``event`` that no human has coded.

    Parameters
    ----------
    event : Event
        The reports to code: those with term counts (or text) and no human code (no
        non-missing value from a coder other than ``model:*``). Not modified.
    train_event : Event
        Supplies the training data: its consolidated human codes and term counts. May be
        ``event`` itself.
    variables : sequence of str, optional
        Variables to code. Default: the learnable nominal and ordinal variables of
        ``train_event`` that ``event``'s codebook has with the same level and codes; a named
        variable that does not qualify raises ValueError.
    name : str, default "tfidf-logreg"
        The coder is ``model:<name>``.
    seed : int, default 0

    Returns
    -------
    DataFrame
        ``report_id, coder, variable, value, evidence`` (see :func:`machine_codes`).

    Notes
    -----
    The models are retrained from ``train_event`` on every call, never stored. Check first
    with :func:`evaluate` how far its codes can be trusted: a variable can be learnable and
    still learned badly.
    """
    _check_event(event)
    _check_event(train_event)
    shared, mismatched = [], []
    own = event.codebook.set_index("variable")
    for var in _chosen_variables(train_event.codebook, variables):
        if var.variable in own.index and own.loc[var.variable, "level"] == var.level \
                and tuple(own.loc[var.variable, "codes"]) == tuple(var.codes):
            shared.append(var.variable)
        else:
            mismatched.append(var.variable)
    if variables is not None and mismatched:
        raise ValueError(f"variable(s) {', '.join(mismatched)} differ between the two codebooks "
                         "(missing, or another level or other codes); code only variables both "
                         "events define alike")
    models = train(train_event, variables=shared if variables is not None else None, seed=seed)
    models = {v: m for v, m in models.items() if v in shared}
    codes = event.codes
    human = codes[~codes["coder"].astype(str).str.startswith(MODEL_PREFIX) & codes["value"].notna()]
    todo = event.reports[~event.reports["report_id"].isin(set(human["report_id"]))]
    return machine_codes(models, event.terms, todo, name=name)


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def _check_event(event):
    for attr in ("reports", "codes", "codebook", "terms"):
        if not hasattr(event, attr):
            raise ValueError(f"expected an Event (analysis.load_event) or an object with reports, "
                             f"codes, codebook and terms; {type(event).__name__} has no {attr}")
    check_columns(event.reports, ("report_id", "outlet"), "reports")
    check_columns(event.codes, CODE_COLUMNS, "codes")
    check_columns(event.codebook, ("variable", "level", "codes"), "codebook")
    if event.terms is not None:
        check_columns(event.terms, TERM_COLUMNS, "terms")


def _check_int(x, name, *, minimum):
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)) or x < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, not {x!r}")
    return int(x)


def _coder_name(name):
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise ValueError(f"name must be a non-empty word without surrounding spaces, e.g. "
                         f"'{DEFAULT_NAME}', not {name!r}")
    return name if name.startswith(MODEL_PREFIX) else MODEL_PREFIX + name


def _chosen_variables(codebook, variables):
    """Codebook rows (namedtuples) of the chosen nominal and ordinal variables, codebook order."""
    cb = codebook
    categorical = cb["level"].isin(["nominal", "ordinal"]).to_numpy()
    if variables is None:
        chosen = cb[categorical]
    else:
        names = [variables] if isinstance(variables, str) else list(variables)
        known = dict(zip(cb["variable"], cb["level"]))
        unknown = [v for v in names if v not in known]
        if unknown:
            raise ValueError(f"variable(s) {', '.join(map(str, unknown))} not in the codebook")
        numeric = [v for v in names if known[v] not in ("nominal", "ordinal")]
        if numeric:
            raise ValueError(f"variable(s) {', '.join(numeric)} are interval or ratio; machine "
                             "coding here learns nominal and ordinal variables only")
        chosen = cb[cb["variable"].isin(names)]
    return [r for r in chosen[["variable", "level", "codes"]].itertuples(index=False)]


def _human_codes(codes):
    coder = codes["coder"].astype(str)
    return codes[~coder.str.startswith(MODEL_PREFIX)]


def _human_labels(codes, codebook, spec):
    """``report_id, variable, value, rule``: one human code per report and variable (NaN dropped)."""
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in ("report_id", "variable", "value", "rule")})
    human = _human_codes(codes)
    if human.empty or not spec:
        return empty
    names = [v.variable for v in spec]
    cb = codebook[codebook["variable"].isin(names)]
    # a lone coder's code is a training label, as in a study with one coder per report
    table = consolidate(human, cb, adjudicator=ADJUDICATOR, single_coder=True)
    table = table[table["value"].notna()]
    return table[["report_id", "variable", "value", "rule"]].reset_index(drop=True)


def _features(reports, terms):
    """``{report_id: {term: count}}`` for the reports with term counts or, failing that, text."""
    out = {}
    ids = reports["report_id"].tolist()
    if terms is not None and len(terms):
        check_columns(terms, TERM_COLUMNS, "terms")
        has = set(terms["report_id"])
        with_terms = [r for r in ids if r in has]
        for rid, row in zip(with_terms, feature_matrix(terms, with_terms)):
            out[rid] = row
    if "text" in reports.columns:
        text = reports[~reports["report_id"].isin(out.keys())]
        text = text[text["text"].notna() & (text["text"].astype(str).str.strip() != "")]
        if len(text):
            counts = term_counts(text[["report_id", "text"]])
            for rid, row in zip(text["report_id"], feature_matrix(counts, text["report_id"].tolist())):
                out[rid] = row
    return {r: row for r, row in out.items() if row}


def _code_array(values):
    return np.asarray(list(values), dtype=object)


def _unlearnable(values, var, n_splits):
    """Why a variable cannot be learned from these human codes, or None."""
    n = len(values)
    counts = pd.Series(list(values), dtype=object).value_counts()
    if n == 0:
        return "no report has both a human code and term counts (or text)"
    if n < MIN_REPORTS:
        return (f"only {n} report(s) have a human code and term counts; at least {MIN_REPORTS} "
                "are needed")
    if len(counts) < 2:
        return f"every coded report has the code {counts.index[0]!r}; nothing to tell apart"
    if counts.iloc[1] < n_splits:
        return (f"the second most frequent code {counts.index[1]!r} has {counts.iloc[1]} "
                f"report(s), fewer than the {n_splits} folds")
    return None


def _cross_validate(event, variables, n_splits, seed, progress):
    _check_event(event)
    n_splits = _check_int(n_splits, "n_splits", minimum=2)
    seed = _check_int(seed, "seed", minimum=0)
    spec = _chosen_variables(event.codebook, variables)
    labels = _human_labels(event.codes, event.codebook, spec)
    features = _features(event.reports, event.terms)
    groups = report_groups(event.reports).set_index("report_id")["group"]

    parts, info = [], {}
    for var in tqdm(spec, desc="cross-validating", unit="variable", disable=not progress):
        lab = labels[labels["variable"] == var.variable]
        n_unfeatured = int((~lab["report_id"].isin(features.keys())).sum())
        lab = lab[lab["report_id"].isin(features.keys())].reset_index(drop=True)
        y = _code_array(lab["value"])
        g = groups.reindex(lab["report_id"]).to_numpy()
        meta = {"n_reports": len(lab), "n_classes": int(pd.Series(y, dtype=object).nunique()),
                "n_groups": int(len(np.unique(g))), "n_splits": 0, "notes": [],
                "labels": lab}
        if n_unfeatured:
            meta["notes"].append(f"{n_unfeatured} coded report(s) without term counts or text "
                                 "left out")
        info[var.variable] = meta
        reason = _unlearnable(y, var, n_splits)
        if reason is None and meta["n_groups"] < 2:
            reason = (f"cross-validation is not possible: the {len(lab)} reports form one group "
                      "(shared outlet, wire or derived_from)")
        if reason:
            meta["status"] = f"not learnable: {reason}"
            continue
        k = min(n_splits, meta["n_groups"])
        if k < n_splits:
            meta["notes"].append(f"{k} folds instead of {n_splits}: only {meta['n_groups']} "
                                 "independent groups of reports")
        meta["n_splits"], meta["status"] = k, LEARNABLE
        X = [features[r] for r in lab["report_id"]]
        fold, model, baseline = _oof(X, y, g, k, seed, meta["notes"])
        parts.append(pd.DataFrame({
            "report_id": lab["report_id"].to_numpy(), "variable": var.variable, "group": g,
            "fold": fold, "rule": lab["rule"].to_numpy(), "human": y, "model": model,
            "baseline": baseline}))
    if parts:
        table = pd.concat(parts, ignore_index=True)
        table = table.sort_values(["variable", "report_id"], kind="stable", key=_codebook_order(spec))
        table = table.reset_index(drop=True)
    else:
        table = pd.DataFrame({c: pd.Series(dtype=object) for c in CROSS_VAL_COLUMNS})
    for col in ("group", "fold"):
        table[col] = table[col].astype("int64")
    return table[list(CROSS_VAL_COLUMNS)], info


def _codebook_order(spec):
    order = {v.variable: i for i, v in enumerate(spec)}

    def key(col):
        return col.map(order) if col.name == "variable" else col
    return key


def _oof(X, y, groups, k, seed, notes):
    """Out-of-fold predictions of TermCoder and of the majority-class baseline."""
    n = len(y)
    fold = np.full(n, -1, dtype=np.int64)
    model = np.empty(n, dtype=object)
    baseline = np.empty(n, dtype=object)
    classes, y_index = _classes(y)
    # one vocabulary for all the reports, each model fitted on a slice of rows: the same model as
    # from the training dicts (terms absent from the training rows are dropped by the min_df
    # step), without vectorising the dicts again for every fold
    matrix = DictVectorizer().fit_transform(X).tocsr()
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        # "The least populated class in y has only m members": expected for rare codes
        warnings.filterwarnings("ignore", message="The least populated class", category=UserWarning)
        splits = list(splitter.split(np.zeros(n), y_index, groups))
    for f, (tr, te) in enumerate(splits):
        fold[te] = f
        dummy = DummyClassifier(strategy="most_frequent").fit(np.zeros((len(tr), 1)), y_index[tr])
        baseline[te] = classes[dummy.predict(np.zeros((len(te), 1)))]
        if len(np.unique(y_index[tr])) < 2:
            notes.append(f"fold {f}: one code in the training reports, predicted for all")
            model[te] = baseline[te]
            continue
        coder = TermCoder(random_state=seed).fit(matrix[tr], y_index[tr])
        model[te] = classes[coder.predict(matrix[te]).astype(np.int64)]
    return fold, model, baseline


def _macro_f1_interval(human, machine, codes, n_boot, rng, ci=CI):
    """Macro-F1 over the human codes present, with a percentile bootstrap interval over reports."""
    rank = {c: i for i, c in enumerate(codes)}
    t = np.array([rank[v] for v in human], dtype=np.int64)
    # a machine code outside the codebook cannot happen here; map it past the end to be safe
    p = np.array([rank.get(v, len(codes)) for v in machine], dtype=np.int64)
    k = len(codes) + 1
    cell = t * k + p

    def macro(conf):
        conf = conf.reshape(-1, k, k)
        tp = np.diagonal(conf, axis1=1, axis2=2)
        support, predicted = conf.sum(axis=2), conf.sum(axis=1)
        present = support > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            f1 = np.where(present, 2 * tp / (support + predicted), 0.0)
        return f1.sum(axis=1) / present.sum(axis=1)

    point = float(macro(np.bincount(cell, minlength=k * k))[0])
    if not n_boot or len(t) < 2:
        return point, np.nan, np.nan
    n = len(t)
    boot = np.empty(n_boot)
    for start in range(0, n_boot, 256):
        b = min(256, n_boot - start)
        draws = cell[rng.integers(0, n, size=(b, n))]
        flat = draws + (np.arange(b) * k * k)[:, None]
        boot[start:start + b] = macro(np.bincount(flat.ravel(), minlength=b * k * k))
    lo, hi = np.quantile(boot, [(1 - ci) / 2, (1 + ci) / 2])
    return point, float(lo), float(hi)


def _agreement(report_ids, human, machine, var, codebook, *, n_boot, seed):
    """Krippendorff's alpha between two codings of the same reports, via reliability()."""
    ids = list(report_ids)
    codes = pd.DataFrame({
        "report_id": ids + ids, "coder": ["human"] * len(ids) + ["machine"] * len(ids),
        "variable": var.variable, "value": list(human) + list(machine)})
    codes["value"] = codes["value"].astype(object)
    cb = codebook[codebook["variable"] == var.variable]
    row = reliability(codes, cb, coders=None, exclude=(), n_boot=n_boot, ci=CI, seed=seed).iloc[0]
    return {"alpha": float(row["alpha"]), "ci_low": float(row["ci_low"]),
            "ci_high": float(row["ci_high"]), "note": row["note"]}


def _human_alpha(codes, codebook, names):
    human = _human_codes(codes)
    human = human[human["coder"] != ADJUDICATOR]
    cb = codebook[codebook["variable"].isin(names)]
    if human.empty or cb.empty:
        return {}
    table = reliability(human, cb, coders=None, exclude=(), n_boot=0)
    return dict(zip(table["variable"], table["alpha"]))


def _lexicon_codes(event, lexicon):
    """The lexicon coder's codes (texts where reports have them, else term counts), or
    (None, why not)."""
    if lexicon is False:
        return None, ""
    try:
        from .lexicon import lexicon_code
    except ImportError:
        return None, "no lexicon comparison: analysis.lexicon is not available"
    reports = event.reports
    parts = []
    has_text = pd.Series(False, index=reports.index)
    try:
        if "text" in reports.columns:
            has_text = reports["text"].notna() & (reports["text"].astype(str).str.strip() != "")
            if has_text.any():
                texts = reports.loc[has_text, ["report_id", "text"]].reset_index(drop=True)
                parts.append(lexicon_code(texts, lexicon, event.codebook))
        terms = _features_table(reports[~has_text], event.terms)
        if len(terms):
            parts.append(lexicon_code(terms, lexicon, event.codebook))
    except DataError as exc:
        return None, f"no lexicon comparison: {exc.problems[0]}"
    if not parts:
        return None, "no lexicon comparison: no report has term counts or text"
    return pd.concat(parts, ignore_index=True), None


def _features_table(reports, terms):
    rows = [(rid, term, count) for rid, counts in _features(reports, terms).items()
            for term, count in counts.items()]
    return pd.DataFrame(rows, columns=list(TERM_COLUMNS))


def _lexicon_alpha(lex_codes, lex_note, var, labels, codebook):
    # the lexicon codes label variables only; notes about it belong on those rows
    is_label = "role" not in codebook.columns or \
        (codebook.loc[codebook["variable"] == var.variable, "role"] == "label").any()
    if lex_codes is None:
        return np.nan, lex_note if is_label else ""
    if not (lex_codes["variable"] == var.variable).any():
        return np.nan, "the lexicon has no entry for this label variable" if is_label else ""
    lex = lex_codes[(lex_codes["variable"] == var.variable) & lex_codes["value"].notna()]
    lex = lex.drop_duplicates("report_id").set_index("report_id")["value"]
    ids = [r for r in labels["report_id"] if r in lex.index]
    if len(ids) < 2:
        return np.nan, f"the lexicon coded {len(ids)} of the {len(labels)} reports"
    human = labels.set_index("report_id")["value"].reindex(ids)
    alpha = _agreement(ids, human.to_numpy(dtype=object), lex.reindex(ids).to_numpy(dtype=object),
                       var, codebook, n_boot=0, seed=0)["alpha"]
    note = f"the lexicon coded {len(ids)} of the {len(labels)} reports" if len(ids) < len(labels) else ""
    return alpha, note


def _evidence(model, rows):
    """The terms that contributed most to each report's predicted code, at most 12 words."""
    tfidf, weights, predicted = model._contributions(rows)
    names = model.feature_names_
    out = np.full(tfidf.shape[0], np.nan, dtype=object)
    for i in range(tfidf.shape[0]):
        lo, hi = tfidf.indptr[i], tfidf.indptr[i + 1]
        cols = tfidf.indices[lo:hi]
        contrib = tfidf.data[lo:hi] * weights[predicted[i], cols]
        # ties broken by term so the evidence does not depend on the sparse layout
        order = sorted(range(len(cols)), key=lambda j: (-contrib[j], names[cols[j]]))
        chosen, words = [], 0
        for j in order:
            if contrib[j] <= 0 or len(chosen) == MAX_EVIDENCE_TERMS:
                break
            w = len(str(names[cols[j]]).split())
            if words + w > MAX_EVIDENCE_WORDS:
                break
            chosen.append(str(names[cols[j]]))
            words += w
        if chosen:
            out[i] = "; ".join(chosen)
    return out


def _plain(value):
    """numpy scalars to Python ones, so codes compare and print like the codebook's."""
    return value.item() if isinstance(value, np.generic) else value
