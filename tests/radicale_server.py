"""A real CalDAV server for the tests: Radicale on 127.0.0.1, a free port, its own storage and htpasswd."""

import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

USER, PASSWORD = "intern", "s3cret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Radicale:
    """Started with start(), stopped with stop(); `url` is the user's home, collections are made under it."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = _free_port()
        self.thread = None
        self.shutdown = None

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.root}/{USER}/"

    def start(self) -> "Radicale":
        import radicale.config
        import radicale.server

        (self.folder / "users").write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
        configuration = radicale.config.load([])
        configuration.update({
            "server": {"hosts": f"127.0.0.1:{self.port}"},
            "storage": {"filesystem_folder": str(self.folder / "storage")},
            "auth": {"type": "htpasswd", "htpasswd_filename": str(self.folder / "users"),
                     "htpasswd_encryption": "plain", "delay": "0"},
            "rights": {"type": "owner_only"},
            "logging": {"level": "critical", "mask_passwords": "True"},
        }, "tests", privileged=True)
        self.shutdown, theirs = socket.socketpair()
        self.thread = threading.Thread(target=radicale.server.serve, args=(configuration, theirs), daemon=True)
        self.thread.start()
        for _ in range(400):
            try:
                urllib.request.urlopen(self.root + "/.web/", timeout=1)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.025)
        return self

    def stop(self) -> None:
        if self.shutdown is not None:
            self.shutdown.close()
            self.shutdown = None
        if self.thread is not None:
            self.thread.join(timeout=10)
            self.thread = None

    def request(self, method: str, url: str, body: bytes = b"", headers: dict | None = None) -> tuple[int, bytes]:
        """A plain HTTP request with the user's credentials: the tests' own client, not the caldav library."""
        import base64

        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        request = urllib.request.Request(url, data=body or None, method=method,
                                         headers={"Authorization": f"Basic {token}"} | (headers or {}))
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def make_calendar(self, name: str) -> str:
        url = f"{self.url}{name}/"
        status, _ = self.request("MKCALENDAR", url)
        assert status == 201, status
        return url

    def objects(self, url: str) -> dict[str, bytes]:
        """href -> the bytes of each object of a collection, listed with PROPFIND and read with GET."""
        import re

        status, body = self.request("PROPFIND", url, b'<?xml version="1.0"?><propfind xmlns="DAV:"><prop>'
                                    b"<getetag/></prop></propfind>", {"Depth": "1", "Content-Type": "application/xml"})
        assert status == 207, status
        hrefs = [h for h in re.findall(rb"<(?:\w+:)?href>([^<]+)</(?:\w+:)?href>", body) if h.endswith(b".ics")]
        found = {}
        for href in hrefs:
            status, data = self.request("GET", self.root + href.decode())
            assert status == 200, (href, status)
            found[href.decode()] = data
        return found
