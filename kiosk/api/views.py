"""The JSON API: expanded occurrences for a date range, and the board's change token (a long poll).

Owns `/api/...`. Answers in JSON only; errors are `{"error": "<message in the viewer's
language>"}` with a 4xx status. Never exposes personal data of signups.

Also owns the iCalendar feeds outside `/api`: `/calendar.ics` (every activity, or narrowed
with `?organiser=` / `?audience=`) and `/a/<id>.ics` (one activity), made by `kiosk.ical.write`.
They live on their own blueprint, `ics` (registered by `create_app`). Every feed has an ETag
(this process, the catalogue's version, the path and query, the year) and a Last-Modified
(the store's last write, or this process's start if later), and answers If-None-Match and
If-Modified-Since with 304 before it builds anything: calendar apps poll them all day.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Hashable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request
from flask_babel import gettext as _
from werkzeug.http import is_resource_modified

from kiosk import services
from kiosk.activities.model import AUDIENCES, Activity, parse_day
from kiosk.activities.recurrence import Occurrence
from kiosk.api.feeds import feed_bytes, in_feed
from kiosk.board.agenda import BoardFilter, Snapshot, occurrences_between
from kiosk.web import proxies
from kiosk.web.built_bytes import Abandoned, accepts_gzip, never_gone

bp = Blueprint("api", __name__, url_prefix="/api")
ics = Blueprint("ics", __name__)  # no /api prefix: calendar apps subscribe to these URLs
MAX_DAYS = 366
MAX_OCCURRENCES = 1000  # occurrences in one answer; `next_offset` asks for the next ones
ICS_TYPE = "text/calendar; charset=utf-8"
STARTED = datetime.now(UTC).replace(microsecond=0)  # new code may write feeds differently
BUSY_AGAIN_IN = 30  # seconds: a board the long poll has no room for polls as it did before


def _error(message: str, status: int = 400):  # type: ignore[no-untyped-def]
    return jsonify({"error": message}), status


def _parse_day(name: str, default: date) -> date:
    text = request.args.get(name)
    if not text:
        return default
    return parse_day(text)


def occurrence_json(occ: Occurrence, snap: Snapshot) -> dict[str, Any]:
    act = occ.activity
    place = snap.places.get(act.place_id or "")
    org = snap.organisers.get(act.organiser_id or "")
    return {
        "activity_id": act.id,
        "recurrence_id": occ.recurrence_id,
        "start": occ.start.isoformat(),
        "end": occ.end.isoformat(),
        "tz": act.tz,
        "status": occ.status,
        "moved": occ.moved,
        "note": occ.note,
        "title": act.title,
        "description": act.description,
        "place": place.to_doc() if place else None,
        "organiser": (
            {
                "id": org.id,
                "name": org.name,
                "contact_name": org.contact_name,
                "phone": org.phone,
                "web": org.web,
            }
            if org
            else None
        ),
        "audiences": act.audiences,
        "languages": act.languages,
        "cost_sek": act.cost_sek,
        "childcare": act.childcare,
        "signup": act.signup.to_doc(),
        "series": act.rrule is not None,
        "updated_at": act.updated_at.isoformat(),
        "version": act.version,
    }


@bp.get("/activities")
def activities():  # type: ignore[no-untyped-def]
    """Occurrences from `from` to `to` (local dates, both included; default: 7 days), at
    most `MAX_OCCURRENCES` from `offset` on (`total` says how many; `next_offset` where the
    next answer starts). Built once per catalogue version and kept as bytes (ETag, 304)."""
    svc = services.get()
    today = svc.now().date()
    try:
        first = _parse_day("from", today)
        last = _parse_day("to", first + timedelta(days=6))
    except ValueError:
        return _error(_("Datum ska skrivas som ÅÅÅÅ-MM-DD, till exempel 2026-11-24."))
    if last < first:
        return _error(_("Slutdatumet ligger före startdatumet."))
    if (last - first).days >= MAX_DAYS:
        return _error(_("Välj högst %(days)s dagar åt gången.", days=MAX_DAYS))
    audience = request.args.get("for") or None
    if audience is not None and audience not in AUDIENCES:
        return _error(_("Okänd målgrupp."))
    try:
        offset = max(0, int(request.args.get("offset") or 0))
    except ValueError:
        return _error(_("Ange offset som ett heltal, till exempel 1000."))
    snap = svc.catalogue.snapshot()
    key, etag = _validators(snap, today)
    if not is_resource_modified(request.environ, etag=etag):
        response = Response(status=304)
    else:
        start = datetime.combine(first, datetime.min.time(), svc.zone)
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), svc.zone)
        chosen = BoardFilter(audience=audience, place_id=request.args.get("place") or None)

        def build(gone: Callable[[], bool]) -> bytes:
            found = occurrences_between(snap, start, end, chosen)
            page = found[offset : offset + MAX_OCCURRENCES]
            answer: dict[str, Any] = {
                "from": first.isoformat(),
                "to": last.isoformat(),
                "tz": svc.zone.key,
                "total": len(found),
                "offset": offset,
                "occurrences": [occurrence_json(o, snap) for o in page],
            }
            if offset + MAX_OCCURRENCES < len(found):
                answer["next_offset"] = offset + MAX_OCCURRENCES
            return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()

        response = _cached(("api", *key), build, "application/json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/board-version")
def board_version():  # type: ignore[no-untyped-def]
    """A token that changes when the board's content may have changed (this process, the
    store's version, the local date). With `?since=<token>` it is a long poll: the answer
    waits until the token differs, at most LONG_POLL_SECONDS (`kiosk.board.live`). The
    answer says how long the server waits (`wait`, for the board's own timeout) and how
    many seconds to pause before asking again (`again_in`: 0, or BUSY_AGAIN_IN when too
    many boards wait already and this one was answered at once)."""
    svc = services.get()
    watch = svc.board_watch

    def current() -> str:
        return f"{svc.pages.token}-{svc.store.version}-{svc.now().date()}"

    since = request.args.get("since", "")[:100]
    again_in = 0
    if since:
        answer = watch.wait(since, current, client=request.remote_addr or "?")
        version, again_in = answer.version, 0 if answer.waited else BUSY_AGAIN_IN
    else:
        version = current()
    response = jsonify({"version": version, "wait": watch.seconds, "again_in": again_in})
    response.headers["Cache-Control"] = "no-store"
    return response


def _gone() -> Callable[[], bool]:
    """Whether this request's client has gone (waitress tells with its lookahead on)."""
    return request.environ.get("waitress.client_disconnected") or never_gone


def _cached(key: Hashable, build: Callable[[Callable[[], bool]], bytes], kind: str) -> Response:
    """The answer for `key` from the built-answer cache (built once per key however many
    ask at once), gzipped for clients that take it. A 503 if everyone who asked has gone
    before it was ready (nobody reads it)."""
    svc = services.get()
    try:
        built = svc.answers.get(key, build, _gone())
    except Abandoned:
        return Response(status=503)
    if accepts_gzip(request.environ):
        response = Response(built.gzipped, content_type=kind)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(built.plain(), content_type=kind)
    response.headers["Vary"] = "Accept-Encoding"
    return response


def _validators(snap: Snapshot, today: date) -> tuple[tuple[Any, ...], str]:
    """What an answer depends on (the catalogue, the request, the day) and its ETag, which
    differs between the gzipped and the plain answer."""
    svc = services.get()
    token = svc.pages.token if svc.pages is not None else ""
    query = tuple(sorted(request.args.items(multi=True)))
    key = (snap.version, request.path, query, today)
    digest = hashlib.blake2b(repr(key).encode(), digest_size=8).hexdigest()
    zipped = "-gz" if accepts_gzip(request.environ) else ""
    return key, f"{token}-{digest}{zipped}"


def _feed(
    snap: Snapshot, filename: str, chosen: Callable[[date], list[Activity]], name: str
) -> Response:
    """The feed of `chosen(today)`, or 304 when the caller has it already (validators from
    what the feed depends on: the catalogue, the request, the day; checked before anything
    is built). Built once per catalogue version and kept as bytes (`kiosk.api.feeds`)."""
    svc = services.get()
    today = svc.now().date()
    key, etag = _validators(snap, today)
    changed = max(svc.store.last_change or STARTED, STARTED)
    if not is_resource_modified(request.environ, etag=etag, last_modified=changed):
        response = Response(status=304)
    else:

        def build(gone: Callable[[], bool]) -> bytes:
            svc.event_parts.forget_missing(snap.activities)  # deleted ones' parts go too
            activities = chosen(today)
            return feed_bytes(
                svc.event_parts, activities, snap.places, snap.organisers, name, today, gone
            )

        response = _cached(("feed", *key), build, ICS_TYPE)
        if response.status_code == 503:
            return response
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.set_etag(etag)
    # Not within the second of the last write: a later write in it would keep the date.
    if changed < datetime.now(UTC).replace(microsecond=0):
        response.last_modified = changed
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/sync-now")
def sync_now():  # type: ignore[no-untyped-def]
    """`motesplats sync` on the same PC asks the running server to sync at once."""
    if not proxies.is_kiosk(request.environ):  # the server itself, not a proxied visitor
        return _error(_("Bara från servern själv."), 403)
    engine = services.get().sync
    engine.outbox.retry_now()
    engine.wake(force=True)
    return jsonify({"sources": len(engine.sources.all())})


@ics.get("/calendar.ics")
def calendar_feed():  # type: ignore[no-untyped-def]
    """Every activity as one iCalendar file, for subscribing from a phone or computer;
    `?organiser=<id>` or `?audience=<code>` (e.g. women) narrows it down."""
    snap = services.get().catalogue.snapshot()
    name = snap.site.name
    organiser = request.args.get("organiser")
    if organiser:
        if organiser not in snap.organisers:
            return _error(_("Okänd förening."), 404)
        name = f"{name} – {snap.organisers[organiser].name}"
    audience = request.args.get("audience")
    if audience and audience not in AUDIENCES:
        return _error(_("Okänd målgrupp."), 404)
    zone = services.get().zone

    def chosen(today: date) -> list[Activity]:
        found = (
            a
            for a in snap.activities.values()
            if (not organiser or a.organiser_id == organiser)
            and (not audience or audience in a.audiences)
        )
        return in_feed(found, today, zone)

    return _feed(snap, "motesplats.ics", chosen, name)


@ics.get("/a/<activity_id>.ics")
def activity_feed(activity_id: str):  # type: ignore[no-untyped-def]
    """One activity (its series, cancellations and changes) as an iCalendar file (whole,
    whatever its dates)."""
    snap = services.get().catalogue.snapshot()
    activity = snap.activities.get(activity_id)
    if activity is None:
        abort(404)
    stem = "".join(c for c in activity_id.split("@")[0] if c.isalnum() or c in "-_") or "aktivitet"
    return _feed(snap, f"{stem}.ics", lambda today: [activity], snap.site.name)
