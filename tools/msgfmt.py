"""Compile a gettext .po catalog into the .mo file shipped with planner (no Babel, no GNU gettext needed).

    python tools/msgfmt.py planner/locale/fr/LC_MESSAGES/planner.po

writes planner.mo beside it. The output depends only on the catalog's entries (sorted, as GNU
msgfmt sorts them), so tests/test_i18n.py can check that the shipped .mo is the .po compiled.
"""

import ast
import struct
import sys
from pathlib import Path


def entries(text: str) -> list[dict]:
    """The catalog's entries: msgctxt, msgid, msgid_plural, msgstr (a list, for plurals), flags, line."""
    found, current, field = [], None, None

    def close():
        if current is not None and "msgid" in current:
            found.append(current)

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#,"):
            close()
            current, field = {"flags": {f.strip() for f in line[2:].split(",")}, "line": number}, None
            continue
        if line.startswith("#"):
            if current is not None and "msgid" in current:
                close()
                current, field = None, None
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if field[0] == "msgstr":
                current["msgstr"][field[1]] += value
            else:
                current[field[0]] += value
            continue
        if keyword == "msgid" and current is not None and "msgid" in current:
            close()
            current = None
        if current is None:
            current = {"flags": set(), "line": number}
        value = ast.literal_eval(rest)
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if "[" in keyword else 0
            strings = current.setdefault("msgstr", [])
            while len(strings) <= index:
                strings.append("")
            strings[index] = value
            field = ("msgstr", index)
        else:
            current[keyword] = value
            field = (keyword,)
    close()
    return found


def compile_catalog(text: str) -> bytes:
    """The .mo bytes of a catalog; fuzzy and untranslated entries are left out, as msgfmt does."""
    pairs = {}
    for entry in entries(text):
        strings = entry.get("msgstr", [""])
        if "fuzzy" in entry["flags"] and entry["msgid"]:
            continue
        if not any(strings) and entry["msgid"]:
            continue
        key = entry["msgid"]
        if "msgid_plural" in entry:
            key += "\0" + entry["msgid_plural"]
        if "msgctxt" in entry:
            key = entry["msgctxt"] + "\x04" + key
        pairs[key.encode("utf-8")] = "\0".join(strings).encode("utf-8")
    keys = sorted(pairs)
    ids = b"".join(k + b"\0" for k in keys)
    strs = b"".join(pairs[k] + b"\0" for k in keys)
    start = 7 * 4 + 16 * len(keys)
    offsets, position = [], 0
    for k in keys:
        offsets.append((len(k), start + position))
        position += len(k) + 1
    value_offsets, position = [], 0
    for k in keys:
        value_offsets.append((len(pairs[k]), start + len(ids) + position))
        position += len(pairs[k]) + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    tables = b"".join(struct.pack("ii", *pair) for pair in offsets + value_offsets)
    return header + tables + ids + strs


def main(paths: list[str]) -> None:
    for path in paths:
        source = Path(path)
        source.with_suffix(".mo").write_bytes(compile_catalog(source.read_text(encoding="utf-8")))


if __name__ == "__main__":
    main(sys.argv[1:])
