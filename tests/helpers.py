"""Helpers for the robustness tests: small sites, in-process runs, tree hashes, output scans."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import sitecheck
import yaml

from site_builder.cli import main
from site_builder.vocabulary import AuthorityKind

TESTS = Path(__file__).parent
REPO = TESTS.parent
MINIMAL = TESTS / "fixtures" / "minimal"
TEMPLATES = REPO / "templates"

Files = dict[str, "str | bytes | None"]


# --- writing sites --------------------------------------------------------------------------


def write_files(folder: Path, files: Files) -> Path:
    """Write (or, for None, delete) each file under folder; return folder."""
    for name, text in files.items():
        path = folder / name
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return folder


def make_site(folder: Path, files: Files | None = None, base: Path | None = MINIMAL) -> Path:
    """Copy the minimal fixture (or start empty) to folder/content, then apply files."""
    content = folder / "content"
    if base is not None:
        shutil.copytree(base, content)
    else:
        content.mkdir(parents=True)
    return write_files(content, files or {})


def record_text(fields: dict[str, Any], body: str | None = None) -> str:
    """A record file: YAML alone, or front matter and a Markdown body when body is given."""
    text = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=10_000)
    return text if body is None else f"---\n{text}---\n{body}"


# --- running the command line in-process ----------------------------------------------------


@dataclass(frozen=True)
class Run:
    status: int
    stderr: str


def run_cli(*args: str) -> Run:
    """Run site-builder in this process; an exception escaping main() fails the caller."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(list(args))
    return Run(status, err.getvalue())


def check(content: Path, *extra: str) -> Run:
    return run_cli("check", "--content", str(content), *extra)


def build(content: Path, output: Path, *extra: str) -> Run:
    return run_cli(
        "build", "--content", str(content), "--templates", str(TEMPLATES), "--output", str(output),
        *extra,
    )  # fmt: skip


_ERROR_LINE = re.compile(r"^(?P<path>.+?):(?P<line>[0-9]+): (?P<message>\S.*)$")
_COUNT_LINE = re.compile(r"^[0-9]+ errors?; nothing was written$")
_MORE_LINE = re.compile(r"^\.\.\. and [0-9]+ more not shown")


def error_line_problems(stderr: str) -> list[str]:
    """Every way stderr of a failed run breaks the `path:LINE: message` contract."""
    lines = stderr.splitlines()
    problems = []
    if not lines or not _COUNT_LINE.match(lines[-1]):
        problems.append(f"last line is not the error count: {lines[-1:]!r}")
    errors = lines[:-1]
    hidden = 0
    if errors and _MORE_LINE.match(errors[-1]):  # the cli prints the first 200, then a count
        hidden = int(errors.pop().split()[2])
        if len(errors) != 200:
            problems.append(f"{len(errors)} errors shown before the 'more' line, not 200")
    if not errors:
        problems.append("a failed run printed no error")
    if (
        int(lines[-1].split()[0] if lines and lines[-1][:1].isdigit() else -1)
        != len(errors) + hidden
    ):
        problems.append(f"count line does not match {len(errors)} errors and {hidden} not shown")
    for line in errors:
        match = _ERROR_LINE.match(line)
        if not match:
            problems.append(f"not path:LINE: message: {line!r}")
            continue
        path, number = Path(match["path"]), int(match["line"])
        last = _line_count(path)
        if not 1 <= number <= last:
            problems.append(f"line {number} is not in {path} ({last} lines): {line!r}")
    if errors != sorted(errors, key=_sort_key):
        problems.append("errors are not sorted by path and line")
    return problems


def _sort_key(line: str) -> tuple[str, int]:
    match = _ERROR_LINE.match(line)
    return (match["path"], int(match["line"])) if match else (line, 0)


def _line_count(path: Path) -> int:
    """Lines in a file; 1 for a folder or a missing file (the whole thing is at fault)."""
    if not path.is_file() or path.is_symlink():
        return 1
    raw = path.read_bytes()
    text = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return max(1, text.count(b"\n") + (0 if text.endswith(b"\n") else 1))


# --- comparing trees ------------------------------------------------------------------------


def tree_hash(folder: Path) -> str:
    """A hash of every path, kind and byte under folder (empty string if it does not exist)."""
    if not folder.exists():
        return ""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        kind = "l" if path.is_symlink() else "d" if path.is_dir() else "f"
        digest.update(f"{kind} {path.relative_to(folder).as_posix()}\0".encode())
        if kind == "f":
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def snapshot(folder: Path, skip: Path | None = None) -> dict[str, str]:
    """Each path under folder with a hash of its bytes (or its kind), except under skip."""
    result = {}
    for path in sorted(folder.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            result[name] = "link:" + os.readlink(path)
        elif path.is_dir():
            result[name] = "dir"
        else:
            result[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def every_byte(folder: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


# --- scanning output for anything executable ------------------------------------------------

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "poster", "cite", "background", "xlink:href",
    "data", "srcset", "ping", "manifest", "codebase", "longdesc", "usemap", "icon",
}  # fmt: skip
EMBEDDING_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def url_scheme(value: str) -> str:
    """The scheme a browser would see: entities already decoded, control characters gone."""
    cleaned = _INVISIBLE.sub("", value).lower()
    match = re.match(r"^([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else ""


@dataclass
class PageScan:
    """What html.parser saw in one page: its structure, text, attributes and inline JSON."""

    structure: list[str] = field(default_factory=list)
    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    attributes: list[tuple[str, str, str]] = field(default_factory=list)
    json_blocks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class _Scanner(HTMLParser):
    def __init__(self, scan: PageScan) -> None:
        super().__init__(convert_charrefs=True)
        self.scan = scan
        self.open_script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = sorted(name for name, _ in attrs)
        self.scan.structure.append(f"<{tag} {' '.join(names)}>")
        values = {name: value or "" for name, value in attrs}
        self.scan.elements.append((tag, values))
        for name, value in values.items():
            self.scan.attributes.append((tag, name, value))
            self.check_attribute(tag, name, value)
        if tag == "script":
            self.check_script(values)
        elif tag in EMBEDDING_TAGS:
            self.scan.problems.append(f"<{tag}> element")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.scan.problems.append("<meta http-equiv=refresh>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.scan.structure.append(f"</{tag}>")
        if tag == "script" and self.open_script is not None:
            self.scan.json_blocks.append(self.open_script)
            self.open_script = None

    def handle_data(self, data: str) -> None:
        if self.open_script is not None:
            self.open_script += data
        else:
            self.scan.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.scan.structure.append("<!---->")

    def check_attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.scan.problems.append(f"event handler attribute {name}= on <{tag}>")
        if name in URL_ATTRIBUTES and url_scheme(value) not in {"", "http", "https", "mailto"}:
            self.scan.problems.append(f"{name}={value!r} on <{tag}>")
        if name == "style" and ("url(" in value.lower() or "expression" in value.lower()):
            self.scan.problems.append(f"style={value!r} on <{tag}>")

    def check_script(self, values: dict[str, str]) -> None:
        kind = values.get("type", "").lower()
        if kind in {"application/ld+json", "application/json"} and "src" not in values:
            self.open_script = ""
        elif _is_own_script(values.get("src", "")):
            self.open_script = None  # a script file of the site's own, kept beside the pages
        else:
            self.scan.problems.append(f"<script {values}>")


def scan_html(text: str) -> PageScan:
    """Parse a page and list anything executable in it; inline JSON must parse."""
    scan = PageScan()
    scanner = _Scanner(scan)
    scanner.feed(text)
    scanner.close()
    for block in scan.json_blocks:
        try:
            json.loads(block)
        except ValueError as exc:
            scan.problems.append(f"inline JSON does not parse: {exc}")
    return scan


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def scan_output(output: Path) -> list[str]:
    """Every problem in a built site: scripts, handlers, unsafe URLs, unparsable data, formulas."""
    problems = []
    for path in sorted(output.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(output).as_posix()
        try:
            problems.extend(f"{name}: {p}" for p in _scan_file(path))
        except (ValueError, ET.ParseError, csv.Error, OSError) as exc:
            problems.append(f"{name}: does not parse: {exc}")
    return problems


def _scan_file(path: Path) -> list[str]:
    suffix = path.suffix
    if suffix == ".html":
        return scan_html(path.read_text("utf-8")).problems
    if suffix == ".xml":
        return _scan_xml(path.read_bytes())
    if suffix == ".json":
        json.loads(path.read_text("utf-8"))
        return []
    if suffix == ".csv":
        return [
            f"formula cell {cell[:20]!r}"
            for row in list(csv.reader(io.StringIO(path.read_text("utf-8"), newline="")))[1:]
            for cell in row
            if cell.startswith(_FORMULA_STARTS)
        ]
    return []


def _scan_xml(raw: bytes) -> list[str]:
    root = ET.fromstring(raw)
    problems = []
    for element in root.iter():
        namespace = element.tag.split("}")[0].lstrip("{")
        if namespace not in {
            "http://www.w3.org/2005/Atom",
            "http://www.sitemaps.org/schemas/sitemap/0.9",
        }:
            problems.append(f"unexpected element {element.tag}")
        for name, value in element.attrib.items():
            if name == "href" and url_scheme(value) not in {"http", "https"}:
                problems.append(f"href={value!r}")
    return problems


def _is_own_script(src: str) -> bool:
    """A script file of the site's own: a relative address of a .js file."""
    return src.endswith(".js") and not url_scheme(src) and not src.startswith("//")


# --- a large synthetic site -----------------------------------------------------------------


def synthetic_site(records: int, edition: str) -> Files:
    """About `records` valid records (authorities, cases and inspections citing one source);
    `edition` goes into every record, so two editions differ in every page."""
    authorities = max(1, records // 10)
    files: Files = {
        "site.yaml": record_text(
            {
                "title": f"Synthetic Watch {edition}",
                "base_url": "https://synthetic.example/",
                "description": f"A generated site, edition {edition}.",
                "contact": "corrections@synthetic.example",
            }
        ),
        "sources/source-1.md": record_text(
            {"title": f"Source {edition}", "kind": "news", "published": "2020-01-01"}, "A source.\n"
        ),
    }
    kinds = list(AuthorityKind)
    for n in range(authorities):
        kind = kinds[n % len(kinds)]
        files[f"authorities/a{n}.yaml"] = record_text({
            "name": f"Council {n} {edition}", "kind": kind.value, "region": "London",
            "gss_code": f"{kind.gss_prefix}{n:06d}", "sources": ["source-1"],
        })  # fmt: skip
    grades = ("outstanding", "good", "requires_improvement", "inadequate")
    for n in range((records - authorities) // 2):
        authority = f"a{n % authorities}"
        files[f"cases/c{n}.md"] = record_text(
            {"title": f"Child {n} {edition}", "name_status": "pseudonym", "authority": authority,
             "harm": "died", "date": f"{2000 + n % 20}-0{1 + n % 9}-1{n % 10}",
             "reviews": [{"kind": "scr", "status": "published", "commissioned": "2010-01-01",
                          "published": "2011-02-03"}],
             "sources": ["source-1"]},
            f"Edition {edition}. What the review of case {n} found, in a few words.\n",
        )  # fmt: skip
        files[f"inspections/i{n}.yaml"] = record_text({
            "title": f"Inspection {n} {edition}", "authority": authority, "judged_by": "Ofsted",
            "kind": "inspection", "date": f"{2000 + n % 20}-0{1 + n % 9}", "grade": grades[n % 4],
            "cases": [f"c{n}"], "sources": ["source-1"],
        })  # fmt: skip
    return files


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """The folder served over HTTP on loopback, from a thread: its address, ending in '/'."""
    with sitecheck.LocalServer(folder) as server:
        yield server.origin + "/"
