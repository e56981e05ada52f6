"""`mkdocs serve` and `site-builder serve` rebuild when a module changes, and keep serving;
`site-builder serve` shows every language of the program (or the one `--language` names)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from ..conftest import REPO, SMALL_SLUGS


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


def _serve(project, *options: str) -> tuple[subprocess.Popen, str]:
    """Start `site-builder serve` on the project (its own process group); return it and its
    address."""
    port = _free_port()
    command = Path(sys.executable).with_name("site-builder")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1",  # this checkout's code, run from anywhere
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    server = subprocess.Popen(
        [str(command), "serve", "-f", str(project.config), "-a", f"127.0.0.1:{port}", *options],
        cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    return server, f"http://127.0.0.1:{port}/"


@pytest.mark.slow
def test_serve_shows_every_language_and_an_edited_translation(small):
    small.disable_pdfs()
    server, base = _serve(small)
    slug = SMALL_SLUGS["coping-with-cravings"]
    try:
        english = f"{base}{slug}/"
        assert _wait_for(english, "Coping with Cravings"), "server did not start"
        link = re.search(r'<a href="([^"]+)" hreflang="es" lang="es" target="_self"',
                         _fetch(english))[1]
        spanish = urllib.parse.urljoin(english, link)  # the language switcher, under serve
        assert spanish == f"{base}es/{slug}/"
        page = _fetch(spanish)
        assert '<html lang="es"' in page and "Cómo afrontar las ganas" in page
        back = re.search(r'<a href="([^"]+)" hreflang="en" lang="en" target="_self"', page)[1]
        assert urllib.parse.urljoin(spanish, back) == english
        small.replace("modules/coping-with-cravings.es.md", "# Lectura\n",
                      "# Lectura\n\nUna frase añadida mientras se sirve: @editado-en-serve@.\n")
        assert _wait_for(spanish, "@editado-en-serve@"), "edit to the translation not picked up"
        assert "@editado-en-serve@" not in _fetch(english)
    finally:
        output = stop_server(server)
    assert "Languages: 'en' here, 'es' in es/." in output
    assert "Traceback" not in output and "ERROR" not in output


@pytest.mark.slow
def test_serve_one_language_at_the_root(small):
    small.disable_pdfs()
    server, base = _serve(small, "--language", "es")
    try:
        url = f"{base}{SMALL_SLUGS['coping-with-cravings']}/"
        assert _wait_for(url, "Cómo afrontar las ganas"), "server did not start"
        page = _fetch(url)
        assert '<html lang="es"' in page and 'hreflang="en"' not in page
        assert _fetch(f"{base}es/") is None  # one language, no other folder
    finally:
        output = stop_server(server)
    assert "Traceback" not in output


def test_serve_a_language_the_program_does_not_have(small):
    from site_builder.cli import main

    result = CliRunner().invoke(main, ["serve", "-f", str(small.config), "--language", "fr"],
                                env={"SITE_BUILDER_PROGRAM": None})
    assert result.exit_code != 0
    assert result.output.strip() == (
        "Error: curriculum/default.yml: the program is in 'en' and 'es', not in 'fr'. Fix: "
        "'--language en' or '--language es', or add 'fr' to 'translations:' in the program "
        "file.")
