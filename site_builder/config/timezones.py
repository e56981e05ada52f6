"""The program's `timezone:`: an IANA time zone name ("America/New_York"), checked against the
time zone database (zoneinfo, with the `tzdata` package where the system has none).

The name is looked up in the list of known zones, never opened as a path: a program file is
untrusted input."""

from __future__ import annotations

import difflib
import functools
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

EXAMPLE = "America/New_York"


@functools.lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def _zone(value: Any) -> Any:
    zones = known_zones()
    if isinstance(value, str) and value.strip() in zones:
        return value.strip()
    text = str(value).strip()
    same = next((z for z in sorted(zones) if z.casefold() == text.casefold()), None)
    close = [same] if same else difflib.get_close_matches(text, sorted(zones), n=1, cutoff=0.8)
    hint = f"did you mean '{close[0]}'? Otherwise write" if close else "write"
    fix = (f"{hint} the place's name from the time zone database (IANA), such as "
           f"'{EXAMPLE}', 'America/Chicago', 'America/Los_Angeles' or 'Europe/Madrid'.")
    # The shape of schema.course_error (a message in our words, naming the field).
    raise PydanticCustomError("course", "{message}", {
        "message": f"'{text}' is not a time zone name.", "fix": fix, "at": (), "field": True})


TimeZone = Annotated[str, BeforeValidator(_zone),
                     WithJsonSchema({"type": "string", "examples": [EXAMPLE, "America/Chicago"],
                                     "description": "The time zone the program meets in, as an "
                                     "IANA name such as \"America/New_York\": the calendars "
                                     "then keep each meeting at its local time."})]
