"""A record of every council at national scale for the home page tests: a council for each
hexagon of the map's layout and a few that the layout lacks, each with a record or two."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import record_text, write_files

from site_builder.render.hexmap import load_layout

KINDS = {"E06": "unitary", "E08": "metropolitan_district", "E09": "london_borough", "E10": "county"}
GRADES = ("outstanding", "good", "requires_improvement", "inadequate", None)
REGIONS = ("North East", "North West", "Yorkshire and The Humber", "East Midlands",
           "West Midlands", "East of England", "London", "South East", "South West")  # fmt: skip
UNPLACED = 10  # councils with codes the layout has no hexagon for (made up: E06000901 on)


def slug_of(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def national_councils() -> list[tuple[str, str, str]]:
    """(slug, name, GSS code) of every council in the corpus, in the layout's order."""
    cells, _ = load_layout()
    councils = [(slug_of(c.label), f"{c.label} Council", c.gss_code) for c in cells]
    for n in range(UNPLACED):
        name = f"Newshire {n + 1} Council"
        councils.append((slug_of(name), name, f"E06000{901 + n}"))
    return councils


def write_national_corpus(content: Path) -> list[tuple[str, str, str]]:
    """Write the corpus into content/ and return its councils. Council n has a graded
    inspection (or one with no grade, every fifth), n % 4 cases of children who died, and
    every seventh council nothing at all, so each kind of row is there."""
    councils = national_councils()
    files: dict[str, str | bytes | None] = {
        "site.yaml": record_text({"title": "National Watch", "base_url": "https://national.example/",
                                  "description": "Every council, for the tests.",
                                  "contact": "corrections@national.example"}),
        "sources/register.yaml": record_text({"title": "A register", "kind": "dataset",
                                              "published": "2024-01-01"}),
    }  # fmt: skip
    for n, (slug, name, code) in enumerate(councils):
        files[f"authorities/{slug}.yaml"] = record_text({
            "name": name, "kind": KINDS[code[:3]], "region": REGIONS[n % len(REGIONS)],
            "gss_code": code, "sources": ["register"],
        })  # fmt: skip
        if n % 7 == 6:
            continue
        grade = GRADES[n % len(GRADES)]
        files[f"inspections/{slug}-2024.yaml"] = record_text({
            "title": f"Inspection of {name}", "authority": slug, "judged_by": "Ofsted",
            "kind": "inspection", "date": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}",
            **({"grade": grade} if grade else {}), "sources": ["register"],
        })  # fmt: skip
        for k in range(n % 4):
            files[f"cases/{slug}-child-{k}.md"] = record_text({
                "title": f"Child {k} of {name}", "name_status": "pseudonym", "authority": slug,
                "harm": "died", "sources": ["register"],
            }, "")  # fmt: skip
    write_files(content, files)
    return councils
