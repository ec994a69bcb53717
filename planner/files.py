"""Writing files safely: atomically, never over a file the planner did not write unless forced."""

import csv
import itertools
import os
import re
import stat
import tempfile
from typing import Callable, Iterator

from planner.errors import FileReadError, InputError, OutputError
from planner.i18n import _, quoted


def write_atomic(path: str, data: bytes, *, force: bool = False, ours: Callable[[bytes], bool] | None = None,
                 durable: bool = True) -> None:
    """Write `data` to `path` through a temporary file and a rename: readers see the old or the new file, whole.

    An existing file is replaced only when `force` is set or `ours(old_bytes)` says the planner wrote it.
    `durable=False` skips the flush to disk for a caller that syncs once after many files (a roster).
    """
    if not path:
        raise OutputError(_("no file name given (an empty -o); give a file name, or - for stdout"))
    try:
        existing = os.stat(path)
    except FileNotFoundError:
        existing = None
    except OSError as error:
        raise OutputError(_("{path}: cannot write ({reason})").format(path=path, reason=error.strerror)) from None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise OutputError(_("{path}: is a directory").format(path=path))
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        # A pipe would hang the check below, and a device would be replaced by a plain file.
        raise OutputError(_("{path}: is not a regular file; planner writes only regular files").format(path=path))
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise OutputError(_("{path}: directory {directory} does not exist").format(path=path, directory=directory))
    if existing is not None and not force:
        old = read_existing(path)
        if ours is None or old is None or not ours(old):
            raise OutputError(_("{path}: exists and was not written by planner; use --force to replace it").format(path=path))
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            _remove_quietly(temporary)
        raise OutputError(_("{path}: cannot write ({reason})").format(path=path, reason=error.strerror or error)) from None
    except BaseException:
        if temporary is not None:
            _remove_quietly(temporary)
        raise


def read_existing(path: str) -> bytes | None:
    """An existing regular file's bytes (never a pipe's or a device's, which could block or be endless)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as stream:
            return stream.read()
    except (OSError, ValueError):
        return None


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def csv_rows(path: str, required: tuple[str, ...], known: tuple[str, ...], noun: str,
             header_columns: list | None = None) -> Iterator[tuple[int, dict, str | None]]:
    """(first line, cells by lower-case column, problem or None) for each non-blank row of a CSV file with a header.

    A file that cannot be read as CSV with those columns, or that has a column twice, raises
    InputError naming it; a malformed row comes with its problem, and the rows after it are still
    read. `header_columns`, if given, receives the header's columns (lower case) once it is read.
    """
    try:
        # A byte that is not UTF-8 is kept (as a surrogate) so that only its own row is refused, on its own line.
        stream = open(path, newline="", encoding="utf-8-sig", errors="surrogateescape")
    except OSError as error:
        raise FileReadError(_("{path}: cannot read the {noun} ({reason})").format(path=path, noun=noun,
                                                                                 reason=error.strerror)) from None
    with stream:
        try:
            first = stream.readline()
        except OSError as error:  # a folder, for one
            raise FileReadError(_("{path}: cannot read the {noun} ({reason})").format(path=path, noun=noun,
                                                                                     reason=error.strerror)) from None
        # A spreadsheet saved as CSV where the decimal mark is a comma (Excel in much of Europe)
        # separates the cells with semicolons: the header line says which.
        delimiter = ";" if first.count(";") > first.count(",") else ","
        lines = [first]  # every physical line read, to read again after a quote that never closes

        def recorded():
            for text in stream:
                lines.append(text)
                yield text

        reader = csv.DictReader(itertools.chain([first], recorded()), delimiter=delimiter)
        try:
            header = reader.fieldnames
        except UnicodeDecodeError:
            raise InputError(_("{path}: not a CSV text file (not UTF-8 text)").format(path=path)) from None
        except csv.Error as error:
            raise InputError(_("{path}: not a CSV text file ({reason})").format(path=path, reason=error)) from None
        if not header:
            raise InputError(_("{path}: the {noun} is empty; it needs a header row: {columns}").format(
                path=path, noun=noun, columns=", ".join(required + known)))
        if any(_NOT_UTF8.search(h or "") for h in header):
            raise InputError(_("{path}: not a CSV text file (not UTF-8 text)").format(path=path))
        columns = [column_name(h) for h in header]
        twice = next((c for i, c in enumerate(columns) if c and c in columns[:i]), None)
        if twice is not None:
            raise InputError(_("{path}: the {noun} has the column {column} twice; keep one").format(
                path=path, noun=noun, column=quoted(twice)))
        missing = [c for c in required if c not in columns]
        if missing:
            found = ", ".join(h for h in header if h)
            raise InputError(_("{path}: the {noun} has no column {columns} (header: {found})").format(
                path=path, noun=noun, columns=", ".join(missing), found=found))
        if header_columns is not None:
            header_columns.extend(c for c in columns if c)
        yield from _body(reader, header, delimiter, 0, lines)


def column_name(header: str | None) -> str:
    """A header cell as a column's name: "Passport Expires", "passport-expires" -> "passport_expires"."""
    return "_".join((header or "").replace("-", " ").lower().split())


def _body(reader, header, delimiter, offset: int = 0, lines: list | None = None):
    """The rows after the header: (first line, cells, problem or None).

    A quote that opens and never closes makes the rest of the file one cell: that row is said to
    be where the quote opens, and the lines after it are read as rows again.
    """
    line = reader.line_num
    while True:
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield offset + line + 1, {}, f"not valid CSV ({error})"
            line = reader.line_num
            continue
        first_line, line = line + 1, reader.line_num
        opened = _swallowed(raw, line > first_line, len(header), delimiter)
        if opened is not None and lines is not None:
            yield (offset + first_line, {}, f"a quote opens in column '{column_name(opened)}' on this line and does "
                                            "not close before the rows after it; close it")
            rest = lines[first_line:]  # the physical lines after the one the quote opened on
            again = csv.DictReader(iter(rest), fieldnames=header, delimiter=delimiter)
            yield from _body(again, header, delimiter, offset + first_line, rest)
            return
        fields = {column_name(k): (v or "").strip() for k, v in raw.items() if k is not None}
        if not any(fields.values()):
            continue  # a blank line
        if any(_NOT_UTF8.search(v) for v in fields.values()):
            yield offset + first_line, {}, "not UTF-8 text (save the file as UTF-8)"
            continue
        yield offset + first_line, fields, "more cells than columns in the header" if None in raw else None


def _swallowed(raw: dict, several_lines: bool, columns: int, delimiter: str) -> str | None:
    """The column whose quote took in the rows after it, if one did: its cell holds a line that reads as a row.

    A note may hold lines of its own; a line holding as many separators as a row has is a row.
    """
    if not several_lines:
        return None
    for column, value in raw.items():
        if column is not None and value and "\n" in value:
            if any(part.count(delimiter) >= columns - 1 for part in value.split("\n")[1:]):
                return column
            if None in raw.values():  # the cells after it are missing: the file ended inside the quote
                return column
    return None
