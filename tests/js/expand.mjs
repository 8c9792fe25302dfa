// Expands an iCalendar file the way a calendar app using ical.js (Thunderbird, Nextcloud)
// does, and prints its occurrences as JSON, for tests/api/test_calendar_readers.py.
//
//   node tests/js/expand.mjs FILE.ics FROM TO
//
// FROM and TO are instants (ISO 8601, e.g. 2026-11-23T23:00:00Z). Prints a JSON list of
// {uid, recurrence_id, start, end, status} (instants in UTC, recurrence_id as
// 20261124T153000Z) for every occurrence that overlaps [FROM, TO): the time zones are the
// file's own VTIMEZONEs, EXDATEs are left out, and each RECURRENCE-ID event replaces the
// occurrence it names (moved, cancelled), as ical.js relates exceptions to their series.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const [file, from, to] = process.argv.slice(2);
if (!file || !from || !to) {
  console.error("usage: node expand.mjs FILE.ics FROM TO");
  process.exit(2);
}
const windowStart = new Date(from);
const windowEnd = new Date(to);
const calendar = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}

const utc = (time) => time.toJSDate();
const stamp = (date) => date.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
const statusOf = (event) => String(event.component.getFirstPropertyValue("status") || "CONFIRMED");

const events = calendar.getAllSubcomponents("vevent").map((c) => new ICAL.Event(c));
const masters = new Map();
for (const event of events) {
  if (!event.isRecurrenceException()) masters.set(event.uid, event);
}
for (const event of events) {
  if (event.isRecurrenceException() && masters.has(event.uid)) {
    masters.get(event.uid).relateException(event);
  }
}

const found = [];
const keep = (uid, recurrenceId, start, end, item) => {
  if (start < windowEnd && end > windowStart) {
    found.push({
      uid,
      recurrence_id: stamp(recurrenceId),
      start: start.toISOString(),
      end: end.toISOString(),
      status: statusOf(item),
    });
  }
};
// Occurrences are looked for from 60 days before the window: one moved into it from there.
const lookFrom = new Date(windowStart.getTime() - 60 * 86400 * 1000);
for (const master of masters.values()) {
  if (!master.isRecurring()) {
    const start = utc(master.startDate);
    keep(master.uid, start, start, utc(master.endDate), master);
    continue;
  }
  const iterator = master.iterator();
  for (let next = iterator.next(); next; next = iterator.next()) {
    const planned = utc(next);
    if (planned >= windowEnd) break;
    if (planned < lookFrom) continue;
    const details = master.getOccurrenceDetails(next);
    keep(master.uid, utc(details.recurrenceId), utc(details.startDate), utc(details.endDate), details.item);
  }
}
found.sort((a, b) => (a.start + a.uid).localeCompare(b.start + b.uid));
process.stdout.write(JSON.stringify(found));
