"""What mkdocs.yml itself writes, before MkDocs fills in its defaults and before a build changes
a setting (`serve` sets its own `site_url`; the course plugin sets `theme.language` from the
program): so a message can say what the author wrote, and only when they wrote it."""

from __future__ import annotations

from pathlib import Path

_READ: dict[tuple[str, int], dict] = {}


def written(config) -> dict:
    """Return the settings mkdocs.yml writes ({} when it cannot be read: MkDocs has said why)."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    path = config.config_file_path
    if not path:
        return {}
    try:
        key = (str(path), Path(path).stat().st_mtime_ns)
        if key not in _READ:
            with open(path, "rb") as f:
                _READ[key] = yaml_load(f) or {}
    except (OSError, ConfigurationError):
        return {}
    return _READ[key] if isinstance(_READ[key], dict) else {}
