"""YAML syntax errors explained to an editor: the line to fix and what to do there.

The parser's own words ("found character that cannot start any token", "mapping values
are not allowed here") name the symptom, often at a line after the mistake; the common
mistakes of hand-written front matter get a message of their own instead.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml

try:  # the same parser as yamlsafe, so that marks and tokens agree
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - libyaml missing
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

if TYPE_CHECKING:
    from site_builder.yamlsafe import Lines, Mark

_FIELD_LINE = re.compile(r"[ \t]*(?:-[ \t]+)?(?P<key>[^\s:#'\"][^:#]*?):[ \t]+(?P<value>.*\S)")
_QUOTES = ('"', "'")


def explain_syntax_error(exc: yaml.MarkedYAMLError, text: str, lines: Lines) -> tuple[int, str]:
    """The line and message for a document the parser refused."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or ""
    if "tab" in problem or (mark is not None and text[mark.index : mark.index + 1] == "\t"):
        return lines.at(mark), "tabs cannot indent YAML; use spaces"
    if "mapping values are not allowed" in problem:
        return lines.at(mark), _colon_message(text, mark)
    if exc.context and "quoted scalar" in exc.context:
        return lines.at(exc.context_mark), (
            "the quoted value that starts on this line is never closed: end it with the "
            "same quote mark it starts with"
        )
    if mark is not None:
        opened = _quoted_value_just_before(text, mark.index)
        if opened is not None:
            return _text_after_quote(text, opened, mark, lines)
    parts = [part for part in (exc.context, problem) if part]
    return lines.at(mark), "invalid YAML: " + ("; ".join(parts) or "could not be parsed")


def quoted(text: str) -> str:
    """Text as a YAML value in quotes, the way an editor would write it."""
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _line_text(text: str, index: int) -> str:
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return text[start : end if end >= 0 else len(text)]


def _colon_message(text: str, mark: Mark | None) -> str:
    advice = "quote a value that contains ': ' (YAML reads a colon and a space as a new field)"
    field = _FIELD_LINE.fullmatch(_line_text(text, mark.index)) if mark else None
    if field is None:
        return advice
    return f"{advice}, e.g. {field['key']}: {quoted(field['value'])}"


def _quoted_value_just_before(text: str, index: int) -> yaml.ScalarToken | None:
    """The quoted value that ends right before `index` (only spaces between), if any: the
    parser stumbles on what follows a closing quote, not on the quote."""
    last: yaml.Token | None = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.index >= index:
                break
            last = token
    except yaml.YAMLError:
        pass
    if not isinstance(last, yaml.ScalarToken) or last.style not in _QUOTES:
        return None
    return last if not text[last.end_mark.index : index].strip() else None


def _text_after_quote(
    text: str, opened: yaml.ScalarToken, mark: Mark, lines: Lines
) -> tuple[int, str]:
    start, stop = lines.at(opened.start_mark), lines.at(mark)
    if start == stop:
        rest = _line_text(text, opened.start_mark.index)[opened.start_mark.column :]
        return start, (
            "text follows the closing quote of a quoted value: if the quote marks belong to "
            f"the value, quote it whole with the other kind, e.g. {quoted(rest.strip())}"
        )
    return start, (
        f"the quoted value that starts on this line runs on to line {stop}, where text follows "
        'its closing quote: check its quote marks (inside double quotes write \\", inside '
        "single quotes write '')"
    )
