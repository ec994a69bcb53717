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


def printed(page, paper: str, folder) -> tuple[int, str]:
    """(pages, text) of an HTML page as Chromium prints it on `paper` (A4, letter), read back by pdftotext."""
    import subprocess

    browser = chromium()
    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("pdftotext is not installed; .ci/run installs poppler-utils")
        pytest.skip("pdftotext is not installed here (apt-get install poppler-utils)")
    html = page.read_text(encoding="utf-8")
    # As a printer set to this paper prints it (the page itself sets only margins).
    page.write_text(html.replace("<style>", f"<style>@page {{ size: {paper}; }}", 1), encoding="utf-8")
    pdf = folder / f"{page.stem}.pdf"
    subprocess.run([browser, *FLAGS, f"--user-data-dir={folder / 'profile'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", page.as_uri()], check=True, capture_output=True, timeout=120)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return pages, text
