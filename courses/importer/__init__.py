"""Build courses from plain data: the demo fixtures, or any file in the same shape.

One data set (what ``tomllib`` returns for one ``fixtures/courses/*.toml`` file) describes one
course in one language; the format is documented in ``fixtures/README.md``.

- ``schema``: the file, declared (pydantic models); ``parse``: checked whole against it before
  anything is written, with messages naming the file and the entry;
- ``images``: the placeholder images it describes, drawn with Pillow;
- ``upsert``: the writes, idempotent (a second import changes nothing).
"""

from courses.importer.parse import CourseDataError, parse_course_data
from courses.importer.schema import CourseFile
from courses.importer.upsert import courses_import

__all__ = ["CourseDataError", "CourseFile", "courses_import", "parse_course_data"]
