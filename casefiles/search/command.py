"""``casefiles search QUERY``: search from the command line.

Plain output is a table (kind, id, score, field: matched text) with every
string from the data passed through ``textsafe.literal`` so no control
character or escape sequence reaches the terminal; ``--json`` prints a JSON
array of hit objects (kind, id, title, score, field, text, spans, case_id).
The last line counts the hits: "3 hits", "50 of 1,234 hits", or "50 of about
1,200 hits" when the total is an estimate.  Notes about the query (a filter
value that names nothing) go to standard error.  Exit codes: 0 with hits, 0
with a "no matches" message, 1 for a malformed query (the message says what
is wrong).
"""

from __future__ import annotations

import sys

import orjson

from casefiles.search.index import Hit, SearchIndex
from casefiles.store import Store
from casefiles.textsafe import clip, json_safe, literal

_TEXT_WIDTH = 70


def hit_json(hit: Hit) -> dict[str, object]:
    """A hit as a JSON-ready object."""
    return {
        "kind": hit.kind,
        "id": hit.id,
        "title": hit.title,
        "score": hit.score,
        "field": hit.field,
        "text": hit.text,
        "spans": [list(s) for s in hit.spans],
        "case_id": hit.case_id,
    }


def _mark(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """``text`` with matched parts in [brackets], made safe to print; a long text
    starts a little before its first match."""
    out: list[str] = []
    if spans and spans[0][0] > _TEXT_WIDTH - 25:
        cut = spans[0][0] - 20
        text = text[cut:]
        spans = tuple((a - cut, b - cut) for a, b in spans)
        out.append("…")
    pos = 0
    for a, b in spans:
        out.append(literal(text[pos:a]))
        out.append("[" + literal(text[a:b]) + "]")
        pos = b
    out.append(literal(text[pos:]))
    return "".join(out)


def search_command(store: Store, query: str, *, limit: int, as_json: bool) -> int:
    """Run one search and print the hits; return the exit code."""
    index = SearchIndex.open(store)  # kept in the user cache folder between runs
    result = index.search(query, limit=limit)
    if result.error is not None:
        print(f"casefiles search: {literal(result.error)}", file=sys.stderr)
        return 1
    if as_json:
        payload = [hit_json(h) for h in result.hits]
        text = orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode()
        # orjson escapes C0 controls; escape DEL, C1 controls and bidi overrides too
        # (valid JSON escapes, and nothing a terminal would act on).
        text = json_safe(text)
        sys.stdout.buffer.write(text.encode() + b"\n")
        sys.stdout.flush()
        return 0
    for note in result.notes:
        print(f"note: {literal(note)}", file=sys.stderr)
    if not result.hits:
        print(f"no matches for {literal(query)!r}")
        return 0
    id_width = min(max(len(literal(h.id)) for h in result.hits), 32)
    for h in result.hits:
        title = clip(literal(h.title), 60)
        print(f"{h.kind:<7} {clip(literal(h.id), id_width):<{id_width}} {h.score:6.1f}  {title}")
        marked = clip(_mark(h.text, h.spans), _TEXT_WIDTH)
        if h.field not in ("name", "title") or h.kind == "article":
            print(f"{'':<7} {'':<{id_width}} {'':>6}  {h.field}: {marked}")
        elif h.spans:
            print(f"{'':<7} {'':<{id_width}} {'':>6}  {marked}")
        if h.case_id:
            print(f"{'':<7} {'':<{id_width}} {'':>6}  cited by case {literal(h.case_id)}")
    print(result.count_text())
    return 0


__all__ = ["hit_json", "search_command"]
