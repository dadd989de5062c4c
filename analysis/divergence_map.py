"""A map of the groups from their pairwise divergences: scaling, clusters and dendrogram order.

:func:`outlet_map` places the groups of a :func:`analysis.divergence.pairwise_divergence` table
on a plane and clusters them. :func:`mean_matrix`, :func:`group_sizes` and :func:`leaf_order`
read that table for the map and for the charts of :mod:`analysis.plotting.divergence`.
Inputs are never modified.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, leaves_list, linkage, optimal_leaf_ordering
from scipy.spatial.distance import squareform

from .distributions import MEAN, check_whole_number
from .errors import DataError, Problem

__all__ = ["outlet_map", "mean_matrix", "group_sizes", "leaf_order", "MAP_COLUMNS",
           "MIN_SILHOUETTE", "MAX_CLUSTERS"]

MAP_COLUMNS = ("x", "y", "cluster", "n")  # after the ``by`` column

# Kaufman and Rousseeuw (1990), p. 88: an average silhouette width below 0.25 means that no
# substantial structure has been found.
MIN_SILHOUETTE = 0.25
MAX_CLUSTERS = 10


def outlet_map(distances: pd.DataFrame, *, method: str = "mds", n_clusters: int | None = None,
               seed: int = 0) -> pd.DataFrame:
    """Place the groups on a plane so that distances follow their divergences; cluster them.

    Parameters
    ----------
    distances : DataFrame
        The result of :func:`analysis.divergence.pairwise_divergence` (only the ``"(mean)"``
        rows are used): ``a, b, variable, jsd``. Every pair of groups needs a divergence.
    method : {"mds", "classical"}, default "mds"
        "mds": metric multidimensional scaling (SMACOF, scikit-learn) started from the
        classical solution; "classical": Torgerson's classical scaling alone
        (:class:`sklearn.manifold.ClassicalMDS`).
    n_clusters : int, optional
        Number of clusters. Default: chosen by the average silhouette width (see Notes).
    seed : int, default 0
        ``random_state`` of the scaling.

    Returns
    -------
    DataFrame
        ``<by>, x, y, cluster, n``, one row per group sorted by group; ``<by>`` is the name
        kept in ``distances.attrs["by"]`` (default "outlet"). ``cluster`` numbers clusters 1,
        2, ... in the order of the dendrogram's leaves; ``n`` is the group's reports with a
        value (from ``n_a``, ``n_b``; missing when ``distances`` lacks them).
        ``attrs["stress"]`` holds Kruskal's Stress-1 of the map (0 for a perfect fit, above
        0.2 poor), ``attrs["silhouette"]`` the average silhouette width of the clustering (NaN
        for a single cluster).

    Notes
    -----
    The map and the clusters are built on the square root of the mean divergence. The square
    root of the Jensen-Shannon divergence is a metric (Endres and Schindelin 2003), and the
    square root of a mean of squared metrics is a metric too, so the dissimilarities obey the
    triangle inequality that a map on a plane assumes. The map is centred and rotated to its
    principal axes, each axis signed so that its largest coordinate is positive, so it does
    not depend on the solver's arbitrary orientation.

    Clusters come from average-linkage (UPGMA) hierarchical clustering of the same
    dissimilarities (scipy). When ``n_clusters`` is None, every k from 2 to
    ``min(n - 1, 10)`` is tried and the k with the largest average silhouette width
    (Rousseeuw 1987) kept, the smaller k on ties; if no k reaches 0.25, the groups are
    reported as one cluster (Kaufman and Rousseeuw 1990: below 0.25 no substantial structure
    has been found). Fewer than three groups are one cluster.

    References
    ----------
    Borg, I., & Groenen, P. J. F. (2005). Modern multidimensional scaling (2nd ed.). New York:
    Springer.

    Rousseeuw, P. J. (1987). Silhouettes: A graphical aid to the interpretation and validation
    of cluster analysis. Journal of Computational and Applied Mathematics, 20, 53-65.
    https://doi.org/10.1016/0377-0427(87)90125-7

    Kaufman, L., & Rousseeuw, P. J. (1990). Finding groups in data. New York: Wiley.

    Endres, D. M., & Schindelin, J. E. (2003). A new metric for probability distributions. IEEE
    Transactions on Information Theory, 49(7), 1858-1860.
    """
    if method not in ("mds", "classical"):
        raise ValueError(f"method must be 'mds' or 'classical', not {method!r}")
    check_whole_number(seed, "seed")
    if n_clusters is not None:
        check_whole_number(n_clusters, "n_clusters")
        if n_clusters < 1:
            raise ValueError(f"n_clusters must be at least 1, not {n_clusters!r}")
    groups, jsd = mean_matrix(distances)
    by = distances.attrs.get("by", "outlet")
    n = len(groups)
    dist = np.sqrt(jsd)
    coords, stress = _scale(dist, method=method, seed=seed)
    labels, silhouette = _clusters(dist, n_clusters)
    out = pd.DataFrame({by: groups, "x": coords[:, 0], "y": coords[:, 1], "cluster": labels})
    sizes = group_sizes(distances)
    out["n"] = pd.array([sizes.get(g, pd.NA) for g in groups], dtype="Int64")
    out["_key"] = [str(g) for g in groups]
    out = out.sort_values("_key", kind="stable").drop(columns="_key").reset_index(drop=True)
    out["cluster"] = out["cluster"].astype(np.int64)
    out.attrs.update(by=by, stress=stress, silhouette=silhouette, n_groups=n)
    return out


# ---------------------------------------------------------------------------------------------
# reading a pairwise table
# ---------------------------------------------------------------------------------------------

def mean_matrix(distances: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The groups (sorted) and the square matrix of mean divergences of a pairwise table.

    Raises
    ------
    DataError
        A column or the ``"(mean)"`` rows are missing, or a pair has no mean divergence.
    """
    if not isinstance(distances, pd.DataFrame):
        raise ValueError(f"distances must be a pandas DataFrame, not {type(distances).__name__}")
    missing = [c for c in ("a", "b", "variable", "jsd") if c not in distances.columns]
    if missing:
        raise DataError(Problem("distances", f"column(s) {', '.join(missing)} missing",
                                accepted="the table returned by pairwise_divergence"))
    rows = distances[distances["variable"] == MEAN]
    if rows.empty:
        raise DataError(Problem("distances", f"no row with variable {MEAN!r}",
                                accepted="the table returned by pairwise_divergence"))
    groups = sorted(pd.unique(pd.concat([rows["a"], rows["b"]])), key=str)
    index = {g: i for i, g in enumerate(groups)}
    n = len(groups)
    mat = np.full((n, n), np.nan)
    np.fill_diagonal(mat, 0.0)
    for a, b, d in zip(rows["a"], rows["b"], rows["jsd"]):
        mat[index[a], index[b]] = mat[index[b], index[a]] = d
    if np.isnan(mat).any():
        i, j = np.argwhere(np.isnan(mat))[0]
        raise DataError(Problem("distances", f"no mean divergence between {groups[i]} and {groups[j]}",
                                column="jsd", accepted="a divergence for every pair of groups "
                                "(drop groups that share no coded variable)"))
    return np.array(groups, dtype=object), mat


def group_sizes(distances: pd.DataFrame) -> dict[object, int]:
    """Each group's reports with a value, from the ``"(mean)"`` rows of a pairwise table.

    Empty when the table has no ``n_a, n_b`` columns.
    """
    if not {"n_a", "n_b"} <= set(distances.columns):
        return {}
    rows = distances[distances["variable"] == MEAN]
    sizes: dict[object, int] = {}
    for col, side in (("a", "n_a"), ("b", "n_b")):
        for g, n in zip(rows[col], rows[side]):
            if pd.notna(n):
                sizes[g] = max(int(n), sizes.get(g, 0))
    return sizes


def leaf_order(matrix: np.ndarray) -> np.ndarray:
    """Order of the leaves of the average-linkage dendrogram of a dissimilarity matrix.

    The leaves are put in the optimal order of Bar-Joseph et al. (2001), which places similar
    neighbours next to each other; ties follow the input order, so the order is deterministic.

    References
    ----------
    Bar-Joseph, Z., Gifford, D. K., & Jaakkola, T. S. (2001). Fast optimal leaf ordering for
    hierarchical clustering. Bioinformatics, 17(suppl. 1), S22-S29.
    https://doi.org/10.1093/bioinformatics/17.suppl_1.S22
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    if len(matrix) < 3:
        return np.arange(len(matrix))
    z = _linkage(matrix)
    return np.asarray(leaves_list(optimal_leaf_ordering(z, squareform(matrix, checks=False))))


# ---------------------------------------------------------------------------------------------
# scaling and clusters
# ---------------------------------------------------------------------------------------------

def _linkage(matrix: np.ndarray) -> np.ndarray:
    return np.asarray(linkage(squareform(matrix, checks=False), method="average"))


def _scale(dist: np.ndarray, *, method: str, seed: int) -> tuple[np.ndarray, float]:
    """Coordinates (n, 2) of the map and their Kruskal Stress-1."""
    n = len(dist)
    if n == 1:
        return np.zeros((1, 2)), 0.0
    if n == 2:
        d = dist[0, 1] / 2
        return np.array([[d, 0.0], [-d, 0.0]]), 0.0
    if method == "classical":
        coords = _classical(dist)
    else:
        from sklearn.manifold import MDS  # scikit-learn is imported when first needed

        mds = MDS(n_components=2, metric_mds=True, metric="precomputed", init="classical_mds",
                  n_init=1, max_iter=1000, random_state=seed, normalized_stress=False)
        coords = mds.fit_transform(dist)
    coords = _orient(coords)
    fitted = np.sqrt(((coords[:, None, :] - coords[None, :, :]) ** 2).sum(axis=-1))
    iu = np.triu_indices(n, k=1)
    denom = (dist[iu] ** 2).sum()
    # Kruskal's Stress-1 (Borg and Groenen 2005, eq. 3.5)
    stress = float(np.sqrt(((dist[iu] - fitted[iu]) ** 2).sum() / denom)) if denom > 0 else 0.0
    return coords, stress


def _classical(dist: np.ndarray) -> np.ndarray:
    """Torgerson's classical scaling (Borg and Groenen 2005, ch. 12), by scikit-learn."""
    from sklearn.manifold import ClassicalMDS

    scaling = ClassicalMDS(n_components=2, metric="precomputed")
    with np.errstate(invalid="ignore"):
        coords = np.asarray(scaling.fit_transform(dist))
    # a non-Euclidean dissimilarity can leave a second eigenvalue <= 0, whose axis scikit-learn
    # returns as NaN (the square root of a negative number): that axis carries nothing
    coords[:, scaling.eigenvalues_ <= 0] = 0.0
    return coords


def _orient(coords: np.ndarray) -> np.ndarray:
    """Centred, rotated to the principal axes, each axis signed: its largest value positive."""
    coords = coords - coords.mean(axis=0)
    _, _, vt = np.linalg.svd(coords, full_matrices=False)
    coords = coords @ vt.T
    if coords.shape[1] < 2:
        coords = np.column_stack([coords, np.zeros(len(coords))])
    for k in range(2):
        col = np.round(coords[:, k], 12)
        if col[np.argmax(np.abs(col))] < 0:
            coords[:, k] = -coords[:, k]
    return coords + 0.0  # no negative zeros


def _clusters(dist: np.ndarray, n_clusters: int | None) -> tuple[np.ndarray, float]:
    """Cluster numbers (1, 2, ... in leaf order) and the average silhouette width."""
    n = len(dist)
    if n < 3:
        # two groups form two clusters only when asked for
        k = 1 if n_clusters is None else min(n_clusters, n)
        return (np.arange(1, n + 1) if k == n and n > 1 else np.ones(n, dtype=np.int64)), np.nan
    z = _linkage(dist)
    if n_clusters is not None:
        raw = fcluster(z, t=min(n_clusters, n), criterion="maxclust")
    else:
        raw = _best_cut(dist, z)
    labels = _renumber(raw, leaf_order(dist))
    silhouette = np.nan
    if 2 <= len(np.unique(labels)) < n:
        from sklearn.metrics import silhouette_score

        silhouette = float(silhouette_score(dist, labels, metric="precomputed"))
    return labels, silhouette


def _best_cut(dist: np.ndarray, z: np.ndarray) -> np.ndarray:
    """The cut of the dendrogram ``z`` with the largest average silhouette width (the fewer
    clusters on ties); one cluster when no cut reaches MIN_SILHOUETTE."""
    from sklearn.metrics import silhouette_score

    n = len(dist)
    best, raw = -np.inf, np.ones(n, dtype=np.int64)
    for k in range(2, min(n - 1, MAX_CLUSTERS) + 1):
        cand = fcluster(z, t=k, criterion="maxclust")
        n_found = len(np.unique(cand))
        if n_found < 2 or n_found >= n:
            continue
        s = silhouette_score(dist, cand, metric="precomputed")
        if s > best + 1e-12:
            best, raw = s, cand
    if best < MIN_SILHOUETTE:
        raw = np.ones(n, dtype=np.int64)
    return raw


def _renumber(raw: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Cluster numbers 1, 2, ... in the order in which the leaves meet the clusters."""
    mapping: dict[int, int] = {}
    for i in order:
        mapping.setdefault(raw[i], len(mapping) + 1)
    return np.array([mapping[r] for r in raw], dtype=np.int64)
