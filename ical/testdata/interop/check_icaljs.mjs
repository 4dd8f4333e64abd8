// check_icaljs.mjs FILE.ics: reads FILE.ics with ical.js (Thunderbird's
// parser) and prints what it read as JSON on stdout, in the shape
// ical/interop_test.go expects from every checker:
//
//   {"checker", "version", "method", "events": [{"uid", "summary",
//    "description", "location", "organizer_cn", "organizer", "status",
//    "sequence", "dtstart", "dtend"}], "errors": [...], "warnings": [...]}
//
// dtstart and dtend are Unix seconds. ical.js never warns, so anything odd it
// does is reported here as an error: an exception, a TZID that it cannot
// resolve to the file's VTIMEZONE (ical.js then silently reads the time as
// floating), a floating or date-only time where an instant is expected.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const pkg = JSON.parse(
  readFileSync(new URL("./node_modules/ical.js/package.json", import.meta.url), "utf8"),
);
const out = {
  checker: "ical.js",
  version: pkg.version,
  method: null,
  events: [],
  errors: [],
  warnings: [],
};

function fail(where, err) {
  out.errors.push(`${where}: ${err && err.message ? err.message : err}`);
}

// instant reads a DTSTART or DTEND as Unix seconds, reporting every way in
// which ical.js could give a different instant than the file means.
function instant(vevent, name, uid) {
  const prop = vevent.getFirstProperty(name);
  if (!prop) {
    if (name === "dtend") return null; // DURATION or none: the test says so
    fail(`${uid} ${name}`, "missing");
    return null;
  }
  const tzid = prop.getParameter("tzid");
  const t = prop.getFirstValue();
  if (t.isDate) {
    fail(`${uid} ${name}`, "is a DATE, not a DATE-TIME");
  }
  if (tzid) {
    if (!ICAL.TimezoneService.has(tzid)) {
      fail(`${uid} ${name}`, `TZID ${JSON.stringify(tzid)} has no VTIMEZONE in the file`);
    }
    if (!t.zone || t.zone.tzid !== tzid) {
      fail(`${uid} ${name}`, `TZID ${JSON.stringify(tzid)} fell back to zone ${t.zone && t.zone.tzid}`);
    }
  } else if (t.zone !== ICAL.Timezone.utcTimezone) {
    fail(`${uid} ${name}`, "is a floating time");
  }
  return t.toUnixTime();
}

function readEvent(vevent) {
  const ev = new ICAL.Event(vevent);
  const uid = ev.uid || "(no UID)";
  const organizers = vevent.getAllProperties("organizer");
  if (organizers.length !== 1) {
    fail(uid, `has ${organizers.length} ORGANIZER properties`);
  }
  const org = organizers[0];
  out.events.push({
    uid: ev.uid,
    summary: ev.summary,
    description: ev.description,
    location: ev.location,
    organizer_cn: org ? org.getParameter("cn") : null,
    organizer: org ? org.getFirstValue() : null,
    status: vevent.getFirstPropertyValue("status"),
    sequence: ev.sequence,
    dtstart: instant(vevent, "dtstart", uid),
    dtend: instant(vevent, "dtend", uid),
  });
}

function main(path) {
  const text = readFileSync(path, "utf8");
  const root = new ICAL.Component(ICAL.parse(text));
  if (root.name !== "vcalendar") {
    fail("top level", `is ${root.name}, not vcalendar`);
    return;
  }
  out.method = root.getFirstPropertyValue("method");
  // Register every VTIMEZONE of the file, so that TZID references resolve to
  // the file's own definitions and nothing else.
  for (const vtz of root.getAllSubcomponents("vtimezone")) {
    try {
      const tz = new ICAL.Timezone(vtz);
      if (!tz.tzid) throw new Error("has no TZID");
      ICAL.TimezoneService.register(tz);
    } catch (err) {
      fail("VTIMEZONE", err);
    }
  }
  for (const vevent of root.getAllSubcomponents("vevent")) {
    try {
      readEvent(vevent);
    } catch (err) {
      fail(`VEVENT ${vevent.getFirstPropertyValue("uid")}`, err);
    }
  }
}

if (process.argv.length !== 3) {
  console.error("usage: node check_icaljs.mjs FILE.ics");
  process.exit(2);
}
try {
  main(process.argv[2]);
} catch (err) {
  fail("parse", err);
}
process.stdout.write(JSON.stringify(out) + "\n");
