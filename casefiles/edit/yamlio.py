"""A document, or a case with its proceedings and sentences, as YAML and back.

Written with PyYAML's safe dumper: fields in the schema's order (``id`` first,
``cites`` last), Unicode kept as it is, multi-line text as ``|`` blocks, no
Python tags.  Read back by walking the parser's events ourselves, which
refuses what a hand-edited file has no business holding and what could hurt:

- anchors and aliases (``&a``/``*a``: the "billion laughs" bomb), tags
  (``!!python/object``, ``!!binary``, any ``!tag``), merge keys follow from these;
- duplicate keys (PyYAML would silently keep the last), keys that are not plain
  text, more than one document, nesting deeper than ``MAX_DEPTH``, files over
  ``MAX_CHARS``.

Every scalar is read as text; the schema (``casefiles.validate.SCHEMA``) then
decides what is a number (so ``no`` stays the word "no", ``548`` stays the
article "548" and ``2018-09-26`` stays a date string).  An empty value or ``~``
removes the field.  Date fields also accept ``26 Sept 2018`` and duration
fields ``2y6m`` (``casefiles.edit.parse``); how they were read is reported.
What the values may hold (control characters, lengths, vocabularies) is left
to validation, so a refusal says exactly what ``validate`` says.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import yaml

from casefiles import model
from casefiles.edit.parse import ParseError, read_date, read_duration
from casefiles.model import Doc
from casefiles.textsafe import clip, literal
from casefiles.validate import SCHEMA, F

MAX_CHARS: Final = 8_000_000
"""Largest file read back (a case with every proceeding and 100,000-character
summaries stays far below)."""
MAX_DEPTH: Final = 32
"""Deepest nesting read back (a case needs four levels)."""
CASE_PARTS: Final = ("case", model.PROCEEDINGS, model.SENTENCES)
"""Top-level keys of a case bundle, in file order."""

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULLS: Final = frozenset({"", "~", "null", "Null", "NULL"})


class YamlRefused(Exception):
    """The text cannot be read as an edit; ``problems`` are one-line messages."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(slots=True)
class Typed:
    """Documents read back from YAML, and what the reader did on the way."""

    docs: list[tuple[str, Doc]]
    """(table, document) in the order a commit applies them."""
    readings: list[str] = field(default_factory=list)
    """How free-form dates and durations were read (``events[2].date: read …``)."""
    hints: list[str] = field(default_factory=list)
    """Why a date or duration could not be read (validation refuses the value too)."""


# ---------------------------------------------------------------- writing


def _order(spec: Mapping[str, F], doc: Mapping[str, Any]) -> dict[str, Any]:
    """``doc`` with fields in the schema's order, ``cites`` last, unknown ones after."""
    names = [n for n in spec if n in doc and n != "cites"]
    names += [n for n in doc if n not in spec]
    if "cites" in doc:
        names.append("cites")
    out: dict[str, Any] = {}
    for name in names:
        value = doc[name]
        fspec = spec.get(name)
        if fspec is not None and fspec.item is not None and isinstance(value, list):
            value = [_order(fspec.item, v) if isinstance(v, dict) else v for v in value]
        elif fspec is not None and fspec.kind == "duration" and isinstance(value, dict):
            value = {k: value[k] for k in ("years", "months", "days") if k in value} | value
        elif fspec is not None and fspec.kind == "fine" and isinstance(value, dict):
            value = {k: value[k] for k in ("amount", "currency") if k in value} | value
        out[name] = value
    return out


def ordered(table: str, doc: Mapping[str, Any]) -> dict[str, Any]:
    """A document with its fields in reading order (for YAML and forms)."""
    return _order(SCHEMA[table], doc)


class _Dumper(yaml.SafeDumper):
    """Safe dumper: multi-line text as ``|`` blocks, lists indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_YAML_BREAKS: Final = frozenset("\r\x85\u2028\u2029")
"""Characters a YAML reader turns into line breaks (or drops) unless double-quoted."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style: str | None = None
    if not _YAML_BREAKS.isdisjoint(value):
        style = '"'  # escaped as \r, \N, \L, \P: read back exactly
    elif "\n" in value:
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data: object) -> str:
    """YAML text of plain data (dicts, lists, strings, numbers), Unicode kept."""
    text: str = yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=88,
    )
    return text


def snapshot(store: Any, table: str, doc_id: str) -> dict[str, Any] | None:
    """What ``casefiles edit TABLE ID`` shows: the document, or for a case the
    case with its proceedings and sentences; ``None`` when there is no such id."""
    doc = store.get(table, doc_id)
    if doc is None:
        return None
    if table != model.CASES:
        return ordered(table, doc)
    return {
        "case": ordered(model.CASES, doc),
        model.PROCEEDINGS: [ordered(model.PROCEEDINGS, p) for p in store.proceedings_of(doc_id)],
        model.SENTENCES: [ordered(model.SENTENCES, s) for s in store.sentences_of(doc_id)],
    }


def _template_fields(table: str, indent: str) -> list[str]:
    """Required fields to fill in (with their choices), optional ones commented out."""
    lines: list[str] = []
    spec_of = SCHEMA[table]
    names = [n for n in spec_of if n != "cites"] + (["cites"] if "cites" in spec_of else [])
    for name in names:
        spec = spec_of[name]
        if name == "id" or (table in (model.PROCEEDINGS, model.SENTENCES) and name == "case"):
            continue
        choices = f"  # one of: {', '.join(spec.vocab)}" if spec.vocab else ""
        if name == "cites":
            lines += [
                f"{indent}cites:  # a source id, and optionally the words it says and a note",
                f"{indent}  - source:",
                f"{indent}    quote:",
                f"{indent}    note:",
            ]
        elif spec.required:
            lines.append(f"{indent}{name}:{choices or '  # required'}")
        else:
            lines.append(f"{indent}# {name}:{choices}")
    return lines


def template(table: str, doc_id: str, case: str | None = None) -> str:
    """YAML for a new document: its id, the required fields empty (with the
    choices of a vocabulary), the optional ones as comments to uncomment.  A
    new case comes with empty lists of proceedings and sentences; a new
    proceeding or sentence names ``case`` when given."""
    if table == model.CASES:
        lines = ["case:", f"  id: {doc_id}", *_template_fields(table, "  ")]
        lines += ["proceedings: []", "sentences: []"]
    else:
        lines = [f"id: {doc_id}"]
        if table in (model.PROCEEDINGS, model.SENTENCES):
            lines.append(f"case: {case}" if case else "case:  # required: the case's id")
        lines += _template_fields(table, "")
    return "\n".join(lines) + "\n"


def documents(table: str, data: Mapping[str, Any]) -> list[tuple[str, Doc]]:
    """The (table, document) pairs of a snapshot (as ``snapshot`` made it)."""
    if table != model.CASES:
        return [(table, dict(data))]
    out: list[tuple[str, Doc]] = [(model.CASES, dict(data["case"]))]
    for part in (model.PROCEEDINGS, model.SENTENCES):
        out += [(part, dict(d)) for d in data.get(part, ())]
    return out


# ---------------------------------------------------------------- reading


def _where(event: Any, first_line: int = 1) -> str:
    mark = getattr(event, "start_mark", None)
    return f"line {mark.line + first_line}: " if mark is not None else ""


class _Frame:
    __slots__ = ("key", "key_lines", "value")

    def __init__(self, value: dict[str, Any] | list[Any]) -> None:
        self.value = value
        self.key: str | None = None
        self.key_lines: dict[str, int] = {}


def load(text: str, first_line: int = 1) -> object:
    """Parse YAML text into plain data (every scalar a string, empty values
    ``None``); ``None`` for a file with no document.  ``YamlRefused`` for
    anything listed in the module's docstring, naming lines counted from
    ``first_line`` (the text's line in the file the user sees)."""
    if len(text) > MAX_CHARS:
        raise YamlRefused([f"the file has {len(text):,} characters; at most {MAX_CHARS:,}"])
    if text.startswith("\ufeff"):
        text = text[1:]
    loader = _Loader(text)
    result: object = None
    documents_seen = 0
    stack: list[_Frame] = []
    try:
        while loader.check_event():
            event = loader.get_event()
            at = _where(event, first_line)
            if isinstance(event, yaml.DocumentStartEvent):
                documents_seen += 1
                if documents_seen > 1:
                    raise YamlRefused([f"{at}a second document ('---'); keep one document"])
                continue
            if isinstance(event, yaml.AliasEvent):
                raise YamlRefused(
                    [
                        f"{at}an alias (*{literal(clip(str(event.anchor), 40))}) is "
                        "not accepted: write the value out in full"
                    ]
                )
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                done = stack.pop()
                value: object = done.value
            elif isinstance(
                event, yaml.ScalarEvent | yaml.MappingStartEvent | yaml.SequenceStartEvent
            ):
                if event.anchor is not None:
                    raise YamlRefused(
                        [
                            f"{at}an anchor (&{literal(clip(str(event.anchor), 40))}) "
                            "is not accepted: write each value out in full"
                        ]
                    )
                if event.tag is not None:
                    raise YamlRefused(
                        [
                            f"{at}a tag ({literal(clip(str(event.tag), 60))}) is not "
                            "accepted: values are plain text, lists and fields"
                        ]
                    )
                if isinstance(event, yaml.ScalarEvent):
                    plain = event.style in (None, "")
                    value = None if plain and event.value in _NULLS else event.value
                else:
                    top = stack[-1] if stack else None
                    if top is not None and isinstance(top.value, dict) and top.key is None:
                        raise YamlRefused([f"{at}a field name must be plain text, not a list"])
                    if len(stack) >= MAX_DEPTH:
                        raise YamlRefused([f"{at}nested more than {MAX_DEPTH} levels deep"])
                    container: dict[str, Any] | list[Any] = (
                        {} if isinstance(event, yaml.MappingStartEvent) else []
                    )
                    stack.append(_Frame(container))
                    continue
            else:
                continue  # stream and document start/end
            if not stack:
                result = value
                continue
            top = stack[-1]
            if isinstance(top.value, list):
                top.value.append(value)
            elif top.key is None:
                if not isinstance(value, str):
                    raise YamlRefused([f"{at}a field name must be plain text"])
                line = event.start_mark.line + first_line
                if value in top.value or value in top.key_lines:
                    raise YamlRefused(
                        [
                            f"line {line}: field {literal(clip(value, 40))!r} is given twice "
                            f"(also on line {top.key_lines[value]}); keep one"
                        ]
                    )
                top.key = value
                top.key_lines[value] = line
            else:
                top.value[top.key] = value
                top.key = None
    except yaml.YAMLError as exc:
        raise YamlRefused([_yaml_error(exc, first_line)]) from None
    except RecursionError:
        raise YamlRefused([f"nested more than {MAX_DEPTH} levels deep"]) from None
    finally:
        loader.dispose()
    return result


def _yaml_error(exc: yaml.YAMLError, first_line: int = 1) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f"line {mark.line + first_line}, column {mark.column + 1}: " if mark else ""
    return f"{where}not valid YAML: {literal(clip(str(problem), 200))}"


# ------------------------------------------------------------ schema types

_INT_RE: Final = re.compile(r"^[0-9]{1,19}\Z", re.ASCII)
_NUMBER_RE: Final = re.compile(r"^[0-9]{1,19}(?:\.[0-9]{1,12})?\Z", re.ASCII)


@dataclass(slots=True)
class _Notes:
    readings: list[str]
    hints: list[str]


def _number(value: object, whole: bool) -> object:
    if isinstance(value, str):
        if _INT_RE.match(value):
            return int(value)
        if not whole and _NUMBER_RE.match(value):
            number = float(value)
            return number if math.isfinite(number) else value
    return value


def _typed_value(spec: F, value: object, where: str, notes: _Notes) -> object:
    kind = spec.kind
    if kind == "objects" and spec.item is not None and isinstance(value, list):
        # An item left entirely empty (a template's cite not filled in) is no item.
        items = [v for v in value if not (isinstance(v, dict) and v and _all_empty(v))]
        return [
            _typed_fields(spec.item, v, f"{where}[{i}]", notes) if isinstance(v, dict) else v
            for i, v in enumerate(items)
        ]
    if kind == "int":
        return _number(value, whole=True)
    if kind == "number":
        return _number(value, whole=False)
    if kind == "bool" and value in ("true", "false"):
        return value == "true"
    if kind == "fine" and isinstance(value, dict):
        return {k: _number(v, whole=False) if k == "amount" else v for k, v in value.items()}
    if kind == "duration":
        if isinstance(value, dict):
            return {k: _number(v, whole=True) for k, v in value.items() if v is not None}
        if isinstance(value, str):
            try:
                reading = read_duration(value)
            except ParseError as exc:
                notes.hints.append(f"{where}: {exc}")
                return value
            notes.readings.append(f"{where}: read {literal(clip(value, 40))!r} as {reading.how}")
            return reading.parts
    if kind == "date" and isinstance(value, str):
        try:
            model.PartialDate.parse(value)
            return value
        except ValueError:
            pass
        try:
            date = read_date(value)
        except ParseError as exc:
            notes.hints.append(f"{where}: {exc}")
            return value
        notes.readings.append(
            f"{where}: read {literal(clip(value, 40))!r} as {date.iso} ({date.how})"
        )
        return date.iso
    return value


def _all_empty(item: Mapping[str, Any]) -> bool:
    return all(v is None for v in item.values())


def _typed_fields(spec: Mapping[str, F], doc: Mapping[str, Any], where: str, notes: _Notes) -> Doc:
    out: Doc = {}
    for name, value in doc.items():
        if value is None:
            continue  # an empty value removes the field
        fspec = spec.get(name)
        sub = f"{where}.{literal(clip(name, 40))}" if where else literal(clip(name, 40))
        typed_value = value if fspec is None else _typed_value(fspec, value, sub, notes)
        if typed_value == [] and value != []:
            continue  # only empty items: as if the field were empty
        out[name] = typed_value
    return out


def _label(table: str, doc: Mapping[str, Any]) -> str:
    doc_id = doc.get("id")
    shown = literal(clip(doc_id, 60)) if isinstance(doc_id, str) else "new"
    return f"{table}[{shown}]"


def typed(table: str, doc_id: str, data: object) -> Typed:
    """The documents of an edited snapshot, typed by the schema.  ``YamlRefused``
    when its shape is not that of a snapshot of ``table[doc_id]`` (not a mapping,
    a changed id, a case bundle without its case)."""
    notes = _Notes([], [])
    if table != model.CASES:
        if not isinstance(data, dict):
            raise YamlRefused([f"expected the fields of {table}[{literal(doc_id)}], one per line"])
        doc = _typed_fields(SCHEMA[table], data, "", notes)
        _same_id(table, doc_id, doc)
        return Typed([(table, doc)], notes.readings, notes.hints)
    if not isinstance(data, dict):
        raise YamlRefused(["expected 'case:', 'proceedings:' and 'sentences:' at the top level"])
    unknown = [k for k in data if k not in CASE_PARTS]
    if unknown:
        shown = ", ".join(repr(literal(clip(str(k), 40))) for k in unknown)
        raise YamlRefused(
            [f"unknown top-level {shown}; expected only case, proceedings and sentences"]
        )
    case = data.get("case")
    if not isinstance(case, dict):
        raise YamlRefused(["'case:' must hold the case's fields"])
    case_doc = _typed_fields(SCHEMA[model.CASES], case, "case", notes)
    _same_id(model.CASES, doc_id, case_doc)
    docs: list[tuple[str, Doc]] = [(model.CASES, case_doc)]
    for part in (model.PROCEEDINGS, model.SENTENCES):
        items = data.get(part)
        if items is None:
            items = []
        if not isinstance(items, list):
            raise YamlRefused([f"'{part}:' must be a list (each item starting with '- ')"])
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise YamlRefused([f"{part}[{i}]: expected the fields of one {part[:-1]}"])
            doc = _typed_fields(SCHEMA[part], item, f"{part}[{i}]", notes)
            doc.setdefault("case", doc_id)  # a new proceeding or sentence belongs here
            key = doc.get("id")
            if isinstance(key, str):
                if key in seen:
                    raise YamlRefused(
                        [
                            f"{part}[{i}]: id {literal(clip(key, 60))!r} is used twice "
                            f"(also {part}[{seen[key]}])"
                        ]
                    )
                seen[key] = i
            docs.append((part, doc))
    return Typed(docs, notes.readings, notes.hints)


def _same_id(table: str, doc_id: str, doc: Mapping[str, Any]) -> None:
    if doc.get("id") != doc_id:
        raise YamlRefused(
            [
                f"the id of {table}[{literal(doc_id)}] cannot be changed here (other documents "
                "refer to it by id); put it back, or add a new document instead"
            ]
        )


def comment(lines: Iterable[str]) -> str:
    """Lines as YAML comments (every line, even one with newlines inside, starts with '#')."""
    out: list[str] = []
    for line in lines:
        for part in line.splitlines() or [""]:
            out.append(f"# {part}".rstrip())
    return "\n".join(out) + "\n" if out else ""


def strip_comments_on_top(text: str) -> str:
    """The text below its leading comment and blank lines (what the edit session
    wrote above the document)."""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
        i += 1
    return "".join(lines[i:])


__all__ = [
    "CASE_PARTS",
    "MAX_CHARS",
    "MAX_DEPTH",
    "Typed",
    "YamlRefused",
    "comment",
    "documents",
    "dump",
    "load",
    "ordered",
    "snapshot",
    "strip_comments_on_top",
    "template",
    "typed",
]
