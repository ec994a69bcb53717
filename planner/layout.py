"""Text laid out for the width it is read at (a terminal, 80 columns in a file), and sources as numbered notes.

Standard library only: `planner check` uses it and stays quick.
"""

import textwrap

NARROWEST = 60  # below this, text is laid out for 60 columns and the terminal wraps it
FILE_WIDTH = 80  # text written to a file is read on paper or in an editor: 80 columns


def terminal_width() -> int:
    """The width to lay text out for: the terminal's (COLUMNS first), 80 on a pipe."""
    import shutil

    return max(NARROWEST, shutil.get_terminal_size((80, 24)).columns)


def wrap(text: str, width: int, indent: str = "", first: str = "") -> list[str]:
    """Text as lines of at most `width` columns: `first` before the first line, `indent` before the others.

    Words are never broken: a date or an address stays whole, even past the width.
    """
    return textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def aligned(rows: list[tuple[str, str]], width: int, indent: str = "  ") -> list[str]:
    """Label and value pairs in two columns, each wrapping within its own column."""
    from itertools import zip_longest

    widest = max((len(label) for label, _ in rows), default=0)
    # The values get what they need up to 40 columns (they wrap beyond); the labels get the rest.
    values_need = min(40, max((len(value) for _, value in rows), default=0))
    label_width = min(widest, max(16, width - len(indent) - 2 - values_need))
    value_width = width - len(indent) - label_width - 2
    lines = []
    for label, value in rows:
        labels = wrap(label, label_width)
        values = wrap(value, value_width)
        for left, right in zip_longest(labels, values, fillvalue=""):
            lines.append(f"{indent}{left.ljust(label_width)}  {right}".rstrip())
    return lines


class Footnotes:
    """A template's sources as numbered notes, in order of first use: text says [1], the list says what 1 is."""

    def __init__(self, template):
        self.template = template
        self.numbers: dict[str, int] = {}

    def mark(self, key: str | None) -> str:
        """'[1]' for a source (numbered on first use), 'assumption' for none."""
        if key is None:
            return "assumption"
        return f"[{self.numbers.setdefault(key, len(self.numbers) + 1)}]"

    def listed(self) -> list[tuple[str, str, str]]:
        """(label, title, address) of each source used, in number order."""
        return [(f"[{number}]", self.template.sources[key].title, self.template.sources[key].url)
                for key, number in self.numbers.items()]

    def lines(self, width: int) -> list[str]:
        """The notes as text: 'Sources' and one wrapped line per source."""
        if not self.numbers:
            return []
        out = ["Sources:"]
        for label, title, url in self.listed():
            out += wrap(f"{title}: {url}", width, indent="    ", first=f"  {label} ")
        return out
