"""The one exception for bad input, and the list of problems it carries."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

MAX_SHOWN = 25


@dataclass(frozen=True)
class Problem:
    """One problem in one place of an event folder.

    ``row`` is the row a spreadsheet user sees (the header is row 1), or None when the problem is
    about a whole file or a YAML entry.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: object = None
    accepted: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            unit = "line" if self.file.endswith((".yaml", ".yml", ".json")) else "row"
            where += f", {unit} {self.row}"
        if self.column is not None:
            where += f", column {self.column}"
        text = f"{where}: {self.message}"
        if self.accepted:
            text += f"; {self.accepted}"
        return text


PROBLEM_COLUMNS = ["file", "row", "column", "value", "message", "accepted"]


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a table (file, row, column, value, message, accepted)."""
    rows = [
        {"file": p.file, "row": p.row, "column": p.column,
         "value": None if p.value is None else str(p.value),
         "message": p.message, "accepted": p.accepted}
        for p in problems
    ]
    frame = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    frame["row"] = frame["row"].astype("Int64")
    return frame


class DataError(ValueError):
    """Bad input: every problem found, each naming file, row, column, value and what is accepted.

    Parameters
    ----------
    problems : list of Problem or str
        All problems found in one run; the message shows the first ``MAX_SHOWN``.
    """

    def __init__(self, problems: "Problem | str | Iterable[Problem | str]") -> None:
        if isinstance(problems, (str, Problem)):
            problems = [problems]
        self.problems = [p if isinstance(p, Problem) else Problem(file="", message=str(p))
                         for p in problems]
        super().__init__(self._format())

    def _format(self) -> str:
        shown = [str(p) for p in self.problems[:MAX_SHOWN]]
        n = len(self.problems)
        head = "1 problem" if n == 1 else f"{n} problems"
        text = f"{head} in the event folder:\n" + "\n".join(f"- {s}" for s in shown)
        if n > MAX_SHOWN:
            text += f"\n... and {n - MAX_SHOWN} more (see DataError.problems)"
        return text

    def frame(self) -> pd.DataFrame:
        """The problems as a table."""
        return problems_frame(self.problems)
