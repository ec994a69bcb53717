"""The words of each language in one place: the French catalog is complete, exact and compiled; the language
of a run comes from --lang or the environment; French dates and typography as the OQLF writes them."""

import ast
import gettext
import re
import sys
from datetime import date
from pathlib import Path

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner import i18n
from planner.dates import parse_date

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "planner" / "locale" / "fr" / "LC_MESSAGES" / "planner.po"
sys.path.insert(0, str(ROOT / "tools"))
import msgfmt  # noqa: E402

ENTRIES = [e for e in msgfmt.entries(CATALOG.read_text(encoding="utf-8")) if e["msgid"]]
FRENCH = {e["msgid"]: e for e in ENTRIES}
# What click says to a person of planner's commands (its messages for developers are left in English).
CLICK_SAID = ["Usage:", "Options", "Commands", "Show this message and exit.", "Show the version and exit.",
              "Error: {message}", "Try '{command} {option}' for help.", "No such command {name!r}.",
              "No such option {name!r}.", "Missing option", "Missing argument", "Invalid value for {param_hint}: {message}",
              "Got unexpected extra argument ({args})", "Did you mean {possibility}?", "Aborted!",
              "Option {name!r} requires an argument.", "{value!r} is not {choice}.", "{value!r} is not a valid {number_type}.",
              "{value} is not in the range {range}.", "default: {default}", "required", "Missing command."]


def messages_in(path: Path) -> list[tuple[str, int]]:
    """(message, line) of every _("..."), N_("...") and ngettext("...", "...") in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_", "ngettext"):
            for argument in node.args[:2 if node.func.id == "ngettext" else 1]:
                assert isinstance(argument, ast.Constant) and isinstance(argument.value, str), \
                    f"{path.name}:{node.lineno}: a message must be a literal, not computed"
                found.append((argument.value, node.lineno))
    return found


def placeholders(text: str) -> set[str]:
    """The values a message is formatted with; {name!r} is {name}: French quotes in « », not as Python does."""
    return set(re.sub(r"![rsa]}", "}", found) for found in re.findall(r"\{[^{}]*\}|%\([a-z]+\)s", text))


# click names a number's type in English ("integer"): the French says "nombre" instead.
MAY_LEAVE_OUT = {"{value!r} is not a valid {number_type}.": {"{number_type}"}}


def test_every_message_in_the_code_is_in_the_french_catalog():
    plurals = {e["msgid_plural"] for e in ENTRIES if "msgid_plural" in e}
    missing = [f"{path.name}:{line}: {message!r}" for path in sorted((ROOT / "planner").glob("*.py"))
               for message, line in messages_in(path) if message not in FRENCH and message not in plurals]
    assert missing == []
    assert [m for m in CLICK_SAID if m not in FRENCH] == []


def test_every_entry_is_translated_not_fuzzy_and_keeps_its_placeholders():
    for entry in ENTRIES:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        assert entry.get("msgstr") and all(entry["msgstr"]), f"untranslated: {entry['msgid']!r}"
        wanted = placeholders(entry["msgid"]) - MAY_LEAVE_OUT.get(entry["msgid"], set())
        for text in entry["msgstr"]:
            # A singular may say "1" where its English says it; every other placeholder stays.
            assert placeholders(text) == wanted or "msgid_plural" in entry and placeholders(text) <= wanted | placeholders(
                entry["msgid_plural"]), (entry["msgid"], text)


def test_french_punctuation_is_the_oqlfs():
    for entry in ENTRIES:
        for text in entry["msgstr"]:
            text = re.sub(r"https?://\S*", "", text)  # an address keeps its colon
            assert not re.search(r"[^\u00a0]:(?!\w)", text) and not text.startswith(":"), f"colon: {text!r}"
            assert not re.search(r"[^\u00a0]%(?![(])", text), f"percent: {text!r}"
            assert not re.search(r"\s[;!?]", text), f"no space before ; ! ? in Québec: {text!r}"
            assert "«" not in text or "«\u00a0" in text and "\u00a0»" in text, f"guillemets: {text!r}"
            assert "'" not in text, f"the French apostrophe is ’: {text!r}"
            assert not re.search(r"![rsa]}", text), f"French quotes in « », not as Python does: {text!r}"


def test_the_shipped_catalog_is_its_source_compiled():
    shipped = CATALOG.with_suffix(".mo").read_bytes()
    assert shipped == msgfmt.compile_catalog(CATALOG.read_text(encoding="utf-8")), \
        "run: python tools/msgfmt.py planner/locale/fr/LC_MESSAGES/planner.po"
    translations = gettext.GNUTranslations(open(CATALOG.with_suffix(".mo"), "rb"))
    assert translations.gettext("Usage:") == "Utilisation\u00a0:"
    assert translations.ngettext("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.",
                                 2) == "L’option «\u00a0{name}\u00a0» demande {nargs}\u00a0arguments."


@pytest.mark.parametrize("environ, language", [
    ({"LANG": "fr_CA.UTF-8"}, "fr"), ({"LANG": "fr"}, "fr"), ({"LANG": "fr_FR@euro"}, "fr"),
    ({"LANG": "en_CA.UTF-8"}, "en"), ({"LANG": "C.UTF-8"}, "en"), ({}, "en"), ({"LANG": "fy_NL"}, "en"),
    ({"LANGUAGE": "fr:en", "LANG": "en_US.UTF-8"}, "fr"), ({"LANGUAGE": "en", "LANG": "fr_CA.UTF-8"}, "en"),
    ({"LC_ALL": "fr_BE.UTF-8", "LANG": "en_GB"}, "fr"), ({"LC_MESSAGES": "en_US", "LANG": "fr_CA"}, "en"),
    ({"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "fr_CH", "LANG": "en"}, "fr"),
])
def test_the_language_is_the_first_of_the_environment_that_is_set(environ, language):
    assert i18n.from_environment(environ) == language


def test_lang_on_the_command_line_comes_before_the_environment(run, monkeypatch):
    monkeypatch.setenv("LANG", "fr_CA.UTF-8")
    french = run("check", "--start", "2027-13-01")
    assert french.stderr == ("Erreur\u00a0: --start\u00a0: «\u00a02027-13-01\u00a0» n’est pas une date\u00a0: il n’y a "
                             "pas de mois 13\n")
    english = run("--lang", "en", "check", "--start", "2027-13-01")
    assert english.stderr == "Error: --start: '2027-13-01' is not a date: there is no month 13\n"
    monkeypatch.setenv("LANG", "en_CA.UTF-8")
    assert run("--lang", "fr", "check", "--help").stdout.startswith("Utilisation\u00a0: planner check [OPTIONS]")
    assert run("check", "--help").stdout.startswith("Usage: planner check [OPTIONS]")  # and back, in one process


def test_clicks_own_errors_are_french(run):
    result = run("--lang", "fr", "chek")
    assert result.stderr.splitlines() == [
        "Utilisation\u00a0: planner [OPTIONS] COMMANDE [ARGUMENTS]...",
        "Essayez «\u00a0planner --help\u00a0» pour obtenir de l’aide.", "",
        "Erreur\u00a0: Aucune commande «\u00a0chek\u00a0». (Vouliez-vous dire\u00a0: «\u00a0check\u00a0», "
        "«\u00a0checklist\u00a0»?)"]
    assert run("chek").stderr.splitlines()[-1] == "Error: No such command 'chek'. (Did you mean one of: 'check', 'checklist'?)"
    said = {args: (run("--lang", "fr", *args).stderr.splitlines()[-1], run(*args).stderr.splitlines()[-1]) for args in (
        ("check", "--months", "abc"), ("--lang", "xx"), ("check", "--strat", "2027-09-01"))}
    assert said == {
        ("check", "--months", "abc"): ("Erreur\u00a0: Valeur non valide pour «\u00a0--months\u00a0»\u00a0: «\u00a0abc\u00a0» "
                                       "n’est pas un nombre valide ici.",
                                       "Error: Invalid value for '--months': 'abc' is not a valid integer."),
        ("--lang", "xx"): ("Erreur\u00a0: Valeur non valide pour «\u00a0--lang\u00a0»\u00a0: «\u00a0xx\u00a0» n’est pas "
                           "l’une des valeurs «\u00a0en\u00a0», «\u00a0fr\u00a0».",
                           "Error: Invalid value for '--lang': 'xx' is not one of 'en', 'fr'."),
        ("check", "--strat", "2027-09-01"): ("Erreur\u00a0: Aucune option «\u00a0--strat\u00a0». Vouliez-vous dire "
                                             "«\u00a0--start\u00a0»?",
                                             "Error: No such option '--strat'. Did you mean '--start'?"),
    }
    assert "Afficher ce message et quitter." in run("--lang", "fr", "--help").stdout


@given(st.dates(date(2000, 1, 1), date(2099, 12, 31)))
def test_a_date_in_a_french_sentence_reads_back(day):
    i18n.use("fr")
    try:
        written = i18n.long_date(day)
    finally:
        i18n.use("en")
    assert written.startswith("le 1er\u00a0" if day.day == 1 else f"le {day.day}\u00a0")
    assert parse_date(written, "date") == day
    assert i18n.long_date(day) == f"{day.day} {i18n.MONTHS_EN[day.month - 1]} {day.year}"


def test_percent_and_quotes_follow_the_language():
    i18n.use("fr")
    try:
        assert (i18n.percent(0.58), i18n.quoted("Zoë")) == ("58\u00a0%", "«\u00a0Zoë\u00a0»")
    finally:
        i18n.use("en")
    assert (i18n.percent(0.58), i18n.quoted("Zoë")) == ("58%", "'Zoë'")
    assert click.core._("Usage:") == "Usage:"  # English again, click included
