"""Build IOP psychoeducation course sites and handouts from Markdown modules and curriculum YAML."""

from __future__ import annotations

__version__ = "0.1.0"
