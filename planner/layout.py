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

    widest = max((len(label) for label, _rest in rows), default=0)
    # The values get what they need up to 40 columns (they wrap beyond); the labels get the rest.
    values_need = min(40, max((len(value) for _first, value in rows), default=0))
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
            from planner.i18n import _

            return _("assumption")
        return f"[{self.numbers.setdefault(key, len(self.numbers) + 1)}]"

    def listed(self) -> list[tuple[str, str, str]]:
        """(label, title, address) of each source used, in number order."""
        return [(f"[{number}]", self.template.sources[key].title, self.template.sources[key].url)
                for key, number in self.numbers.items()]

    def lines(self, width: int) -> list[str]:
        """The notes as text: 'Sources' and one wrapped line per source."""
        if not self.numbers:
            return []
        from planner.i18n import _

        out = [_("Sources:")]
        for label, title, url in self.listed():
            out += wrap(_("{title}: {address}").format(title=title, address=url), width, indent="    ", first=f"  {label} ")
        return out


# Characters that act on a terminal instead of showing: C0 and C1 controls and DEL (escape
# sequences that clear the screen or set a window's title start with them), and the bidirectional
# overrides that reorder what follows them (U+202E shows "evil.exe" as "exe.live").
_CONTROL_PICTURES = {c: chr(0x2400 + c) for c in range(32)} | {0x7F: "\u2421"}
_INVISIBLE = dict.fromkeys([*range(0x80, 0xA0), 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def visible(text: str, keep_lines: bool = False) -> str:
    """People's text made safe for a terminal, a page or a file: what would act is shown instead.

    A control character becomes its picture (ESC is ␛, a line break ␊, unless `keep_lines`), a
    C1 control or a direction override its code point (<U+202E>); everything else is kept as typed.
    """
    if text.isprintable():
        return text
    out = []
    for char in text.replace("\r\n", "\n") if keep_lines else text:
        code = ord(char)
        if keep_lines and char == "\n":
            out.append(char)
        elif code in _CONTROL_PICTURES:
            out.append(_CONTROL_PICTURES[code])
        elif code in _INVISIBLE:
            out.append(f"<U+{code:04X}>")
        else:
            out.append(char)
    return "".join(out)


SPELLING = "planner.spelling"


def _spelling(error: UnicodeEncodeError):
    """A codec error handler: each character the encoding lacks as its letters without accents ("ễ" as "e"), else "?"."""
    import unicodedata

    out = []
    for char in error.object[error.start:error.end]:
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        try:
            base.encode(error.encoding)
        except UnicodeEncodeError:
            base = "?"
        out.append(base or "?")
    return "".join(out), error.end


def register_spelling() -> str:
    """The name of the error handler `_spelling`, registered with the codecs."""
    import codecs

    codecs.register_error(SPELLING, _spelling)
    return SPELLING
