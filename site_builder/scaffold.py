"""`site-builder new`: a record skeleton with every field of its schema, required ones first.

Required fields are left empty, so `check` names each one until it is filled in; optional
fields are commented out, each under a comment saying what it is, with an example.
"""

from __future__ import annotations

import difflib
import json
import re
import textwrap
from pathlib import Path
from typing import Any

from site_builder.errors import UsageError
from site_builder.load import RESERVED_SLUGS, SLUG, control_in_name
from site_builder.schema import deref, load_schemas
from site_builder.vocabulary import COLLECTIONS

KINDS = {c.singular: c.plural for c in COLLECTIONS.values()}  # what `new` makes, by its word
_WIDTH = 88


def scaffold_record(content_dir: Path, kind: str, slug: str, authority: str | None = None) -> Path:
    """Write the skeleton of a new record into content_dir and return its path."""
    collection = KINDS.get(kind) or (kind if kind in KINDS.values() else None)
    if collection is None:
        raise UsageError(f"unknown kind '{kind}': expected one of {', '.join(KINDS)}")
    _refuse_bad_slug(slug)
    if authority is not None:
        _refuse_bad_authority(content_dir, collection, authority)
    folder = content_dir / collection
    for existing in (folder / f"{slug}.md", folder / f"{slug}.yaml"):
        if existing.exists():
            raise UsageError(
                f"{existing} already exists: choose another slug, or edit that file instead"
            )
    path = folder / f"{slug}{'.yaml' if COLLECTIONS[collection].is_data_only else '.md'}"
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as new_file:  # "x": never overwrite
        new_file.write(render_skeleton(collection, authority, is_markdown=path.suffix == ".md"))
    return path


def _refuse_bad_slug(slug: str) -> None:
    if SLUG.match(slug) and slug not in RESERVED_SLUGS:
        return
    suggestion = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")[:100]
    hint = f" (for example '{suggestion}')" if SLUG.match(suggestion) else ""
    control = control_in_name(slug)
    why = f" it holds the control character {control};" if control else ""
    shown = ascii(slug) if control else f"'{slug}'"  # escaped: a line break would split the line
    raise UsageError(
        f"{shown} is not a valid slug:{why} use lowercase letters, digits and hyphens, starting "
        f"with a letter or digit{hint}; the slug becomes the file name and the page address"
    )


def _refuse_bad_authority(content_dir: Path, collection: str, authority: str) -> None:
    if COLLECTIONS[collection].authority_field is None:
        raise UsageError("--authority is for a case, an inspection or a body")
    folder = content_dir / "authorities"
    known = sorted(p.stem for p in folder.glob("*") if p.suffix in {".md", ".yaml"})
    if authority in known:
        return
    close = difflib.get_close_matches(authority, known, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f"; add {folder}/{authority}.md first"
    raise UsageError(f"unknown authority '{authority}'{hint}")


def render_skeleton(collection: str, authority: str | None = None, is_markdown: bool = True) -> str:
    """The text of a new record of `collection`: front matter (and body) or plain YAML."""
    schema = load_schemas()[collection]
    field_name = COLLECTIONS[collection].authority_field
    prefill = {field_name: authority} if authority and field_name else {}
    lines = [
        f"# New record: {schema['title']}.",
        "# Fill in every field under REQUIRED FIELDS; `site-builder check` names any left empty.",
        "# Optional fields are switched off: to use one, delete the '# ' at the start of its lines.",
        "",
        "# REQUIRED FIELDS",
    ]
    required = list(schema.get("required", []))
    optional = [name for name in schema["properties"] if name not in required]
    for name in required:
        lines += field_lines(schema, name, schema["properties"][name], True, prefill.get(name))
    lines += ["# OPTIONAL FIELDS", ""]
    for name in optional:
        lines += field_lines(schema, name, schema["properties"][name], False, prefill.get(name))
    text = "\n".join(lines)
    if not is_markdown:
        return text
    body_note = "# Below the closing '---' line: the text of the page, in Markdown (optional)."
    return f"---\n{text}\n{body_note}\n---\n"


def field_lines(
    root: dict[str, Any], name: str, node: dict[str, Any], is_required: bool, value: str | None,
    indent: str = "",
) -> list[str]:  # fmt: skip
    """A field's explanation as comments, then the field itself (commented out if optional)."""
    node = deref(root, node)
    lines = explain(node, name, is_required, indent)
    switch = "" if is_required else "# "
    if node.get("type") == "array":
        items = deref(root, node.get("items", {}))
        lines.append(f"{switch}{indent}{name}:")
        lines += [switch + line for line in item_lines(root, items, indent + "  ", value)]
    else:
        lines.append(f"{switch}{indent}{name}:{' ' + value if value else ''}")
    return lines + [""]


def item_lines(
    root: dict[str, Any], items: dict[str, Any], indent: str, value: str | None
) -> list[str]:
    """One empty list item: a slot for a slug or text, or every field of an object.

    Inside an item every field is written out; an optional one left blank counts as left
    out, so the editor fills in what is known and may leave (or delete) the rest.
    """
    if items.get("type") != "object":
        return [f"{indent}-{' ' + value if value else ''}"]
    lines: list[str] = []
    required = list(items.get("required", []))
    names = required + [n for n in items.get("properties", {}) if n not in required]
    for position, name in enumerate(names):
        sub = deref(root, items["properties"][name])
        lines += explain(sub, name, name in required, indent + "  ", is_item=True)
        lines.append(f"{indent}{'- ' if position == 0 else '  '}{name}:")
    return lines


def explain(
    node: dict[str, Any], name: str, is_required: bool, indent: str, is_item: bool = False
) -> list[str]:
    """Comment lines: the field's title, whether it is required, its description, an example."""
    title = node.get("title", name)
    status = " (required)" if is_required else " (optional: delete the line if unknown)"
    text = f"{title}{status if is_required or is_item else ''}."
    if node.get("description"):
        text += f" {node['description']}"
    examples = node.get("examples") or []
    if examples:
        text += " Example: " + " or ".join(_example(e) for e in examples[:2])
    prefix = f"{indent}# "
    return textwrap.wrap(text, _WIDTH, initial_indent=prefix, subsequent_indent=prefix)


def _example(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
