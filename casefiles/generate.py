"""Deterministic synthetic case files for tests and benchmarks.

``generate(n_cases, seed)`` builds a valid store shaped like real monitoring
data: 3–15 participants per case drawn from a shared pool of people (so people
recur across cases), rulings at 1–3 court levels with detention, bail and
adjournment hearings before the verdict, defendants tried in absentia, sentences
with suspended parts, pre-trial credit and compensation, arrests, bail,
releases and pardons as typed events, conflicting facts, and sources, some
with article text (schema v2).
Names are clearly fictional, built from syllables in Latin script with
diacritics and in Khmer script, with alternate spellings as aliases.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Final

from casefiles import model
from casefiles.model import Doc
from casefiles.store import serialise, write_atomic

_LATIN: Final = (
    "so",
    "kha",
    "ma",
    "lin",
    "vy",
    "dà",
    "ra",
    "thé",
    "ary",
    "chan",
    "no",
    "mó",
    "ny",
    "pha",
    "rú",
    "kéo",
    "sam",
    "bo",
    "ré",
    "tha",
    "vã",
    "nê",
    "sói",
    "lâm",
    "đa",
    "yên",
)
_FAMILY: Final = (
    "Vỹrak",
    "Sôkhan",
    "Ménary",
    "Dàrith",
    "Chanthôl",
    "Kéovan",
    "Lâmsey",
    "Phôrin",
    "Rúthea",
    "Nêsay",
    "Bôrann",
    "Tháveth",
    "Yênhak",
    "Sóvanny",
    "Đaroth",
    "Mónyrak",
)
_KHMER: Final = (
    "សុខ",
    "ម៉ាលី",
    "ចាន់",
    "ដារ៉ា",
    "វណ្ណា",
    "រិទ្ធ",
    "សុភា",
    "ធារី",
    "នីតា",
    "បុប្ផា",
    "កែវ",
    "ពិសី",
    "រតនា",
    "សម្បត្តិ",
    "ស្រីមុំ",
    "វិចិត្រ",
)
_ORGS: Final = (
    "Fictional Rights League",
    "Imaginary Workers' Union",
    "Made-up Land Alliance",
    "Invented Press Collective",
    "Pretend Youth Network",
    "Sample Monitoring Group",
)
_CHARGES: Final = (
    ("incitement", "495"),
    ("plotting", "453"),
    ("bribery of a witness", "548"),
    ("defamation", "305"),
    ("insult", "307"),
    ("forgery", "629"),
    ("obstruction of justice", "522"),
    ("treason", "443"),
)
_PROVINCES: Final = (
    "Arvel",
    "Bostra",
    "Calder",
    "Dunmere",
    "Estrel",
    "Fenwick",
    "Garrow",
    "Hollin",
    "Ivesby",
    "Jarrow",
    "Kestrel",
    "Lanmore",
)
_PUBLISHERS: Final = (
    "The Example Tribune",
    "Placeholder Daily",
    "Nowhere News",
    "Sample Rights Monitor",
    "Testland Gazette",
)
_TAGS: Final = ("protest", "land", "union", "press", "online speech", "election", "ngo")
COUNTRY: Final = "Testland (fictional)"


def _latin_name(rng: random.Random) -> tuple[str, list[str]]:
    given = "".join(rng.choice(_LATIN) for _ in range(rng.randint(2, 3))).capitalize()
    family = rng.choice(_FAMILY)
    name = f"{family} {given}"
    aliases = [f"{given} {family}"]
    plain = given.replace("á", "a").replace("é", "e").replace("ó", "o").replace("ú", "u")
    if plain != given:
        aliases.append(f"{family} {plain}")
    if rng.random() < 0.3:
        aliases.append(f"{family}{given.lower()}")
    return name, aliases


def _khmer_name(rng: random.Random) -> str:
    return f"{rng.choice(_KHMER)} {rng.choice(_KHMER)}"


def _cite(rng: random.Random, sources: list[str], quote: str | None = None) -> list[Doc]:
    cite: Doc = {"source": rng.choice(sources)}
    if quote:
        cite["quote"] = quote
    return [cite]


def generate(n_cases: int, seed: int = 0) -> tuple[dict[str, Any], dict[str, str]]:
    """A valid store of ``n_cases`` cases and the article texts it refers to
    (``{relative path: text}``)."""
    rng = random.Random(seed)
    data: dict[str, Any] = {model.META: {"1": {"schema_version": model.SCHEMA_VERSION}}}
    tables: dict[str, list[Doc]] = {t: [] for t in model.TABLES}
    articles: dict[str, str] = {}

    # Courts: provincial first-instance courts, regional appeal courts, one supreme court.
    tables[model.COURTS].append(
        {
            "id": "supreme-court",
            "name": "Supreme Court of Testland",
            "level": "supreme",
            "country": COUNTRY,
        }
    )
    appeal_ids = []
    for region in ("north", "south", "east"):
        cid = f"appeal-court-{region}"
        appeal_ids.append(cid)
        tables[model.COURTS].append(
            {
                "id": cid,
                "name": f"{region.capitalize()} Court of Appeal",
                "level": "appeal",
                "country": COUNTRY,
                "appeals_to": "supreme-court",
            }
        )
    first_ids = []
    for i, prov in enumerate(_PROVINCES):
        cid = f"{prov.lower()}-court"
        first_ids.append(cid)
        tables[model.COURTS].append(
            {
                "id": cid,
                "name": f"{prov} Provincial Court",
                "level": "first_instance",
                "country": COUNTRY,
                "appeals_to": appeal_ids[i % len(appeal_ids)],
            }
        )

    # Sources: about one per case; every fifth with a stored article text.
    n_sources = max(n_cases // 2, 5)
    source_ids = []
    for i in range(n_sources):
        sid = f"src-{i:06d}"
        source_ids.append(sid)
        src: Doc = {
            "id": sid,
            "title": f"Report {i}: court hears case in {rng.choice(_PROVINCES)}",
            "publisher": rng.choice(_PUBLISHERS),
            "url": f"https://news.example.org/{i}",
            "published": f"{rng.randint(2010, 2024)}-{rng.randint(1, 12):02d}",
            "kind": rng.choice(model.SOURCE_KINDS),
            "language": rng.choice(("en", "km")),
        }
        if i % 5 == 0:
            rel = f"articles/{i // 1000:03d}/{sid}.txt"
            src["file"] = rel
        tables[model.SOURCES].append(src)

    # Parties: a pool of people (recurring across cases) and organisations.
    n_people = max(n_cases * 2, 20)
    people = []
    for i in range(n_people):
        name, aliases = _latin_name(rng)
        if rng.random() < 0.25:
            aliases.append(_khmer_name(rng))
        pid = f"person-{i:07d}"
        people.append((pid, name))
        tables[model.PARTIES].append(
            {
                "id": pid,
                "kind": "person",
                "name": name,
                "aliases": aliases,
                "description": f"Fictional person {i}, {rng.choice(_TAGS)} activist",
            }
        )
    orgs = []
    for i in range(max(n_cases // 50, len(_ORGS))):
        oid = f"org-{i:05d}"
        orgs.append(oid)
        tables[model.PARTIES].append(
            {
                "id": oid,
                "kind": "organisation",
                "name": f"{_ORGS[i % len(_ORGS)]} {i // len(_ORGS) + 1}",
            }
        )
    names = dict(people)
    for pid, _ in people[: n_people // 4]:
        doc = tables[model.PARTIES][int(pid.split("-")[1])]
        doc["affiliations"] = [
            {"party": rng.choice(orgs), "relation": "member", "from": str(rng.randint(2000, 2015))}
        ]

    roles_other = ("witness", "prosecutor", "judge", "defence_counsel", "official", "observer")
    for i in range(n_cases):
        cid = f"case-{i:06d}"
        case_sources = [source_ids[(i + k) % n_sources] for k in range(rng.randint(1, 3))]
        n_part = rng.randint(3, 15)
        chosen = rng.sample(range(n_people), n_part)
        n_def = rng.choice((1, 1, 1, 2, 2, 3))
        participants = []
        for k, idx in enumerate(chosen):
            pid = people[idx][0]
            role = "defendant" if k < n_def else rng.choice(roles_other)
            part: Doc = {"party": pid, "role": role}
            if role == "defendant" or rng.random() < 0.2:
                part["cites"] = _cite(rng, case_sources)
            participants.append(part)
        defendants = [p["party"] for p in participants[:n_def]]
        label, article = rng.choice(_CHARGES)
        charges = [
            {
                "party": d,
                "label": label,
                "law": "Criminal Code",
                "article": article,
                "status": "charged",
                "cites": _cite(rng, case_sources),
            }
            for d in defendants
        ]
        year = rng.randint(2010, 2023)
        events = [
            {
                "date": f"{year}-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}",
                "label": "arrested",
                "kind": "arrest",
                "party": defendants[0],
                "cites": _cite(rng, case_sources),
            }
        ]
        if rng.random() < 0.2:  # sources disagree on the arrest date
            events[0]["conflict"] = f"{cid}-arrest"
            events.append({**events[0], "date": f"{year}-07-01", "cites": _cite(rng, case_sources)})
        first = rng.choice(first_ids)
        # Hearings before the verdict: detention, bail, an adjournment of the trial.
        hearings: list[tuple[str, str, str, str]] = []
        if rng.random() < 0.5:
            hearings.append(("detention", "investigation", "detained", f"{year}-08"))
        if rng.random() < 0.3:
            bail = rng.choice(("bail_granted", "bail_denied"))
            hearings.append(("bail", "investigation", bail, f"{year}-10"))
        if rng.random() < 0.2:
            hearings.append(("adjournment", "trial", "adjourned", f"{year}-12"))
        for h_i, (kind, stage, outcome, month) in enumerate(hearings):
            hearing: Doc = {
                "id": f"{cid}-h{h_i + 1}",
                "case": cid,
                "court": first,
                "level": "first_instance",
                "kind": kind,
                "stage": stage,
                "date": f"{month}-{rng.randint(1, 28):02d}",
                "outcome": outcome,
                "cites": _cite(rng, case_sources),
            }
            tables[model.PROCEEDINGS].append(hearing)
            if outcome == "bail_granted":
                events.append(
                    {
                        "date": hearing["date"],
                        "label": "released on bail",
                        "kind": "bail",
                        "party": defendants[0],
                        "cites": hearing["cites"],
                    }
                )
        chain = [("first_instance", first, "trial")]
        appeal = appeal_ids[_PROVINCES.index(first.split("-")[0].capitalize()) % 3]
        n_levels = rng.randint(1, 3)
        if n_levels >= 2:
            chain.append(("appeal", appeal, "appeal"))
        if n_levels == 3:
            chain.append(("supreme", "supreme-court", "cassation"))
        term_years = rng.randint(1, 10)
        susp_months = rng.choice((0, 0, 6, 12, term_years * 12 - 6))
        for lvl, (level, court, stage) in enumerate(chain):
            pid_ = f"{cid}-p{lvl + 1}"
            outcome = "convicted" if lvl == 0 else rng.choice(("upheld", "upheld", "reduced"))
            proc: Doc = {
                "id": pid_,
                "case": cid,
                "court": court,
                "level": level,
                "kind": "ruling",
                "stage": stage,
                "date": f"{year + lvl + 1}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "outcome": outcome,
                "cites": _cite(rng, case_sources),
            }
            if rng.random() < 0.1:  # the last defendant tried in absentia
                proc["absent"] = [defendants[-1]]
            tables[model.PROCEEDINGS].append(proc)
            if 0 < lvl < len(chain) - 1:
                continue  # sentences at the first and the last level only
            for d_i, d in enumerate(defendants):
                sent: Doc = {
                    "id": f"{pid_}-s{d_i + 1}",
                    "case": cid,
                    "proceeding": pid_,
                    "party": d,
                    "penalty": "imprisonment",
                    "term": {"years": term_years},
                    "status": "imposed" if lvl == 0 else outcome,
                    "cites": _cite(rng, case_sources),
                }
                if susp_months:
                    sent["suspended"] = model.Duration(susp_months).to_doc()
                if rng.random() < 0.5:
                    sent["pretrial"] = {"months": rng.randint(1, 14)}
                tables[model.SENTENCES].append(sent)
                if lvl == 0 and rng.random() < 0.15:  # compensation keeps its amount in fine
                    tables[model.SENTENCES].append(
                        {
                            "id": f"{pid_}-s{d_i + 1}-compensation",
                            "case": cid,
                            "proceeding": pid_,
                            "party": d,
                            "penalty": "compensation",
                            "fine": {"amount": rng.randint(1, 400) * 1_000_000, "currency": "KHR"},
                            "status": "imposed",
                            "cites": _cite(rng, case_sources),
                        }
                    )
        last_date = tables[model.PROCEEDINGS][-1]["date"]
        ending = rng.random()
        if ending < 0.1:
            events.append(
                {
                    "date": f"{int(last_date[:4]) + 1}-02-01",
                    "label": "royal pardon",
                    "kind": "pardon",
                    "party": defendants[0],
                    "cites": _cite(rng, case_sources),
                }
            )
        elif ending < 0.3:
            events.append(
                {
                    "date": f"{int(last_date[:4]) + 2}-06-15",
                    "label": "released from prison",
                    "kind": "release",
                    "party": defendants[0],
                    "cites": _cite(rng, case_sources),
                }
            )
        head = names[defendants[0]]
        title = f"Prosecution of {head}" + (f" and {n_def - 1} others" if n_def > 1 else "")
        case: Doc = {
            "id": cid,
            "title": f"{title} ({label})",
            "status": rng.choice(model.CASE_STATUSES),
            "country": COUNTRY,
            "tags": rng.sample(_TAGS, 2),
            "summary": f"{head} was charged with {label} under article {article} in {year}.",
            "participants": participants,
            "charges": charges,
            "events": events,
            "cites": _cite(rng, case_sources),
        }
        if i > 0 and rng.random() < 0.1:
            case["related"] = [f"case-{rng.randrange(i):06d}"]
        tables[model.CASES].append(case)
        for sid in case_sources:
            n = int(sid.split("-")[1])
            rel = f"articles/{n // 1000:03d}/{sid}.txt"
            if n % 5 == 0 and rel not in articles:
                articles[rel] = (
                    f"{head} appeared before the {first.split('-')[0].capitalize()} "
                    f"Provincial Court on a charge of {label}. "
                    f"The court sentenced {head} to {term_years} years in prison. "
                    "Rights groups called the case politically motivated.\n"
                )
    for sid in source_ids[::5]:
        n = int(sid.split("-")[1])
        articles.setdefault(f"articles/{n // 1000:03d}/{sid}.txt", f"Article {sid}.\n")

    for table, docs in tables.items():
        data[table] = {str(k + 1): doc for k, doc in enumerate(docs)}
    return data, articles


def write_generated(path: Path, n_cases: int, seed: int = 0) -> dict[str, int]:
    """Generate a store and its article files at ``path``; return counts per table."""
    data, articles = generate(n_cases, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    for rel, text in articles.items():
        target = path.parent / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    write_atomic(path, *serialise(data))
    return {t: len(data[t]) for t in model.TABLES}
