"""Read YAML into plain Python while remembering the line and column of every value."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from solver.errors import Problem

PathKey = tuple[str | int, ...]


def render_path(path: PathKey) -> str:
    """`('qualifications', 0, 'rules', 1)` -> `qualifications[0].rules[1]`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class LocatedDocument:
    """A parsed document plus the position (1-based line, column) of each node by path."""

    file: str
    data: Any
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: PathKey) -> tuple[int, int]:
        """Position of the deepest node on `path` that exists in the document."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.marks:
                return self.marks[path[:end]]
        return (1, 1)

    def problem(self, path: PathKey, message: str) -> Problem:
        line, column = self.locate(path)
        return Problem(self.file, line, column, render_path(path), message)


class _Scalars(yaml.SafeLoader):
    """SafeLoader used only to turn scalar nodes into Python values."""


def _scalar(loader: _Scalars, node: yaml.ScalarNode) -> Any:
    return loader.construct_object(node, deep=True)


class _NodeError(Exception):
    def __init__(self, path: PathKey, message: str):
        self.path, self.message = path, message


def _convert(node: yaml.Node, path: PathKey, marks: dict, loader: _Scalars, depth: int = 0) -> Any:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if depth > 50:
        # Anchors can make a document refer to itself; no catalogue is this deep.
        raise _NodeError(path, "expected a document nested at most 50 levels deep (no self-referencing anchors)")
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _NodeError(path, "expected plain keys (text), got a list or mapping as a key")
            key = _scalar(loader, key_node)
            if key == "<<" or key_node.tag == "tag:yaml.org,2002:merge":
                raise _NodeError(path, "expected plain keys, got a YAML merge key '<<'")
            key = str(key)
            if key in out:
                marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                raise _NodeError(path + (key,), f"duplicate key '{key}'")
            out[key] = _convert(value_node, path + (key,), marks, loader, depth + 1)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), marks, loader, depth + 1) for i, item in enumerate(node.value)]
    try:
        value = _scalar(loader, node)
    except (ValueError, TypeError, OverflowError, yaml.YAMLError) as err:
        raise _NodeError(path, f"expected a valid value, got {node.value!r} ({err})") from None
    if isinstance(value, dt.datetime):
        return value  # kept as datetime so validation can say "expected a date"
    if isinstance(value, bytes):
        raise _NodeError(path, "expected text, got binary data")
    return value


def parse_yaml(text: str, file: str) -> tuple[LocatedDocument | None, list[Problem]]:
    """Parse one YAML document; return it with positions, or the problems that stop it."""
    loader = _Scalars(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return LocatedDocument(file, None, {(): (1, 1)}), []
        marks: dict[PathKey, tuple[int, int]] = {}
        data = _convert(root, (), marks, loader)
        return LocatedDocument(file, data, marks), []
    except _NodeError as err:
        doc = LocatedDocument(file, None, marks)
        return None, [doc.problem(err.path, err.message)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(filter(None, [err.context, err.problem])) or "malformed YAML"
        return None, [Problem(file, line, column, "", f"expected valid YAML: {what}")]
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as err:
        return None, [Problem(file, 1, 1, "", f"expected valid YAML: {err}")]
    finally:
        loader.dispose()


def read_yaml(path: Path) -> tuple[LocatedDocument | None, list[Problem]]:
    """Read and parse a YAML file; an unreadable file is a problem, not a crash."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return None, [Problem(str(path), 1, 1, "", f"expected a readable UTF-8 file: {err}")]
    return parse_yaml(text, str(path))
