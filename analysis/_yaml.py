"""Safe YAML reading: no tags that build objects, no alias bombs, no silent duplicate keys."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from .errors import DataError, Problem

MAX_YAML_BYTES = 5 * 1024**2
MAX_NODES = 200_000


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans: only true/false, so a code ``yes`` stays the word."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))


class _DuplicateKey(Exception):
    def __init__(self, key, line):
        self.key, self.line = key, line


def _construct_mapping(loader, node, deep=False):
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
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _count_expanded(node, limit: int) -> int:
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


def read_yaml(path: Path, name: str):
    """Read one YAML document safely.

    Parameters
    ----------
    path : Path
    name : str
        How messages name the file.

    Raises
    ------
    DataError
        Missing or oversized file, malformed YAML, tags such as ``!!python/object``, alias bombs,
        duplicate keys.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(Problem(name, "file not found"))
    if path.stat().st_size > MAX_YAML_BYTES:
        raise DataError(Problem(name, f"the file is larger than {MAX_YAML_BYTES:,} bytes",
                                accepted="a codebook or event description of ordinary size"))
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(Problem(name, f"line {line} is not UTF-8", row=line,
                                accepted="save the file as UTF-8")) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DataError(Problem(name, "the file is empty"))
        if _count_expanded(node, MAX_NODES) > MAX_NODES:
            raise DataError(Problem(
                name, f"the document expands to more than {MAX_NODES:,} nodes (an alias bomb?)",
                accepted="plain YAML without deeply nested anchors and aliases"))
        return loader.construct_document(node)
    except _DuplicateKey as exc:
        raise DataError(Problem(name, f"key '{exc.key}' appears twice in one mapping", row=exc.line,
                                accepted="each key once")) from None
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise DataError(Problem(
            name, f"unsupported YAML: {exc.problem}", row=line,
            accepted="plain YAML: mappings, lists, strings, numbers, dates; no tags such as "
            "!!python/object")) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataError(Problem(name, f"malformed YAML: {problem}", row=line,
                                accepted="valid YAML (check indentation and colons)")) from None
    finally:
        loader.dispose()
