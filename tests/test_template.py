"""Timeline templates: the default one loads, and a template with a mistake is refused by name."""

import pytest

from planner.errors import TemplateError
from planner.template import BUILTIN_DIR, builtin_templates, load

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


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ('after = ["booking"]', 'after = ["bookin"]', "step 'travel' depends on unknown step 'bookin'"),
        ('after = ["invitation"]\nduration = "14 days"', 'after = ["travel"]\nduration = "14 days"', "steps form a cycle"),
        ('duration = "21 days"', 'duration = "-21 days"', "step 'permit_documents': duration '-21 days' is negative"),
        ('duration = ["6 months", "8 months"]', 'duration = ["8 months", "6 months"]', "step 'permit_processing': duration range is inverted"),
        ('kind = "gate"\ntitle = "Book flights and housing"', 'title = "Book flights and housing"', "step 'booking': missing field 'kind'"),
        ('id = "travel"\nkind = "task"', 'id = "travel"\nkind = "chore"', "step 'travel': unknown kind 'chore'"),
        ('source = "mila_internships"\nwhy = "It can take', 'source = "elsewhere"\nwhy = "It can take', "step 'permit_processing': unknown source 'elsewhere'"),
        ('title = "Work permit processing"', 'title = "Work permit processing"\ncolour = "red"', "step 'permit_processing': unknown field 'colour'"),
        ('condition = "the work permit is confirmed"\n', "", "step 'booking': a gate needs a 'condition'"),
        ('max_months = 12', 'max_months = 12\n[[[steps', "not valid TOML"),
    ],
)
def test_a_broken_template_is_refused_with_file_and_step(tmp_path, old, new, expected):
    assert expected in _broken(tmp_path, old, new)


def test_missing_and_unknown_templates_are_named(tmp_path):
    with pytest.raises(TemplateError, match="no such template file"):
        load(str(tmp_path / "nowhere.toml"))
    with pytest.raises(TemplateError, match="unknown template 'japan'; built-in templates: mila"):
        load("japan")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00title")
    with pytest.raises(TemplateError, match="not valid TOML"):
        load(str(binary))


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
