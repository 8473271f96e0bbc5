"""Command line: build | check | serve | new | schema; exit 0 ok, 1 content errors, 2 usage."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from site_builder import __version__
from site_builder.config import Progress, SiteConfig, build_date, default_jobs
from site_builder.errors import BuildFailed, UsageError
from site_builder.pipeline import build_site, check_site
from site_builder.scaffold import KINDS, scaffold_record

log = logging.getLogger(__name__)

MAX_SHOWN = 200  # errors printed; thousands (a generated file gone wrong) would bury the first


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site-builder", description="Build the Safeguarding Watch site from its content."
    )
    parser.add_argument("--version", action="version", version=f"site-builder {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser("build", help="check the content and build the site")
    _add_build_options(build)
    build.add_argument("--jobs", type=_positive_int, default=default_jobs(), metavar="N",
                       help="worker processes for large builds (default: one per core)")  # fmt: skip

    check = commands.add_parser("check", help="validate and link the content, write nothing")
    _add_content_option(check)
    check.add_argument("--drafts", action="store_true", help="check as a --drafts build would")

    schema = commands.add_parser("schema", help="write the JSON Schemas for editors")
    schema.add_argument("folder", type=Path, metavar="DIR")

    serve = commands.add_parser("serve", help="build, serve on this computer, rebuild on change")
    _add_build_options(serve)
    serve.add_argument("--host", default="127.0.0.1", help="address to serve on (127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8000, help="port to serve on (8000)")

    new = commands.add_parser("new", help="write the skeleton of a new record to fill in")
    new.add_argument("kind", choices=sorted(KINDS), metavar="KIND", help=", ".join(KINDS))
    new.add_argument("slug", metavar="SLUG", help="the file name and address, e.g. child-t")
    new.add_argument("--authority", metavar="SLUG", help="the council (case, inspection, body)")
    _add_content_option(new)
    return parser


def _add_build_options(command: argparse.ArgumentParser) -> None:
    """The options of a command that builds the site: what from, and into where."""
    _add_content_option(command)
    command.add_argument("--templates", type=Path, default=Path("templates"), metavar="DIR")
    command.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help="where to build (default: output, or output-drafts with --drafts)",
    )
    command.add_argument("--drafts", action="store_true",
                         help="a preview with drafts and embargoed records, in a folder of its own")  # fmt: skip


def _add_content_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--content", type=Path, default=Path("content"), metavar="DIR")


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    """Run one command; return the exit status."""
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        return _run(args)
    except BuildFailed as failed:
        print_errors(failed)
        return 1
    except (UsageError, OSError) as problem:
        if args.debug:
            raise
        print(f"site-builder: {problem}", file=sys.stderr)
        return 2


def print_errors(failed: BuildFailed) -> None:
    """The first MAX_SHOWN errors, how many more there are, then the total."""
    for error in failed.errors[:MAX_SHOWN]:
        print(error, file=sys.stderr)
    count = len(failed.errors)
    if count > MAX_SHOWN:
        print(f"... and {count - MAX_SHOWN} more not shown: fix these and run again to see them",
              file=sys.stderr)  # fmt: skip
    print(f"{count} error{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)


def _run(args: argparse.Namespace) -> int:
    if args.command == "schema":
        from site_builder.schema import write_schemas

        written = write_schemas(args.folder)
        print(f"wrote {len(written)} schemas to {args.folder}", file=sys.stderr)
        return 0
    if args.command == "new":
        path = scaffold_record(args.content, args.kind, args.slug, args.authority)
        print(f"wrote {path}: fill in the required fields, then run site-builder check",
              file=sys.stderr)  # fmt: skip
        return 0
    config = _config(args)
    if args.command == "serve":
        from site_builder.serve import serve_site

        serve_site(config, args.host, args.port)
        return 0
    if args.command == "check":
        site, _ = check_site(config)
        print(f"{sum(1 for _ in site.records)} records, no errors", file=sys.stderr)
        return 0
    started = time.perf_counter()
    report = build_site(config, _progress_bar())
    elapsed = time.perf_counter() - started
    print(
        f"built {report.records} records into {report.files} files in {config.output_dir} "
        f"({elapsed:.2f} s)",
        file=sys.stderr,
    )
    return 0


def _progress_bar() -> Progress | None:
    """A one-line bar for the long stages of a build on an interactive terminal; else none."""
    if not sys.stderr.isatty():
        return None

    def show(stage: str, done: int, total: int) -> None:
        filled = 30 * done // max(total, 1)
        bar = f"{stage:<16} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}"
        print("\r\033[K" + (bar if done < total else ""), end="", file=sys.stderr, flush=True)

    return show


def _config(args: argparse.Namespace) -> SiteConfig:
    content = args.content
    output = getattr(args, "output", None) or Path("output-drafts" if args.drafts else "output")
    templates = getattr(args, "templates", Path("templates"))
    if args.command in ("build", "serve") and not templates.is_dir():
        raise UsageError(f"no templates folder at {templates}; give one with --templates DIR")
    return SiteConfig(
        content_dir=content,
        templates_dir=templates,
        output_dir=output,
        include_drafts=args.drafts,
        jobs=getattr(args, "jobs", 1),
        today=build_date(),
    )
