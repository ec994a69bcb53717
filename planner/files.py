"""Writing files safely: atomically, never over a file the planner did not write unless forced."""

import csv
import os
import tempfile
from typing import Callable, Iterator

from planner.errors import InputError, OutputError


def write_atomic(path: str, data: bytes, *, force: bool = False, ours: Callable[[bytes], bool] | None = None,
                 durable: bool = True) -> None:
    """Write `data` to `path` through a temporary file and a rename: readers see the old or the new file, whole.

    An existing file is replaced only when `force` is set or `ours(old_bytes)` says the planner wrote it.
    `durable=False` skips the flush to disk for a caller that syncs once after many files (a roster).
    """
    if os.path.isdir(path):
        raise OutputError(f"{path}: is a directory")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise OutputError(f"{path}: directory {directory} does not exist")
    if os.path.exists(path) and not force:
        old = read_existing(path)
        if ours is None or old is None or not ours(old):
            raise OutputError(f"{path}: exists and was not written by planner; use --force to replace it")
    handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        _remove_quietly(temporary)
        raise OutputError(f"{path}: cannot write ({error.strerror})") from None
    except BaseException:
        _remove_quietly(temporary)
        raise


def read_existing(path: str) -> bytes | None:
    try:
        with open(path, "rb") as stream:
            return stream.read()
    except OSError:
        return None


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def csv_rows(path: str, required: tuple[str, ...], known: tuple[str, ...], noun: str,
             header_columns: list | None = None) -> Iterator[tuple[int, dict, str | None]]:
    """(first line, cells by lower-case column, problem or None) for each non-blank row of a CSV file with a header.

    A file that cannot be read as CSV with those columns, or that has a column twice, raises
    InputError naming it; a malformed row comes with its problem, and the rows after it are still
    read. `header_columns`, if given, receives the header's columns (lower case) once it is read.
    """
    try:
        stream = open(path, newline="", encoding="utf-8-sig")
    except OSError as error:
        raise InputError(f"{path}: cannot read the {noun} ({error.strerror})") from None
    with stream:
        reader = csv.DictReader(stream)
        try:
            header = reader.fieldnames
        except UnicodeDecodeError:
            raise InputError(f"{path}: not a CSV text file (not UTF-8 text)") from None
        except csv.Error as error:
            raise InputError(f"{path}: not a CSV text file ({error})") from None
        if not header:
            raise InputError(f"{path}: the {noun} is empty; it needs a header row: {', '.join(required + known)}")
        columns = [(h or "").strip().lower() for h in header]
        twice = next((c for i, c in enumerate(columns) if c and c in columns[:i]), None)
        if twice is not None:
            raise InputError(f"{path}: the {noun} has the column '{twice}' twice; keep one")
        missing = [c for c in required if c not in columns]
        if missing:
            found = ", ".join(h for h in header if h)
            raise InputError(f"{path}: the {noun} has no column {', '.join(missing)} (header: {found})")
        if header_columns is not None:
            header_columns.extend(c for c in columns if c)
        line = reader.line_num
        while True:
            try:
                raw = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise InputError(f"{path}: line {line + 1}: not UTF-8 text") from None
            except csv.Error as error:
                yield line + 1, {}, f"not valid CSV ({error})"
                line = reader.line_num
                continue
            first_line, line = line + 1, reader.line_num
            fields = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k is not None}
            if not any(fields.values()):
                continue  # a blank line
            yield first_line, fields, "more cells than columns in the header" if None in raw else None
