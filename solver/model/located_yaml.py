"""Read YAML into plain Python while remembering the line and column of every value."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from solver.errors import Problem

PathKey = tuple[str | int, ...]


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def render_path(path: PathKey) -> str:
    """`('qualifications', 0, 'rules', 1)` -> `qualifications[0].rules[1]`; odd keys are quoted: `units['a b']`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"  # a key with spaces, dots or line breaks stays readable on one line
    return out


@dataclass
class LocatedDocument:
    """A parsed document plus the position (1-based line, column) of each node by path."""

    file: str
    data: Any
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    # Where each mapping key itself stands: an unknown or duplicate key is reported there, not at its value.
    key_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def locate(self, path: PathKey) -> tuple[int, int]:
        """Position of the deepest node on `path` that exists in the document."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.marks:
                return self.marks[path[:end]]
        return (1, 1)

    def problem(self, path: PathKey, message: str, at_key: bool = False) -> Problem:
        """A problem at `path`; with `at_key`, located at the mapping key rather than its value."""
        line, column = self.key_marks[path] if at_key and path in self.key_marks else self.locate(path)
        return Problem(self.file, line, column, render_path(path), message)


class _Scalars(yaml.SafeLoader):
    """SafeLoader used only to turn scalar nodes into Python values."""


# libyaml's parser composes the same nodes (with the same marks and tags) about 10x faster than PyYAML's pure
# Python one, which took most of a large catalogue's load (12 s of 5,000 units). A document it refuses, or one
# with characters the pure reader would refuse, is parsed again the pure way, so every problem reads as before.
_CLoader: type | None = getattr(yaml, "CSafeLoader", None)
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE


def _compose_fast(text: str) -> yaml.Node | None | bool:
    """The document's root node composed by libyaml; False when it is unavailable or declines the text."""
    if _CLoader is None or _NON_PRINTABLE.search(text):
        return False
    loader = _CLoader(text)
    try:
        return loader.get_single_node()
    except yaml.YAMLError:
        return False
    finally:
        loader.dispose()


class _NodeError(Exception):
    def __init__(self, path: PathKey, message: str):
        self.path, self.message = path, message


MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
MAX_DEPTH = 50
MAX_NODES = 200_000  # a catalogue file has a few thousand; aliases of aliases can expand to billions


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Converter:
    """Turns a composed node tree into plain Python, recording where every value and key stands."""

    def __init__(self, loader: _Scalars):
        self.loader = loader
        self.marks: dict[PathKey, tuple[int, int]] = {}
        self.key_marks: dict[PathKey, tuple[int, int]] = {}
        self.nodes = 0

    def convert(self, node: yaml.Node, path: PathKey = ()) -> Any:
        self.marks[path] = _position(node)
        self.nodes += 1
        if len(path) > MAX_DEPTH:
            # Anchors can make a document refer to itself; no catalogue is this deep.
            raise _NodeError(path, f"expected a document nested at most {MAX_DEPTH} levels deep "
                                   "(no self-referencing anchors)")
        if self.nodes > MAX_NODES:
            raise _NodeError(path, f"expected a document of at most {MAX_NODES} values "
                                   "(aliases expand it beyond that)")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        out: dict[str, Any] = {}
        # Merge keys (`<<: *base`) first, so the mapping's own keys override what they bring in; of several
        # merged mappings the earlier wins. Their values count against the same node limit as any alias.
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in reversed(sources):
                    if not isinstance(source, yaml.MappingNode):
                        self.marks[path] = _position(key_node)
                        raise _NodeError(path, "expected a mapping (or a list of mappings) after the merge key '<<'")
                    out.update(self._mapping(source, path))
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.marks[path] = _position(key_node)
                raise _NodeError(path, "expected plain keys (text), got a list or mapping as a key")
            # A key reads as the author wrote it: `on:` is 'on' and `1:` is '1', not True and 1.
            key = self._scalar(key_node, path)
            key = key if isinstance(key, str) else str(key_node.value)
            self.key_marks[path + (key,)] = _position(key_node)
            if key in seen:
                self.marks[path + (key,)] = _position(key_node)
                raise _NodeError(path + (key,), f"duplicate key {key!r}")
            seen.add(key)
            out[key] = self.convert(value_node, path + (key,))
        return out

    def _scalar(self, node: yaml.Node, path: PathKey) -> Any:
        if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
            return node.value  # what PyYAML's constructor returns for text, without its per-node bookkeeping
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, TypeError, ArithmeticError, LookupError, AttributeError, yaml.YAMLError) as err:
            # PyYAML's scalar constructors fail in many ways on explicit tags (`!!int` on nothing is an
            # IndexError, `!!binary x` a binascii.Error); each is a bad value at this node.
            self.marks[path] = _position(node)
            what = "a date (YYYY-MM-DD)" if node.tag == "tag:yaml.org,2002:timestamp" else "a valid value"
            # PyYAML's marked errors quote the source over several lines; the location is given already.
            reason = err.problem if isinstance(err, yaml.MarkedYAMLError) and err.problem else str(err)
            raise _NodeError(path, f"expected {what}, got {node.value!r} ({' '.join(reason.split())})") from None
        if isinstance(value, bytes):
            raise _NodeError(path, "expected text, got binary data")
        # Dates and datetimes are kept as they are, so validation can say "expected a date".
        return value


def _syntax_problem(err: yaml.MarkedYAMLError, file: str) -> Problem:
    """PyYAML's own wording, located at the problem and naming where the open construct began."""
    mark = err.problem_mark or err.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = f"invalid YAML: {err.problem or err.context or 'malformed document'}"
    if err.context and err.problem:
        where = err.context_mark
        if where is not None and where is not mark:
            message += f" ({err.context} that starts at line {where.line + 1}, column {where.column + 1})"
        else:
            message += f" ({err.context})"
    return Problem(file, line, column, "", message)


def _reader_problem(err: yaml.reader.ReaderError, text: str, file: str) -> Problem:
    """A character YAML does not allow: PyYAML gives only an offset, so turn it into line and column."""
    before = text[:max(err.position, 0)]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return Problem(file, line, column, "", f"invalid YAML: {err.reason} (character #x{err.character:04x})")


def parse_yaml(text: str, file: str) -> tuple[LocatedDocument | None, list[Problem]]:
    """Parse one YAML document; return it with positions, or the problems that stop it."""
    loader: _Scalars | None = None
    converter: _Converter | None = None
    try:
        # The reader checks every character as it is built, so even construction can raise.
        fast = _compose_fast(text)
        loader = _Scalars("" if fast is not False else text)
        converter = _Converter(loader)
        root = fast if fast is not False else loader.get_single_node()
        if root is None:
            return LocatedDocument(file, None, {(): (1, 1)}), []
        data = converter.convert(root)
        return LocatedDocument(file, data, converter.marks, converter.key_marks), []
    except _NodeError as err:
        marks, key_marks = (converter.marks, converter.key_marks) if converter else ({}, {})
        doc = LocatedDocument(file, None, marks, key_marks)
        return None, [doc.problem(err.path, err.message)]
    except yaml.reader.ReaderError as err:
        return None, [_reader_problem(err, text, file)]
    except yaml.MarkedYAMLError as err:
        return None, [_syntax_problem(err, file)]
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as err:
        return None, [Problem(file, 1, 1, "", f"invalid YAML: {' '.join(str(err).split())}")]
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml(path: Path) -> tuple[LocatedDocument | None, list[Problem]]:
    """Read and parse a YAML file; an unreadable file is a problem, not a crash."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return None, [Problem(str(path), 1, 1, "", f"expected a readable UTF-8 file: {err}")]
    return parse_yaml(text, str(path))
