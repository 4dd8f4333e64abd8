"""check_vobject.py FILE.ics: reads FILE.ics with vobject (Debian's
python3-vobject; run it with /usr/bin/python3) and prints what it read as
JSON, in the shape every checker of ical/interop_test.go prints (see
check_icaljs.mjs).

What this reading proves: vobject.readOne(validate=True) accepts the file
(vobject refuses malformed content lines, backslash-escaped parameter values
and, when validating, components with properties in the wrong number), and
builds each zone from the file's VTIMEZONE with dateutil's tzical: a TZID
time is read through our VTIMEZONE, never through a tz database (a TZID that
fell back to pytz is an error here). dateutil reads a repeated wall time as
its first occurrence, as RFC 5545 3.3.5 says. vobject logs instead of
raising for some problems: every log record of level WARNING or more is
reported.

vobject takes a VTIMEZONE whose offsets from 2000 to 2020 are those of UTC
for UTC itself, and reads its TZID through pytz instead (a VTIMEZONE that
holds only the years of a London talk of 1990 is one): for such a zone the
time is read here through the file's VTIMEZONE with dateutil, as vobject
does for every other.
"""

import datetime
import json
import logging
import sys

import vobject

try:
    from importlib.metadata import version

    VERSION = version("vobject")
except Exception:  # Debian's package may lack the metadata
    VERSION = "unknown"

OUT = {
    "checker": "python3-vobject",
    "version": VERSION,
    "method": None,
    "events": [],
    "errors": [],
    "warnings": [],
}


def fail(where, msg):
    OUT["errors"].append("%s: %s" % (where, msg))


class Collect(logging.Handler):
    def emit(self, record):
        level = "errors" if record.levelno >= logging.ERROR else "warnings"
        OUT[level].append("log %s: %s" % (record.name, record.getMessage()))


def value(component, name):
    """The value of the single property name, or None; more than one is an error."""
    lines = component.contents.get(name.lower(), [])
    if len(lines) > 1:
        fail(uid_of(component), "has %d %s properties" % (len(lines), name.upper()))
    return lines[0] if lines else None


def uid_of(component):
    lines = component.contents.get("uid", [])
    return lines[0].value if lines else "(no UID)"


def text(component, name):
    line = value(component, name)
    return None if line is None else line.value


def instant(vevent, name, zones):
    line = value(vevent, name)
    uid = uid_of(vevent)
    if line is None:
        if name != "dtend":
            fail(uid, "%s is missing" % name.upper())
        return None
    dt = line.value
    if not isinstance(dt, datetime.datetime):
        fail(uid, "%s is a DATE, not a DATE-TIME" % name.upper())
        return None
    if dt.tzinfo is None:
        fail(uid, "%s is a floating time" % name.upper())
        return None
    # vobject moves TZID out of params; the zone's type tells where it came
    # from: dateutil for the file's VTIMEZONE (and for UTC), pytz otherwise.
    module = type(dt.tzinfo).__module__
    if not module.startswith("dateutil"):
        tzid = line.params.get("X-VOBJ-ORIGINAL-TZID", ["?"])[0]
        zone = zones.get(tzid)
        if zone is None or not vobject.icalendar.tzinfo_eq(zone, vobject.icalendar.utc):
            fail(uid, "%s TZID %s was not read from the file's VTIMEZONE but from %s" % (name.upper(), tzid, module))
        else:
            dt = dt.replace(tzinfo=None).replace(tzinfo=zone)
    return int(dt.timestamp())


def read_event(vevent, zones):
    organizer = value(vevent, "organizer")
    cn = organizer.params.get("CN") if organizer is not None else None
    if cn is not None and len(cn) != 1:
        fail(uid_of(vevent), "ORGANIZER CN has %d values: %r" % (len(cn), cn))
    sequence = text(vevent, "sequence")
    OUT["events"].append({
        "uid": text(vevent, "uid"),
        "summary": text(vevent, "summary"),
        "description": text(vevent, "description"),
        "location": text(vevent, "location"),
        "organizer_cn": cn[0] if cn else None,
        "organizer": organizer.value if organizer is not None else None,
        "status": text(vevent, "status"),
        "sequence": int(sequence) if sequence is not None else None,
        "dtstart": instant(vevent, "dtstart", zones),
        "dtend": instant(vevent, "dtend", zones),
    })


def main(path):
    with open(path, encoding="utf-8", newline="") as f:
        data = f.read()
    cal = vobject.readOne(data, validate=True)
    if cal.name != "VCALENDAR":
        fail("top level", "is %s, not VCALENDAR" % cal.name)
        return
    OUT["method"] = text(cal, "method")
    zones = {vtz.tzid.value: vtz.gettzinfo() for vtz in cal.contents.get("vtimezone", [])}
    for vevent in cal.contents.get("vevent", []):
        try:
            read_event(vevent, zones)
        except Exception as err:
            fail("VEVENT %s" % uid_of(vevent), repr(err))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 check_vobject.py FILE.ics")
    logging.getLogger().addHandler(Collect(level=logging.WARNING))
    try:
        main(sys.argv[1])
    except Exception as err:
        fail("parse", repr(err))
    json.dump(OUT, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
