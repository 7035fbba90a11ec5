"""Validate a located YAML document against a pydantic model, turning errors into located problems."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal, TypeVar, Union

from pydantic import BaseModel, ValidationError
from pydantic.json_schema import SkipJsonSchema

from solver.errors import Problem
from solver.model.located_yaml import LocatedDocument, PathKey

M = TypeVar("M", bound=BaseModel)

_TYPE_NAMES = {bool: "a boolean", int: "a whole number", float: "a number", str: "text",
               list: "a list", dict: "a mapping", type(None): "nothing",
               dt.date: "a date", dt.datetime: "a date and time"}


def _shown(value: Any) -> str:
    """How a YAML value is named in a message: its kind, then the value as the author would write it."""
    name = _TYPE_NAMES.get(type(value), type(value).__name__)
    if isinstance(value, (dict, list)) or value is None:
        return name
    if isinstance(value, bool):
        return f"{name} {str(value).lower()}"
    text = value.isoformat() if isinstance(value, dt.date) else repr(value)
    return f"{name} {text[:60]}{'...' if len(text) > 60 else ''}"


def _unwrap(tp: Any) -> Any:
    """Strip `Annotated[...]` and `X | None` down to the type that holds the data."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(members) != 1:
                return tp
            tp = members[0]
        else:
            return tp


def _tagged_member(union: Any, tag: Any) -> type[BaseModel] | None:
    """The member of a union that pydantic's location `tag` names: by its `kind` literal (a discriminated union)
    or by its class name (a plain union of a model and something else)."""
    for member in typing.get_args(union):
        if isinstance(member, type) and issubclass(member, BaseModel) and member.__name__ == tag:
            return member
        field = getattr(member, "model_fields", {}).get("kind")
        if field is not None and typing.get_origin(field.annotation) is Literal \
                and tag in typing.get_args(field.annotation):
            return member
    return None


def _field(model: type[BaseModel], key: Any) -> Any:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.annotation
    return None


_SKIPPED: type = SkipJsonSchema  # generic to mypy, a marker class at run time


def allowed_keys(model: type[BaseModel]) -> list[str]:
    """The keys a mapping of `model` may have, as written in YAML (aliases, not Python names); a field the
    loader sets (left out of the schema) is not one."""
    return [info.alias or name for name, info in model.model_fields.items()
            if not any(isinstance(m, _SKIPPED) for m in info.metadata)]


def resolve(model: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[PathKey, type[BaseModel] | None]:
    """The document path of a pydantic error location, and the model whose mapping holds its last key.

    Walking the model types tells a union tag (not in the document) from a key that happens to share
    its name: a sum rule's `sum` key and pydantic's `sum` tag for the sum-rule member.
    """
    tp: Any = model
    path: list[str | int] = []
    holder: type[BaseModel] | None = None
    for part in loc:
        tp = _unwrap(tp)
        holder = None
        if typing.get_origin(tp) in (Union, types.UnionType) and (member := _tagged_member(tp, part)):
            tp = member
            continue
        path.append(part)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            holder, tp = tp, _field(tp, part)
        elif typing.get_origin(tp) in (tuple, list) and isinstance(part, int):
            tp = typing.get_args(tp)[0]
        else:
            tp = None
    return tuple(path), holder


def _unknown_key(key: str, holder: type[BaseModel] | None) -> str:
    if holder is None:
        return f"unknown key {key!r}"
    allowed = allowed_keys(holder)
    close = difflib.get_close_matches(str(key), allowed, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown key {key!r}{hint}; expected one of: {', '.join(allowed)}"


def _message(error: Mapping[str, Any]) -> str:
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {_shown(value)}"
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {_shown(value)}"
    if kind == "finite_number":
        return f"expected a finite number, got {_shown(value)}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}[kind]
        bound = next(iter(ctx.values()), "")
        bound = f"{bound:,}" if isinstance(bound, int) else bound
        return f"expected a number {sign} {bound}, got {value!r}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"expected a date (YYYY-MM-DD), got {_shown(value)}"
    if kind in ("string_type", "string_sub_type"):
        return f"expected text, got {_shown(value)}"
    if kind == "string_pattern_mismatch":
        mode = ", or CODE@MODE for a unit in one of its modes" if "@" in str(ctx.get("pattern", "")) else ""
        return (f"expected a code of letters, digits and - / . _ (single spaces inside, no footnote marks){mode}, "
                f"got {_shown(value)}")
    if kind == "string_too_short":
        return "expected non-empty text"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {_shown(value)}"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected', '')}, got {_shown(value)}"
    if kind == "enum":  # an enum's aliases (best-fit for weighted-goals) list a value twice: once is enough
        names = list(dict.fromkeys(re.findall(r"'([^']*)'", str(ctx.get("expected", "")))))
        return f"expected one of {', '.join(names)}, got {_shown(value)}"
    if kind == "union_tag_invalid":
        return f"expected 'kind' to be one of {ctx.get('expected_tags', '')}, got {_shown(ctx.get('tag'))}"
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
    msg = error.get("msg") or "invalid value"
    return "expected: " + msg[0].lower() + msg[1:]


def _problem(model: type[BaseModel], doc: LocatedDocument, error: Mapping[str, Any]) -> Problem:
    path, holder = resolve(model, error["loc"])
    if error["type"] == "missing" and path:
        # The field is absent, so the mapping that lacks it is where the author must look.
        return doc.problem(path[:-1], f"missing required field {path[-1]!r}")
    if error["type"] == "extra_forbidden" and path:
        return doc.problem(path, _unknown_key(str(path[-1]), holder), at_key=True)
    return doc.problem(path, _message(error))


def validate(model: type[M], doc: LocatedDocument) -> tuple[M | None, list[Problem]]:
    """Validate `doc` as `model`; return the model or every problem, each located."""
    data = {} if doc.data is None else doc.data
    try:
        return model.model_validate(data), []
    except ValidationError as err:
        errors = err.errors(include_url=False)
        # pydantic also calls a list "too short" when only its failed items kept it from its minimum length:
        # the items' own problems say what is wrong.
        inner = [e["loc"] for e in errors]
        errors = [e for e in errors if not (e["type"] == "too_short" and any(
            len(loc) > len(e["loc"]) and loc[:len(e["loc"])] == e["loc"] for loc in inner))]
        # In a union (`unit: Code | Unit`) the branch of the wrong type ("expected text") is noise when another
        # branch took the value and found what is wrong inside it.
        errors = [e for e in errors if not (e["type"].endswith("_type") and any(
            len(loc) > len(e["loc"]) and loc[:len(e["loc"]) - 1] == e["loc"][:-1] and loc[len(e["loc"]) - 1]
            != e["loc"][-1] for loc in inner))]
        return None, [_problem(model, doc, error) for error in errors]
