"""check_icalendar.py FILE.ics: reads FILE.ics with the icalendar package
(Debian's python3-icalendar; run it with /usr/bin/python3) and prints what it
read as JSON, in the shape every checker of ical/interop_test.go prints (see
check_icaljs.mjs).

What this reading proves: icalendar 4.0.x resolves a TZID that names an IANA
zone through pytz, by name, and ignores the file's VTIMEZONE for it. So its
DTSTART/DTEND instants prove that our TZIDs are IANA names a tz database
knows and that the wall times written under them mean our instants in that
zone. pytz reads a wall time that occurs twice (a fall-back night) as its
second occurrence, where RFC 5545 3.3.5 says the first: a TZID time in a fold
reads wrong here, which is what subscribers of such a client would see.

The VTIMEZONE itself is checked separately with icalendar's own converter,
Timezone.to_tz(): for every VTIMEZONE, the UTC offset it gives must equal the
tz database's at each event time in that zone and around every transition
from the zone's first event time to the first transition after its last (a
VTIMEZONE holds the observances from the one in force at a calendar's first
event in the zone through the change after its last); every TZID must have a
VTIMEZONE. to_tz in
icalendar 4.0 cannot take an RRULE UNTIL in UTC, which RFC 5545 requires in
a VTIMEZONE, so UNTIL is turned into the local time it names first.

icalendar 4.0 undoes TEXT escapes one kind after another, so an escaped
backslash followed by n (a backslash then "n" in the text) reads as a
backslash and a line break: that misreading is the tool's, and
ical/interop_test.go knows it.
"""

import datetime
import json
import sys

import icalendar
import pytz

OUT = {
    "checker": "python3-icalendar",
    "version": icalendar.__version__,
    "method": None,
    "events": [],
    "errors": [],
    "warnings": [],
}


def fail(where, msg):
    OUT["errors"].append("%s: %s" % (where, msg))


def text(component, name):
    value = component.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        fail(component.get("UID"), "has %d %s properties" % (len(value), name))
        value = value[0]
    return str(value)


def instant(vevent, name, uid, zones):
    """Reads DTSTART or DTEND as Unix seconds; notes each TZID used in zones."""
    prop = vevent.get(name)
    if prop is None:
        if name != "DTEND":
            fail(uid, "%s is missing" % name)
        return None
    dt = prop.dt
    if not isinstance(dt, datetime.datetime):
        fail(uid, "%s is a DATE, not a DATE-TIME" % name)
        return None
    if dt.tzinfo is None:
        fail(uid, "%s is a floating time (TZID %r unresolved)" % (name, prop.params.get("TZID")))
        return None
    tzid = prop.params.get("TZID")
    if tzid:
        zones.setdefault(str(tzid), []).append((uid, name, dt))
    return int(dt.timestamp())


def read_event(vevent, zones):
    uid = text(vevent, "UID")
    organizer = vevent.get("ORGANIZER")
    if isinstance(organizer, list):
        fail(uid, "has %d ORGANIZER properties" % len(organizer))
        organizer = organizer[0]
    sequence = vevent.get("SEQUENCE")
    OUT["events"].append({
        "uid": uid,
        "summary": text(vevent, "SUMMARY"),
        "description": text(vevent, "DESCRIPTION"),
        "location": text(vevent, "LOCATION"),
        "organizer_cn": str(organizer.params["CN"]) if organizer is not None and "CN" in organizer.params else None,
        "organizer": str(organizer) if organizer is not None else None,
        "status": text(vevent, "STATUS"),
        "sequence": int(sequence) if sequence is not None else None,
        "dtstart": instant(vevent, "DTSTART", uid, zones),
        "dtend": instant(vevent, "DTEND", uid, zones),
    })


def offset_at(tz, utc):
    """The UTC offset in force in tz at the instant utc, as +HH:MM."""
    seconds = int(utc.astimezone(tz).utcoffset().total_seconds())
    sign = "-" if seconds < 0 else "+"
    return "%s%02d:%02d" % (sign, abs(seconds) // 3600, abs(seconds) % 3600 // 60)


def probes(uses, reference):
    """The UTC instants at which a VTIMEZONE must agree with the database:
    each event time, and an hour either side of each transition after the
    first event time up to the last, and of the first transition after it."""
    points = sorted(dt.astimezone(pytz.utc) for _, _, dt in uses)
    first, last = points[0], points[-1]
    transitions = [pytz.utc.localize(when) for when in getattr(reference, "_utc_transition_times", [])]
    within = [when for when in transitions if first < when <= last]
    after = [when for when in transitions if when > last][:1]
    for when in within + after:
        for delta in (-3600, 0, 3600):
            points.append(when + datetime.timedelta(seconds=delta))
    return sorted(set(points))


def local_until(vtz):
    """Rewrites each observance's RRULE UNTIL from UTC, as RFC 5545 3.3.10
    requires in a VTIMEZONE, to the local time it names (UTC plus
    TZOFFSETFROM): icalendar 4.0's to_tz hands UNTIL to dateutil with the
    naive DTSTART, and dateutil refuses to mix the two."""
    for observance in vtz.subcomponents:
        rrule = observance.get("RRULE")
        if rrule is None or "UNTIL" not in rrule:
            continue
        offset = observance["TZOFFSETFROM"].td
        rrule["UNTIL"] = [u.astimezone(pytz.utc).replace(tzinfo=None) + offset
                          if isinstance(u, datetime.datetime) and u.tzinfo is not None else u
                          for u in rrule["UNTIL"]]


def check_vtimezones(cal, zones):
    vtimezones = {str(c["TZID"]): c for c in cal.walk("VTIMEZONE") if "TZID" in c}
    for tzid, uses in sorted(zones.items()):
        vtz = vtimezones.get(tzid)
        if vtz is None:
            fail(uses[0][0], "TZID %r has no VTIMEZONE in the file" % tzid)
            continue
        try:
            local_until(vtz)
            converted = vtz.to_tz()
            reference = pytz.timezone(tzid)
        except Exception as err:  # to_tz asserts on bad input
            fail("VTIMEZONE %s" % tzid, "to_tz: %r" % err)
            continue
        for utc in probes(uses, reference):
            got, want = offset_at(converted, utc), offset_at(reference, utc)
            if got != want:
                fail("VTIMEZONE %s" % tzid, "gives UTC offset %s at %s, the tz database %s"
                     % (got, utc.isoformat(), want))
        # The wall time as written, read through the file's VTIMEZONE: must be
        # the instant the tz database gave.
        for uid, name, dt in uses:
            local = converted.localize(dt.replace(tzinfo=None))
            if local.timestamp() != dt.timestamp():
                fail(uid, "%s %s read through VTIMEZONE %s is %s, through the tz database %s"
                     % (name, dt.replace(tzinfo=None).isoformat(), tzid,
                        local.astimezone(pytz.utc).isoformat(), dt.astimezone(pytz.utc).isoformat()))


def main(path):
    with open(path, "rb") as f:
        data = f.read()
    cal = icalendar.Calendar.from_ical(data)
    OUT["method"] = text(cal, "METHOD")
    for component in cal.walk():
        for prop, err in getattr(component, "errors", []):
            fail("%s %s" % (component.name, component.get("UID", "")), "%s: %s" % (prop, err))
    zones = {}
    for vevent in cal.walk("VEVENT"):
        try:
            read_event(vevent, zones)
        except Exception as err:
            fail("VEVENT %s" % vevent.get("UID"), repr(err))
    check_vtimezones(cal, zones)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 check_icalendar.py FILE.ics")
    try:
        main(sys.argv[1])
    except Exception as err:
        fail("parse", repr(err))
    json.dump(OUT, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
