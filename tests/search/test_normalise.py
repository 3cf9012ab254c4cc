"""Normaliser: what is folded, what is kept, and spans that map back to the original."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from casefiles.search import normalise, normalise_map, original_spans


def test_case_accents_punctuation_folded() -> None:
    assert normalise("Vỹrak  Sôkhan-ma!") == "vyrak sokhan ma"
    assert normalise("Đaroth Mónyrak") == "daroth monyrak"
    assert normalise("e\u0301cole") == "ecole"
    assert normalise("STRASSE Straße") == "strasse strasse"
    assert normalise("  'Kem'  (Sokha)  ") == "kem sokha"


def test_khmer_kept_intact() -> None:
    # rapidfuzz's default_process turns the vowel signs into spaces; we must not.
    assert normalise("កឹម សុខា") == "កឹម សុខា"
    assert normalise("ជិន ម៉ាលីន") == "ជិន ម៉ាលីន"
    assert normalise("Phuon Keoreaksmey (ភួន កែវរស្មី)") == "phuon keoreaksmey ភួន កែវរស្មី"


def test_zero_width_space_separates_words() -> None:
    assert normalise("កឹម\u200bសុខា") == "កឹម សុខា"


def test_cyrillic_and_greek_fold() -> None:
    assert normalise("Йосиф Ἀθῆναι") == "иосиф αθηναι"


unicode_text = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(list("កឹមសុខាជិនម៉ាលីន្ត\u17d2\u200b\u0301\u0303\u0323 éÉđßæ-!'")),
    ),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(unicode_text)
def test_fast_and_mapped_forms_agree(text: str) -> None:
    norm, starts, ends = normalise_map(text)
    assert norm == normalise(text)
    assert len(starts) == len(ends) == len(norm)
    for a, b in zip(starts, ends, strict=True):
        assert 0 <= a < b <= len(text)


@settings(max_examples=400, deadline=None)
@given(unicode_text, st.data())
def test_spans_map_back_to_the_original(text: str, data: st.DataObject) -> None:
    norm, starts, ends = normalise_map(text)
    if not norm:
        return
    i = data.draw(st.integers(0, len(norm) - 1))
    j = data.draw(st.integers(i + 1, len(norm)))
    piece = norm[i:j].strip()
    spans = original_spans(text, starts, ends, [(i, j)])
    assert len(spans) == 1
    a, b = spans[0]
    assert 0 <= a < b <= len(text)
    # the original text under the span normalises to (at least) the matched piece
    assert piece in normalise(text[a:b])


def test_span_covers_combining_marks_and_khmer_clusters() -> None:
    text = "Sokhá ស្រី"
    norm, starts, ends = normalise_map(text)
    assert norm == "sokha ស្រី"
    ((a, b),) = original_spans(text, starts, ends, [(4, 5)])
    assert text[a:b] == "á"
    k = norm.index("ស")
    ((a, b),) = original_spans(text, starts, ends, [(k, k + 1)])
    assert text[a:b] == "ស្រី"  # the whole cluster: subscript and vowel sign too


def test_prefix_mapping_with_limit() -> None:
    text = "Ánh " * 100
    norm, starts, _ = normalise_map(text, upto=10)
    assert normalise(text).startswith(norm)
    assert len(starts) >= 10
