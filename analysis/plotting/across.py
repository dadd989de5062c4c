"""The chart of the cross-event page: each shared outlet's position in each event."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from ._style import PALE, PALETTE, add_note, check_flags, finish, flag_note, legend_outside, new_axes, worst_flag

if TYPE_CHECKING:
    from matplotlib.axes import Axes

_MARKERS = ("o", "s", "^", "D", "v", "P")
_GREY = "#888888"


def _rows(positions: pd.DataFrame, events: list[object]) -> pd.DataFrame:
    """One row per outlet and concept with a position in two or more events: label, spread, order."""
    defined = positions[positions["position"].notna()]
    rows = []
    for (outlet_id, concept), part in defined.groupby(["outlet_id", "concept"], sort=False):
        if part["event"].nunique() < 2:
            continue
        by_event = part.set_index("event")
        ns = " | ".join(str(int(by_event.loc[e, "n"])) if e in by_event.index else "-" for e in events)
        rows.append({"outlet_id": outlet_id, "concept": concept, "label": str(part["label"].iloc[0]),
                     "text": f"{part['outlet'].iloc[0]} · {part['label'].iloc[0]} (n = {ns})",
                     "spread": float(np.ptp(part["position"].to_numpy(float))),
                     "flag": worst_flag(part["flag"])})
    return pd.DataFrame(rows, columns=["outlet_id", "concept", "label", "text", "spread", "flag"])


def plot_positions(positions: pd.DataFrame, *, max_rows: int = 60, ax: Axes | None = None,
                   title: str | None = None, source: str = "") -> Axes:
    """Dumbbell chart: each outlet's position on each concept, one mark per event, with intervals.

    Parameters
    ----------
    positions : DataFrame
        :func:`analysis.across.outlet_positions`: ``concept, label, event, outlet_id, outlet, n,
        position, ci_low, ci_high, flag``.
    max_rows : int
        At most this many outlet-concept rows; beyond it the rows whose positions differ most
        between events are kept and a note under the chart says how many are shown.
    ax : matplotlib Axes, optional
    title, source : str
        Title and source line under the chart.

    Returns
    -------
    matplotlib Axes
        One row per outlet and concept with a position in two or more events (its label ends
        with the n of coded reports in each event, in legend order); per event one error-bar
        container (``ax.containers``) of marks with their 95% Wilson intervals; a grey line joins
        the marks of a row. Rows whose variable is flagged (tentative, reliability unknown) are
        drawn pale and named under the chart.
    """
    events = positions.attrs.get("events") or list(dict.fromkeys(positions["event"]))
    rows = _rows(positions, events)
    if len(rows) > max_rows:
        kept = rows.sort_values("spread", ascending=False, kind="stable").index[:max_rows]
        shown = rows.loc[sorted(kept)]
    else:
        shown = rows
    height = min(40.0, max(3.0, 0.32 * len(shown) + 1.8))
    ax = new_axes(ax, width=9.0, height=height)
    finish(ax, title=title or "Where each outlet present in two events stands, concept by concept",
           xlabel="Share of the outlet's reports with the concept's code (95% Wilson interval)",
           source=source)
    if shown.empty:
        ax.text(0.5, 0.5, "No outlet has a position in two events", transform=ax.transAxes, ha="center",
                va="center", color="#666666")
        return ax
    y_of = {(o, c): i for i, (o, c) in enumerate(zip(shown["outlet_id"], shown["concept"]))}
    pale_rows = {key for key, flag in zip(y_of, shown["flag"]) if flag}
    table = positions[positions["position"].notna()]
    table = table[[(o, c) in y_of for o, c in zip(table["outlet_id"], table["concept"])]]
    for key, part in table.groupby(["outlet_id", "concept"], sort=False):
        ax.plot(part["position"], [y_of[key]] * len(part), color=_GREY, linewidth=1.0, zorder=1,
                alpha=PALE if key in pale_rows else 1.0)
    handles = _event_marks(ax, table, events, y_of=y_of, pale_rows=pale_rows)
    ax.set_yticks(range(len(shown)), list(shown["text"]))
    for tick, flag in zip(ax.get_yticklabels(), shown["flag"]):
        if flag:
            tick.set_color(_GREY)
    ax.set_ylim(len(shown) - 0.5, -0.5)
    ax.set_xlim(-0.05, 1.05)  # marks at 0 and 1 drawn whole
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    legend_outside(ax, handles=handles, title="event (n in this order)")
    flags = check_flags(dict(zip(shown["label"], shown["flag"])))
    flag_note(ax, flags, list(shown["label"]))
    if len(rows) > len(shown):
        add_note(ax, f"Showing the {len(shown)} of {len(rows)} outlet-concept rows whose positions differ most "
                     "between events.")
    return ax


def _event_marks(ax: Axes, table: pd.DataFrame, events: list[object], *, y_of: dict[tuple[object, object], int],
                 pale_rows: set[tuple[object, object]]) -> list[Line2D]:
    """Per event, its marks with their intervals (one error-bar container, two when some rows are
    pale), each event a little above or below the row; the legend handles."""
    step = min(0.5 / max(len(events) - 1, 1), 0.22)
    handles = []
    for j, event in enumerate(events):
        part = table[table["event"] == event]
        if part.empty:
            continue
        rows = np.array([y_of[(o, c)] for o, c in zip(part["outlet_id"], part["concept"])], dtype=float)
        y = rows + (j - (len(events) - 1) / 2) * step
        x = part["position"].to_numpy(float)
        err = np.vstack([x - part["ci_low"].to_numpy(float), part["ci_high"].to_numpy(float) - x])
        doubt = np.array([(o, c) in pale_rows for o, c in zip(part["outlet_id"], part["concept"])])
        colour, marker = PALETTE[j % len(PALETTE)], _MARKERS[j % len(_MARKERS)]
        for mask, alpha in ((~doubt, 1.0), (doubt, PALE)):
            if mask.any():
                ax.errorbar(x[mask], y[mask], xerr=err[:, mask], fmt=marker, color=colour, ecolor=colour,
                            capsize=2, markersize=5, linewidth=1.0, alpha=alpha, zorder=2)
        handles.append(Line2D([], [], color=colour, marker=marker, label=str(event)))
    return handles
