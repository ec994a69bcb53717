"""Headless Chromium for the tests that print or load a page: found on this machine, or the test skips (fails under CI)."""

import os
import shutil

import pytest

# Without the background-networking flags Chromium tries hosts this machine cannot reach.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed; .ci/run installs it")
    pytest.skip("chromium is not installed here (apt-get install chromium poppler-utils); CI runs this test")
