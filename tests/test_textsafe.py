"""The one home of the character rules: every function uses the same unsafe set,
with only its stated exception."""

from __future__ import annotations

import orjson
import pytest

from casefiles import textsafe
from casefiles.textsafe import (
    UNSAFE,
    json_safe,
    literal,
    one_line,
    refused_in_line,
    refused_in_text,
)

SAMPLES = ["\x00", "\x07", "\t", "\n", "\r", "\x1b", "\x1f", "\x7f", "\x85", "\x9b", "\u202e"]
SAMPLES += ["\u2066", "\u2069"]
SAFE = ["a", " ", "é", "ក", "\u200b", "\u00a0", "中"]


def test_the_unsafe_set_is_c0_del_c1_and_bidi_controls() -> None:
    expected = {chr(c) for c in range(0x20)} | {chr(c) for c in range(0x7F, 0xA0)}
    expected |= {chr(c) for c in range(0x202A, 0x202F)} | {chr(c) for c in range(0x2066, 0x206A)}
    assert expected == UNSAFE


@pytest.mark.parametrize("ch", sorted(UNSAFE))
def test_every_unsafe_character_is_refused_in_a_line_and_escaped_everywhere(ch: str) -> None:
    value = f"ab{ch}c"
    assert refused_in_line(value) == 2
    assert not textsafe.is_safe_line(value)
    shown = literal(value)
    assert ch not in shown and shown.startswith("ab\\") and shown.endswith("c")
    dumped = json_safe(orjson.dumps({"t": value}).decode())
    assert ch not in dumped
    assert orjson.loads(dumped) == {"t": value}  # still valid JSON, data exact
    pasted = one_line(value)
    assert ch not in pasted
    if ch.isspace():
        assert pasted == "ab c"
    else:
        assert pasted == literal(value)  # escaped visibly, never silently dropped


@pytest.mark.parametrize("ch", SAFE)
def test_ordinary_characters_pass_untouched(ch: str) -> None:
    value = f"a{ch}b"
    assert refused_in_line(value) is None and refused_in_text(value) is None
    assert literal(value) == value and json_safe(value) == value


def test_text_allows_tab_newline_and_carriage_return_only() -> None:
    assert refused_in_text("line\tone\r\nline two\n") is None
    for ch in sorted(UNSAFE - {"\t", "\n", "\r"}):
        assert refused_in_text(f"x\n{ch}") == 2, repr(ch)
    for ch in "\t\n\r":
        assert refused_in_line(f"x{ch}") == 1


def test_literal_keeps_newlines_only_when_asked() -> None:
    assert literal("a\nb\tc") == "a\\x0ab\\x09c"
    assert literal("a\nb\tc\x1b", keep_newlines=True) == "a\nb\\x09c\\x1b"
    assert literal("\u202eevil") == "\\u202eevil"


def test_one_line_collapses_whitespace_and_escapes_controls() -> None:
    assert one_line("a\x1b[31mb\x07\nc\u202e d") == "a\\x1b[31mb\\x07 c\\u202e d"
    assert one_line("  two\n\n lines\t ") == "two lines"
    assert one_line(42) == "42"


def test_json_safe_keeps_layout_newlines_and_valid_json() -> None:
    data = [{"text": "del\x7f c1\x9b bidi\u202e nl\n esc\x1b"}]
    text = json_safe(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    assert "\n" in text  # the indentation layout stays
    assert not (set(text) & (UNSAFE - {"\n"}))
    assert orjson.loads(text) == data


def test_no_other_module_defines_its_own_control_class() -> None:
    """The rule lives here only: no module of the package spells a C1 range itself."""
    from pathlib import Path

    root = Path(textsafe.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "textsafe.py"
        and any(
            marker in path.read_text(encoding="utf-8")
            for marker in ("\\x7f-\\x9f", "\\u202a-\\u202e", "\\x00-\\x1f", "\\x00-\\x08")
        )
    ]
    assert offenders == []


def test_strip_refused_leaves_what_validation_accepts() -> None:
    raw = "a\x1b[31mb\tc\r\nd\u202ee\x9bf\x00"
    assert textsafe.strip_refused(raw) == "a[31mb\tc\r\nde" + "f"
    assert refused_in_text(textsafe.strip_refused(raw)) is None
    one = textsafe.strip_refused(raw, multiline=False)
    assert one == "a[31mbcdef" and refused_in_line(one) is None
