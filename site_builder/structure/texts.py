"""Program texts in every language of the site.

A program file can write a text once (`name: Skills group`: the same in every language, such as
a proper name) or once per language (`name: {en: Skills group, es: Grupo de habilidades}`). For a
build in another language, a text with no entry for it falls back to the program's main
language (`language:`), and the build warns with the file and line.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from site_builder.errors import Problem
from site_builder.utils.yaml import line_of

# The fields that may hold a text per language (schema type `Localized`).
LINE_FIELDS = ("name", "note")
CURRICULUM_FIELDS = ("program",)
CONTACT_FIELDS = ("meeting_place", "address")


def localize_curriculum(curriculum, language: str, lines: dict, name: str):
    """Return the curriculum with every text in `language`, and a warning for each fallback."""
    main = curriculum.language
    warnings: list[Problem] = []

    def pick(value: Any, path: tuple) -> Any:
        return _pick(value, language, main, path, lines, name, warnings)

    update: dict[str, Any] = {f: pick(getattr(curriculum, f), (f,)) for f in CURRICULUM_FIELDS}
    update["tracks"] = [_update(t, {"name": pick(t.name, ("tracks", i, "name")),
                                    **_session_titles(t, ("tracks", i), pick)})
                        for i, t in enumerate(curriculum.tracks)]
    update.update(_session_titles(curriculum, (), pick))  # the single-group shorthand
    update["contact"] = _update(curriculum.contact, {
        f: pick(getattr(curriculum.contact, f), ("contact", f)) for f in CONTACT_FIELDS})
    for key in ("local_resources", "crisis_lines"):
        update[key] = [_update(line, {f: pick(getattr(line, f), (key, i, f))
                                      for f in LINE_FIELDS})
                       for i, line in enumerate(getattr(curriculum, key))]
    return curriculum.model_copy(update=update), warnings


def _session_titles(holder: Any, base: tuple, pick) -> dict[str, Any]:
    """Return the session entries of a track (or of a single-group program) with the program's
    own session titles (`{module: ..., title: ...}`) in the language."""
    def entry(item: Any, path: tuple) -> Any:
        return item if isinstance(item, str) else _update(item, {
            "title": pick(item.title, (*path, "title"))})

    found: dict[str, Any] = {}
    if any(not isinstance(e, str) for e in getattr(holder, "modules", None) or []):
        found["modules"] = [entry(e, (*base, "modules", j)) for j, e in enumerate(holder.modules)]
    if any(not isinstance(e, str) for w in holder.schedule for e in w.sessions):
        found["schedule"] = [_update(w, {"sessions": [
            entry(e, (*base, "schedule", i, "sessions", j)) for j, e in enumerate(w.sessions)]})
            for i, w in enumerate(holder.schedule)]
    return found


def main_text(value: Any, main: str) -> Any:
    """Return a program text in the program's main language (`main`), for messages."""
    if not isinstance(value, dict):
        return value
    return value[main] if main in value else next(iter(value.values()))


def localize_lines(crisis_lines: list, language: str, main: str, lines: dict,
                   name: str) -> tuple[list, list[Problem]]:
    """Return the crisis lines of a crisis-line file with their texts in `language`."""
    warnings: list[Problem] = []
    found = [_update(line, {f: _pick(getattr(line, f), language, main, ("crisis_lines", i, f),
                                     lines, name, warnings) for f in LINE_FIELDS})
             for i, line in enumerate(crisis_lines)]
    return found, warnings


def _update(model: BaseModel, values: dict[str, Any]) -> BaseModel:
    changed = {k: v for k, v in values.items() if v is not getattr(model, k)}
    return model.model_copy(update=changed) if changed else model


def _pick(value: Any, language: str, main: str, path: tuple, lines: dict, name: str,
          warnings: list[Problem]) -> Any:
    """Return the text of `value` in `language` (a plain text is the same in every language)."""
    if not isinstance(value, dict):
        return value
    if language in value:
        return value[language]
    fallback = main if main in value else next(iter(value))
    field = ".".join(str(p) for p in path)
    warnings.append(Problem(name, f"'{field}' has no '{language}' text, so the '{fallback}' "
                            f"text '{value[fallback]}' is shown on the '{language}' pages.",
                            line=line_of(lines, path),
                            fix=f"add '{language}: ...' to it (or write one text for every "
                            "language)."))
    return value[fallback]
