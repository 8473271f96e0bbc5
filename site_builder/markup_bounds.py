"""Bounds on Markdown input, checked before Python-Markdown sees it.

Python-Markdown's time grows with the square of some input, or faster: each '[' with no
']' is scanned to the end of its paragraph (a 40 KB body of '[' took 144 s), each heading
in a run of lines without a blank one is split off and the rest searched again (100 KB of
setext headings took 36 s), inline escapes and code spans each rebuild their paragraph,
and lists nested 300 deep overflow its recursion. Within these bounds its time grows in
proportion to the text; a body beyond one is refused with the line to change.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

MAX_NESTING = 20  # levels of lists and quotes in one line
MAX_BLOCK_LINES = 300  # lines of one paragraph, list or table (no blank line between)
MAX_BLOCK_CHARACTERS = 20_000  # characters of one paragraph, list or table
MAX_OPEN = 32  # '[' (or '(') open at once in one paragraph

_QUOTE_MARK = re.compile(r" {0,3}> ?")
_LIST_MARK = re.compile(r"(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]|$)")
_BRACKET = re.compile(r"\\.|[\[\]()]")  # an escaped one is text, never scanned


def check_markdown_bounds(body: str, body_line: int) -> list[tuple[int, str]]:
    """The (line, message) of the first bound a Markdown body goes past, or nothing: one is
    enough to refuse the body, and a list nested 300 deep would otherwise give 280."""
    for first, lines in _blocks(body):
        problems = _check_block(first, lines, body_line)
        if problems:
            return problems
    return []


def _blocks(body: str) -> Iterator[tuple[int, list[str]]]:
    """Each run of lines without a blank one, with the index of its first line."""
    lines: list[str] = []
    for index, line in enumerate(body.split("\n")):
        if line.strip():
            lines.append(line)
            continue
        if lines:
            yield index - len(lines), lines
        lines = []
    if lines:
        yield body.count("\n") + 1 - len(lines), lines


def _check_block(first: int, lines: list[str], body_line: int) -> list[tuple[int, str]]:
    where = body_line + first
    for offset, line in enumerate(lines):
        if _nesting(line) > MAX_NESTING:
            message = f"lists and quotes nested more than {MAX_NESTING} levels deep: flatten them"
            return [(where + offset, message)]
    if len(lines) > MAX_BLOCK_LINES:
        message = (
            f"{len(lines)} lines without a blank line (at most {MAX_BLOCK_LINES}): "
            "put blank lines between paragraphs, or split the list or table"
        )
        return [(where, message)]
    size = sum(len(line) + 1 for line in lines)
    if size > MAX_BLOCK_CHARACTERS:
        message = (
            f"a paragraph of {size:,} characters (at most {MAX_BLOCK_CHARACTERS:,}): "
            "split it with blank lines"
        )
        return [(where, message)]
    return _check_brackets(lines, where)


def _nesting(line: str) -> int:
    """How many lists and quotes a line is inside: its '>' marks, its indentation in steps
    of four spaces (a tab is four), and one more if it starts a list item."""
    depth, start = 0, 0
    while mark := _QUOTE_MARK.match(line, start):
        depth, start = depth + 1, mark.end()
    rest = line[start:].expandtabs(4)
    stripped = rest.lstrip(" ")
    depth += (len(rest) - len(stripped)) // 4
    return depth + (1 if _LIST_MARK.match(stripped) else 0)


def _check_brackets(lines: list[str], where: int) -> list[tuple[int, str]]:
    """Refuse more than MAX_OPEN '[' or '(' open at once: each is scanned to its closing one."""
    open_count = {"[": 0, "(": 0}
    for offset, line in enumerate(lines):
        for found in _BRACKET.finditer(line):
            char = found.group()
            if char.startswith("\\"):
                continue
            if char in open_count:
                open_count[char] += 1
                if open_count[char] > MAX_OPEN:
                    return [(where + offset, _bracket_message(char))]
            else:
                opening = "[" if char == "]" else "("
                open_count[opening] = max(0, open_count[opening] - 1)
    return []


def _bracket_message(char: str) -> str:
    return (
        f"more than {MAX_OPEN} '{char}' open at once in one paragraph: close them, or write "
        f"one that is only text as '\\{char}'"
    )
