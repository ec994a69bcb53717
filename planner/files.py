"""Writing files safely: atomically, never over a file the planner did not write unless forced."""

import os
import tempfile
from typing import Callable

from planner.errors import OutputError


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
