"""Timeline templates: the default one loads, and a template with a mistake is refused by name."""

from pathlib import Path

import pytest

from planner.errors import TemplateError
from planner.dates import ZERO, Duration
from planner.template import BUILTIN_DIR, Dependency, builtin_templates, load

DEFAULT_TEXT = (BUILTIN_DIR / "mila.toml").read_text(encoding="utf-8")


def test_default_template_encodes_the_institutes_rules(mila):
    assert mila.max_months == 12
    processing = mila.step("permit_processing")
    assert (str(processing.duration.shortest), str(processing.duration.longest)) == ("6 months", "8 months")
    assert mila.cite(processing.source) == "Mila, Research Internships (https://mila.quebec/en/research-internships)"
    booking = mila.step("booking")
    # The permit's decision, or without a permit (a short stay's alternative) the entry document.
    assert booking.kind == "gate" and [d.step for d in booking.after] == ["permit_processing", "entry_document"]
    assert [s.id for s in mila.variant(mila.skipped_steps({})).steps if s.id == "entry_document"] == []
    assert set(mila.universities) == {"udem", "mcgill", "poly", "hec", "laval", "sherbrooke", "ets"}
    # Steps come in an order where each follows what it depends on.
    seen = set()
    for step in mila.steps:
        assert all(dep.step in seen for dep in step.after)
        seen.add(step.id)


def test_every_step_says_where_its_rule_comes_from(mila):
    for template in [load(str(p)) for p in builtin_templates()]:
        for step in template.steps:
            assert step.source or step.assumption, step.id


def test_a_template_is_parsed_once_while_unchanged(tmp_path):
    path = tmp_path / "copy.toml"
    path.write_text(DEFAULT_TEXT, encoding="utf-8")
    assert load(str(path)) is load(str(path))


def _broken(tmp_path, old, new):
    assert old in DEFAULT_TEXT
    path = tmp_path / "broken.toml"
    path.write_text(DEFAULT_TEXT.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(TemplateError) as error:
        load(str(path))
    message = str(error.value)
    assert message.startswith(str(path)), message
    assert "\n" not in message
    return message


def test_missing_and_unknown_templates_are_named(tmp_path):
    with pytest.raises(TemplateError, match="no such template file"):
        load(str(tmp_path / "nowhere.toml"))
    with pytest.raises(TemplateError, match="unknown template 'japan'; built-in templates: mila"):
        load("japan")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00title")
    with pytest.raises(TemplateError, match=r"binary.toml: not valid TOML \(not UTF-8 text\)$"):
        load(str(binary))
    broken = tmp_path / "broken.toml"
    broken.write_text(DEFAULT_TEXT.replace("max_months = 12", "max_months = 12\n[[[steps", 1), encoding="utf-8")
    line = DEFAULT_TEXT.splitlines().index("max_months = 12") + 2  # the line after it
    with pytest.raises(TemplateError, match=rf"broken.toml: not valid TOML \(.+ \(at line {line}, column 3\)\)$"):
        load(str(broken))


def test_the_parsed_template_cache_follows_edits_and_survives_damage(tmp_path, monkeypatch):
    import os

    from planner import template as module

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "mine.toml"
    path.write_text(DEFAULT_TEXT, encoding="utf-8")
    assert load(str(path)).title.startswith("Research internship at Mila")
    cached = list((tmp_path / "cache" / "planner" / "templates").iterdir())
    assert len(cached) == 1
    module._load_cached.cache_clear()
    assert load(str(path)).step("permit_processing").duration.longest.amount == 8  # read back from the cache

    path.write_text(DEFAULT_TEXT.replace('title = "Research internship at Mila', 'title = "Edited'), encoding="utf-8")
    os.utime(path, ns=(1, 2_000_000_000))
    assert load(str(path)).title.startswith("Edited")  # a changed file is parsed anew

    module._load_cached.cache_clear()
    for entry in (tmp_path / "cache" / "planner" / "templates").iterdir():
        entry.write_bytes(b"not marshal")
    assert load(str(path)).title.startswith("Edited")  # a damaged cache is ignored


def _minimal(tmp_path, extra="", step_extra="", name="small"):
    from test_engine import END, HEAD, START, step

    path = tmp_path / f"{name}.toml"
    path.write_text(HEAD.format(max_months=6) + step("wait", "wait", ["invitation"], ["10 days", "20 days"])
                    + step_extra + START.format(into_start='"wait"') + END + extra, encoding="utf-8")
    return path


def _refusal(path):
    """The one line a template that cannot be right is refused with."""
    with pytest.raises(TemplateError) as error:
        load(str(path))
    return str(error.value)


def test_a_minimal_template_takes_the_documented_defaults(tmp_path):
    small = load(str(_minimal(tmp_path, extra='\n[[checklist]]\ngroup = "Papers"\nitem = "Passport"\n')))
    assert (small.name, small.title, small.summary, small.max_months, small.max_months_source) == (
        "small", "A small timeline", "", 6, None)
    assert (small.universities, small.universities_source, small.passport, small.alternatives) == ({}, (), None, ())
    assert small.outreach == {}
    wait = small.step("wait")
    assert (wait.category, wait.why, wait.skipped, wait.deadline, wait.checklist, wait.requires) == (
        "Internship", "", "", "finish", (), ())
    assert (wait.actual, wait.condition, wait.when, wait.due_within, wait.published_times, wait.source) == (
        None, None, None, None, None, None)
    assert wait.assumption == "a test step" and wait.title == "Wait"
    assert [s.id for s in small.all_steps] == ["invitation", "wait", "start", "end"]
    assert small.ancestors["start"] == frozenset({"invitation", "wait"})
    item, = small.checklist
    assert (item.group, item.item, item.source, item.assumption, item.optional, item.rule, item.step) == (
        "Papers", "Passport", None, None, False, None, None)


# The refusals of a step, and of a table, of the minimal timeline: (what is added, the line after the file's name).
STEP_REFUSALS = [
    ('\n[[steps]]\nid = "x"\nkind = "task"\ntitle = "X"\nafter = ["wait"]\nduration = "1 day"\nassumption = "a"\nanchor = "start"\n',
     "step 'x': anchor must be one of invited, start, end, on a milestone"),
    ('\n[[steps]]\nid = "x"\nkind = "task"\ntitle = "X"\nafter = ["wait"]\nduration = "1 day"\nassumption = "a"\nactual = "done"\n',
     "step 'x': actual must be one of applied, approved"),
    ('\n[[steps]]\nid = "x"\nkind = "chore"\ntitle = "X"\nafter = ["wait"]\nassumption = "a"\n',
     "step 'x': unknown kind 'chore' (use one of milestone, task, wait, gate)"),
    ('\n[[steps]]\nid = "x"\nkind = "task"\ntitle = "X"\nafter = ["wait"]\nassumption = "a"\n',
     "step 'x': missing field 'duration'"),
    ('\n[[steps]]\nid = "x"\nkind = "milestone"\ntitle = "X"\nafter = ["wait"]\nduration = "1 day"\nassumption = "a"\n',
     "step 'x': a milestone has no duration"),
    ('\n[[steps]]\nid = "x"\nkind = "task"\ntitle = "X"\nafter = ["wait"]\nduration = ["1 day", "2 days"]\nassumption = "a"\n',
     "step 'x': only a wait may have a duration range"),
    ('\n[[steps]]\nid = "x"\nkind = "task"\ntitle = "X"\nduration = "1 day"\nassumption = "a"\n',
     "step 'x': missing field 'after' (every step but an anchor follows another)"),
    ('\n[[steps]]\nid = "x"\nkind = "task"\ntitle = "X"\nafter = ["wait"]\nduration = "1 day"\n',
     "step 'x': needs a 'source' or an 'assumption' (every rule says where it comes from)"),
    ('\n[[steps]]\nid = "x"\nkind = "gate"\ntitle = "X"\nafter = ["wait"]\nduration = "1 day"\nassumption = "a"\n',
     "step 'x': a gate needs a 'condition' (what must be confirmed first)"),
    ('\n[[steps]]\nid = "x"\nkind = "wait"\ntitle = "X"\nafter = ["wait"]\nduration = "1 day"\nassumption = "a"\ndeadline = "begin"\n',
     "step 'x': deadline must be \"finish\" or, on a task or gate, \"begin\""),
    ('\n[[steps]]\nid = "x"\nkind = "task"\ntitle = "X"\nafter = ["wait"]\nduration = "1 day"\nassumption = "a"\ndeadline = "soon"\n',
     "step 'x': deadline must be \"finish\" or, on a task or gate, \"begin\""),
    ('\n[[steps]]\nid = "x"\nkind = "task"\ntitle = "X"\nafter = ["wait"]\nduration = "1 day"\nassumption = "a"\nchecklist = ["ok", " "]\n',
     "step 'x': 'checklist' must be a list of non-empty strings or { item = \"...\", when = \"...\" } tables "
     "(found ['ok', ' '])"),
    ('\n[[steps]]\nid = "x"\nkind = "task"\ntitle = "X"\nafter = [{ step = "wait", lag = ["1 day", "2 days"] }]\nduration = "1 day"\nassumption = "a"\n',
     "step 'x': a lag must be a single duration"),
    ('\n[[steps]]\nid = "x"\nkind = "task"\ntitle = "X"\nafter = [{ lag = "1 day" }]\nduration = "1 day"\nassumption = "a"\n',
     "step 'x': 'after' entries are step ids or { step = \"id\", lag = \"7 days\" }"),
    ('\n[[steps]]\nid = "x"\nkind = "milestone"\nanchor = "end"\ntitle = "X"\nafter = ["wait"]\nassumption = "a"\n',
     "step 'x': an 'end' anchor cannot depend on other steps"),
    ('\n[[steps]]\nid = "x"\nkind = "task"\ntitle = "X"\nafter = ["wait"]\nduration = "1 day"\nassumption = "a"\nactual = "applied"\n'
     '\n[[steps]]\nid = "y"\nkind = "task"\ntitle = "Y"\nafter = ["wait"]\nduration = "1 day"\nassumption = "a"\nactual = "applied"\n',
     "more than one step takes the actual 'applied'"),
    ('\n[[steps]]\nkind = "task"\ntitle = "X"\nafter = ["wait"]\nduration = "1 day"\nassumption = "a"\n',
     "step 3 has no 'id'"),
]

TABLE_REFUSALS = [
    ('\n[[checklist]]\ngroup = "G"\nitem = "I"\nrule = "always"\n',
     "checklist item 1: unknown rule 'always' (use one of invited, max_months, medical, passport)"),
    ('\n[[checklist]]\ngroup = "G"\n', "checklist item 1: missing field 'item'"),
    ('\n[[checklist]]\ngroup = "G"\nitem = "I"\nstep = "start"\n',
     "checklist item 1: step 'start' is not a step of this template (anchors are dates, not steps)"),
    ('\n[passport]\nrule = " "\n', "[passport]: 'rule' must be a non-empty string"),
    ('\n[passport]\nrule = "R"\n[passport.universities.mcgill]\nmonths = 3\nassumption = "a"\n',
     "[passport]: unknown university 'mcgill'"),
    ('\n[universities]\nmcgill = "McGill University"\n[passport]\nrule = "R"\n[passport.universities.mcgill]\nmonths = 25\nassumption = "a"\n',
     "[passport]: universities.mcgill needs months (0 to 24) and an assumption"),
    ('\n[universities]\nmcgill = "McGill University"\n[passport]\nrule = "R"\n[passport.universities.mcgill]\nmonths = true\nassumption = "a"\n',
     "[passport]: universities.mcgill needs months (0 to 24) and an assumption"),
    ('\n[universities]\nmcgill = "McGill University"\n[passport]\nrule = "R"\n[passport.universities.mcgill]\nmonths = 3\n',
     "[passport]: universities.mcgill needs months (0 to 24) and an assumption"),
    ('\n[[alternatives]]\nid = "a"\ntitle = "A"\nwhen = "stay_days <= 120"\nsets = "visa"\nrule = "R"\nassumption = "x"\n',
     "alternative 1: 'sets' must be one of the facts (medical, biometrics_valid, stay_days, permit_exempt, university)"),
    ('\n[[alternatives]]\nid = "a"\ntitle = " "\nwhen = "stay_days <= 120"\nsets = "permit_exempt"\nrule = "R"\nassumption = "x"\n',
     "alternative 1: 'title' must be a non-empty string"),
    ('\n[[alternatives]]\nid = "a"\ntitle = "A"\nwhen = "stay_days <= 120"\nsets = "permit_exempt"\nrule = "R"\n',
     "alternative 1: needs a 'source' or an 'assumption'"),
]


def test_a_passport_rule_and_an_alternative_are_read_as_written(tmp_path):
    extra = ('\n[universities]\nmcgill = "McGill University"\n'
             '[passport]\nrule = "R"\n[passport.universities.mcgill]\nmonths = 0\nassumption = "none"\n'
             '\n[[alternatives]]\nid = "a"\ntitle = "A"\nwhen = "stay_days <= 120"\nsets = "permit_exempt"\nrule = "R2"\n'
             'assumption = "x"\n')
    small = load(str(_minimal(tmp_path, extra=extra)))
    assert small.passport == {"rule": "R", "source": None, "months_after": {"mcgill": (0, "none")}}
    alternative, = small.alternatives
    assert tuple(alternative) == ("a", "A", "stay_days <= 120", "permit_exempt", "R2", None, "x")


def test_every_field_the_default_timeline_gives_is_read_as_given():
    """Each field as calendars/mila.toml writes it: none falls back to its default."""
    from planner import template

    template._load_cached.cache_clear()  # read here, not taken from an earlier test
    mila = load("mila")
    assert mila.summary.startswith("An invited graduate student registers at the professor's affiliated university")
    assert mila.max_months_source == "mila_internships"
    assert mila.universities_source == ("mila_internships", "mila_life", "mila_programs")
    assert mila.universities["ets"] == "École de technologie supérieure (ÉTS)"
    assert mila.sources["student_account"].url == "https://blog.goodaudience.com/getting-a-ml-research-internship-cca6250605f1"
    assert set(mila.outreach) >= {"programs"} and mila.outreach["programs"]
    biometrics = mila.step("biometrics")
    assert (biometrics.category, biometrics.when, biometrics.due_within) == (
        "Permit", "not biometrics_valid and not permit_exempt", Duration(30, "days"))
    assert biometrics.skipped == "biometrics given in the last 10 years are still valid"
    assert biometrics.why.startswith("Biometrics are needed for a work permit unless those given in the past 10 years")
    letter = mila.step("biometric_letter")
    assert letter.why.startswith("After the application and the biometric fee, IRCC sends a biometric instruction letter")
    assert (letter.kind, letter.expected, letter.after[0].lag) == ("milestone", True, Duration(7, "days"))
    assert mila.step("medical_exam").outcome == "result" and mila.step("permit_processing").outcome == "decision"
    assert mila.host == "Mila"
    assert biometrics.assumption.startswith("Booking an appointment at a visa application centre and giving biometrics")
    assert biometrics.checklist == (("Book a visa application centre appointment when the instruction letter arrives, "
                                     "and bring it with the passport", None),)
    assert (biometrics.source, biometrics.after) == ("ircc_biometrics", (Dependency("biometric_letter", ZERO),))
    assert mila.step("registration").checklist[0] == ("Ask the professor which affiliated university hosts the "
                                                      "internship", "not university")
    processing = mila.step("permit_processing")
    assert (processing.published_times, processing.requires, processing.actual) == (
        "ircc_work_permit", ("biometrics",), "approved")
    booking = mila.step("booking")
    assert (booking.condition, booking.category, booking.deadline) == ("the work permit is confirmed", "Travel", "finish")
    assert mila.step("travel").deadline == "begin"
    assert mila.step("registration").title == "Register as research intern at {university}"
    assert mila.step("permit_application").actual == "applied"
    items = {item.item: item for item in mila.checklist}
    invited = items["Invited by a Mila faculty member to do research in their lab"]
    assert (invited.group, invited.rule, invited.step, invited.source, invited.optional) == (
        "eligibility", "invited", None, "mila_internships", False)
    registered = items["Registered as research intern at the professor's affiliated university"]
    assert (registered.rule, registered.step) == (None, "registration")
    assert items["Letter of recommendation"].optional is True
    assert items["Internship of at most 12 months"].rule == "max_months"
    short, = mila.alternatives
    assert (short.id, short.when, short.sets, short.source) == ("short_stay", "stay_days <= 120", "permit_exempt",
                                                                "ircc_researchers")
    assert mila.passport["source"] == "ircc_arrival" and mila.passport["months_after"]["laval"][0] == 3


def _fresh_load(path):
    from planner import template

    template._load_cached.cache_clear()
    return load(str(path))


def test_a_parsed_template_is_kept_in_the_users_cache_and_read_back(tmp_path, monkeypatch):
    import zlib

    from planner import template

    path = tmp_path / "copy.toml"
    path.write_text(DEFAULT_TEXT, encoding="utf-8")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    first = _fresh_load(path)
    stat = path.stat()
    key = f"{path.resolve()}\0{stat.st_mtime_ns}\0{stat.st_size}".encode("utf-8", "surrogateescape")
    cached = tmp_path / "home" / ".cache" / "planner" / "templates" / f"{zlib.crc32(key):08x}-{stat.st_size}-{stat.st_mtime_ns}.marshal"
    assert cached.is_file() and not list(cached.parent.glob("*.tmp"))
    # Read back from the cache: the TOML is not parsed again, and the template is the same.
    monkeypatch.setattr(template, "_parse", lambda *a: (_ for _ in ()).throw(AssertionError("parsed again")))
    again = _fresh_load(path)
    assert again.steps == first.steps and again.checklist == first.checklist and again.sources == first.sources


@pytest.mark.parametrize("content", [b"", b"\x00garbage", b"\xe9"])
def test_a_broken_cache_file_is_ignored(tmp_path, monkeypatch, content):
    from planner import template

    path = tmp_path / "copy.toml"
    path.write_text(DEFAULT_TEXT, encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    stat = path.stat()
    cache = template._cache_path(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    Path(cache).parent.mkdir(parents=True)
    Path(cache).write_bytes(content)
    assert _fresh_load(path).step("registration").duration.shortest.amount == 14


def test_no_cache_when_asked_for_none(tmp_path, monkeypatch):
    path = tmp_path / "copy.toml"
    path.write_text(DEFAULT_TEXT, encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("PLANNER_NO_CACHE", "1")
    assert _fresh_load(path).max_months == 12
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize(
    "name, message",
    [
        ("nosuch", "unknown template 'nosuch'; built-in templates: mila (or give a path to a .toml file)"),
        ("nosuch.toml", "nosuch.toml: no such template file"),
        ("dir/nosuch", "dir/nosuch: no such template file"),
        ("x" * 300, "x" * 77 + "...: cannot read the template (File name too long)"),
    ],
)
def test_a_template_name_that_is_none_is_one_line(name, message):
    with pytest.raises(TemplateError) as error:
        load(name)
    assert str(error.value) == message


def test_a_template_is_found_by_name_path_or_default(tmp_path):
    from planner.template import resolve

    assert resolve(None) == resolve("mila") == BUILTIN_DIR / "mila.toml"
    path = tmp_path / "mine"
    path.write_text(DEFAULT_TEXT, encoding="utf-8")
    assert resolve(str(path)) == path  # an existing file, whatever its name
    with pytest.raises(TemplateError) as error:
        resolve(str(tmp_path))
    assert str(error.value) == f"{tmp_path}: is a directory, not a template file"


def test_a_template_without_a_maximum_allows_twelve_months_and_a_lag_defaults_to_none(tmp_path):
    path = _minimal(tmp_path, step_extra='\n[[steps]]\nid = "x"\nkind = "task"\ntitle = "X"\n'
                                        'after = [{ step = "wait" }]\nduration = "1 day"\nassumption = "a"\n')
    path.write_text(path.read_text(encoding="utf-8").replace("max_months = 6\n", ""), encoding="utf-8")
    small = _fresh_load(path)
    assert small.max_months == 12
    assert small.step("x").after == (Dependency("wait", ZERO),)


def _step(text):
    """A step of its own after the minimal template's wait: `text` holds its other fields."""
    return f'\n[[steps]]\nid = "x"\ntitle = "X"\nassumption = "a"\n{text}\n'


def _with_top(path, lines):
    """The minimal template with top-level `lines` (before its first table)."""
    path.write_text(path.read_text(encoding="utf-8").replace("max_months = 6\n", f"max_months = 6\n{lines}\n"),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("max_months = 12", 'max_months = 12\ncolour = "red"', "unknown field 'colour'"),
        ('title = "Research internship at Mila, Montréal (Canadian work permit)"\n', "", "missing field 'title'"),
        ("max_months = 12", "max_months = 0", "'max_months' must be a whole number of months from 1 to 120 (found 0)"),
        # A value is shown whole up to 40 characters, then cut to 37 and "...".
        ("max_months = 12", f'max_months = "{"x" * 38}"',
         f"'max_months' must be a whole number of months from 1 to 120 (found '{'x' * 38}')"),
        ("max_months = 12", f'max_months = "{"x" * 39}"',
         f"'max_months' must be a whole number of months from 1 to 120 (found '{'x' * 36}...)"),
        ('url = "https://mila.quebec/en/life-at-mila/"\n', "",
         "source 'mila_life' needs a 'title' and a 'url' (the public page, as a reader looks it up)"),
        ("[universities]\n", "[sources]\nbroken = 1\n\n[universities]\n",
         "source 'broken' needs a 'title' and a 'url' (the public page, as a reader looks it up)"),
        ('url = "https://mila.quebec/en/life-at-mila/"', 'url = "https://mila.quebec/en/life-at-mila/"\nlang = "en"',
         "source 'mila_life': unknown field 'lang'"),
        ('url = "https://mila.quebec/en/life-at-mila/"', 'url = "mila.quebec"',
         "source 'mila_life': 'url' must be a web address (https://...) (found 'mila.quebec')"),
        ('max_months_source = "mila_internships"', 'max_months_source = "mila"',
         "max_months_source names unknown source 'mila'"),
        ('universities_source = ["mila_internships", "mila_life", "mila_programs"]',
         'universities_source = ["mila_internships", "mila"]', "universities_source names unknown source 'mila'"),
        ('after = ["booking"]', 'after = ["bookin"]', "step 'travel' depends on unknown step 'bookin'"),
        ('duration = "21 days"', 'duration = "-21 days"', "step 'permit_documents': duration '-21 days' is negative"),
        ('duration = ["6 months", "8 months"]', 'duration = ["8 months", "6 months"]',
         "step 'permit_processing': duration range is inverted (8 months is longer than 6 months)"),
        ('kind = "gate"\ntitle = "Book flights and housing"', 'title = "Book flights and housing"',
         "step 'booking': missing field 'kind'"),
        ('id = "travel"\nkind = "task"', 'id = "travel"\nkind = "chore"',
         "step 'travel': unknown kind 'chore' (use one of milestone, task, wait, gate)"),
        ('source = "mila_internships"\nwhy = "It can take', 'source = "elsewhere"\nwhy = "It can take',
         "step 'permit_processing': unknown source 'elsewhere' (declare it under [sources])"),
        ('title = "Work permit processing"', 'title = "Work permit processing"\ncolour = "red"',
         "step 'permit_processing': unknown field 'colour'"),
        ('condition = "the work permit is confirmed"\n', "",
         "step 'booking': a gate needs a 'condition' (what must be confirmed first)"),
        ('after = ["invitation"]\nduration = "14 days"', 'after = ["travel"]\nduration = "14 days"',
         "steps form a cycle: registration → offer → permit_application → medical_exam → permit_processing → "
         "booking → travel → registration"),
    ],
)
def test_a_broken_template_is_refused_with_file_and_step_in_one_exact_line(tmp_path, old, new, message):
    assert _broken(tmp_path, old, new) == f"{tmp_path / 'broken.toml'}: {message}"


@pytest.mark.parametrize(
    "top, extra, step_extra, message",
    [("", "", step_extra, message) for step_extra, message in STEP_REFUSALS]
    + [("", extra, "", message) for extra, message in TABLE_REFUSALS]
    + [
        ("", "", _step('kind = "milestone"\nanchor = "invited"'), 'needs exactly one milestone with anchor = "invited" (found 2)'),
        ("", "", _step('kind = "milestone"\nanchor = "invited"\nafter = ["wait"]'),
         "step 'x': an 'invited' anchor cannot depend on other steps"),
        ("", "", _step('kind = "task"\nafter = ["wait"]\nduration = "1 day"\nwhen = "medical > 2"'),
         "step 'x': 'when' must be a fact, 'not' a fact, or 'stay_days' compared with a number, joined by 'and' "
         "(facts: medical, biometrics_valid, stay_days, permit_exempt, university; found 'medical > 2')"),
        ("", "", _step('kind = "milestone"\nanchor = "end"\nwhen = "medical"'),
         "step 'x': an anchor is always part of the plan: it takes no 'when'"),
        ("", "", _step('kind = "task"\nafter = ["wait"]\nduration = "1 day"\npublished_times = "ircc_work_permit"'),
         "step 'x': published_times is for a wait, and one of ircc_work_permit"),
        ("", "", _step('kind = "wait"\nafter = ["wait"]\nduration = "1 day"\npublished_times = "ircc_visa"'),
         "step 'x': published_times is for a wait, and one of ircc_work_permit"),
        ("", "", _step('kind = "wait"\nafter = ["wait"]\nduration = "1 day"\ndue_within = "3 days"'),
         "step 'x': due_within is for a task or a gate"),
        ("", "", _step('kind = "task"\nafter = ["wait"]\nduration = "1 day"\ndue_within = "soon"'),
         "step 'x' due_within: duration 'soon' is not a duration such as '21 days', '3 weeks' or '6 months'"),
        ("", "", _step('kind = "task"\nafter = ["wait"]\nduration = "1 day"').replace('"x"', '"wait"'),
         "step 'wait' is defined twice"),
        ("", "", _step('kind = "task"\nafter = ["wait"]\nduration = "1 day"\nrequires = ["nowhere"]'),
         "step 'x' requires unknown step 'nowhere'"),
        ("", "", _step('kind = "task"\nafter = ["wait"]\nduration = "1 day"\nrequires = ["x"]'),
         "step 'x' requires unknown step 'x'"),
        ("", "", _step('kind = "task"\nafter = ["x"]\nduration = "1 day"'), "step 'x' depends on itself"),
        ("steps = []", "", "", "'steps' must be a list of [[steps]] tables"),
        ("", '\n[[checklist]]\ngroup = "G"\nitem = "I"\ncolour = "red"\n', "", "checklist item 1: unknown field 'colour'"),
        ("", '\n[[checklist]]\ngroup = "G"\nitem = "I"\noptional = "yes"\n', "",
         "checklist item 1: 'optional' must be true or false (found 'yes')"),
        ("", '\n[[checklist]]\ngroup = "G"\nitem = "I"\nsource = "nowhere"\n', "",
         "checklist item 1: unknown source 'nowhere' (declare it under [sources])"),
        ('alternatives = ["x"]', "", "", "alternative 1: must be a table"),
        ("", '\n[[alternatives]]\nid = "a"\ntitle = "A"\nwhen = "stay_days <= 120"\nsets = "permit_exempt"\nrule = "R"\n'
             'assumption = "x"\ncolour = "red"\n', "", "alternative 1: unknown field 'colour'"),
        ("", '\n[[alternatives]]\nid = "a"\ntitle = "A"\nwhen = "stay_weeks < 3"\nsets = "permit_exempt"\nrule = "R"\n'
             'assumption = "x"\n', "",
         "alternative 1: 'when' must be a fact, 'not' a fact, or 'stay_days' compared with a number, joined by 'and' "
         "(facts: medical, biometrics_valid, stay_days, permit_exempt, university; found 'stay_weeks < 3')"),
        ("", '\n[[alternatives]]\nid = "a"\ntitle = "A"\nwhen = "stay_days <= 120"\nsets = "permit_exempt"\nrule = "R"\n'
             'source = "nowhere"\n', "", "alternative 1: unknown source 'nowhere' (declare it under [sources])"),
        ('passport = "x"', "", "", "[passport]: must be a table"),
        ("", '\n[passport]\nrule = "R"\ncolour = "red"\n', "", "[passport]: unknown field 'colour'"),
        ("", '\n[passport]\nrule = "R"\nsource = "nowhere"\n', "", "[passport]: unknown source 'nowhere' (declare it under [sources])"),
        ('universities = { mcgill = "McGill University" }', '\n[passport]\nrule = "R"\n[passport.universities]\nmcgill = 3\n', "",
         "[passport]: universities.mcgill needs months (0 to 24) and an assumption"),
    ],
)
def test_each_refusal_of_a_small_timeline_is_its_exact_line(tmp_path, top, extra, step_extra, message):
    path = _with_top(_minimal(tmp_path, extra=extra, step_extra=step_extra), top)
    if top.startswith("steps"):
        path.write_text(path.read_text(encoding="utf-8").split("[[steps]]")[0], encoding="utf-8")
    assert _refusal(path) == f"{path}: {message}"


def test_what_a_small_timeline_may_say_is_read_as_said(tmp_path):
    extra = ('\n[sources.page]\ntitle = "A page"\nurl = "https://example.org/page"\n'
             '\n[[checklist]]\ngroup = "G"\nitem = "I"\nsource = "page"\nassumption = "as the page says"\noptional = true\n'
             '\n[passport]\nrule = "R"\n'
             '\n[passport.universities]\nmcgill = { months = 24, assumption = "two years" }\n')
    steps = (_step('kind = "gate"\nafter = ["wait"]\nduration = "1 day"\ncondition = "c"\ndeadline = "begin"\n'
                   'due_within = "3 days"').replace('"x"', '"gate"')
             + _step('kind = "task"\nafter = ["gate"]\nduration = "1 day"\nwhen = "stay_days >= 30 and not medical"'))
    path = _with_top(_minimal(tmp_path, extra=extra, step_extra=steps), 'universities = { mcgill = "McGill University" }')
    small = _fresh_load(path)
    assert small.path == path and small.sources["page"] == ("page", "A page", "https://example.org/page")
    item, = small.checklist
    assert (item.source, item.assumption, item.optional) == ("page", "as the page says", True)
    assert small.passport == {"rule": "R", "source": None, "months_after": {"mcgill": (24, "two years")}}
    gate = small.step("gate")
    assert (gate.deadline, gate.due_within) == ("begin", Duration(3, "days"))
    assert small.skipped_steps({"stay_days": 29}) == {"x"} and small.skipped_steps({"stay_days": 30}) == frozenset()
    assert small.anchored("invited").id == "invitation" and small.anchored("nowhere") is None
    assert small.shorthand("applied") is None
    assert small.university_name(None) == "the professor's affiliated university"
    assert small.university_name("mcgill") == "McGill University"
    with pytest.raises(KeyError, match="nowhere"):
        small.step("nowhere")
    bare = _fresh_load(_minimal(tmp_path, name="bare", extra='\n[passport]\nrule = "R"\n'))
    assert bare.passport == {"rule": "R", "source": None, "months_after": {}}


@pytest.mark.parametrize("condition, facts, expected", [
    ("stay_days >= 30", {"stay_days": 30}, True), ("stay_days >= 30", {"stay_days": 29}, False),
    ("stay_days > 30", {"stay_days": 30}, False), ("stay_days > 30", {"stay_days": 31}, True),
    ("stay_days < 30", {"stay_days": 30}, False), ("stay_days < 30", {"stay_days": 29}, True),
    ("stay_days <= 30", {"stay_days": 30}, True), ("stay_days <= 30", {"stay_days": 31}, False),
    ("stay_days == 30", {"stay_days": 30}, True), ("stay_days == 30", {"stay_days": 31}, False),
    ("stay_days > 0", {}, False), ("not stay_days > 0", {}, True),  # without an end, no comparison holds
    ("medical and not biometrics_valid", {"medical": True, "biometrics_valid": False}, True),
    ("medical and not biometrics_valid", {"medical": True, "biometrics_valid": True}, False),
])
def test_a_condition_holds_as_it_reads(condition, facts, expected):
    from planner.template import holds

    assert holds(condition, facts) is expected


def test_a_variant_is_made_once_per_timeline_and_without_its_skipped_steps(tmp_path, mila):
    small = _fresh_load(_minimal(tmp_path, step_extra=_step('kind = "task"\nafter = ["wait"]\nduration = "1 day"')))
    skipped = frozenset({"wait"})
    variant = small.variant(skipped)
    assert mila.variant(skipped) is not variant  # another timeline's variant is its own
    assert small.variant(skipped) is variant
    assert [s.id for s in variant.steps] == ["invitation", "x", "start", "end"]
    assert variant.ancestors["x"] == frozenset({"invitation"}) and variant.step("x").after == (Dependency("invitation", ZERO),)
    assert [s.id for s in variant.all_steps] == ["invitation", "wait", "x", "start", "end"]


def test_a_run_reads_each_template_once_even_if_it_is_edited(tmp_path):
    import os

    from planner.template import Templates

    path = _minimal(tmp_path)
    run = Templates()
    first = run.load(str(path))
    path.write_text(path.read_text(encoding="utf-8").replace("A small timeline", "Edited"), encoding="utf-8")
    os.utime(path, ns=(1, 2_000_000_000))
    assert run.load(str(path)) is first and Templates().load(str(path)).title == "Edited"
    assert run.load(None) is run.load(None) is run.load() and run.load(None).name == "mila"


def test_the_cache_takes_any_file_name_and_any_number_of_templates(tmp_path, monkeypatch):
    import marshal
    import os

    from planner import template

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PLANNER_NO_CACHE", raising=False)
    odd = os.fsdecode(os.fsencode(str(tmp_path)) + b"/caf\xe9.toml")  # a name that is not UTF-8
    with open(odd, "w", encoding="utf-8") as out:
        out.write(DEFAULT_TEXT)
    assert _fresh_load(odd).max_months == 12
    assert _fresh_load(_minimal(tmp_path)).max_months == 6
    cached = sorted((tmp_path / "cache" / "planner" / "templates").iterdir())
    assert len(cached) == 2  # one each
    for entry in cached:
        entry.write_bytes(marshal.dumps(["not", "a", "template"]))
    assert _fresh_load(odd).max_months == 12 and _fresh_load(_minimal(tmp_path)).title == "A small timeline"
    assert template._plain({"day": [__import__("datetime").date(2027, 1, 31)], "n": 1}) == {"day": ["2027-01-31"], "n": 1}


def test_a_template_that_vanishes_while_read_is_one_line(tmp_path, monkeypatch):
    from planner import template

    path = _minimal(tmp_path)

    def gone(*args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(template, "open", gone, raising=False)
    with pytest.raises(TemplateError) as error:
        _fresh_load(path)
    assert str(error.value) == f"{path}: cannot read (No such file or directory)"
    monkeypatch.setattr(Path, "stat", lambda self, **kwargs: gone())
    monkeypatch.setattr(template, "resolve", lambda name: path)
    with pytest.raises(TemplateError) as error:
        load(str(path))
    assert str(error.value) == f"{path}: cannot read (No such file or directory)"


@pytest.mark.parametrize("length", [80, 81])
def test_a_long_template_name_is_cut_to_80_characters(length):
    name = "y" * length
    with pytest.raises(TemplateError) as error:
        load(name)
    shown = name if length <= 80 else "y" * 77 + "..."
    assert str(error.value) == f"unknown template '{shown}'; built-in templates: mila (or give a path to a .toml file)"


def test_an_existing_file_is_a_template_whatever_its_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("mine").write_text(DEFAULT_TEXT, encoding="utf-8")
    assert load("mine").title.startswith("Research internship at Mila")
