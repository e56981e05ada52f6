"""`mkdocs serve` rebuilds when a module changes, and keeps serving."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


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


def test_serve_shows_an_edited_module_after_reload(project):
    port = _free_port()
    mkdocs = Path(sys.executable).with_name("mkdocs")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [str(mkdocs), "serve", "-f", str(project.config), "-a", f"127.0.0.1:{port}"],
        cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/week-04/session-1/"
        assert _wait_for(url, "Coping with Cravings"), "server did not start"
        project.replace("modules/coping-with-cravings.md", "# Reading\n",
                        "# Reading\n\nA sentence added while serving: @edited-under-serve@.\n")
        assert _wait_for(url, "@edited-under-serve@"), "edit not picked up"
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "Traceback" not in output
