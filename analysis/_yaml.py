"""Safe YAML reading: no tags that build objects, no alias bombs, no silent duplicate keys."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
import yaml

from .errors import DataError, Problem

MAX_YAML_BYTES = 5 * 1024**2
MAX_NODES = 200_000
MAX_FLOW_DEPTH = 100

# where each mapping of a document is (read_yaml(..., lines=True)): id(mapping) -> {key: line}, with
# the mapping's own line under None
Lines = dict[int, dict[object, int]]


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans: only true/false, so a code ``yes`` stays the word."""

    lines: Lines | None = None  # filled by _construct_map when asked for


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int):
        self.key, self.line = key, line


def _check_unique_keys(loader: _Loader, node: yaml.MappingNode) -> None:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hashable = key in seen
        except TypeError:
            hashable = False
        if hashable:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        try:
            seen.add(key)
        except TypeError:
            pass


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Iterator[dict[object, object]]:
    # SafeLoader's map constructor, refusing duplicate keys and noting the line of the mapping and
    # of each key (when asked for)
    _check_unique_keys(loader, node)
    data: dict[object, object] = {}
    yield data
    data.update(loader.construct_mapping(node))
    if loader.lines is not None:
        where: dict[object, int] = {None: node.start_mark.line + 1}
        for key_node, _ in node.value:
            try:
                where.setdefault(loader.construct_object(key_node), key_node.start_mark.line + 1)
            except TypeError:  # an unhashable key; construct_mapping has refused it already
                pass
        loader.lines[id(data)] = where


# Only plain YAML: mappings, lists, strings, numbers, booleans, null and dates. SafeLoader would also
# build bytes (!!binary), sets (!!set) and pair lists (!!omap, !!pairs), which no event folder needs;
# without a constructor such a tag is refused like !!python/object.
_Loader.yaml_constructors = {
    tag: fn for tag, fn in yaml.SafeLoader.yaml_constructors.items()
    if tag not in {f"tag:yaml.org,2002:{t}" for t in ("binary", "set", "omap", "pairs")}
}
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)


class _BadScalar(Exception):
    def __init__(self, value: object, tag: str, line: int, reason: str):
        self.value, self.tag, self.line, self.reason = value, tag, line, reason


def _construct_checked(self: _Loader, node: yaml.Node, deep: bool = False) -> object:
    # A scalar that matches a type's pattern but is not a valid value (2024-13-45, !!int abc)
    # makes the constructor raise ValueError; name the line instead.
    try:
        return yaml.SafeLoader.construct_object(self, node, deep=deep)
    except (ValueError, OverflowError) as exc:
        raise _BadScalar(node.value, node.tag.rsplit(":", 1)[-1], node.start_mark.line + 1,
                         str(exc)) from None


_Loader.construct_object = _construct_checked


def _count_expanded(node: yaml.Node, limit: int) -> int:
    """Count nodes as they would be after expanding aliases, stopping past ``limit``."""
    count = 0
    stack = [node]
    while stack:
        n = stack.pop()
        count += 1
        if count > limit:
            return count
        if isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)
        elif isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                stack.append(k)
                stack.append(v)
    return count


def _flow_depth(text: str) -> int:
    """Deepest nesting of [ and { (brackets inside quotes count too: a bound, not a parse)."""
    b = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    step = np.isin(b, (ord("["), ord("{"))).astype(np.int64) - np.isin(b, (ord("]"), ord("}")))
    return int(np.cumsum(step).max(initial=0))


@overload
def read_yaml(path: str | Path, name: str, *, lines: Literal[False] = False) -> Any: ...
@overload
def read_yaml(path: str | Path, name: str, *, lines: Literal[True]) -> tuple[Any, Lines]: ...


def read_yaml(path: str | Path, name: str, *, lines: bool = False) -> Any:
    """Read one YAML document safely.

    Parameters
    ----------
    path : Path
    name : str
        How messages name the file.
    lines : bool
        Also return where each mapping is: ``{id(mapping): {None: its line, key: the key's line}}``
        (1-based), so that messages can point at a line. Look-ups are valid while the document
        lives.

    Returns
    -------
    object, or (object, dict) when ``lines``
        The document is typed ``Any``: its shape is what the caller checks next.

    Raises
    ------
    DataError
        Missing or oversized file, malformed YAML, tags such as ``!!python/object``, alias bombs,
        duplicate keys.
    """
    text = _read_text(Path(path), name)
    loader = None
    try:
        loader = _Loader(text)
        loader.lines = {} if lines else None
        node = loader.get_single_node()
        if node is None:
            raise DataError(Problem(name, "the file is empty"))
        if _count_expanded(node, MAX_NODES) > MAX_NODES:
            raise DataError(Problem(
                name, f"the document expands to more than {MAX_NODES:,} nodes (an alias bomb?)",
                accepted="plain YAML without deeply nested anchors and aliases"))
        doc = loader.construct_document(node)
        return (doc, loader.lines or {}) if lines else doc
    except (RecursionError, _BadScalar, _DuplicateKey, yaml.YAMLError) as exc:
        raise DataError(_problem(exc, name, text)) from None
    finally:
        if loader is not None:
            loader.dispose()


def _read_text(path: Path, name: str) -> str:
    """The file's text: UTF-8, of ordinary size, not nested too deeply to parse in good time."""
    if not path.is_file():
        raise DataError(Problem(name, "file not found"))
    if path.stat().st_size > MAX_YAML_BYTES:
        raise DataError(Problem(name, f"the file is larger than {MAX_YAML_BYTES:,} bytes",
                                accepted="a codebook or event description of ordinary size"))
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(Problem(name, "the file is UTF-16, not UTF-8", row=1,
                                accepted="save the file as UTF-8"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = ""
        try:
            raw.decode("cp1252")
            guess = " (it looks like Latin-1 / Windows-1252)"
        except UnicodeDecodeError:
            pass
        raise DataError(Problem(name, f"byte {raw[exc.start:exc.start + 1]!r} is not UTF-8{guess}",
                                row=line, accepted="save the file as UTF-8")) from None
    if _flow_depth(text) > MAX_FLOW_DEPTH:
        # PyYAML's scanner takes time quadratic in the depth of [ { nesting: refuse before it runs
        raise DataError(Problem(name, f"the document is nested more than {MAX_FLOW_DEPTH} levels deep "
                                "in [ ] or { }", accepted="plain YAML with a few levels of nesting"))
    return text


def _problem(exc: BaseException, name: str, text: str) -> Problem:
    """What went wrong reading the YAML, naming the line where the parser says."""
    if isinstance(exc, RecursionError):
        return Problem(name, "the document is nested too deeply to read",
                       accepted="plain YAML with a few levels of nesting")
    if isinstance(exc, _BadScalar):
        what = "a date" if exc.tag == "timestamp" else f"a YAML {exc.tag}"
        return Problem(name, f"{exc.value!r} looks like {what} but is not a valid one ({exc.reason})",
                       row=exc.line, accepted="a valid value, or put it in quotes to keep it as text")
    if isinstance(exc, _DuplicateKey):
        return Problem(name, f"key '{exc.key}' appears twice in one mapping", row=exc.line,
                       accepted="each key once")
    if isinstance(exc, yaml.constructor.ConstructorError):
        return _constructor_problem(exc, name)
    if isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n") + 1
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        return Problem(name, f"character {char} is not allowed in YAML", row=line,
                       accepted="printable text (remove control characters)")
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if context:
        problem = f"{context}, {problem}"
    return Problem(name, f"malformed YAML: {problem}", row=mark.line + 1 if mark else None,
                   accepted="valid YAML (check indentation and colons)")


def _constructor_problem(exc: yaml.constructor.ConstructorError, name: str) -> Problem:
    """A tag that would build an object (or a merge key): refused, naming the tag."""
    line = exc.problem_mark.line + 1 if exc.problem_mark else None
    found = re.search(r"constructor for the tag '([^']*)'", exc.problem or "")
    tag = found.group(1).replace("tag:yaml.org,2002:", "!!") if found else None
    if tag == "!!merge":
        problem = "merge keys (<<) are not supported (YAML 1.2 has none); write the keys out"
    elif tag:
        problem = f"the tag '{tag}' is not accepted (tags can build objects or run code)"
    else:
        problem = exc.problem
    return Problem(
        name, f"unsupported YAML: {problem}", row=line,
        accepted="plain YAML: mappings, lists, strings, numbers, dates; no tags such as "
        "!!python/object")


def add_lines(problems: list[Problem], start: int, where: dict[object, int] | None) -> None:
    """Give ``problems[start:]`` that have no line the line of their column's key in a mapping.

    ``where`` is one entry of the ``lines`` of :func:`read_yaml` (or None: nothing to add); a
    problem whose column is not a key of the mapping gets the mapping's own line.
    """
    if not where:
        return
    for k in range(start, len(problems)):
        p = problems[k]
        if p.row is None:
            problems[k] = replace(p, row=where.get(p.column, where.get(None)))
