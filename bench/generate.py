"""Write a synthetic record of a chosen size in the content contract, and the same for Hugo.

    python bench/generate.py --records 10000 --out bench/work/10000

makes `content/` (our contract, valid under `site-builder check`) and `hugo/content/`
(the same records as Hugo pages: authorities as terms of an `authorities` taxonomy).
The same size and seed always give the same bytes.

Shape: one authority per 60 records; records are 60% inspections, 40% cases, each with a
Markdown body of about 300 words (headings, a list, emphasis, a site link and a web link);
one source per 20 records, cited by the records of its authority.
"""

from __future__ import annotations

import argparse
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

RECORDS_PER_AUTHORITY = 60
RECORDS_PER_SOURCE = 20
KINDS = ("metropolitan_district", "london_borough", "unitary", "county")
GSS_PREFIXES = ("E08", "E09", "E06", "E10")  # the ONS code of each kind begins so
REGIONS = (
    "North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
    "East of England", "London", "South East", "South West",
)  # fmt: skip
GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
PLACE_PARTS = (
    ("North", "South", "East", "West", "Upper", "Lower", "Great", "Little", "Old", "New"),
    ("brook", "field", "ham", "ford", "wick", "ton", "bury", "mouth", "dale", "minster"),
)
WORDS = (  # noqa: SIM905 - a sentence reads better than a list of words
    "the council children services social workers review found that managers did not "
    "share information early enough with health partners police schools and the board "
    "leaders agreed an action plan to improve supervision caseloads training and the "
    "quality of assessments inspectors said practice had improved in some teams but "
    "remained inconsistent across the authority families were not always seen alone "
    "records were incomplete and decisions were not recorded plans lacked clear goals "
    "escalation was slow the partnership commissioned an independent chair to oversee "
    "progress and report to elected members every quarter with published figures"
).split()
SITE_YAML = """\
title: "Safeguarding Watch (benchmark)"
base_url: "https://bench.example/"
description: "A synthetic record for measuring build speed."
contact: "corrections@bench.example"
licence: "Open data under CC BY 4.0"
support: "Childline: 0800 1111."
"""
ABOUT_PAGE = """\
---
title: "About this benchmark"
---
A synthetic record in the content contract, made by `bench/generate.py`.
"""


@dataclass(frozen=True)
class Authority:
    slug: str
    name: str
    kind: str
    region: str
    gss_code: str


@dataclass(frozen=True)
class Record:
    """One case or inspection, as written for both generators."""

    collection: str
    slug: str
    title: str
    authority: Authority
    date: str
    source: str
    fields: tuple[tuple[str, str], ...]  # (name, value written as YAML)
    body: str


def generate(records: int, out: Path, seed: int = 1) -> None:
    """Write content/ and hugo/content/ under `out`, replacing what was there."""
    rng = random.Random(f"{seed}:{records}")
    authorities = make_authorities(max(2, round(records / RECORDS_PER_AUTHORITY)))
    sources = [
        f"report-{n:05d}" for n in range(max(len(authorities), records // RECORDS_PER_SOURCE))
    ]
    items = [make_record(rng, n, records, authorities, sources) for n in range(records)]
    for folder in (out / "content", out / "hugo" / "content"):
        shutil.rmtree(folder, ignore_errors=True)
    write_ours(out / "content", authorities, sources, items)
    write_hugo(out / "hugo" / "content", authorities, sources, items)


def make_authorities(count: int) -> list[Authority]:
    result = []
    for n in range(count):
        first, second = PLACE_PARTS[0][n % 10], PLACE_PARTS[1][(n // 10) % 10]
        name = f"{first}{second}" + (f" {n // 100 + 1}" if n >= 100 else "")
        slug = name.lower().replace(" ", "-")
        result.append(
            Authority(
                slug,
                f"{name} Council",
                KINDS[n % 4],
                REGIONS[n % 9],
                f"{GSS_PREFIXES[n % 4]}{n:06d}",
            )
        )
    return result


def source_of(authority_index: int, n: int, sources: list[str], authorities: int) -> str:
    """A source of this authority: sources are dealt out to authorities in turn."""
    own = sources[authority_index::authorities]
    return own[n % len(own)]


def make_record(
    rng: random.Random, n: int, total: int, authorities: list[Authority], sources: list[str]
) -> Record:
    index = rng.randrange(len(authorities))
    authority = authorities[index]
    year = rng.randrange(2005, 2025)
    date = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    source = source_of(index, n, sources, len(authorities))
    body = make_body(rng, authority)
    if n < total * 6 // 10:
        kind = "scr_evaluation" if rng.random() < 0.2 else "inspection"
        grade = rng.choice(GRADES)
        title = f"Ofsted {kind.replace('_', ' ')} of {authority.name}, {year} (no. {n})"
        fields = (("judged_by", '"Ofsted"'), ("kind", kind), ("grade", grade))
        return Record(
            "inspections", f"inspection-{n:06d}", title, authority, date, source, fields, body
        )
    harm = rng.choice(("died", "seriously_harmed"))
    title = f"Child {n:06d}, {authority.name}, {year}"
    review = f'{{kind: scr, status: published, commissioned: "{year}-{rng.randrange(1, 13):02d}", '
    review += f'published: "{year + 1}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"}}'
    fields = (
        ("name_status", "pseudonym"), ("harm", harm), ("age", str(rng.randrange(0, 17))),
        ("reviews", f"[{review}]"),
    )  # fmt: skip
    return Record("cases", f"case-{n:06d}", title, authority, date, source, fields, body)


def make_body(rng: random.Random, authority: Authority) -> str:
    """About 300 words: two headings, three paragraphs, a list, emphasis and two links."""

    def sentence(words: int) -> str:
        text = " ".join(rng.choice(WORDS) for _ in range(words))
        return text[0].upper() + text[1:] + "."

    def paragraph(sentences: int) -> str:
        return " ".join(sentence(rng.randrange(10, 16)) for _ in range(sentences))

    link = f"[{authority.name}](/authorities/{authority.slug}/)"
    return (
        f"{paragraph(4)} The *first* findings concern **{authority.name}**; see {link}.\n\n"
        f"## What happened\n\n{paragraph(8)}\n\n"
        + "".join(f"- {sentence(8)}\n" for _ in range(4))
        + f"\n## What was found\n\n{paragraph(8)} Read the "
        f"[published report](https://reports.example/{rng.randrange(10**6)}).\n"
    )


def write_ours(content: Path, authorities: list[Authority], sources: list[str],
               items: list[Record]) -> None:  # fmt: skip
    for folder in ("authorities", "sources", "cases", "inspections", "pages"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    (content / "site.yaml").write_text(SITE_YAML)
    (content / "pages" / "about.md").write_text(ABOUT_PAGE)
    for index, a in enumerate(authorities):
        own_source = source_of(index, 0, sources, len(authorities))
        (content / "authorities" / f"{a.slug}.yaml").write_text(
            f'name: "{a.name}"\nkind: {a.kind}\nregion: "{a.region}"\n'
            f'gss_code: "{a.gss_code}"\nsources: [{own_source}]\n'
        )
    for n, slug in enumerate(sources):
        (content / "sources" / f"{slug}.yaml").write_text(
            f'title: "Report {n}"\npublisher: "Ofsted"\nkind: inspection_report\n'
            f'published: "{2005 + n % 20}-06-01"\nurl: "https://reports.example/{slug}"\n'
        )
    for item in items:
        fields = "".join(f"{key}: {value}\n" for key, value in item.fields)
        (content / item.collection / f"{item.slug}.md").write_text(
            f'---\ntitle: "{item.title}"\nauthority: {item.authority.slug}\n{fields}'
            f'date: "{item.date}"\nsources: [{item.source}]\n---\n{item.body}'
        )


def write_hugo(content: Path, authorities: list[Authority], sources: list[str],
               items: list[Record]) -> None:  # fmt: skip
    for a in authorities:
        folder = content / "authorities" / a.slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "_index.md").write_text(
            f'---\ntitle: "{a.name}"\nparams:\n  kind: {a.kind}\n  region: "{a.region}"\n'
            f'  gss_code: "{a.gss_code}"\n---\n'
        )
    (content / "sources").mkdir(parents=True, exist_ok=True)
    for n, slug in enumerate(sources):
        (content / "sources" / f"{slug}.md").write_text(
            f'---\ntitle: "Report {n}"\ndate: "{2005 + n % 20}-06-01"\nparams:\n'
            f'  publisher: "Ofsted"\n  url: "https://reports.example/{slug}"\n---\n'
        )
    for collection in ("cases", "inspections"):
        (content / collection).mkdir(parents=True, exist_ok=True)
    for item in items:
        params = "".join(f"  {key}: {value}\n" for key, value in item.fields)
        (content / item.collection / f"{item.slug}.md").write_text(
            f'---\ntitle: "{item.title}"\ndate: "{item.date}"\nauthorities: [{item.authority.slug}]\n'
            f"params:\n{params}  sources: [{item.source}]\n---\n{item.body}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, required=True, help="cases and inspections")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.records, args.out, args.seed)


if __name__ == "__main__":
    main()
