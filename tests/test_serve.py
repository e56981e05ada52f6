"""`mkdocs serve` rebuilds when a module changes, and keeps serving."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import SMALL_SLUGS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(url: str, text: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = _fetch(url)
        if page is not None and text in page:
            return True
        time.sleep(0.5)
    return False


@pytest.mark.slow
def test_serve_shows_an_edited_module_after_reload(small):
    port = _free_port()
    mkdocs = Path(sys.executable).with_name("mkdocs")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [str(mkdocs), "serve", "-f", str(small.config), "-a", f"127.0.0.1:{port}"],
        cwd=small.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group, as in a terminal
    )
    try:
        url = f"http://127.0.0.1:{port}/{SMALL_SLUGS['coping-with-cravings']}/"
        assert _wait_for(url, "Coping with Cravings"), "server did not start"
        small.replace("modules/coping-with-cravings.md", "# Reading\n",
                      "# Reading\n\nA sentence added while serving: @edited-under-serve@.\n")
        assert _wait_for(url, "@edited-under-serve@"), "edit not picked up"
    finally:
        output = stop_server(server)
    assert "Traceback" not in output


def stop_server(server: subprocess.Popen) -> str:
    """Stop a server started with start_new_session=True and its PDF workers (SIGTERM to its
    process group); return its output. Kill what is left after 60 s."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        return server.communicate(timeout=60)[0]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
