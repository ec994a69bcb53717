"""Publishing into a CalDAV calendar, against a real Radicale; the collection read back over plain HTTP."""

import itertools
import json

import icalendar
import pytest

from planner import publish
from radicale_server import PASSWORD, USER, Radicale


FACTS = ["--invited", "2026-12-01", "--start", "2027-09-01", "--months", "6", "--name", "Ada Lovelace",
         "--university", "mcgill"]
OWN_EVENT = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//their app//EN\r\nBEGIN:VEVENT\r\n"
             b"UID:dentist-1@example.org\r\nDTSTAMP:20261201T090000Z\r\nDTSTART;VALUE=DATE:20270110\r\n"
             b"SUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Radicale(tmp_path_factory.mktemp("radicale")).start()
    yield running
    running.stop()


_NUMBERS = itertools.count(1)


@pytest.fixture
def collection(server):
    return server.make_calendar(f"plan-{next(_NUMBERS)}")


@pytest.fixture(autouse=True)
def credentials(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    monkeypatch.setenv(publish.USERNAME, USER)
    monkeypatch.setenv(publish.PASSWORD, PASSWORD)


def held(server, url) -> dict[str, icalendar.Component]:
    """UID -> component of every object in the collection, read with GET and parsed by icalendar."""
    found = {}
    for href, data in server.objects(url).items():
        calendar = icalendar.Calendar.from_ical(data)
        components = [c for c in calendar.subcomponents if c.name in ("VEVENT", "VTODO")]
        assert len(components) == 1, href
        uid = str(components[0]["UID"])
        assert uid not in found, f"{uid} twice"
        found[uid] = components[0]
    return found


def plan_live(run, *args) -> dict[str, icalendar.Component]:
    """The live (not cancelled) events of the plan's own calendar file, by UID."""
    result = run("plan", *FACTS, *args, "-o", "-")
    calendar = icalendar.Calendar.from_ical(result.stdout_bytes)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT") if e.get("STATUS") != "CANCELLED"}


def test_publish_again_after_a_step_moves_only_the_plans_events(run, server, collection):
    result = run("publish", collection, *FACTS, "--today", "2026-12-02")
    assert result.exit_code == 0, result.stderr
    first = held(server, collection)
    assert set(first) == set(plan_live(run, "--today", "2026-12-02"))
    assert result.stdout == f"Published to {collection}: {len(first)} created, 0 updated, 0 removed, 0 unchanged.\n"

    status, _ = server.request("PUT", collection + "dentist.ics", OWN_EVENT, {"Content-Type": "text/calendar"})
    assert status == 201
    again = run("publish", collection, *FACTS, "--today", "2026-12-02")
    assert again.stdout.endswith(f"0 created, 0 updated, 0 removed, {len(first)} unchanged.\n")

    later = ["--done", "registration=2026-12-10", "--done", "offer=2026-12-17", "--today", "2026-12-20"]
    assert run("publish", collection, *FACTS, *later).exit_code == 0
    now = held(server, collection)
    live = plan_live(run, *later)
    assert set(now) == set(live) | {"dentist-1@example.org"}  # the plan's live events, and the user's own
    assert str(now["dentist-1@example.org"]["SUMMARY"]) == "Dentist"  # never touched
    moved = [uid for uid in set(first) & set(now)
             if (now[uid]["DTSTART"].dt, str(now[uid]["SUMMARY"])) != (first[uid]["DTSTART"].dt, str(first[uid]["SUMMARY"]))]
    assert moved and all(now[uid]["SEQUENCE"] > first[uid]["SEQUENCE"] for uid in moved)
    assert not any(e.get("STATUS") == "CANCELLED" for e in now.values())
    assert set(first) - set(live) and not (set(first) - set(live)) & set(now)  # what left the plan is gone


def test_a_dry_run_says_what_would_change_and_changes_nothing(run, server, collection):
    run("publish", collection, *FACTS, "--today", "2026-12-02")
    before = server.objects(collection)
    result = run("publish", collection, *FACTS, "--done", "registration=2026-12-10", "--today", "2026-12-20",
                 "--dry-run")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{collection}: would create 0, update ") and "(nothing was written)" in lines[0]
    assert any(line.startswith("  update  2026-12-10  ") for line in lines)
    assert server.objects(collection) == before


@pytest.mark.parametrize("problem", ["password", "collection", "stopped"])
def test_each_failure_is_one_line_with_exit_code_6_and_writes_nothing(run, server, collection, problem, monkeypatch,
                                                                       tmp_path):
    url = collection
    if problem == "password":
        monkeypatch.setenv(publish.PASSWORD, "wrong")
        said = (f"Error: {url}: cannot read the calendar: the server refused the user name or password (401) "
                f"from {publish.USERNAME} and {publish.PASSWORD}\n")
    elif problem == "collection":
        url = collection + "missing/"
        said = f"Error: {url}: no calendar at this address (404); create it on the server first, or check the address\n"
    else:
        stopped = Radicale(tmp_path).start()
        url = stopped.make_calendar("gone")
        stopped.stop()
        said = (f"Error: {url}: cannot read the calendar: the connection was refused: is the server running, and is "
                "the address right?\n")
    result = run("publish", url, *FACTS, "--today", "2026-12-02")
    assert (result.exit_code, result.stderr) == (6, said)
    assert "wrong" not in result.stderr and PASSWORD not in result.stderr
    assert server.objects(collection) == {}


def test_a_publish_cut_short_and_run_again_ends_as_an_uninterrupted_one(run, server, collection, monkeypatch):
    whole = server.make_calendar("uninterrupted")
    assert run("publish", whole, *FACTS, "--today", "2026-12-02").exit_code == 0

    from caldav import DAVClient

    real, calls = DAVClient.request, []

    def cut(self, url, method="GET", body="", headers=None):
        calls.append(method)
        if method == "PUT" and calls.count("PUT") == 6:
            raise ConnectionError("Connection aborted: RemoteDisconnected('Remote end closed connection')")
        return real(self, url, method, body, headers)

    monkeypatch.setattr(DAVClient, "request", cut)
    result = run("publish", collection, *FACTS, "--today", "2026-12-02")
    assert result.exit_code == 6
    assert result.stderr.startswith(f"Error: {collection}: cannot create '")
    assert result.stderr.endswith("the server closed the connection before answering (before it stopped: "
                                  "5 created, 0 updated, 0 removed, 0 unchanged)\n")
    monkeypatch.setattr(DAVClient, "request", real)
    assert run("publish", collection, *FACTS, "--today", "2026-12-02").exit_code == 0

    def content(url):
        return {uid: (c["SEQUENCE"], str(c["SUMMARY"]), c["DTSTART"].dt) for uid, c in held(server, url).items()}

    assert content(collection) == content(whole)


def test_a_change_made_on_the_server_meanwhile_is_not_overwritten_blindly(run, server, collection, monkeypatch):
    assert run("publish", collection, *FACTS, "--today", "2026-12-02").exit_code == 0
    real_read, edited = publish.Collection.read, []

    def read_then_someone_edits(self):
        real_read(self)
        if not edited:  # between the read and the write, someone renames the step in their calendar app
            found = next(o for o in self.objects.values() if b"\nSUMMARY:Register as research" in o.data)
            data = found.data.replace(b"SUMMARY:Register", b"SUMMARY:Edited: Register")
            assert server.request("PUT", found.href, data, {"Content-Type": "text/calendar"})[0] in (201, 204)
            edited.append(found.href)

    monkeypatch.setattr(publish.Collection, "read", read_then_someone_edits)
    later = ["--done", "registration=2026-12-10", "--today", "2026-12-20"]
    result = run("publish", collection, *FACTS, *later)
    assert result.exit_code == 6
    assert "it changed on the server since it was read (412), someone edited it there; run the same command " \
           "again to replace it with the plan's" in result.stderr and result.stderr.count("\n") == 1
    assert b"Edited: Register" in server.request("GET", edited[0])[1]  # not overwritten blindly
    # Run again, on purpose: the plan's version replaces the edit, and nothing is there twice.
    assert run("publish", collection, *FACTS, *later).exit_code == 0
    assert b"Edited: Register" not in server.request("GET", edited[0])[1]
    assert set(held(server, collection)) == set(plan_live(run, *later))


def test_credentials_from_netrc_and_never_a_password_in_the_address_or_the_case(run, server, collection, monkeypatch,
                                                                                 tmp_path):
    import os

    monkeypatch.delenv(publish.USERNAME)
    monkeypatch.delenv(publish.PASSWORD)
    netrc = os.path.join(os.path.expanduser("~"), ".netrc")
    with open(netrc, "w", encoding="utf-8") as stream:
        stream.write(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    os.chmod(netrc, 0o600)
    try:
        case = tmp_path / "internship.toml"
        run("init", "--case", case, "--name", "Ada", "--invited", "2026-12-01", "--start", "2027-09-01",
            "--today", "2026-12-02")
        result = run("publish", collection, "--case", case, "--today", "2026-12-02")
        assert result.exit_code == 0, result.stderr
        text = case.read_text(encoding="utf-8")
        assert f'url = "{collection}"' in text and PASSWORD not in text
        # The case remembers the address: publishing again needs no URL.
        again = run("publish", "--case", case, "--today", "2026-12-02")
        assert again.stdout.startswith(f"Published to {collection}: 0 created") and PASSWORD not in again.stdout
        with_password = collection.replace("http://", f"http://{USER}:{PASSWORD}@")
        refused = run("publish", with_password, "--case", case, "--today", "2026-12-02")
        assert refused.exit_code == 2 and PASSWORD not in refused.stderr
        assert "carries no user name or password; put them in ~/.netrc" in refused.stderr
    finally:
        os.remove(netrc)


def test_plain_http_to_another_machine_is_refused():
    with pytest.raises(publish.PublishError) as raised:
        publish.check_url("http://cloud.example.org/dav/calendars/ada/plan/")
    assert raised.value.exit_code == 2 and "unencrypted" in str(raised.value)


def test_batch_and_agenda_publish_each_plan_in_one_calendar(run, server, collection, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,invited,start,months\na,Ada,2026-12-01,2027-09-01,6\nb,Bo,2026-12-01,2027-11-01,6\n")
    result = run("batch", roster, "--out-dir", tmp_path / "plans", "--today", "2026-12-02", "--quiet",
                 "--publish", collection)
    assert result.exit_code == 0, result.stderr
    files = {}
    for name in ("ada", "bo"):
        calendar = icalendar.Calendar.from_ical((tmp_path / "plans" / f"{name}.ics").read_bytes())
        files |= {str(e["UID"]): e for e in calendar.walk("VEVENT") if e.get("STATUS") != "CANCELLED"}
    assert set(held(server, collection)) == set(files)
    assert f"Published 2 calendars to {collection}: {len(files)} created" in result.stderr

    agenda = server.make_calendar("agenda")
    result = run("agenda", roster, "--today", "2026-12-02", "--within", "60", "--publish", agenda)
    assert result.exit_code in (0, 3), result.stderr
    assert held(server, agenda) and "Published the agenda to" in result.stderr
    data = json.loads(run("agenda", roster, "--today", "2026-12-02", "--within", "60", "--json").stdout)
    assert data  # the same agenda, as JSON


@pytest.mark.parametrize("failure, said", [
    ("SSLError", "the secure connection failed (TLS: the server's certificate could not be checked)"),
    ("ReadTimeout", "no answer within 30 seconds (timed out)"),
    ("ConnectionError", "the connection was refused: is the server running, and is the address right?"),
])
def test_what_went_wrong_on_the_way_is_said_in_words(run, collection, monkeypatch, failure, said):
    import niquests
    from caldav import DAVClient

    messages = {"SSLError": "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
                "ReadTimeout": "Read timed out. (read timeout=30)",
                "ConnectionError": "[Errno 111] Connection refused"}

    def fail(self, *args, **kwargs):
        raise getattr(niquests.exceptions, failure)(messages[failure])

    monkeypatch.setattr(DAVClient, "request", fail)
    result = run("publish", collection, *FACTS, "--today", "2026-12-02")
    assert (result.exit_code, result.stderr) == (6, f"Error: {collection}: cannot read the calendar: {said}\n")


def test_an_object_with_the_plans_uid_that_planner_did_not_write_is_left_alone(run, server, collection):
    calendar = icalendar.Calendar.from_ical(run("plan", *FACTS, "--today", "2026-12-02", "-o", "-").stdout_bytes)
    uid = str(next(iter(calendar.walk("VEVENT")))["UID"])
    foreign = OWN_EVENT.replace(b"dentist-1@example.org", uid.encode())
    assert server.request("PUT", collection + "copy.ics", foreign, {"Content-Type": "text/calendar"})[0] == 201
    result = run("publish", collection, *FACTS, "--today", "2026-12-02")
    assert (result.exit_code, result.stderr) == (6, f"Error: {collection}: the calendar holds an object with the UID "
                                                    f"{uid} that planner did not write for this plan (409); remove it "
                                                    "there, or publish to another calendar\n")
    assert list(server.objects(collection)) == [f"/{USER}/{collection.rstrip('/').rsplit('/', 1)[1]}/copy.ics"]


def test_another_users_calendar_is_forbidden(run, server, monkeypatch):
    other = f"{server.root}/someone-else/"
    result = run("publish", other + "plan/", *FACTS, "--today", "2026-12-02")
    assert result.exit_code == 6
    assert result.stderr.startswith(f"Error: {other}plan/: cannot read the calendar: forbidden (403)")
