"""Readers of the public BACP (.dat, MiniZinc) and GBACP (.dzn) data into a delivery problem."""

from __future__ import annotations

import re
from pathlib import Path

from solver.engine.schedule import Delivery
from solver.errors import InputError, Problem


def bad(where: str, message: str, line: int = 1) -> InputError:
    """A located error in a benchmark file (the line where known, else its first)."""
    return InputError([Problem(where, line, 1, "", message)])


PAIR = re.compile(r"<\s*(\w+)\s*,\s*(\w+)\s*>")


def strip_dat_comments(text: str) -> str:
    """Drop /* ... */ comments; one never closed before the next statement ends at its line's end (the trap in
    bacp10.dat and bacp12.dat), so it cannot swallow the data after it."""
    out: list[str] = []
    i = 0
    while True:
        start = text.find("/*", i)
        if start < 0:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:start])
        close = text.find("*/", start + 2)
        body = text[start + 2:close] if close >= 0 else text[start + 2:]
        if close >= 0 and not re.search(r"[=;{<\[]", body):
            i = close + 2
        else:
            eol = text.find("\n", start)
            i = len(text) if eol < 0 else eol


def _scalar(text: str, name: str, where: str) -> int:
    found = re.search(rf"(?<![\w.]){name}\s*=\s*(-?\d+)\s*;", text)
    if not found:
        raise bad(where, f"no value for {name!r}")
    return int(found.group(1))


def _list(text: str, name: str, where: str) -> list[int]:
    found = re.search(rf"(?<![\w.]){name}\s*=\s*\[(.*?)\]", text, re.S)
    if not found:
        raise bad(where, f"no list for {name!r}")
    return [int(v) for v in re.findall(r"-?\d+", found.group(1))]


def read_bacp_dat(path: Path) -> Delivery:
    """A CSPLib .dat file: p, a, b, c, d, courses, credit, prereq (<a,b>: a has prerequisite b). Survives the
    unclosed comments, the missing commas between pairs and the pairs listed twice."""
    where = str(path)
    text = strip_dat_comments(path.read_text(encoding="utf-8"))
    p, a, b, c, d = (_scalar(text, k, where) for k in "pabcd")
    listed = re.search(r"courses\s*=\s*\{(.*?)\}", text, re.S)
    if not listed:
        raise bad(where, "no set of courses")
    names = re.findall(r"\w+", listed.group(1))
    credit = _list(text, "credit", where)
    if len(credit) != len(names):
        raise bad(where, f"{len(names)} courses but {len(credit)} credit values")
    index = {n: i for i, n in enumerate(names)}
    block = re.search(r"prereq\s*=\s*\{(.*?)\}\s*;", text, re.S)
    pairs = PAIR.findall(block.group(1)) if block else []
    unknown = sorted({x for pair in pairs for x in pair if x not in index})
    if unknown:
        raise bad(where, f"prerequisites name unknown courses: {', '.join(unknown)}")
    precedes = tuple(dict.fromkeys((index[before], index[after]) for after, before in pairs))
    return Delivery(name=path.stem, n_periods=p, load=tuple(credit), names=tuple(names),
                    curricula=(tuple(range(len(names))),),
                    min_courses=(c,), max_courses=(d,), min_load=(a,), max_load=(b,), precedes=precedes)


def read_bacp_mzn(path: Path) -> Delivery:
    """BACP in MiniZinc data (curriculum_*.mzn, bacp-*.mzn): prerequisite(a, b) puts b before a; courses by
    number or by a name declared `int: name = k;`."""
    where = str(path)
    text = re.sub(r"%.*", "", path.read_text(encoding="utf-8"))
    n, p = _scalar(text, "n_courses", where), _scalar(text, "n_periods", where)
    load = _list(text, "course_load", where)
    if len(load) != n:
        raise bad(where, f"n_courses is {n} but course_load has {len(load)} values")
    named = {m.group(1): int(m.group(2)) for m in re.finditer(r"int:\s*(\w+)\s*=\s*(\d+)\s*;", text)}
    names = [str(k) for k in range(1, n + 1)]
    for name, k in named.items():
        if 1 <= k <= n:
            names[k - 1] = name

    def course(token: str) -> int:
        k = named.get(token, int(token) if token.isdigit() else 0)
        if not 1 <= k <= n:
            raise bad(where, f"prerequisite names unknown course {token!r}")
        return k - 1

    pairs = re.findall(r"prerequisite\(\s*(\w+)\s*,\s*(\w+)\s*\)", text)
    precedes = tuple(dict.fromkeys((course(before), course(after)) for after, before in pairs))
    return Delivery(name=path.stem, n_periods=p, load=tuple(load), names=tuple(names),
                    curricula=(tuple(range(n)),),
                    min_courses=(_scalar(text, "courses_per_period_lb", where),),
                    max_courses=(_scalar(text, "courses_per_period_ub", where),),
                    min_load=(_scalar(text, "load_per_period_lb", where),),
                    max_load=(_scalar(text, "load_per_period_ub", where),), precedes=precedes)


def _ints_or_each(text: str, name: str, count: int, where: str) -> tuple[int, ...]:
    found = re.search(rf"(?<![\w.]){name}\s*=\s*(.*?);", text, re.S)
    if not found:
        raise bad(where, f"no value for {name!r}")
    values = [int(v) for v in re.findall(r"-?\d+", found.group(1))]
    return tuple(values * count) if len(values) == 1 else tuple(values)


def _pairs(text: str, name: str, where: str) -> list[tuple[int, int]]:
    found = re.search(rf"(?<![\w.]){name}\s*=\s*array2d\([^\[]*\[(.*?)\]\s*\)", text, re.S)
    if not found:
        return []
    values = [int(v) for v in re.findall(r"-?\d+", found.group(1))]
    if len(values) % 2:
        raise bad(where, f"{name} holds an odd number of values")
    return list(zip(values[::2], values[1::2], strict=True))


def read_gbac_dzn(path: Path) -> Delivery:
    """A GBACP .dzn file: curricula sharing courses, precedences, undesirable (course, period) pairs, w1, w2."""
    where = str(path)
    text = re.sub(r"%.*", "", path.read_text(encoding="utf-8"))
    p, n, k = (_scalar(text, f, where) for f in ("n_periods", "n_courses", "n_curricula"))
    load = _list(text, "course_load", where)
    sets = re.search(r"courses_of\s*=\s*\[(.*?)\]\s*;", text, re.S)
    if not sets or len(load) != n:
        raise bad(where, "course_load or courses_of missing or of the wrong length")
    curricula = tuple(tuple(int(v) - 1 for v in re.findall(r"\d+", s)) for s in re.findall(r"\{(.*?)\}", sets.group(1)))
    if len(curricula) != k:
        raise bad(where, f"n_curricula is {k} but courses_of has {len(curricula)} sets")
    precedes = tuple(dict.fromkeys((a - 1, b - 1) for a, b in _pairs(text, "precedes", where)))
    undesirable = tuple(dict.fromkeys((c - 1, q - 1) for c, q in _pairs(text, "undesirable", where)))
    return Delivery(name=path.stem, n_periods=p, load=tuple(load), names=tuple(str(i) for i in range(1, n + 1)),
                    curricula=curricula, min_courses=_ints_or_each(text, "min_courses", k, where),
                    max_courses=_ints_or_each(text, "max_courses", k, where), precedes=precedes,
                    undesirable=undesirable, objective="squares", w1=_scalar(text, "w1", where),
                    w2=_scalar(text, "w2", where))


def read_benchmark(path: Path) -> Delivery:
    """Any of the three notations, by suffix."""
    readers = {".dat": read_bacp_dat, ".mzn": read_bacp_mzn, ".dzn": read_gbac_dzn}
    if path.suffix not in readers:
        raise bad(str(path), "expected a .dat, .mzn or .dzn file")
    return readers[path.suffix](path)
