"""Reliability flags of variables turned into flags of the frames, sources or facts a chart draws."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .._style import check_flags, worst_flag

# the codebook column that names what a variable of each role codes
_ROLE_KEYS = {"frame_item": "frame", "source": "source", "fact": "fact"}


def role_flags(codebook: pd.DataFrame, flags: Mapping[str, str] | None, *, role: str) -> dict[str, str]:
    """Flags of variables turned into flags of what a chart of one role draws.

    Parameters
    ----------
    codebook : DataFrame
        ``variable, role`` and the role's key column: ``frame`` (role ``frame_item``),
        ``source`` or ``fact``.
    flags : dict
        Variable -> "", "tentative", "unreliable", "reliability unknown" or "reliability not
        measured" (e.g. ``{v: page.flag(v) for v in page.codebook["variable"]}``).
    role : str
        "frame_item", "source" or "fact".

    Returns
    -------
    dict
        Frame, source or fact -> flag, for :func:`plot_frame_profile`, :func:`plot_source_mix`
        and :func:`plot_fact_matrix`. A frame takes the flag of its items that puts it most in
        doubt (unreliable, then reliability unknown, then not measured, then tentative): its
        score is a mean of all of them.
    """
    if role not in _ROLE_KEYS:
        raise ValueError(f"role must be one of {', '.join(_ROLE_KEYS)}, not {role!r}")
    checked = check_flags(flags)
    key = _ROLE_KEYS[role]
    rows = codebook[codebook["role"] == role]
    found: dict[str, list[str]] = {}
    for variable, k in zip(rows["variable"], rows[key]):
        found.setdefault(k, []).append(checked.get(variable, ""))
    return {k: worst_flag(f) for k, f in found.items() if worst_flag(f)}
