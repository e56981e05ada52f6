"""Everything that knows MkDocs: the course plugin and the build around it."""

from site_builder.plugin.plugin import CoursePlugin

__all__ = ["CoursePlugin"]
