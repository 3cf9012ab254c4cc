"""The article core (``casefiles.article``): quote finding with its
normalisations, name marks, display text, and wrapping by terminal cells."""

from __future__ import annotations

from casefiles.article import cells, char_cells, find_marks, find_quote, wrap_rows

TEXT = (
    "Here the court ruled   that the\nACCUSED was “guilty as charged”. "
    "Later: 'guilty as charged' — again."
)


def test_find_quote_every_occurrence_with_offsets() -> None:
    found = find_quote(TEXT, "guilty as charged")
    assert len(found) == 2
    assert [TEXT[a:b] for a, b in found] == ["guilty as charged", "guilty as charged"]


def test_find_quote_normalises_whitespace_case_and_quote_marks() -> None:
    ((a, b),) = find_quote(TEXT, "ruled that the accused")
    assert TEXT[a:b] == "ruled   that the\nACCUSED"
    ((a, b),) = find_quote(TEXT, 'was "guilty as charged".')
    assert TEXT[a:b] == "was “guilty as charged"  # the end quote mark is trimmed
    assert find_quote(TEXT, "charged' - again") == find_quote(TEXT, "charged’ — again")
    assert find_quote(TEXT, "charged' - again")


def test_find_quote_trims_edges_and_refuses_empty() -> None:
    assert find_quote(TEXT, "  “Later:  ") != []
    assert find_quote(TEXT, "") == []
    assert find_quote(TEXT, " ... ;; ") == []
    assert find_quote(TEXT, "not in the text") == []


def test_find_quote_is_literal_not_a_regex() -> None:
    text = "a (b) c.* d"
    ((a, b),) = find_quote(text, "(b) c.*")
    assert text[a:b] == "(b) c.*"
    assert find_quote("abc", ".") == []


def test_find_marks_reports_missing_quotes_once() -> None:
    marks = find_marks(TEXT, ["guilty as charged", "Guilty  as charged", "absent words"], ["court"])
    assert [q[2] for q in marks.quotes] == [0, 0]
    assert marks.missing == ["absent words"]
    assert [TEXT[a:b] for a, b in marks.names] == ["court"]


def test_khmer_spacing_marks_take_a_cell_like_the_terminal() -> None:
    name = "កឹម សុខា"  # KA, VOWEL SIGN Y (Mn), MO, space, SA, VOWEL SIGN U (Mn), KHA, AA (Mc)
    assert char_cells("\u17b9") == 0
    assert char_cells("\u17b6") == 1
    assert cells(name) == 6
    assert cells("中文") == 4


def test_wrap_keeps_combining_marks_with_their_letter() -> None:
    text = "កឹមកឹមកឹម"
    starts, ends = wrap_rows(text, 2)
    rows = [text[a:b] for a, b in zip(starts, ends, strict=True)]
    assert "".join(rows) == text
    assert all(cells(r) <= 2 for r in rows)
    assert all(char_cells(r[0]) > 0 for r in rows)
