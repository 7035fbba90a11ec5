"""Validate a located YAML document against a pydantic model, turning errors into located problems."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from solver.errors import Problem
from solver.located_yaml import LocatedDocument, PathKey

M = TypeVar("M", bound=BaseModel)

_TYPE_NAMES = {bool: "a boolean", int: "a whole number", float: "a number", str: "text",
               list: "a list", dict: "a mapping", type(None): "nothing"}


def _shown(value: Any) -> str:
    name = _TYPE_NAMES.get(type(value), type(value).__name__)
    if isinstance(value, (dict, list)):
        return name
    text = repr(value) if not hasattr(value, "isoformat") else value.isoformat()
    return f"{name} {text[:60]}"


def _document_path(data: Any, loc: tuple) -> PathKey:
    """Keep the parts of a pydantic location that index the document (drop union tags)."""
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif i == len(loc) - 1 and isinstance(part, (str, int)) and isinstance(node, dict):
            path.append(part)  # a missing field: name it; it is located at its parent
    return tuple(path)


def _message(error: dict) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    field = error["loc"][-1] if error["loc"] else ""
    if kind == "missing":
        return f"expected field '{field}' (missing)"
    if kind == "extra_forbidden":
        return f"unknown key '{field}'"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {_shown(value)}"
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {_shown(value)}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}[kind]
        bound = next(iter(ctx.values()), "")
        return f"expected a number {sign} {bound}, got {_shown(value)}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"expected a date (YYYY-MM-DD), got {_shown(value)}"
    if kind in ("string_type", "string_sub_type"):
        return f"expected text, got {_shown(value)}"
    if kind == "string_too_short":
        return "expected non-empty text"
    if kind == "bool_type" or kind == "bool_parsing":
        return f"expected true or false, got {_shown(value)}"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected', '')}, got {_shown(value)}"
    if kind == "union_tag_invalid":
        return f"expected 'kind' to be one of {ctx.get('expected_tags', '')}, got {ctx.get('tag')!r}"
    if kind == "union_tag_not_found":
        return f"expected a '{ctx.get('discriminator', 'kind').strip(chr(39))}' key"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping, got {_shown(value)}"
    if kind in ("list_type", "tuple_type", "sequence_type"):
        return f"expected a list, got {_shown(value)}"
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} items, got {ctx.get('actual_length')}"
    if kind == "too_long":
        return f"expected at most {ctx.get('max_length')} items, got {ctx.get('actual_length')}"
    msg = error.get("msg", "invalid value")
    return "expected: " + msg[0].lower() + msg[1:]


def validate(model: type[M], doc: LocatedDocument) -> tuple[M | None, list[Problem]]:
    """Validate `doc` as `model`; return the model or every problem, each located."""
    data = {} if doc.data is None else doc.data
    try:
        return model.model_validate(data), []
    except ValidationError as err:
        problems = []
        for error in err.errors(include_url=False):
            problems.append(doc.problem(_document_path(data, error["loc"]), _message(error)))
        return None, problems
