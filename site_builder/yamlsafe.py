"""Parse YAML as plain data: no tags, anchors, aliases or duplicate keys; lines kept."""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from site_builder.yaml_syntax import explain_syntax_error, quoted

try:  # the C parser is several times faster; the pure one gives the same nodes
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Key = tuple[str | int, ...]
MAX_DEPTH = 20
MAX_NUMBER_CHARACTERS = 100  # longer is no count or age; Python refuses ints past 4,300 digits

_TAG = "tag:yaml.org,2002:"
_TEXT_TAGS = {_TAG + "str", _TAG + "timestamp"}  # dates stay text; validate parses them
_CONSTRUCTED = {_TAG + "int", _TAG + "float", _TAG + "bool", _TAG + "null"}
_CONSTRUCTOR = SafeConstructor()
_RESOLVER = Resolver()  # the implicit types of both loaders, C and pure
# What load.py refuses in a file's text, and what only escapes can put in a value: C0 and
# C1 controls but tab and line feed, zero-width and bidirectional formatting characters,
# and U+FFFE and U+FFFF, which no XML file (an Atom feed, the sitemap) may hold.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]"
)
_COMMENT_AFTER = re.compile(r"[ \t]+#[^\n]*")  # what follows a plain scalar: a comment


class YamlProblem(Exception):
    """A YAML document that is not plain data; `line` is 1-based within the text."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class ParsedYaml:
    """Plain data with the line of every key and item, and the text of coerced scalars."""

    value: Any
    lines: dict[Key, int] = field(default_factory=dict)
    raw_text: dict[Key, str] = field(default_factory=dict)


def parse_yaml(text: str, first_line: int = 1) -> ParsedYaml:
    """Parse one YAML document; line numbers are offset so that text starts at `first_line`."""
    lines = Lines(text, first_line)
    _refuse_deep_flow(text, first_line)
    if "&" in text or sum(map(text.count, "-:?[{")) > _SAFE_INDICATORS:
        _refuse_anchors_and_deep_nesting(text, lines)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(*explain_syntax_error(exc, text, lines)) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(first_line, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlProblem(first_line, f"YAML nested too deeply (limit {MAX_DEPTH})") from None
    parsed = ParsedYaml(value=None)
    if node is not None:
        parsed.value = _Walker(parsed, text, lines).walk(node, (), 0)
    return parsed


class Mark(Protocol):
    index: int  # characters from the start of the text


class Lines:
    """The line of any place in a text, from one list of where its lines break: counting
    line feeds from the top for every value took minutes for a 1.5 MB record."""

    def __init__(self, text: str, first_line: int) -> None:
        self.first_line = first_line
        self.breaks = [found.start() for found in re.finditer("\n", text)]
        self.end = len(text.rstrip("\n"))

    def at(self, mark: Mark | None) -> int:
        """The line of a parser mark, counting only line feeds as the loader does: YAML also
        breaks lines at U+0085, U+2028 and U+2029, so its own count can run past the file's.
        A mark at the very end (an unclosed `{`) is put on the last line that has text."""
        if mark is None:
            return self.first_line
        return self.first_line + bisect.bisect_left(self.breaks, min(mark.index, self.end))


_FLOW = re.compile(r"[\[\]{}\n]")


def _refuse_deep_flow(text: str, first_line: int) -> None:
    """Refuse deeply nested [ and { before libyaml sees them: its parser recurses in C."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth, line = 0, first_line
    for match in _FLOW.finditer(text):
        char = match.group()
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem(line, f"YAML nested too deeply (limit {MAX_DEPTH})")
        else:
            depth = max(0, depth - 1)


# Each level of nesting needs one of "-:?[{", so text with fewer cannot nest deep enough to
# overflow the C stack of libyaml's composer (it crashes near 25,000 levels).
_SAFE_INDICATORS = 1000


def _refuse_anchors_and_deep_nesting(text: str, lines: Lines) -> None:
    """Refuse anchors, aliases and deep nesting before composing: an alias bomb would expand,
    and composing `- - - ...` thousands deep crashes the process (libyaml recurses in C)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            line = lines.at(event.start_mark)
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise YamlProblem(
                    line, "YAML anchors and aliases (& and *) are not allowed; write the value out"
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlProblem(line, f"YAML nested too deeply (limit {MAX_DEPTH})")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # compose reports the syntax error with its line


class _Walker:
    """Turns a composed node tree into plain Python values, checking each node."""

    def __init__(self, parsed: ParsedYaml, text: str, lines: Lines) -> None:
        self.parsed = parsed
        self.text = text
        self.lines = lines

    def line_of(self, node: yaml.Node) -> int:
        return self.lines.at(node.start_mark)

    def walk(self, node: yaml.Node, key: Key, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise YamlProblem(self.line_of(node), f"YAML nested too deeply (limit {MAX_DEPTH})")
        if isinstance(node, yaml.MappingNode):
            return self.walk_mapping(node, key, depth)
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, _TAG + "seq")
            return [
                self.walk_item(item, (*key, index), depth) for index, item in enumerate(node.value)
            ]
        assert isinstance(node, yaml.ScalarNode), "a YAML node is a mapping, sequence or scalar"
        return self.walk_scalar(node, key)

    def walk_item(self, node: yaml.Node, key: Key, depth: int) -> Any:
        self.parsed.lines[key] = self.line_of(node)
        return self.walk(node, key, depth + 1)

    def walk_mapping(self, node: yaml.MappingNode, key: Key, depth: int) -> dict[str, Any]:
        self.check_tag(node, _TAG + "map")
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = self.line_of(key_node)
            if key_node.tag == _TAG + "merge":
                raise YamlProblem(
                    line, "YAML merge keys (<<) are not allowed; write the fields out"
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(line, "a field name must be plain text")
            self.check_characters(key_node)
            name = str(key_node.value)
            if name in first_seen:
                raise YamlProblem(
                    line, f"duplicate field '{name}' (first at line {first_seen[name]})"
                )
            first_seen[name] = line
            self.parsed.lines[(*key, name)] = line
            result[name] = self.walk(value_node, (*key, name), depth + 1)
        return result

    def walk_scalar(self, node: yaml.ScalarNode, key: Key) -> Any:
        self.check_characters(node)
        if not node.style:
            self.check_no_comment_after(node)
        # Any explicit tag, even a standard one (!!int), and any type we do not construct
        # (the implicit `=` value tag, say) is refused with one message.
        if node.tag != _implicit_tag(node) or node.tag not in _TEXT_TAGS | _CONSTRUCTED:
            raise YamlProblem(
                self.line_of(node), f"YAML tag '{node.tag}' is not allowed; write plain text"
            )
        if node.tag in _TEXT_TAGS:
            return str(node.value)
        if len(node.value) > MAX_NUMBER_CHARACTERS:
            raise YamlProblem(
                self.line_of(node),
                f"a number {len(node.value)} characters long is too long to be a count, a value "
                "or an age; quote it if it is text",
            )
        value = getattr(_CONSTRUCTOR, "construct_yaml_" + node.tag.rsplit(":", 1)[1])(node)
        if isinstance(value, float) and not math.isfinite(value):
            raise YamlProblem(
                self.line_of(node), f"'{node.value}' is not a finite number; quote it if it is text"
            )
        self.parsed.raw_text[key] = str(node.value)
        return value

    def check_no_comment_after(self, node: yaml.ScalarNode) -> None:
        """Refuse ` #...` after an unquoted value on its line: YAML reads it as a comment, so
        `title: Sandwell review #2 of 2008` would quietly become 'Sandwell review'."""
        comment = _COMMENT_AFTER.match(self.text, node.end_mark.index)
        if comment is None:
            return
        whole = f"{node.value}{comment.group()}".strip()
        shown = whole if len(whole) <= 60 else whole[:57] + "..."
        kept = node.value if len(node.value) <= 40 else node.value[:37] + "..."
        cut = f"the value stops at '{kept}'" if node.value else "the value is left blank"
        raise YamlProblem(
            self.lines.at(node.end_mark),
            f"' #' starts a comment, so {cut}: if the '#' belongs to the value, quote it "
            f"whole ({quoted(shown)}); else put the comment on a line of its own",
        )

    def check_characters(self, node: yaml.ScalarNode) -> None:
        """Refuse control and invisible characters, also when written as escapes ("\\x1b")."""
        bad = _INVISIBLE.search(str(node.value))
        if bad:
            message = character_problem(bad.group())
            raise YamlProblem(self.line_of(node), message)

    def check_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            raise YamlProblem(
                self.line_of(node), f"YAML tag '{node.tag}' is not allowed; write plain data"
            )


def character_problem(character: str) -> str:
    """Why a character may not be in content, for the error message."""
    name = f"U+{ord(character):04X}"
    if character in "\ufffe\uffff":
        return f"non-character {name} not allowed (no XML file, a feed say, can hold it); remove it"
    return f"control or invisible formatting character {name} not allowed; remove it"


def _implicit_tag(node: yaml.ScalarNode) -> str:
    """The tag the loader gives this scalar as written, with no tag: a quoted or block
    scalar is text, a plain one is whatever its text resolves to."""
    if node.style:
        return _TAG + "str"
    return str(_RESOLVER.resolve(yaml.ScalarNode, node.value, (True, False)))  # type: ignore[no-untyped-call]
