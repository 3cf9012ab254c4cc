"""Writes tests/data/minimal.json and the malformed stores of tests/bad_stores/ (run from the repo root).

The corpus files are committed; rerun this after changing it: python tests/bad_stores/make_corpus.py
"""
import copy, json, orjson
from pathlib import Path
T = Path("tests")
base = {
 "meta": {"1": {"schema_version": 1}},
 "sources": {
  "1": {"id": "src-a", "title": "Court convicts two activists", "publisher": "Example Post",
        "url": "https://example.org/a", "published": "2022-11-18", "kind": "news", "language": "en",
        "file": "articles/src-a.txt"},
  "2": {"id": "src-b", "title": "Statement on the appeal", "publisher": "Example Rights Group",
        "url": "https://example.org/b", "kind": "ngo_statement"}},
 "parties": {
  "1": {"id": "ana-vey", "kind": "person", "name": "Ana Vey", "aliases": ["Anna Vey"],
        "affiliations": [{"party": "rights-group", "relation": "staff", "from": "2010"}]},
  "2": {"id": "bo-lin", "kind": "person", "name": "Bo Lin"},
  "3": {"id": "rights-group", "kind": "organisation", "name": "Example Rights Group"}},
 "courts": {
  "1": {"id": "city-court", "name": "City Court", "level": "first_instance", "appeals_to": "appeal-court"},
  "2": {"id": "appeal-court", "name": "Court of Appeal", "level": "appeal"}},
 "cases": {
  "1": {"id": "vey-case", "title": "Prosecution of Ana Vey", "status": "closed", "country": "Exampleland",
        "summary": "Ana Vey was convicted of incitement.\nThe appeal court upheld.",
        "tags": ["speech"],
        "participants": [
          {"party": "ana-vey", "role": "defendant", "cites": [{"source": "src-a", "quote": "convicted Ana Vey"}]},
          {"party": "bo-lin", "role": "judge"}],
        "charges": [{"party": "ana-vey", "label": "incitement", "law": "Criminal Code", "article": "495",
                     "status": "convicted", "cites": [{"source": "src-a"}]}],
        "events": [{"date": "2021-04-27", "label": "arrested", "party": "ana-vey", "conflict": "arrest",
                    "cites": [{"source": "src-a"}]},
                   {"date": "2021-04-28", "label": "arrested", "party": "ana-vey", "conflict": "arrest",
                    "cites": [{"source": "src-b"}]},
                   {"date": "2021-08-27", "label": "released on bail", "party": "ana-vey",
                    "cites": [{"source": "src-a"}]}]}},
 "proceedings": {
  "1": {"id": "vey-trial", "case": "vey-case", "court": "city-court", "level": "first_instance",
        "stage": "trial", "date": "2022-03-01", "outcome": "convicted", "cites": [{"source": "src-a"}]},
  "2": {"id": "vey-appeal", "case": "vey-case", "court": "appeal-court", "level": "appeal",
        "stage": "appeal", "date": "2022-11", "outcome": "upheld", "cites": [{"source": "src-b"}]}},
 "sentences": {
  "1": {"id": "vey-trial-sentence", "case": "vey-case", "proceeding": "vey-trial", "party": "ana-vey",
        "penalty": "imprisonment", "term": {"years": 5}, "suspended": {"years": 4, "months": 6},
        "pretrial": {"months": 4}, "status": "imposed", "cites": [{"source": "src-a", "quote": "five years"}]}},
}
def dump(obj): return orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
(T / "data/minimal.json").write_bytes(dump(base))
(T / "data/articles/src-a.txt").write_text("The court convicted Ana Vey on 1 March 2022 and sentenced her to five years in prison.\n")

cases = {}
def bad(name, fragment, mutate=None, raw=None):
    if raw is None:
        d = copy.deepcopy(base); mutate(d); raw = dump(d)
    (T / "bad_stores" / f"{name}.json").write_bytes(raw)
    cases[name] = fragment
good = dump(base)
bad("invalid_json", "invalid JSON at line", raw=b'{"meta": {"1": {"schema_version": 1}},, }')
bad("truncated", "truncated", raw=good[: len(good) // 2])
bad("empty", "the file is empty", raw=b"")
bad("whitespace_only", "the file is empty", raw=b"  \n\t\n")
bad("binary_garbage", "not UTF-8", raw=bytes(range(256)) * 4)
bad("bom", "byte-order mark", raw=b"\xef\xbb\xbf" + good)
bad("top_level_array", "expected a JSON object with one key per table, got array", raw=b"[1, 2, 3]\n")
bad("top_level_string", "got string", raw=b'"casefiles"\n')
bad("top_level_null", "got null", raw=b"null\n")
bad("table_is_list", "cases: expected an object of documents", lambda d: d.__setitem__("cases", [1, 2]))
bad("doc_is_string", "expected an object, got string", lambda d: d["parties"].__setitem__("4", "Ana"))
bad("name_is_number", "parties[bo-lin].name: expected a string, got number", lambda d: d["parties"]["2"].__setitem__("name", 42))
bad("aliases_not_list", "aliases: expected an array", lambda d: d["parties"]["1"].__setitem__("aliases", "Anna Vey"))
bad("missing_name", "parties[bo-lin].name: missing (required)", lambda d: d["parties"]["2"].pop("name"))
bad("unknown_role", "participants[1].role: unknown value 'jury'; expected one of: defendant", lambda d: d["cases"]["1"]["participants"][1].__setitem__("role", "jury"))
bad("unknown_level", "courts[city-court].level: unknown value 'district'; expected one of: first_instance", lambda d: d["courts"]["1"].__setitem__("level", "district"))
bad("unknown_outcome", "outcome: unknown value 'guilty'", lambda d: d["proceedings"]["1"].__setitem__("outcome", "guilty"))
bad("unknown_field", "unknown field; expected one of", lambda d: d["cases"]["1"].__setitem__("partcipants", []))
bad("bad_date_month", "bad date '2022-13-01': month 13 is not 01-12", lambda d: d["proceedings"]["1"].__setitem__("date", "2022-13-01"))
bad("bad_date_day", "day 30 does not exist in 2023-02", lambda d: d["proceedings"]["1"].__setitem__("date", "2023-02-30"))
bad("bad_date_format", "expected a partial date YYYY, YYYY-MM or YYYY-MM-DD", lambda d: d["proceedings"]["2"].__setitem__("date", "November 23"))
bad("dangling_party", "unknown party id 'kem-sokha'", lambda d: d["cases"]["1"]["participants"].append({"party": "kem-sokha", "role": "official"}))
bad("dangling_court", "unknown court id 'nowhere-court'", lambda d: d["proceedings"]["1"].__setitem__("court", "nowhere-court"))
bad("dangling_case", "unknown case id 'no-such-case'", lambda d: d["sentences"]["1"].__setitem__("case", "no-such-case"))
bad("dangling_proceeding", "unknown proceeding id 'vey-retrial'", lambda d: d["sentences"]["1"].__setitem__("proceeding", "vey-retrial"))
bad("dangling_source", "unknown source id 'src-z'", lambda d: d["proceedings"]["2"]["cites"].append({"source": "src-z"}))
bad("duplicate_id", "duplicate id (also document #1)", lambda d: d["parties"].__setitem__("4", {"id": "ana-vey", "kind": "person", "name": "Ana Vey 2"}))
bad("bad_slug", "bad id 'Ana Vey!'", lambda d: d["parties"]["2"].__setitem__("id", "Ana Vey!"))
bad("bad_doc_key", "document key 'abc' is not a positive number", lambda d: d["parties"].__setitem__("abc", d["parties"].pop("2")))
bad("negative_duration", "expected a whole number of years ≥ 0, got number", lambda d: d["sentences"]["1"]["term"].__setitem__("years", -5))
bad("bad_currency", "expected a 3-letter ISO currency code", lambda d: d["sentences"]["1"].__setitem__("fine", {"amount": 100, "currency": "dollars"}))
bad("not_a_participant", "party 'bo-lin' is not a participant", lambda d: d["sentences"]["1"].__setitem__("party", "bo-lin") or d["cases"]["1"]["participants"].pop(1))
bad("level_mismatch", "'appeal' but court 'city-court' is 'first_instance'", lambda d: d["proceedings"]["2"].__setitem__("court", "city-court"))
bad("schema_too_new", "schema version 99", lambda d: d["meta"]["1"].__setitem__("schema_version", 99))
bad("unknown_table", "unknown table; expected", lambda d: d.__setitem__("hearings", {}))
bad("markup_in_id", "bad id '[@click=app.quit]'", lambda d: d["parties"]["2"].__setitem__("id", "[@click=app.quit]"))
bad("markup_dangling_ref", "unknown party id '[/]'", lambda d: d["cases"]["1"]["participants"][1].__setitem__("party", "[/]"))
bad("ansi_in_name", "contains control character U+001B at position 0", lambda d: d["parties"]["2"].__setitem__("name", "\x1b[31mBo Lin\x1b[0m"))
bad("ansi_title_bell", "title: contains control character U+001B at position 5", lambda d: d["cases"]["1"].__setitem__("title", "Case \x1b]0;pwned\x07"))
bad("newline_in_name", "contains control character U+000A", lambda d: d["parties"]["2"].__setitem__("name", "Bo\nLin"))
bad("bidi_override", "contains control character U+202E", lambda d: d["parties"]["2"].__setitem__("name", "Bo \u202eniL"))
bad("url_javascript", "expected an http(s) URL", lambda d: d["sources"]["2"].__setitem__("url", "javascript:alert(1)"))
bad("file_escapes_folder", "expected a relative path inside the store's folder", lambda d: d["sources"]["1"].__setitem__("file", "../../etc/passwd"))
bad("deeply_nested", "invalid JSON", raw=b'{"meta": ' + b"[" * 5000 + b"]" * 5000 + b"}")
bad("deep_nesting_in_field", "summary: expected a string, got array", raw=dump({**base, "cases": {"1": {**base["cases"]["1"], "summary": json.loads("[" * 200 + "]" * 200)}}}))
bad("many_problems", "problems found", lambda d: [d["parties"][k].__setitem__("kind", "robot") for k in d["parties"]])
bad("null_values", "expected a string, got null", lambda d: d["cases"]["1"].__setitem__("title", None))
bad("bool_as_date", "expected a partial date string", lambda d: d["proceedings"]["1"].__setitem__("date", True))
bad("nan_number", "invalid JSON", raw=good.replace(b'"years": 5', b'"years": NaN'))

# Schema v2 (tests/data/minimal.json stays v1: it is the migration fixture).
base2 = copy.deepcopy(base)
base2["meta"]["1"]["schema_version"] = 2
for _p in base2["proceedings"].values(): _p["kind"] = "ruling"
for _e, _k in zip(base2["cases"]["1"]["events"], ("arrest", "arrest", "bail")): _e["kind"] = _k
def bad2(name, fragment, mutate):
    d = copy.deepcopy(base2); mutate(d); bad(name, fragment, raw=dump(d))
bad2("unknown_proceeding_kind", "proceedings[vey-trial].kind: unknown value 'verdict'; expected one of: ruling, detention, bail, adjournment, hearing", lambda d: d["proceedings"]["1"].__setitem__("kind", "verdict"))
bad2("missing_proceeding_kind", "proceedings[vey-appeal].kind: missing (required)", lambda d: d["proceedings"]["2"].pop("kind"))
bad2("hearing_outcome_on_ruling", "proceedings[vey-trial].outcome: 'bail_denied' is not an outcome of a ruling; expected one of: convicted, acquitted", lambda d: d["proceedings"]["1"].__setitem__("outcome", "bail_denied"))
bad2("ruling_outcome_on_hearing", "proceedings[vey-appeal].outcome: 'upheld' is not an outcome of a bail hearing; expected one of: detained, extended", lambda d: d["proceedings"]["2"].__setitem__("kind", "bail"))
bad2("absent_not_in_case", "proceedings[vey-trial].absent[0]: party 'rights-group' is not a participant of case 'vey-case'", lambda d: d["proceedings"]["1"].__setitem__("absent", ["rights-group"]))
bad2("absent_not_among_parties", "proceedings[vey-trial].absent[0]: party 'bo-lin' is not among this proceeding's parties", lambda d: d["proceedings"]["1"].update(parties=["ana-vey"], absent=["bo-lin"]))
bad2("in_absentia_in_v2", "proceedings[vey-trial].in_absentia: unknown field", lambda d: d["proceedings"]["1"].__setitem__("in_absentia", True))
bad2("unknown_event_kind", "cases[vey-case].events[0].kind: unknown value 'raid'; expected one of: arrest, detention, release", lambda d: d["cases"]["1"]["events"][0].__setitem__("kind", "raid"))
bad2("event_party_not_in_case", "cases[vey-case].events[0].party: party 'rights-group' is not a participant of this case", lambda d: d["cases"]["1"]["events"][0].__setitem__("party", "rights-group"))
import tomllib
lines = ["# bad store file -> fragment its error message must contain", "[expected]"]
lines += [f'{k} = {json.dumps(v, ensure_ascii=False)}' for k, v in sorted(cases.items())]
(T / "bad_stores/expected.toml").write_text("\n".join(lines) + "\n")
print(len(cases))
