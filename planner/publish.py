"""Publishing a plan into a CalDAV calendar collection (RFC 4791), so that a calendar follows it by itself.

The collection's objects are read once, with a calendar-query REPORT: each of the plan's events
and to-dos is found there by its UID, wherever the server keeps it. What the planner wrote for
this plan says so in its VCALENDAR (X-PLANNER-ID, the plan's identity, and the fingerprint of what
the component says); everything else in the collection is never touched. A component that is new
is created (If-None-Match: *), one that changed is replaced over the ETag read (If-Match), one that
left the plan is deleted (If-Match too). Reading the server first makes publishing again after a
failure finish the job: what was done is found done.

Credentials come from the environment (PLANNER_CALDAV_USERNAME, PLANNER_CALDAV_PASSWORD) or from
the host's entry in ~/.netrc, never from the command line, and are never printed or stored.
"""

import os
import re
import xml.etree.ElementTree as ElementTree
from typing import NamedTuple
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from planner import i18n, ics
from planner.errors import PlannerError
from planner.i18n import _

EXIT_CODE = 6  # the server refused, or could not be reached
TIMEOUT = 30  # seconds for each request
USERNAME, PASSWORD = "PLANNER_CALDAV_USERNAME", "PLANNER_CALDAV_PASSWORD"
_DAV, _CALDAV = "DAV:", "urn:ietf:params:xml:ns:caldav"
_QUERY = (
    '<?xml version="1.0" encoding="utf-8"?>'
    f'<C:calendar-query xmlns:D="{_DAV}" xmlns:C="{_CALDAV}">'
    "<D:prop><D:getetag/><C:calendar-data/></D:prop>"
    '<C:filter><C:comp-filter name="VCALENDAR"/></C:filter>'
    "</C:calendar-query>"
)


class PublishError(PlannerError):
    """The server refused, or could not be reached (exit code 6); or the address given cannot be used (2)."""

    def __init__(self, message: str, exit_code: int = EXIT_CODE):
        super().__init__(message)
        self.exit_code = exit_code


class ServerObject(NamedTuple):
    href: str  # its address on the server, absolute
    etag: str
    uid: str
    plan: str | None  # the X-PLANNER-ID of the plan that wrote it; None for an object planner did not write
    fingerprint: str  # what the component said when it was written, and its SEQUENCE: "uid-prefix=hash/sequence"
    data: bytes


class Change(NamedTuple):
    action: str  # "create", "update", "remove"
    uid: str
    summary: str
    first: object  # the day it starts (or is due), for a dry run's list


class Result(NamedTuple):
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    def said(self) -> str:
        return _("{created} created, {updated} updated, {removed} removed, {unchanged} unchanged").format(
            created=self.created, updated=self.updated, removed=self.removed, unchanged=self.unchanged)


def shown_url(url: str) -> str:
    """The address as it may be said and stored: without a user name or password."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


def check_url(url: str) -> str:
    """The collection's address, checked: https (http only to this machine), no password in it."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise PublishError(_("{address}: not the https:// address of a calendar collection").format(address=url), 2)
    if parts.password is not None or parts.username is not None:
        raise PublishError(_("{address}: an address carries no user name or password; put them in ~/.netrc (machine "
                             "{host} login ... password ...) or in {username} and {password}").format(
            address=shown_url(url), host=parts.hostname, username=USERNAME, password=PASSWORD), 2)
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise PublishError(_("{address}: http:// would send the password unencrypted; give the https:// address").format(
            address=url), 2)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def credentials(url: str) -> tuple[str | None, str | None, str]:
    """(user name, password, where they came from) for the collection's host: the environment, else ~/.netrc."""
    if os.environ.get(USERNAME) or os.environ.get(PASSWORD):
        return os.environ.get(USERNAME), os.environ.get(PASSWORD), f"{USERNAME} and {PASSWORD}"
    import netrc

    host = urlsplit(url).hostname
    path = os.path.join(os.path.expanduser("~"), ".netrc")
    try:
        found = netrc.netrc(path).authenticators(host)
    except FileNotFoundError:
        found = None
    except (netrc.NetrcParseError, OSError) as error:
        raise PublishError(_("{path}: cannot be read ({reason})").format(
            path=path, reason=getattr(error, "msg", None) or error), 1) from None
    if found is None:
        return None, None, _("no credentials (neither ~/.netrc nor the environment has them)")
    login, _account, password = found
    return login, password, f"~/.netrc (machine {host})"


class Collection:
    """One calendar collection on a CalDAV server, with what it holds read once."""

    def __init__(self, url: str):
        self.url = check_url(url)
        self.shown = shown_url(self.url)
        self.username, self.password, self.source = credentials(self.url)
        self.client = None
        self.objects: dict[str, ServerObject] = {}

    def __enter__(self) -> "Collection":
        try:
            from caldav import DAVClient
        except ImportError:
            raise PublishError(_("publishing needs the caldav library: pip install {package}").format(
                package="'planner[caldav]'"), 1) from None
        self.client = DAVClient(url=self.url, username=self.username, password=self.password, timeout=TIMEOUT,
                                enable_rfc6764=False, require_tls=urlsplit(self.url).scheme == "https")
        self.read()
        return self

    def __exit__(self, *_exc) -> None:
        if self.client is not None:
            self.client.close()

    # Talking to the server.

    def _request(self, what: str, url: str, method: str, body: str = "", headers: dict | None = None,
                 done: Result | None = None):
        """The server's answer; any failure a PublishError of one line saying what was done before it."""
        from caldav.lib import error as dav_error

        before = _before(done)
        try:
            response = self.client.request(url, method, body, headers or {})
        except dav_error.AuthorizationError as failure:
            status = getattr(failure, "status", None) or ("403" if "403" in str(failure) else "401")
            if str(status).startswith("403"):
                raise PublishError(_("{calendar}: {what}: forbidden (403): the account may not write this "
                                     "calendar").format(calendar=self.shown, what=what) + before) from None
            raise PublishError(_("{calendar}: {what}: the server refused the user name or password (401) from "
                                 "{source}").format(calendar=self.shown, what=what, source=self.source) + before) from None
        except Exception as failure:  # the transport's: refused, timed out, TLS, closed mid-answer
            raise PublishError(_("{calendar}: {what}: {reason}").format(
                calendar=self.shown, what=what, reason=_transport(failure)) + before) from None
        return response

    def read(self) -> None:
        """Every object of the collection, by UID (one calendar-query REPORT)."""
        response = self._request(_("cannot read the calendar"), self.url, "REPORT", _QUERY,
                                 {"Depth": "1", "Content-Type": 'application/xml; charset="utf-8"'})
        status = response.status
        if status == 404:
            raise PublishError(_("{calendar}: no calendar at this address (404); create it on the server first, or "
                                 "check the address").format(calendar=self.shown))
        if status not in (207, 200):
            raise PublishError(_("{calendar}: cannot read the calendar ({status})").format(calendar=self.shown,
                                                                                          status=_status(response)))
        self.objects = {}
        for href, etag, data in _multistatus(response.raw):
            uid, plan, fingerprint = _described(data)
            if uid:
                self.objects[uid] = ServerObject(urljoin(self.url, href), etag, uid, plan, fingerprint, data)

    # What a plan's calendar changes.

    def previous(self, plan_id: str) -> bytes | None:
        """What the collection holds of this plan, as one calendar the planner wrote (for SEQUENCEs and
        cancellations), or None when it holds nothing of it."""
        mine = [o for o in self.objects.values() if o.plan == plan_id]
        if not mine:
            return None
        lines = [b"BEGIN:VCALENDAR", b"PRODID:" + ics.PRODID.encode(), b"VERSION:2.0",
                 ics.FINGERPRINTS.encode() + b":" + " ".join(o.fingerprint.split("/")[0] for o in mine).encode()]
        for found in mine:
            lines += _component_lines(found.data)
        return b"\r\n".join(lines + [b"END:VCALENDAR"]) + b"\r\n"

    def changes(self, data: bytes, plan_id: str) -> tuple[list[tuple[Change, bytes | None]], int]:
        """(each change with the object to write, or None to remove; how many are unchanged) for a calendar."""
        from icalendar import Calendar

        calendar = Calendar.from_ical(data)
        fingerprints = dict(pair.split("=", 1) for pair in str(calendar.get(ics.FINGERPRINTS, "")).split() if "=" in pair)
        out, unchanged = [], 0
        for component in calendar.subcomponents:
            if component.name not in ("VEVENT", "VTODO"):
                continue
            uid = str(component["UID"])
            found = self.objects.get(uid)
            if found is not None and found.plan != plan_id:
                raise PublishError(_("{calendar}: the calendar holds an object with the UID {uid} that planner did not "
                                     "write for this plan (409); remove it there, or publish to another calendar").format(
                    calendar=self.shown, uid=uid))
            first = component.get("DTSTART") or component.get("DUE")
            change = Change("", uid, str(component.get("SUMMARY", "")), first.dt if first is not None else None)
            if component.get("STATUS") == "CANCELLED":
                if found is not None:
                    out.append((change._replace(action="remove"), None))
                continue
            fingerprint = f"{ics._short(uid)}={fingerprints.get(ics._short(uid), '')}/{component.get('SEQUENCE', 0)}"
            if found is not None and found.fingerprint == fingerprint:
                unchanged += 1
                continue
            out.append((change._replace(action="update" if found else "create"),
                        _object(calendar, component, plan_id, fingerprint)))
        return out, unchanged

    def publish(self, data: bytes, plan_id: str) -> Result:
        """Write a plan's calendar into the collection: create, replace, remove; the Result says how many."""
        changes, unchanged = self.changes(data, plan_id)
        done = Result(unchanged=unchanged)
        for change, body in changes:
            found = self.objects.get(change.uid)
            summary = i18n.quoted(ics.one_line(change.summary))
            what = {"create": _("cannot create {event}"), "update": _("cannot update {event}"),
                    "remove": _("cannot remove {event}")}[change.action].format(event=summary)
            if change.action == "remove":
                response = self._request(what, found.href, "DELETE", "", _if_match(found), done)
            else:
                href = found.href if found else urljoin(self.url, quote(change.uid.split("@")[0]) + ".ics")
                headers = {"Content-Type": "text/calendar; charset=utf-8"} | (
                    _if_match(found) if found else {"If-None-Match": "*"})
                response = self._request(what, href, "PUT", body.decode("utf-8"), headers, done)
            status = response.status
            if status == 412:
                raise PublishError(_("{calendar}: {what}: it changed on the server since it was read (412), someone "
                                     "edited it there; run the same command again to replace it with the plan's").format(
                    calendar=self.shown, what=what) + _before(done))
            if status == 409:
                raise PublishError(_("{calendar}: {what}: the server has another object with its UID (409)").format(
                    calendar=self.shown, what=what) + _before(done))
            if status == 404 and change.action == "remove":
                pass  # gone already
            elif not 200 <= status < 300:
                raise PublishError(_("{calendar}: {what} ({status})").format(
                    calendar=self.shown, what=what, status=_status(response)) + _before(done))
            field = {"create": "created", "update": "updated", "remove": "removed"}[change.action]
            done = done._replace(**{field: getattr(done, field) + 1})
            if change.action == "remove":
                self.objects.pop(change.uid, None)
        return done


def _before(done: Result | None) -> str:
    """What a failure says was published before it, once anything was."""
    if done is not None and any(done[:3]):
        return " " + _("(before it stopped: {changes})").format(changes=done.said())
    return ""


def _if_match(found: ServerObject) -> dict:
    return {"If-Match": found.etag} if found.etag else {}


def _object(calendar, component, plan_id: str, fingerprint: str) -> bytes:
    """One component as a calendar object of its own, saying which plan wrote it and what it said."""
    from icalendar import Calendar

    single = Calendar()
    for name in ("PRODID", "VERSION", "CALSCALE"):
        if name in calendar:
            single[name] = calendar[name]
    single[ics.IDENTITY] = plan_id
    single[ics.FINGERPRINTS] = fingerprint
    single.add_component(component)
    return ics.serialise(single)


def _described(data: bytes) -> tuple[str | None, str | None, str]:
    """(UID, the plan that wrote it or None, its fingerprint) of a calendar object, read from its lines."""
    uid = plan = None
    fingerprint, inside = "", False
    for line in ics.content_lines(data):
        name, _sep, value = line.partition(b":")
        name = name.split(b";")[0].upper()
        if name == b"BEGIN" and value.strip() in (b"VEVENT", b"VTODO"):
            inside = True
        elif not inside and name == ics.IDENTITY.encode():
            plan = value.decode("utf-8", "replace").strip()
        elif not inside and name == ics.FINGERPRINTS.encode():
            fingerprint = value.decode("utf-8", "replace").strip()
        elif inside and name == b"UID" and uid is None:
            uid = value.decode("utf-8", "replace").strip()
    return uid, plan, fingerprint


def _component_lines(data: bytes) -> list[bytes]:
    lines = data.replace(b"\r\n", b"\n").rstrip(b"\n").split(b"\n")
    begin = next(i for i, line in enumerate(lines) if line.strip() in (b"BEGIN:VEVENT", b"BEGIN:VTODO"))
    end = max(i for i, line in enumerate(lines) if line.strip() in (b"END:VEVENT", b"END:VTODO"))
    return lines[begin:end + 1]


def _multistatus(raw) -> list[tuple[str, str, bytes]]:
    """(href, etag, calendar data) of each object of a multistatus answer."""
    text = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        raise PublishError(_("the server's answer to the calendar query is not XML")) from None
    found = []
    for response in root.iter(f"{{{_DAV}}}response"):
        href = response.findtext(f"{{{_DAV}}}href") or ""
        etag, data = "", None
        for propstat in response.iter(f"{{{_DAV}}}propstat"):
            if not re.search(r"\s2\d\d\s", " " + (propstat.findtext(f"{{{_DAV}}}status") or " 200 ") + " "):
                continue
            etag = propstat.findtext(f".//{{{_DAV}}}getetag") or etag
            element = propstat.find(f".//{{{_CALDAV}}}calendar-data")
            if element is not None and element.text:
                data = element.text.encode("utf-8")
        if data:
            found.append((href, etag, data))
    return found


def _status(response) -> str:
    reason = getattr(response, "reason", "") or ""
    return f"HTTP {response.status}{' ' + reason if reason else ''}"


def _transport(failure: Exception) -> str:
    """What went wrong on the way, in a few words (never the credentials)."""
    text = f"{type(failure).__name__}: {failure}"
    lowered = text.lower()
    if "ssl" in lowered or "certificate" in lowered or "tls" in lowered:
        return _("the secure connection failed (TLS: the server's certificate could not be checked)")
    if "timeout" in lowered or "timed out" in lowered:
        return _("no answer within {seconds} seconds (timed out)").format(seconds=TIMEOUT)
    if "refused" in lowered:
        return _("the connection was refused: is the server running, and is the address right?")
    if "name or service" in lowered or "resolve" in lowered or "getaddrinfo" in lowered:
        return _("the server's name could not be found")
    if "closed" in lowered or "reset" in lowered or "remote end" in lowered or "incomplete" in lowered:
        return _("the server closed the connection before answering")
    return _("the request failed ({reason})").format(reason=type(failure).__name__)
