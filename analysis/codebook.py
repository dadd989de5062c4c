"""The codebook: variables, their levels of measurement, allowed codes, roles and frames."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from ._yaml import Lines, add_lines
from .errors import Problem

# Codes that say nothing was said (drawn grey, never counted as a word or stance). Besides these,
# a code says nothing when its text
# (underscores and hyphens read as spaces) or its label, in lower case, is "none", "no one",
# "nothing" or "n/a", or starts with "not " ("not_addressed", "not mentioned", "not named in own
# voice"). "No ..." alone is not enough: "no progress" is a stance, not an absence of one.
NEUTRAL_CODES = frozenset({"none", "absent", "not_coded", "unclear", "unknown", "n/a"})
_NEUTRAL_WORDS = frozenset({"none", "no one", "nothing", "n/a"})

LEVELS = ("nominal", "ordinal", "interval", "ratio")
ROLES = ("frame_item", "claim", "label", "source", "fact", "figure", "other")
CODEBOOK_COLUMNS = [
    "variable", "label", "question", "level", "role", "codes", "frame", "reverse", "yes_code",
    "contradicts", "referent", "fact", "figure", "attribution", "source", "unit", "compare_as",
]
VALUE_COLUMNS = ["variable", "code", "label", "rank"]
NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]*$")
YES_WORDS = {"yes", "y", "true", "present"}
ROLE_FIELDS = {
    "frame_item": {"frame", "reverse", "yes"},
    "claim": {"contradicts"},
    "label": {"referent"},
    "source": {"source", "yes"},
    "fact": {"fact", "yes"},
    "figure": {"figure", "attribution", "unit"},
    "other": set(),
}
COMMON_FIELDS = {"name", "label", "question", "level", "values", "role", "unit", "description", "compare_as"}


@dataclass(frozen=True)
class Codebook:
    """A parsed codebook.

    Attributes
    ----------
    variables : DataFrame
        One row per variable, columns ``CODEBOOK_COLUMNS`` (see docs/data-model.md).
    values : DataFrame
        ``variable, code, label, rank``.
    frames : DataFrame
        ``frame, label``.
    """

    variables: pd.DataFrame
    values: pd.DataFrame
    frames: pd.DataFrame


def is_binary(row: Mapping[str, object] | pd.Series) -> bool:
    """Whether a codebook row is a yes/no variable with a known 'yes' code."""
    return row["yes_code"] is not None


def _is_code(x: object) -> bool:
    return isinstance(x, str) or (isinstance(x, int) and not isinstance(x, bool))


def _yes_code(codes: tuple[object, ...], labels: dict[object, str], given: object, name: str, file: str,
              problems: list[Problem]) -> object:
    if given is not None:
        if given not in codes:
            problems.append(Problem(file, f"variable {name}: yes code {given!r} is not one of its codes",
                                    column="yes", value=given, accepted=f"one of {_fmt(codes)}"))
            return None
        return given
    hits = [c for c in codes if str(c).strip().lower() in YES_WORDS
            or str(labels.get(c, "")).strip().lower() in YES_WORDS]
    if len(hits) == 1:
        return hits[0]
    if len(codes) == 2 and set(codes) == {0, 1}:
        return 1
    return None


def _fmt(codes: Iterable[object]) -> str:
    return ", ".join(repr(c) if isinstance(c, str) else str(c) for c in codes)


def parse_codebook(doc: object, *, facts: set[str] | None, figures: set[str] | None,
                   file: str = "codebook.yaml",
                   lines: Lines | None = None) -> tuple[Codebook | None, list[Problem]]:
    """Validate a codebook document and turn it into tables.

    Parameters
    ----------
    doc : object
        The parsed YAML document.
    facts, figures : set of str, or None
        Ids defined in event.yaml, which ``fact`` and ``figure`` roles must name; None when
        event.yaml could not be read, so that these references are not checked.
    file : str
        How messages name the file.
    lines : dict, optional
        Where each mapping of ``doc`` is (``read_yaml(..., lines=True)``): problems then name the
        line of the variable, or of its field.

    Returns
    -------
    (Codebook or None, list of Problem)
    """
    problems: list[Problem] = []
    try:
        return _parse(doc, facts, figures, file, lines or {}, problems)
    finally:
        add_lines(problems, 0, (lines or {}).get(id(doc)))


def _parse(doc: object, facts: set[str] | None, figures: set[str] | None, file: str, lines: Lines,
           problems: list[Problem]) -> tuple[Codebook | None, list[Problem]]:
    if not isinstance(doc, dict):
        return None, [Problem(file, "the codebook must be a mapping with 'variables' (and 'frames')",
                              accepted="variables: [ {name: ..., level: ..., role: ...}, ... ]")]
    unknown_top = sorted(set(doc) - {"frames", "variables", "title", "description", "version"}, key=str)
    for key in unknown_top:
        problems.append(Problem(file, f"unknown top-level key '{key}'", column=str(key),
                                accepted="frames, variables, title, description, version"))
    frames = doc.get("frames") or {}
    if not isinstance(frames, dict):
        problems.append(Problem(file, "'frames' must map each frame id to its label", column="frames",
                                accepted="frames: {conflict: Conflict, ...}"))
        frames = {}
    variables = doc.get("variables")
    if not isinstance(variables, list) or not variables:
        problems.append(Problem(file, "'variables' must be a non-empty list", column="variables",
                                accepted="variables: [ {name: ..., level: ..., role: ...}, ... ]"))
        return None, problems

    rows: list[dict[str, object]] = []
    value_rows: list[dict[str, object]] = []
    seen: dict[str, int] = {}
    ctx = _Context(frames, facts, figures, file, problems)
    for i, var in enumerate(variables, start=1):
        start = len(problems)
        try:
            _parse_variable(i, var, ctx, rows, value_rows, seen)
        finally:
            add_lines(problems, start, lines.get(id(var)))
    names = {r["variable"]: r for r in rows}
    for r in rows:
        attr = r["attribution"]
        if attr is not None and (attr not in names or names[attr]["level"] != "nominal"):
            start = len(problems)
            problems.append(Problem(file, f"variable {r['variable']}: attribution {attr!r} is not a nominal variable of the codebook",
                                    column="attribution", value=attr, accepted="the name of the nominal variable that codes who the figure is attributed to"))
            add_lines(problems, start, lines.get(id(variables[seen[str(r["variable"])] - 1])))
    used = {r["frame"] for r in rows if r["role"] == "frame_item"}
    for f in sorted(set(frames) - used, key=str):
        problems.append(Problem(file, f"frame '{f}' has no frame_item variable", column="frames",
                                accepted="add its items, or remove the frame"))
    variables_df = pd.DataFrame(rows, columns=CODEBOOK_COLUMNS)
    values_df = pd.DataFrame(value_rows, columns=VALUE_COLUMNS)
    frames_df = pd.DataFrame({"frame": [str(k) for k in frames], "label": [str(v) for v in frames.values()]})
    return Codebook(variables_df, values_df, frames_df), problems


@dataclass
class _Context:
    """What every variable is checked against, and where its problems go."""

    frames: dict[object, object]
    facts: set[str] | None
    figures: set[str] | None
    file: str
    problems: list[Problem]

    def add(self, message: str, *, column: str | None = None, value: object = None,
            accepted: str | None = None) -> None:
        self.problems.append(Problem(self.file, message, column=column, value=value, accepted=accepted))


def _parse_variable(i: int, var: object, ctx: _Context, rows: list[dict[str, object]],
                    value_rows: list[dict[str, object]], seen: dict[str, int]) -> None:
    """Check one variable of the codebook; append its row (and value rows) when it is usable."""
    head = _variable_head(i, var, ctx, seen)
    if head is None:
        return
    var, name, level, role = head
    where = f"variable {name}"
    question = var.get("question")
    if not isinstance(question, str) or not question.strip():
        ctx.add(f"{where} has no question", column="question", accepted="the exact question the coder answers")
    for key in sorted(set(var) & set().union(*ROLE_FIELDS.values()) - ROLE_FIELDS[role] - COMMON_FIELDS, key=str):
        ctx.add(f"{where}: field '{key}' does not belong to role {role}", column=str(key),
                accepted=f"role {role} takes {', '.join(sorted(ROLE_FIELDS[role])) or 'no extra fields'}")
    parsed = _codes(var.get("values"), where, level, ctx)
    if parsed is None:
        return
    codes, labels = parsed
    row: dict[str, object] = {c: None for c in CODEBOOK_COLUMNS}
    row.update(variable=name, label=str(var.get("label") or name), question=str(question or ""),
               level=level, role=role, codes=codes, reverse=False, contradicts=(),
               unit=None if var.get("unit") is None else str(var.get("unit")),
               compare_as=None if var.get("compare_as") is None else str(var.get("compare_as")))
    if role in ("frame_item", "source", "fact"):
        _yes_no(row, var, codes, labels, ctx)
    for key in ("frame", "fact", "figure", "attribution"):
        if var.get(key) is not None and not isinstance(var.get(key), str):
            ctx.add(f"{where}: {key} {var.get(key)!r} is not a name", column=key,
                    value=var.get(key), accepted=f"the {key}'s id, a word")
            var = {**var, key: str(var.get(key))}
    _ROLE_CHECKS.get(role, _no_fields)(row, var, codes, ctx)
    rows.append(row)
    for rank, c in enumerate(codes):
        value_rows.append({"variable": name, "code": c, "label": labels[c], "rank": rank})


def _variable_head(i: int, var: object, ctx: _Context,
                   seen: dict[str, int]) -> tuple[dict[object, object], str, str, str] | None:
    """The variable's mapping, name, level and role; None (with a problem) if any is unusable."""
    where = f"variable #{i}"
    if not isinstance(var, dict):
        ctx.add(f"{where} is not a mapping", accepted="name, label, question, level, values, role")
        return None
    name = var.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name) or "__" in name:
        ctx.add(f"{where}: name {name!r} is not a valid variable name", column="name", value=name,
                accepted="letters, digits and _ (no double underscore), starting with a letter")
        return None
    where = f"variable {name}"
    if name in seen:
        ctx.add(f"{where} is defined twice (#{seen[name]} and #{i})", column="name", value=name,
                accepted="each variable once")
        return None
    seen[name] = i
    for key in sorted(set(var) - COMMON_FIELDS - set().union(*ROLE_FIELDS.values()), key=str):
        ctx.add(f"{where}: unknown field '{key}'", column=str(key),
                accepted="name, label, question, level, values, role and the role's fields")
    level = var.get("level")
    if level not in LEVELS:
        ctx.add(f"{where}: level {level!r} is not a level of measurement", column="level", value=level,
                accepted="nominal, ordinal, interval or ratio")
        return None
    role = var.get("role", "other")
    if role not in ROLES:
        ctx.add(f"{where}: role {role!r} is unknown", column="role", value=role, accepted=", ".join(ROLES))
        return None
    return var, name, str(level), str(role)


def _codes(values: object, where: str, level: str,
           ctx: _Context) -> tuple[tuple[object, ...], dict[object, str]] | None:
    """The codes and labels of a nominal or ordinal variable (none for a number); None if unusable."""
    if level not in ("nominal", "ordinal"):
        if values is not None:
            ctx.add(f"{where}: a {level} variable takes numbers, not 'values'", column="values",
                    accepted="remove 'values', or make the variable nominal or ordinal")
        return (), {}
    if not isinstance(values, dict) or not values:
        ctx.add(f"{where}: a {level} variable needs 'values' (code: label)", column="values",
                accepted="values: {code: label, ...}; codes are words or whole numbers")
        return None
    bad = [c for c in values if not _is_code(c)]
    if bad:
        ctx.add(f"{where}: code {bad[0]!r} is neither a word nor a whole number", column="values", value=bad[0],
                accepted="codes are words or whole numbers (write true/false as words in quotes)")
        return None
    as_text: dict[str, object] = {}
    clash = None
    for c in values:
        key = str(c).strip()
        if key in as_text:
            clash = (as_text[key], c)
        as_text[key] = c
    if clash:
        ctx.add(f"{where}: codes {clash[0]!r} and {clash[1]!r} are the same code when read from a sheet",
                column="values", value=clash[1], accepted="distinct codes")
        return None
    codes = tuple(values)
    return codes, {c: ("" if values[c] is None else str(values[c])) for c in codes}


def _yes_no(row: dict[str, object], var: dict[object, object], codes: tuple[object, ...],
            labels: dict[object, str], ctx: _Context) -> None:
    """The yes code of a frame item, source or fact variable (these are yes/no questions)."""
    name, role, level = row["variable"], row["role"], row["level"]
    where = f"variable {name}"
    if level == "nominal":
        row["yes_code"] = _yes_code(codes, labels, var.get("yes"), str(name), ctx.file, ctx.problems)
        if row["yes_code"] is None and len(codes) > 0:
            ctx.add(f"{where}: role {role} needs a yes/no variable, and no code means yes", column="yes",
                    accepted=f"add 'yes: <code>' naming one of {_fmt(codes)}")
    elif level in ("interval", "ratio") and role != "frame_item":
        ctx.add(f"{where}: role {role} takes a nominal yes/no variable", column="level", value=level,
                accepted="level: nominal with yes/no codes")


def _frame_item(row: dict[str, object], var: dict[object, object], codes: tuple[object, ...],
                ctx: _Context) -> None:
    where, level, frames = f"variable {row['variable']}", row["level"], ctx.frames
    frame = var.get("frame")
    if frame not in frames:
        ctx.add(f"{where}: frame {frame!r} is not in 'frames'", column="frame", value=frame,
                accepted=f"one of {_fmt(sorted(frames, key=str))}" if frames else "declare it under 'frames'")
    reverse = var.get("reverse", False)
    if not isinstance(reverse, bool):
        ctx.add(f"{where}: reverse must be true or false", column="reverse", value=reverse,
                accepted="true or false")
        reverse = False
    if level in ("interval", "ratio"):
        ctx.add(f"{where}: a frame item is yes/no or ordinal", column="level", value=level,
                accepted="nominal (yes/no) or ordinal")
    row.update(frame=frame, reverse=reverse)


def _claim(row: dict[str, object], var: dict[object, object], codes: tuple[object, ...],
           ctx: _Context) -> None:
    where, level = f"variable {row['variable']}", row["level"]
    pairs = var.get("contradicts", []) or []
    good = []
    if not isinstance(pairs, list):
        pairs = [pairs]
    for pair in pairs:
        if not (isinstance(pair, list) and len(pair) == 2 and all(p in codes for p in pair) and pair[0] != pair[1]):
            ctx.add(f"{where}: contradicts entry {pair!r} is not a pair of two of its codes",
                    column="contradicts", value=pair, accepted=f"pairs of {_fmt(codes)}")
            continue
        good.append(tuple(pair))
    if level not in ("nominal", "ordinal"):
        ctx.add(f"{where}: a claim takes codes", column="level", value=level, accepted="nominal or ordinal")
    row["contradicts"] = tuple(good)


def _label(row: dict[str, object], var: dict[object, object], codes: tuple[object, ...],
           ctx: _Context) -> None:
    row["referent"] = str(var.get("referent") or var.get("label") or row["variable"])
    if row["level"] != "nominal":
        ctx.add(f"variable {row['variable']}: a label variable is nominal", column="level", value=row["level"],
                accepted="nominal")


def _source(row: dict[str, object], var: dict[object, object], codes: tuple[object, ...],
            ctx: _Context) -> None:
    row["source"] = str(var.get("source") or var.get("label") or row["variable"])


def _fact(row: dict[str, object], var: dict[object, object], codes: tuple[object, ...],
          ctx: _Context) -> None:
    fact, facts = var.get("fact"), ctx.facts
    if facts is not None and fact not in facts:
        ctx.add(f"variable {row['variable']}: fact {fact!r} is not a fact id of event.yaml", column="fact",
                value=fact, accepted=f"one of {_fmt(sorted(facts))}" if facts else "add it under 'facts' in event.yaml")
    row["fact"] = fact


def _figure(row: dict[str, object], var: dict[object, object], codes: tuple[object, ...],
            ctx: _Context) -> None:
    where, fig, figures = f"variable {row['variable']}", var.get("figure"), ctx.figures
    if figures is not None and fig not in figures:
        ctx.add(f"{where}: figure {fig!r} is not a figure id of event.yaml", column="figure", value=fig,
                accepted=f"one of {_fmt(sorted(figures))}" if figures else "add it under 'figures' in event.yaml")
    if row["level"] not in ("interval", "ratio"):
        ctx.add(f"{where}: a figure is a number", column="level", value=row["level"], accepted="interval or ratio")
    row.update(figure=fig, attribution=var.get("attribution"))


def _no_fields(row: dict[str, object], var: dict[object, object], codes: tuple[object, ...],
               ctx: _Context) -> None:
    """Role ``other`` takes no fields of its own."""


_ROLE_CHECKS: dict[str, Callable[[dict[str, object], dict[object, object], tuple[object, ...], _Context], None]] = {
    "frame_item": _frame_item, "claim": _claim, "label": _label, "source": _source, "fact": _fact,
    "figure": _figure}


def is_neutral(code: object, label: object = None) -> bool:
    """Whether a code says that nothing was said ("none", "not_addressed", "not mentioned").

    See :data:`NEUTRAL_CODES` for the rule; the code's label counts as much as the code.
    """
    if str(code) in NEUTRAL_CODES:
        return True
    for text in (str(code).replace("_", " ").replace("-", " "), "" if label is None else str(label)):
        text = text.strip().lower()
        if text in _NEUTRAL_WORDS or text.startswith("not "):
            return True
    return False
