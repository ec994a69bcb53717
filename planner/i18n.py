"""The words of each language, in one place: gettext catalogs (planner/locale), read with the standard library.

English is the source language: without a catalog, a message is its own translation. French is
chosen by `--lang fr`, or else by the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set
(as gettext reads them). Click's own words (Usage:, Options:, its error messages) come from the
same catalog, so that a French run is French from the first line to the last.
"""

import functools
import gettext
import os
import re
from datetime import date

DOMAIN = "planner"
LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")
LANGUAGES = ("en", "fr")
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
NBSP = "\u00a0"  # before a colon, a percent sign, inside guillemets (OQLF)

_active: gettext.NullTranslations = gettext.NullTranslations()
language = "en"
_told = False  # click's modules still call gettext's own functions, which search the system's catalogs


def _(message: str) -> str:
    """The message in the current language."""
    return _active.gettext(message)


def N_(message: str) -> str:
    """A message marked for the catalog where it is defined (a table's text), translated by marked() where it is shown."""
    return message


def marked(message: str) -> str:
    """The translation of a message marked by N_()."""
    return _active.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _active.ngettext(singular, plural, count)


def from_environment(environ=os.environ) -> str:
    """The language the environment asks for: the first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set."""
    for variable in ENVIRONMENT:
        value = environ.get(variable)
        if value:
            first = value.split(":")[0].strip().lower()  # LANGUAGE may list several: fr:en
            return "fr" if re.match(r"fr([_.@-]|$)", first) else "en"
    return "en"


def requested(args: list[str], environ=os.environ) -> str:
    """The language of a run: --lang on its command line (before the command's own arguments), else the
    environment's."""
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1].strip().lower()
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1].strip().lower()
    return from_environment(environ)


def use(wanted: str) -> None:
    """Speak `wanted` (en or fr) from now on, click's own words included."""
    global _active, language, _told
    wanted = wanted if wanted in LANGUAGES else "en"
    if wanted == language and _told:
        return
    if wanted == "en":
        _active = gettext.NullTranslations()
    else:
        # The catalog read directly: gettext.translation() would look for it under every spelling of
        # the language (importing locale to normalise them) where there is one file to open.
        with open(os.path.join(LOCALE_DIR, wanted, "LC_MESSAGES", f"{DOMAIN}.mo"), "rb") as catalog:
            _active = gettext.GNUTranslations(catalog)
    language = wanted
    tell_click()
    _told = True


@functools.lru_cache(maxsize=8)
def in_every_language(message: str) -> tuple[str, ...]:
    """The message in English and in each translation, whatever the run speaks: how a file planner
    wrote in another language is still recognised as its own."""
    found = [message]
    for other in LANGUAGES[1:]:
        with open(os.path.join(LOCALE_DIR, other, "LC_MESSAGES", f"{DOMAIN}.mo"), "rb") as catalog:
            found.append(gettext.GNUTranslations(catalog).gettext(message))
    return tuple(found)


def tell_click() -> None:
    """Click's modules each bound gettext's functions at import: point them at the current catalog."""
    import sys

    for name in ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils",
                 "shell_completion"):
        module = sys.modules.get(f"click.{name}")
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = _active.gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _active.ngettext


# Dates in sentences, as the OQLF writes them: "le 1er septembre 2027"; ISO dates stay in tables.
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")


# Abbreviated as the OQLF abbreviates them (janv., févr., juill.); English as C's strftime("%b").
SHORT_MONTHS_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juill.", "août", "sept.", "oct.", "nov.", "déc.")
SHORT_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def short_month(month: int) -> str:
    return (SHORT_MONTHS_FR if language == "fr" else SHORT_MONTHS_EN)[month - 1]


def month_name(month: int) -> str:
    return (MONTHS_FR if language == "fr" else MONTHS_EN)[month - 1]


def long_date(day: date, article: bool = True) -> str:
    """A date in a sentence: '1 September 2027'; in French 'le 1er septembre 2027' (the 1st as 1er)."""
    if language != "fr":
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    number = "1er" if day.day == 1 else str(day.day)
    return f"{'le ' if article else ''}{number}{NBSP}{MONTHS_FR[day.month - 1]} {day.year}"


def in_sentence(day: date) -> str:
    """A date inside a sentence: ISO in English (2027-09-01), as people write it in French (1er septembre 2027).

    The French has no article: the sentence around it says "le", "d’ici le", "au".
    """
    return long_date(day, article=False) if language == "fr" else day.isoformat()


def days(count: int) -> str:
    """A number of days: '1 day', '3 days'; in French '1 jour', '3 jours' (0 and 1 take the singular)."""
    return ngettext("{count} day", "{count} days", abs(count)).format(count=count)


def clock(moment) -> str:
    """A time of day, 24-hour: 07:30 in English; 7 h 30 in French, as the OQLF writes it."""
    if language == "fr":
        return f"{moment.hour}{NBSP}h{NBSP}{moment.minute:02d}"
    return f"{moment:%H:%M}"


def number(count: int) -> str:
    """A whole number as people read it: 2,843 in English; 2 843 (a non-breaking space) in French."""
    return f"{count:,}".replace(",", NBSP) if language == "fr" else f"{count:,}"


def percent(value: float) -> str:
    """A chance as people read it: 58% in English, 58 % (non-breaking space) in French."""
    number = round(value * 100)
    return f"{number}{NBSP}%" if language == "fr" else f"{number}%"


def cited(text: str) -> str:
    """Words quoted from a page as it writes them: "text" in English, « text » in French."""
    return f"«{NBSP}{text}{NBSP}»" if language == "fr" else f'"{text}"'


def quoted(text: str) -> str:
    """What a person typed, quoted: 'text' in English, « text » in French."""
    return f"«{NBSP}{text}{NBSP}»" if language == "fr" else f"'{text}'"
