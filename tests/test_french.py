"""planner in French: `check` for every verdict against golden files read line by line, the default
timeline's French text kept beside its English, and no English sentence in a French check."""

import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import i18n
from planner import template as template_module
from planner.errors import TemplateError
from planner.template import BUILTIN_DIR

GOLDEN = Path(__file__).parent / "golden" / "fr"
TEXT = (BUILTIN_DIR / "mila.toml").read_text(encoding="utf-8")
NBSP = "\u00a0"

CASES = {
    "feasible": ["--invited", "2026-12-01", "--start", "2028-09-01", "--today", "2026-11-23"],
    "at_risk": ["--invited", "2026-12-01", "--start", "2027-09-01", "--today", "2026-11-23"],
    "not_feasible": ["--invited", "2026-12-01", "--start", "2027-04-01", "--today", "2026-11-23"],
    # The decision's worst case (2027-09-05) passed with no decision: at risk, no chance, no safe start.
    "overdue": ["--invited", "2026-12-01", "--start", "2027-12-01", "--applied", "2027-01-05", "--today", "2027-09-20"],
    "no_invitation": ["--start", "2027-09-01", "--today", "2026-11-23"],
    "short_stay": ["--invited", "2026-12-01", "--start", "2027-09-01", "--end", "2027-11-30", "--today", "2026-11-23",
                   "--university", "laval"],
}


@pytest.fixture(autouse=True)
def english_after():
    yield
    i18n.use("en")


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_french_check(run, case, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = run("--lang", "fr", "check", *CASES[case]).stdout
    golden = GOLDEN / f"check_{case}.txt"
    if os.environ.get("PLANNER_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")
    assert max(len(line) for line in out.splitlines() if "://" not in line) <= 80  # an address is not cut


def test_the_environment_chooses_french_and_english_stays_byte_for_byte(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    english = run("check", *CASES["at_risk"]).stdout
    monkeypatch.setenv("LANG", "fr_CA.UTF-8")
    french = run("check", *CASES["at_risk"]).stdout
    assert french == (GOLDEN / "check_at_risk.txt").read_text(encoding="utf-8")
    assert run("--lang", "en", "check", *CASES["at_risk"]).stdout == english
    assert english.startswith("Research internship at Mila, Montréal (Canadian work permit)\n")
    assert "AT RISK: the start holds only if the permit decision arrives by 2027-07-28" in english


def test_french_sentences_say_dates_as_people_write_them(run):
    out = run("--lang", "fr", "check", *CASES["not_feasible"]).stdout
    # In a sentence: "le 1er avril 2027" (the first of the month as 1er); in the table: ISO dates.
    assert f"Pour un début le 1er{NBSP}avril 2027, l’invitation aurait dû arriver" in re.sub("[ \n]+", " ", out)
    assert "2026-12-01" in out and "1 avril" not in out
    assert f"NON RÉALISABLE{NBSP}: même dans le meilleur cas, le début est manqué de 117 jours." in re.sub("[ \n]+", " ", out)


def test_one_day_and_no_day_take_the_french_singular():
    i18n.use("fr")
    assert [i18n.days(n) for n in (0, 1, 2, -1)] == ["0 jour", "1 jour", "2 jours", "-1 jour"]
    i18n.use("en")
    assert [i18n.days(n) for n in (0, 1, 2, -1)] == ["0 days", "1 day", "2 days", "-1 day"]


# Words that make an English sentence; a French check holds none outside the sources' titles and addresses.
ENGLISH = re.compile(r"\b(the|is|by|of|and|to|at|with|not|days?|worst|best|safe|due|until|from|planned|expected|"
                     r"done|start|end|permit|wait|chance|likely|line|none|error)\b", re.I)


def english_left(out: str) -> list[str]:
    loaded = template_module.load()
    proper = [source.title for source in loaded.sources.values()] + list(loaded.universities.values())
    proper += ["planner templates", "--done ID=DATE", "--country", "biometric_letter=DATE"]
    found = []
    for line in out.split("\n\n"):
        text = re.sub(r"https?://\S+", "", " ".join(line.split()))
        # Options and step ids are typed as they are.
        text = re.sub(r"--[a-z-]+(=\S+)?|\b[a-z]+_[a-z_]+\b", "", text)
        for name in proper:
            text = text.replace(name, "")
        text = re.sub(r"\b(country|Mila|IRCC|MyMila)\b", "", text)  # a CSV column's name, names of places
        found += [match.group(0) for match in ENGLISH.finditer(text)]
    return found


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(invited=st.dates(date(2026, 6, 1), date(2027, 6, 1)),
       months=st.integers(3, 30), today_after=st.integers(-60, 400), medical=st.booleans(),
       short=st.booleans(), applied_after=st.one_of(st.none(), st.integers(20, 60)))
def test_a_french_check_holds_no_english_sentence(run, monkeypatch, invited, months, today_after, medical, short,
                                                  applied_after):
    from dateutil.relativedelta import relativedelta

    monkeypatch.setenv("LANG", "fr_CA.UTF-8")
    start = invited + relativedelta(months=months)
    today = invited + timedelta(days=today_after)
    args = ["check", "--invited", invited, "--start", start, "--today", today]
    args += ["--end", start + timedelta(days=60)] if short else []
    args += ["--medical"] if medical else []
    if applied_after is not None and invited + timedelta(days=applied_after) <= today:
        args += ["--applied", invited + timedelta(days=applied_after)]
    result = run(*args)
    assert result.exit_code in (0, 3, 4), result.output
    assert english_left(result.stdout) == [], result.stdout


def test_the_default_timeline_has_french_for_every_text_beside_its_english():
    i18n.use("fr")
    template_module._load_cached.cache_clear()
    french = template_module.load()
    assert french.untranslated == ()
    assert french.title == "Stage de recherche à Mila, Montréal (permis de travail canadien)"
    steps = {s.id: s for s in french.all_steps}
    assert steps["medical_exam"].title == "Examen médical aux fins de l’immigration"
    assert steps["permit_processing"].outcome == "décision" and steps["medical_exam"].outcome == "résultat"
    # A checklist item's condition holds for its French text too.
    assert steps["registration"].checklist[0] == (
        "Demander à la professeure ou au professeur quelle université affiliée accueille le stage", "not university")
    i18n.use("en")
    english = template_module.load()
    assert {s.id: s.title for s in english.all_steps}["medical_exam"] == "Immigration medical exam"
    assert len(english.checklist) == len(french.checklist)


def write(tmp_path, text: str) -> str:
    path = tmp_path / "timeline.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_template_without_french_is_shown_in_english_and_said_once(tmp_path, capsys):
    english_only = re.sub(r"^fr\.[a-z_]+ = (\"[^\n]*\"|\[[^\]]*\])\n", "", TEXT, flags=re.M)
    assert "fr." not in english_only
    path = write(tmp_path, english_only)
    i18n.use("fr")
    loaded = template_module.load(path)
    assert {s.id: s.title for s in loaded.all_steps}["medical_exam"] == "Immigration medical exam"
    template_module.load(path)
    said = capsys.readouterr().err
    assert said.count("n’ont pas de texte français; elles s’affichent en anglais.") == 1
    assert said.startswith(f"{path}{NBSP}: {len(loaded.untranslated)} entrées")
    i18n.use("en")
    template_module.load(path)
    assert capsys.readouterr().err == ""  # in English nothing is missing


@pytest.mark.parametrize("change, english, french", [
    ('fr.title = "Examen médical aux fins de l’immigration"',
     None, None),
    ('fr.titre = "Examen médical"', "step 'medical_exam': fr: unknown field 'titre'",
     "étape «\u00a0medical_exam\u00a0»\u00a0: fr\u00a0: champ inconnu, «\u00a0titre\u00a0»"),
    ('fr.duration = "1 mois"', "step 'medical_exam': fr: unknown field 'duration'",
     "étape «\u00a0medical_exam\u00a0»\u00a0: fr\u00a0: champ inconnu, «\u00a0duration\u00a0»"),
    ('fr.title = 3', "step 'medical_exam': fr: 'title' must be a non-empty string (found 3)",
     "étape «\u00a0medical_exam\u00a0»\u00a0: fr\u00a0: «\u00a0title\u00a0» doit être une chaîne non vide (trouvé\u00a0: 3)"),
    ('fr.checklist = ["Un", "Deux"]', "step 'medical_exam': fr.checklist must have the English checklist's 1 items",
     "étape «\u00a0medical_exam\u00a0»\u00a0: fr.checklist doit reprendre, dans le même ordre, les éléments de la liste "
     "de contrôle en anglais (1)"),
    ('fr.skipped = "sans objet"', "step 'medical_exam': fr.skipped translates 'skipped', which the table does not have",
     "étape «\u00a0medical_exam\u00a0»\u00a0: fr.skipped traduit «\u00a0skipped\u00a0», qui ne figure pas dans la table"),
])
def test_french_text_is_checked_in_every_language(tmp_path, change, english, french):
    checklist = ('fr.checklist = [\n    "Prendre rendez-vous avec un médecin désigné (sur la liste d’IRCC) dans les 30 '
                 'jours suivant les instructions d’IRCC",\n]\n')
    assert checklist in TEXT
    text = TEXT.replace(checklist, "", 1).replace('fr.title = "Examen médical aux fins de l’immigration"', change, 1)
    path = write(tmp_path, text)
    for language, message in (("en", english), ("fr", french)):
        i18n.use(language)
        if message is None:
            template_module.load(path)
            continue
        with pytest.raises(TemplateError, match=re.escape(message)):  # said in the run's language
            template_module.load(path)


def test_the_english_detector_finds_english():
    # The test above would pass on anything if the detector found nothing: on English it finds plenty.
    assert len(english_left(check_text_in("en"))) > 20


def check_text_in(language: str) -> str:
    from planner.cli import cli
    from click.testing import CliRunner

    return CliRunner().invoke(cli, ["--lang", language, "check", *CASES["at_risk"]]).stdout


def help_texts():
    import inspect

    from planner.cli import cli

    def walk(command):
        yield command.__dict__.get("_english_help", command.help)
        for param in command.params:
            english = param.__dict__.get("_english_help", getattr(param, "help", None))
            if english:
                yield english
        for sub in getattr(command, "commands", {}).values():
            yield from walk(sub)

    return sorted({inspect.cleandoc(text) for text in walk(cli) if text})


def test_every_commands_help_has_its_french():
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "tools"))
    import msgfmt

    catalog = Path(__file__).parent.parent / "planner" / "locale" / "fr" / "LC_MESSAGES" / "planner.po"
    french = {e["msgid"]: e["msgstr"] for e in msgfmt.entries(catalog.read_text(encoding="utf-8"))}
    texts = help_texts()
    assert len(texts) > 80
    assert [text.splitlines()[0] for text in texts if text not in french] == []
    for text in texts:  # examples and options are the same in both languages
        examples = [line for line in text.splitlines() if line.startswith("    planner ")]
        translated = french[text][0] if isinstance(french[text], list) else french[text]
        assert examples == [line for line in translated.splitlines() if line.startswith("    planner ")]
        assert set(re.findall(r"--[a-z-]+", text)) == set(re.findall(r"--[a-z-]+", translated)), text


@pytest.mark.parametrize("command", ["check", "plan", "checklist", "batch", "agenda", "init", "done", "times",
                                     "times update", "publish"])
def test_help_is_french_from_the_first_line_to_the_last(run, command):
    french = run("--lang", "fr", *command.split(), "--help").stdout
    assert french.startswith(f"Utilisation{NBSP}: planner {command} ")
    assert "Afficher ce message et quitter." in french
    assert english_help_words(french) == []
    assert re.findall(r"\d\.\d", french) == []  # Québec writes 20,5: no number in French help is written 20.5
    assert run(*command.split(), "--help").stdout.startswith(f"Usage: planner {command} ")  # and back to English


HELP_COMMANDS = ["check", "plan", "checklist", "batch", "agenda", "init", "done", "undo", "set", "outreach",
                 "times", "times show", "times update", "publish", "templates"]


def taken_words(text: str) -> set[str]:
    """The words a help shows its options and arguments taking: its usage line's and its options' (FILE, STEP)."""
    usage = text.splitlines()[0].split(":", 1)[1]
    options = re.findall(r"^  (?:-\w, )?--[a-z-]+ (\S+)", text, flags=re.M)
    return {word for piece in [usage, *options] for word in re.findall(r"[A-ZÉ]{2,}", piece)}


def test_what_options_take_is_said_in_french_and_back_in_english(run):
    english = set().union(*(taken_words(run(*command.split(), "--help").stdout) for command in HELP_COMMANDS),
                          taken_words(run("--help").stdout))
    french = set().union(*(taken_words(run("--lang", "fr", *command.split(), "--help").stdout)
                           for command in HELP_COMMANDS), taken_words(run("--lang", "fr", "--help").stdout))
    assert {"STEP", "DAY", "FILE", "INTEGER", "TEXT", "COMMAND", "ARGS", "ROSTER"} <= english
    # The same in both languages: planner's own (OPTIONS, DATE, URL, CODE, JSON) and nothing else.
    assert english & french == {"OPTIONS", "DATE", "URL", "CODE"}
    assert {"ÉTAPE", "JOUR", "FICHIER", "ENTIER", "TEXTE", "COMMANDE", "ARGUMENTS", "LISTE"} <= french
    assert run("--lang", "fr", "done", "--help").stdout.startswith(f"Utilisation{NBSP}: planner done [OPTIONS] ÉTAPE [JOUR]")
    assert run("done", "--help").stdout.startswith("Usage: planner done [OPTIONS] STEP [DAY]")  # back, in one process
    assert f"Argument manquant «{NBSP}CHAMP{NBSP}»" in run("--lang", "fr", "set").stderr
    assert "Missing argument 'FIELD'" in run("set").stderr


def english_help_words(text: str) -> list[str]:
    text = re.sub(r"^\s*planner .*$", "", text, flags=re.M)  # examples
    text = re.sub(r"\[[^\]]*\]|--[a-z-]+|\b[A-Z_]{2,}\b|https?://\S+|`[^`]*`|\S+\.(ics|csv|toml|html|jsonl?)\b", "", text)
    return [m.group(0) for m in re.finditer(r"\b(the|is|of|and|with|without|when|from)\b", text)]


def test_a_french_calendar_parses_everywhere_and_speaks_french(run, tmp_path):
    from icalcheck import libical_errors, parse_everywhere

    path = tmp_path / "plan.ics"
    result = run("--lang", "fr", "plan", *CASES["at_risk"], "--name", "Ada Lovelace", "-o", path)
    assert result.exit_code in (0, 3), result.output
    data = path.read_bytes()
    summaries = [summary for _, _, summary in parse_everywhere(data)]
    assert "Échéance : Fournir les données biométriques (empreintes digitales et photo)" in summaries
    assert "Traitement de la demande de permis de travail : attente de décision (du meilleur au pire cas)" in summaries
    assert libical_errors(data) == []
    text = data.decode("utf-8").replace("\r\n ", "")
    assert "DESCRIPTION:Rappel : Échéance" in text.replace("\u00a0", " ")
    assert "X-WR-CALNAME:Plan de stage : Ada Lovelace" in text.replace("\u00a0", " ")


def test_a_french_checklist_page_says_it_is_french(run):
    page = run("--lang", "fr", "checklist", *CASES["at_risk"], "--format", "html").stdout
    assert '<html lang="fr">' in page and '<html lang="en">' not in page
    assert "<h2>Admissibilité</h2>" in page and ">juill.<" in page
    english = run("checklist", *CASES["at_risk"], "--format", "html").stdout
    assert '<html lang="en">' in english and ">Jul<" in english


ROSTER = Path(__file__).parent / "data" / "roster.csv"
AS_OF = ["--today", "2026-11-23"]


def french_outputs(run, folder: Path, monkeypatch) -> dict[str, str]:
    """What every command an intern, an advisor or a student runs prints in French (stdout and stderr)."""
    monkeypatch.chdir(folder)
    (folder / "other.json").write_text('{"visitor": {}}', encoding="utf-8")
    runs = {
        "check, no invitation": ["check", "--start", "2027-09-01", *AS_OF],
        "check --country": ["check", *CASES["at_risk"], "--country", "IN"],
        "check --medical": ["check", *CASES["at_risk"], "--medical"],
        "plan": ["plan", *CASES["at_risk"], "--name", "Ada", "-o", "ada.ics"],
        "checklist": ["checklist", *CASES["at_risk"]],
        "checklist markdown": ["checklist", *CASES["at_risk"], "--format", "markdown"],
        "agenda": ["agenda", ROSTER, "--today", "2027-01-20"],
        "batch": ["batch", ROSTER, "--out-dir", "plans", *AS_OF],
        "times IN": ["times", "IN", *AS_OF],
        "init": ["init", "--name", "Priya", "--invited", "2026-12-01", "--start", "2027-09-01", *AS_OF],
        "done": ["done", "registration", "2026-12-10", "--today", "2026-12-11"],
        "set": ["set", "university", "udem", "--today", "2026-12-11"],
        "undo": ["undo", "registration", "--today", "2026-12-11"],
        "check with a case": ["check", "--today", "2026-12-20"],
        "an impossible date": ["check", "--start", "2027-02-30"],
        "an unknown country": ["check", "--start", "2027-09-01", "--country", "Atlantis"],
        "an unknown step": ["check", *CASES["at_risk"], "--done", "registraton=2026-12-10"],
        "a step after today": ["check", *CASES["at_risk"], "--done", "registration=2026-12-10"],
        "months and end": ["check", "--start", "2027-09-01", "--months", "3", "--end", "2027-10-01"],
        "too long": ["check", "--start", "2027-09-01", "--months", "14"],
        "start before the invitation": ["check", "--invited", "2027-09-02", "--start", "2027-09-01"],
        "a missing option": ["plan", "--start", "2027-09-01", "--case", "nowhere.toml"],
        "an unknown university": ["check", "--start", "2027-09-01", "--university", "harvard"],
        "no case file": ["done", "registration", "--case", "nowhere.toml"],
        "outreach": ["outreach", "--start", "2027-09-01", "--today", "2026-08-01"],
        "times update from a missing file": ["times", "update", "--from", "nowhere.json"],
        "times update from another file": ["times", "update", "--from", "other.json"],
        "a bad reminder": ["plan", *CASES["at_risk"], "--remind", "2x", "-o", "r.ics"],
        "a bad number": ["check", "--start", "2027-09-01", "--months", "abc"],
        "a bad choice": ["checklist", *CASES["at_risk"], "--format", "pdf"],
        "an unknown option": ["check", "--strat", "2027-09-01"],
        "outreach --contacts": ["outreach", "--contacts", Path(__file__).parent / "data" / "contacts.csv",
                                "--today", "2026-10-01"],
    }
    return {name: (lambda result: result.stdout + result.stderr)(run(*args)) for name, args in runs.items()}


def test_every_command_speaks_french_under_a_french_locale(run, monkeypatch, tmp_path):
    monkeypatch.setenv("LANG", "fr_CA.UTF-8")
    monkeypatch.setenv("COLUMNS", "80")
    outputs = french_outputs(run, tmp_path, monkeypatch)
    assert all(outputs.values())
    left = {name: english_left(text.replace("summary.csv", "")) for name, text in outputs.items()}
    # Roster cells the advisor typed (names, a header) are the roster's, not planner's words.
    left["batch"] = [word for word in left["batch"] if word.lower() not in ("name",)]
    left["agenda"] = [word for word in left["agenda"] if word.lower() not in ("name",)]
    left["outreach --contacts"] = [word for word in left["outreach --contacts"] if word != "of"]  # University of Tokyo
    assert f"7{NBSP}h{NBSP}30" in outputs["outreach --contacts"] and "07:30" not in outputs["outreach --contacts"]
    assert {name: words for name, words in left.items() if words} == {}
    assert outputs["an impossible date"].startswith(f"Erreur{NBSP}: --start{NBSP}: «{NBSP}2027-02-30{NBSP}»")
    # What French quotes, it quotes in « »: click's own messages too, which quote as Python does.
    quoting = {name: text for name, text in outputs.items() if re.search(r"'[^' ]+'", text)}
    assert quoting == {}


ERRORS = [
    ["check", "--start", "2027-02-30"],
    ["check", "--start", "2027-09-01", "--country", "Atlantis"],
    ["check", *CASES["at_risk"], "--done", "registraton=2026-12-10"],
    ["check", *CASES["at_risk"], "--done", "registration=2026-12-10"],
    ["check", "--start", "2027-09-01", "--months", "3", "--end", "2027-10-01"],
    ["check", "--start", "2027-09-01", "--months", "14"],
    ["check", "--invited", "2027-09-02", "--start", "2027-09-01"],
    ["check", "--start", "2027-09-01", "--university", "harvard"],
    ["done", "registration", "--case", "nowhere.toml"],
    ["chekc"],
]


@pytest.mark.parametrize("name, args", [
    ("check_country", ["check", *CASES["at_risk"], "--country", "IN"]),
    ("times_in", ["times", "IN", "--today", "2026-11-23"]),
    ("plan_summary", ["plan", *CASES["at_risk"], "--name", "Ada Lovelace"]),
    ("checklist", ["checklist", *CASES["at_risk"], "--university", "udem"]),
    ("checklist_md", ["checklist", *CASES["at_risk"], "--format", "markdown"]),
    ("agenda", ["agenda", ROSTER, "--today", "2027-01-20"]),
    ("outreach", ["outreach", "--start", "2027-09-01", "--today", "2026-08-01"]),
    ("templates", ["templates"]),
    ("help", ["--help"]),
    *[(f"help_{'_'.join(command)}", [*command, "--help"]) for command in (
        ["check"], ["plan"], ["publish"], ["checklist"], ["init"], ["done"], ["undo"], ["set"], ["batch"], ["agenda"],
        ["outreach"], ["times"], ["times", "show"], ["times", "update"], ["templates"])],
    ("errors", None),
])
def test_golden_french_outputs(run, monkeypatch, tmp_path, name, args):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.chdir(tmp_path)
    if args is None:  # ten errors, a line each
        out = "".join(run("--lang", "fr", *error).stderr for error in ERRORS)
    else:
        result = run("--lang", "fr", *args)
        out = result.stdout + result.stderr
    out = out.replace(str(Path(__file__).resolve().parent.parent), "PROJECT")  # where the clone is
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("PLANNER_UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_the_french_checklist_prints_in_a_real_browser(run, tmp_path, paper):
    from browser import printed

    page = tmp_path / "ada.html"
    assert run("--lang", "fr", "checklist", "--name", "Ada", *CASES["at_risk"], "--format", "html",
               "-o", page).exit_code == 0
    html = page.read_text(encoding="utf-8")
    pages, text = printed(page, paper, tmp_path)
    assert 1 <= pages <= 3, f"{pages} pages on {paper}"
    flat = " ".join(text.split())
    for expected in ["Liste de contrôle du stage : Ada", "Admissibilité", "Étapes datées", "Conditions préalables",
                     "Présenter la demande de permis de travail", "Point de repli", "2027-07-28", "Sources"]:
        assert expected in flat, expected
    visible = re.sub(r"<style>.*?</style>|<svg.*?</svg>|<[^>]+>", " ", html, flags=re.S)
    assert len(re.findall(r"\d{4}-\d{2}-\d{2}", text)) == len(re.findall(r"\d{4}-\d{2}-\d{2}", visible))
    assert not re.search(r"\d{4}-(\d{2})?\s*$", text, flags=re.M), "a date broken at the end of a line"


@pytest.mark.parametrize("name", ["plan_at_risk.ics", "checklist.html", "batch_summary.csv", "batch_index.html"])
def test_golden_french_files(run, monkeypatch, tmp_path, name):
    """The files an intern imports and an advisor prints or opens, in French, read line by line."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # the calendar's stamps
    monkeypatch.chdir(tmp_path)
    if name == "plan_at_risk.ics":
        args = ["plan", *CASES["at_risk"], "--name", "Ada Lovelace", "--university", "udem", "-o", name]
    elif name == "checklist.html":
        args = ["checklist", *CASES["at_risk"], "--name", "Ada Lovelace", "--format", "html", "-o", name]
    else:
        args = ["batch", ROSTER, "--out-dir", "plans", "-j", "1", *AS_OF]
    result = run("--lang", "fr", *args)
    assert result.exit_code in (0, 5), result.output  # 5: the roster's three bad rows
    written = tmp_path / ("plans/" + name.split("_", 1)[1] if name.startswith("batch_") else name)
    data = written.read_bytes().replace(str(ROSTER).encode(), b"ROSTER")
    golden = GOLDEN / name
    if os.environ.get("PLANNER_UPDATE_GOLDEN"):
        golden.write_bytes(data)
    assert data == golden.read_bytes()
