"""Untrusted input, round two (issue 24): a module's marks have a work budget, program texts stay
text, links out of the project are refused, every error is ours, the browser enforces a
Content-Security-Policy, and the clinical sign-off record survives a crash."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from site_builder.errors import CourseError
from site_builder.structure import budget
from site_builder.structure.budget import MAX_STEPS

from .conftest import REPO
from .test_variables import MODULE, _apply, _module

# --- A module's marks have a budget -----------------------------------------------------------

NESTED = ("{% for a in range(100000) %}\n{% for b in range(100000) %}{{ b }}{% endfor %}\n"
          "{% endfor %}")
STEPS = (f"the '{{{{ }}}}' and '{{% %}}' marks on this line take too much work: filling in the "
         f"module would take more than {MAX_STEPS:,} steps (loop rounds, calls and values made). "
         "Fix: a module fills in the program's values ('{{ phone }}') and chooses its text with "
         "'{% if %}'; it needs no long loops or computed text. Remove the loop or the "
         "expression, or make it much smaller (see 'Variables in modules' in the README).")
ATTACKS = {
    "nested loops": NESTED,
    "a text that doubles": "{% set ns = namespace(s='x') %}{% for i in range(100) %}"
                           "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "a list that doubles": "{% set ns = namespace(a=[]) %}{% for i in range(40) %}"
                           "{% set ns.a = [ns.a, ns.a] %}{% endfor %}{{ ns.a }}",
    "a macro that calls itself twice": "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}"
                                       "{% endif %}{% endmacro %}{{ f(40) }}",
    "a wide filter": "{{ 'x' | center(999999999) }}",
    "a wide method": "{{ 'x'.ljust(999999999) }}",
    "a wide format": "{{ '%999999999d' % 1 }}",
    "a join of shared texts": "{{ (['x' * 100000] * 100000) | join }}",
    "a list that grows by append": "{% set l = [] %}{% for i in range(100000) %}"
                                   "{% set _ = l.append('x' * 100000) %}{% endfor %}",
    "a loop that repeats text": "{% for i in range(100000) %}" + "words " * 200 + "{% endfor %}",
}
_PLACE = "Call {{ phone }} if you will be late.\n"


def _with_marks(marks: str) -> tuple[str, int]:
    """The test module with `marks` after the reading's first line; the line of their last
    line that holds a mark."""
    text = MODULE.replace(_PLACE, f"{_PLACE}\n{marks}\n")
    first = text.splitlines().index(marks.splitlines()[0]) + 1
    return text, first + (1 if marks.count("\n") else 0)


@pytest.mark.parametrize("marks", ATTACKS.values(), ids=ATTACKS.keys())
def test_a_module_over_its_budget_stops_with_its_line(tmp_path, marks):
    text, line = _with_marks(marks)
    start = time.perf_counter()
    with pytest.raises(CourseError) as error:
        _apply(tmp_path, _module(tmp_path, text))
    assert time.perf_counter() - start < 10
    assert str(error.value) == f"modules/test-module.md:{line}: {STEPS}"


def test_a_module_over_its_time_stops_on_the_line_it_was_on(tmp_path, monkeypatch):
    monkeypatch.setattr(budget, "MAX_SECONDS", 0.0)
    text, _ = _with_marks("{% for step in ['a', 'b'] %}{{ step }}{% endfor %}")
    with pytest.raises(CourseError) as error:
        _apply(tmp_path, _module(tmp_path, text))
    line = text.splitlines().index(_PLACE.strip()) + 1  # the first mark: '{{ phone }}'
    assert str(error.value).startswith(
        f"modules/test-module.md:{line}: filling in the module's '{{{{ }}}}' and '{{% %}}' marks "
        "takes more than 0 seconds; it was stopped on this line. Fix: a module fills in")


def test_a_part_with_thousands_of_marks(tmp_path):
    text, _ = _with_marks("{{ phone }} " * 2001)
    with pytest.raises(CourseError) as error:
        _apply(tmp_path, _module(tmp_path, text))
    first = text.splitlines().index(_PLACE.strip()) + 1  # the part's first line
    assert str(error.value).startswith(
        f"modules/test-module.md:{first}: this part of the module has more than 2,000 "
        "'{{ }}' and '{% %}' marks. Fix: ")


def test_the_budget_leaves_ordinary_marks_alone(tmp_path):
    marks = ("{% for step in ['Breathe', 'Walk', 'Call'] %}{{ loop.index }}. {{ step }} "
             "{% endfor %}{{ program_name | upper }} {{ '%s' % phone }} {{ phone ~ '!' }}")
    module = _apply(tmp_path, _module(tmp_path, _with_marks(marks)[0]))
    assert "1. Breathe 2. Walk 3. Call RIVERSIDE EVENING IOP 555-0142 555-0142!" in module.reading


def _seed(project, marks: str, module: str = "coping-with-cravings") -> str:
    """Put `marks` at the start of a small project's module reading; return the 'file:line' its
    message starts with (the second line of marks over several lines: the inner loop)."""
    path = f"modules/{module}.md"
    text = project.read(path)
    start = text.index("# Reading\n") + len("# Reading\n")
    project.write(path, text[:start] + f"\n{marks}\n" + text[start:])
    line = text[:start].count("\n") + 2 + (1 if "\n" in marks else 0)
    return f"{path}:{line}"


def test_nested_loops_stop_check_in_seconds_and_little_memory(small):
    where = _seed(small, NESTED)
    script = textwrap.dedent(f"""
        import time
        from pathlib import Path
        import click
        from site_builder.cli import main
        start = time.perf_counter()
        try:
            main(["check", "-f", {str(small.config)!r}], standalone_mode=False)
        except click.ClickException as e:
            print(e.message)
        print(time.perf_counter() - start)
        # The peak of this process's own memory (ru_maxrss would count the forking parent's).
        status = Path("/proc/self/status").read_text()
        print(int(status.split("VmHWM:")[1].split()[0]) // 1024)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    *_, message, seconds, megabytes = result.stdout.strip().splitlines()
    assert message == f"{where}: {STEPS}"
    assert float(seconds) < 10 and int(megabytes) < 300, (seconds, megabytes)


def test_nested_loops_stop_the_build_with_the_same_message(small):
    where = _seed(small, NESTED)
    small.disable_pdfs()
    start = time.perf_counter()
    result = small.cli("build")
    assert time.perf_counter() - start < 10
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == f"Error: {where}: {STEPS}"
    assert not small.site.exists()


@pytest.mark.slow
def test_serve_shows_the_message_and_keeps_serving_the_last_good_site(small, tmp_path):
    from .test_serve import _fetch, _free_port, _wait_for, stop_server

    small.disable_pdfs()
    port, log = _free_port(), tmp_path / "serve.log"
    url = f"http://127.0.0.1:{port}/week-01/session-3/"  # coping-with-cravings
    mkdocs = Path(sys.executable).with_name("mkdocs")
    with log.open("w") as out:
        server = subprocess.Popen([str(mkdocs), "serve", "-f", str(small.config), "-a",
                                   f"127.0.0.1:{port}"], cwd=small.root, stdout=out,
                                  stderr=subprocess.STDOUT, text=True, start_new_session=True,
                                  env={**os.environ, "NO_MKDOCS_2_WARNING": "1",
                                       "PYTHONPATH": str(REPO)})
    try:
        assert _wait_for(url, "Coping with Cravings"), "server did not start"
        good = small.read("modules/coping-with-cravings.md")
        where = _seed(small, NESTED)
        start = time.monotonic()
        while f"{where}: {STEPS}" not in log.read_text() and time.monotonic() - start < 20:
            time.sleep(0.2)
        assert f"{where}: {STEPS}" in log.read_text()
        assert time.monotonic() - start < 12  # the rebuild waits for the edits to settle first
        time.sleep(1)
        page = _fetch(url)  # answered at once, from the last good site
        assert page is not None and "Coping with Cravings" in page and "range(" not in page
        small.write("modules/coping-with-cravings.md",
                    good.replace("# Reading\n", "# Reading\n\n@fixed-again@\n"))
        assert _wait_for(url, "@fixed-again@"), "did not recover after the fix"
    finally:
        stop_server(server)
    output = log.read_text()
    assert "The site shows its last good version until this is fixed." in output
    assert "Traceback" not in output
