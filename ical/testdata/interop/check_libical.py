"""check_libical.py FILE.ics: reads FILE.ics with libical (the C library of
Evolution and KDE, through GObject introspection: Debian's gir1.2-ical-3.0
and python3-gi; run it with /usr/bin/python3) and prints what it read as
JSON, in the shape every checker of ical/interop_test.go prints (see
check_icaljs.mjs).

What this reading proves: libical's parser inserts an X-LIC-ERROR property
wherever it could not parse something (a bad line, a bad parameter, a value
of the wrong type), and each is an error here. Then ICalGLib.restriction_check
applies RFC 5546's table for the calendar's METHOD (PUBLISH: exactly one
ORGANIZER, DTSTAMP, DTSTART, SUMMARY, UID, no ATTENDEE; CANCEL: SEQUENCE and
so on); each X-LIC-ERROR it adds is an error prefixed "restriction". Times
are read through the file's VTIMEZONE (ICalGLib.Timezone made from it, the
builtin zones are never consulted): a TZID without a VTIMEZONE is an error.
"""

import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402

OUT = {
    "checker": "libical",
    "version": "ICalGLib " + ICalGLib._version,
    "method": None,
    "events": [],
    "errors": [],
    "warnings": [],
}

K = ICalGLib.ComponentKind
P = ICalGLib.PropertyKind


def fail(where, msg):
    OUT["errors"].append("%s: %s" % (where, msg))


def walk(component):
    yield component
    child = component.get_first_component(K.ANY_COMPONENT)
    while child is not None:
        yield from walk(child)
        child = component.get_next_component(K.ANY_COMPONENT)


def properties(component, kind):
    found = []
    prop = component.get_first_property(kind)
    while prop is not None:
        found.append(prop)
        prop = component.get_next_property(kind)
    return found


def lic_errors(root):
    """Every X-LIC-ERROR in the tree, as (component name, UID, message)."""
    found = []
    for component in walk(root):
        for prop in properties(component, P.XLICERROR_PROPERTY):
            uid = component.get_uid() if component.isa() == K.VEVENT_COMPONENT else ""
            found.append("%s %s: %s" % (ICalGLib.Component.kind_to_string(component.isa()),
                                        uid or "", prop.get_value_as_string()))
    return found


def single(vevent, kind, uid):
    props = properties(vevent, kind)
    if len(props) > 1:
        fail(uid, "has %d %s properties" % (len(props), ICalGLib.Property.kind_to_string(kind)))
    return props[0] if props else None


def text(vevent, kind, uid):
    """The unescaped value of a TEXT property (get_value_as_string escapes)."""
    prop = single(vevent, kind, uid)
    return None if prop is None else prop.get_value().get_text()


def instant(zones, vevent, kind, uid):
    prop = single(vevent, kind, uid)
    name = ICalGLib.Property.kind_to_string(kind)
    if prop is None:
        if kind != P.DTEND_PROPERTY:
            fail(uid, "%s is missing" % name)
        return None
    t = prop.get_value().get_datetime()
    if t.is_date():
        fail(uid, "%s is a DATE, not a DATE-TIME" % name)
        return None
    if t.is_utc():
        return t.as_timet()
    tzid = prop.get_parameter_as_string("TZID")
    if not tzid:
        fail(uid, "%s is a floating time" % name)
        return None
    zone = zones.get(tzid)
    if zone is None:
        fail(uid, "%s TZID %s has no VTIMEZONE in the file" % (name, tzid))
        return None
    return t.as_timet_with_zone(zone)


def file_zones(root):
    """The zones the file defines, by TZID, each made from its VTIMEZONE."""
    zones = {}
    for vtimezone in walk(root):
        if vtimezone.isa() != K.VTIMEZONE_COMPONENT:
            continue
        tzid = vtimezone.get_first_property(P.TZID_PROPERTY)
        if tzid is None:
            fail("VTIMEZONE", "has no TZID")
            continue
        zone = ICalGLib.Timezone.new()
        if not zone.set_component(vtimezone.clone()):
            fail("VTIMEZONE %s" % tzid.get_value_as_string(), "libical refused it")
            continue
        zones[tzid.get_value_as_string()] = zone
    return zones


def read_event(zones, vevent):
    uid = vevent.get_uid()
    organizer = single(vevent, P.ORGANIZER_PROPERTY, uid)
    sequence = single(vevent, P.SEQUENCE_PROPERTY, uid)
    status = single(vevent, P.STATUS_PROPERTY, uid)
    OUT["events"].append({
        "uid": uid,
        "summary": text(vevent, P.SUMMARY_PROPERTY, uid),
        "description": text(vevent, P.DESCRIPTION_PROPERTY, uid),
        "location": text(vevent, P.LOCATION_PROPERTY, uid),
        "organizer_cn": organizer.get_parameter_as_string("CN") if organizer is not None else None,
        "organizer": organizer.get_value_as_string() if organizer is not None else None,
        "status": status.get_value_as_string() if status is not None else None,
        "sequence": sequence.get_sequence() if sequence is not None else None,
        "dtstart": instant(zones, vevent, P.DTSTART_PROPERTY, uid),
        "dtend": instant(zones, vevent, P.DTEND_PROPERTY, uid),
    })


def main(path):
    with open(path, encoding="utf-8", newline="") as f:
        data = f.read()
    root = ICalGLib.Component.new_from_string(data)
    if root is None:
        fail("parse", "libical parsed no component")
        return
    if root.isa() != K.VCALENDAR_COMPONENT:
        fail("top level", "is %s, not VCALENDAR" % ICalGLib.Component.kind_to_string(root.isa()))
        return
    for err in lic_errors(root):
        fail("parse", err)
    root.strip_errors()
    method = root.get_first_property(P.METHOD_PROPERTY)
    OUT["method"] = method.get_value_as_string() if method is not None else None
    valid = ICalGLib.restriction_check(root)
    restricted = lic_errors(root)
    for err in restricted:
        fail("restriction", err)
    if not valid and not restricted:
        fail("restriction", "check_restrictions failed without saying why")
    root.strip_errors()
    zones = file_zones(root)
    # Collected first: walk shares each component's child iterator.
    for vevent in [c for c in walk(root) if c.isa() == K.VEVENT_COMPONENT]:
        try:
            read_event(zones, vevent)
        except Exception as err:
            fail("VEVENT %s" % vevent.get_uid(), repr(err))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 check_libical.py FILE.ics")
    try:
        main(sys.argv[1])
    except Exception as err:
        fail("parse", repr(err))
    json.dump(OUT, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
