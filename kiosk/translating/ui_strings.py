"""The interface's own strings as native speakers review them in the app.

Owns the table `ui_strings`: one document per (language, msgid, context) that a reviewer
corrected or confirmed, with the text(s), who and when. Stored with the data, so a review
survives software updates, backups and restores. Reads the shipped catalogues
(`<translations_dir>/<lang>/LC_MESSAGES/messages.po`) with Babel and never writes them:
`export_po` gives the shipped catalogue with the reviews applied, for a developer to copy
over it. `overrides` and `version` are what `kiosk.web.i18n` lays over the compiled
catalogue, so a review shows on the next page with no restart and no recompiling.

Rules: Swedish is the source and no target; a correction keeps the msgid's python-format
placeholders (`%(name)s`; a plural form may leave out `%(num)s` and spell out the number)
and has one text per plural form of the language; a change made by someone else since the
reviewer saw the string is refused, never overwritten. Every write is audited. No Flask.
"""

from __future__ import annotations

import gettext
import hashlib
import io
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from kiosk.activities.model import utc_iso
from kiosk.languages import LANGUAGES, SOURCE_LANGUAGE
from kiosk.store import Store
from kiosk.volunteers.audit import AuditLog

TABLE = "ui_strings"
MAX_TEXT = 2000
# python-format conversions: `%(name)s`, `%s`, `%5.2f`, `%%` …
CONVERSION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa%]")
NUMBER = "%(num)s"
REFERENCE_LANGUAGE = "en"  # shown beside the Swedish to every reviewer


class Refused(Exception):
    """A review that was not stored; `code` names the reason for a translated message."""

    def __init__(self, code: str, **details: Any) -> None:
        super().__init__(code)
        self.code = code  # unknown / empty / too_long / forms / placeholders / changed
        self.details = details


@dataclass(frozen=True)
class Review:
    status: str  # corrected / confirmed
    by: str  # the account's id
    at: str  # UTC ISO


@dataclass(frozen=True)
class Entry:
    """One interface string in one language, as the review page shows it."""

    lang: str
    key: str  # stable id of (context, msgid), safe in a URL or a form
    msgid: str
    msgid_plural: str | None
    context: str | None
    english: tuple[str, ...]  # the reference translation ("" where none)
    shipped: tuple[str, ...]  # the shipped translation, one per plural form
    shipped_fuzzy: bool
    texts: tuple[str, ...]  # what the board shows: the review's texts, else the shipped
    review: Review | None
    placeholders: tuple[str, ...]  # the msgid's conversions, sorted

    @property
    def missing(self) -> bool:
        return not all(t.strip() for t in self.texts)

    @property
    def unreviewed(self) -> bool:
        """Machine-translated (fuzzy) or missing in the shipped catalogue, and not yet
        reviewed here."""
        return self.review is None and (
            self.shipped_fuzzy or not all(s.strip() for s in self.shipped)
        )

    @property
    def fingerprint(self) -> str:
        """Of the texts shown: a review made on other texts than these is refused."""
        return _digest("\x1e".join(self.texts))[:16]


@dataclass(frozen=True)
class _Source:
    msgid: str
    msgid_plural: str | None
    context: str | None
    strings: tuple[str, ...]
    fuzzy: bool
    key: str


@dataclass(frozen=True)
class _Shipped:
    sources: tuple[_Source, ...]
    by_key: dict[str, _Source]
    num_plurals: int
    plural: Callable[[int], int]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def string_key(msgid: str, context: str | None = None) -> str:
    return _digest(f"{context or ''}\x04{msgid}")[:20]


def conversions(text: str) -> tuple[str, ...]:
    """The python-format conversions in `text`, sorted (`%%` included)."""
    return tuple(sorted(CONVERSION.findall(text)))


def has_stray_percent(text: str) -> bool:
    """A `%` that is no conversion: formatting the text would fail."""
    return "%" in CONVERSION.sub("", text)


class UiStrings:
    """Reviews of the interface's strings, over the catalogues in `translations_dir`."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        translations_dir: Path,
        audit: AuditLog | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.translations_dir = Path(translations_dir)
        self.audit = audit
        self._shipped: dict[str, tuple[int, _Shipped]] = {}
        self._lock = threading.Lock()

    # ---- the shipped catalogues ----

    def po_path(self, lang: str) -> Path:
        return self.translations_dir / lang / "LC_MESSAGES" / "messages.po"

    def languages(self) -> list[str]:
        """Target languages with a shipped catalogue, in the language bar's order."""
        return [
            lang.code
            for lang in LANGUAGES
            if lang.code != SOURCE_LANGUAGE and self.po_path(lang.code).is_file()
        ]

    def _read(self, lang: str) -> Catalog:
        with open(self.po_path(lang), "rb") as f:
            return read_po(f, locale=lang)

    def _catalogue(self, lang: str) -> _Shipped | None:
        """The shipped catalogue of `lang`, read again only when the file changed."""
        if lang == SOURCE_LANGUAGE or lang not in self.languages():
            return None
        stamp = self.po_path(lang).stat().st_mtime_ns
        with self._lock:
            cached = self._shipped.get(lang)
            if cached and cached[0] == stamp:
                return cached[1]
            catalog = self._read(lang)
            sources = tuple(_source(m, catalog.num_plurals) for m in catalog if m.id)
            shipped = _Shipped(
                sources,
                {s.key: s for s in sources},
                catalog.num_plurals,
                gettext.c2py(catalog.plural_expr),
            )
            self._shipped[lang] = (stamp, shipped)
            return shipped

    def num_plurals(self, lang: str) -> int:
        shipped = self._catalogue(lang)
        return shipped.num_plurals if shipped else 1

    def plural_examples(self, lang: str, count: int = 3) -> list[list[int]]:
        """For each plural form, the first few numbers that take it (labels for the inputs)."""
        shipped = self._catalogue(lang)
        if shipped is None:
            return []
        found: list[list[int]] = [[] for _ in range(shipped.num_plurals)]
        for n in range(1000):
            form = shipped.plural(n)
            if 0 <= form < len(found) and len(found[form]) < count:
                found[form].append(n)
        return found

    # ---- reading ----

    def _doc_id(self, lang: str, key: str) -> str:
        return f"{lang}:{key}"

    def _reviews(self, lang: str) -> dict[str, dict[str, Any]]:
        prefix = f"{lang}:"
        return {
            doc["id"][len(prefix) :]: doc
            for doc in self.store.all(TABLE)
            if doc["id"].startswith(prefix) and doc.get("lang") == lang
        }

    def entries(self, lang: str) -> list[Entry]:
        """Every string of `lang`: the unreviewed first, each group in the catalogue's order."""
        shipped = self._catalogue(lang)
        if shipped is None:
            return []
        english = self._catalogue(REFERENCE_LANGUAGE) if lang != REFERENCE_LANGUAGE else None
        reviews = self._reviews(lang)
        found = [
            _entry(
                lang,
                source,
                reviews.get(source.key),
                english.by_key.get(source.key) if english else None,
            )
            for source in shipped.sources
        ]
        return [e for e in found if e.unreviewed] + [e for e in found if not e.unreviewed]

    def entry(self, lang: str, key: str) -> Entry | None:
        shipped = self._catalogue(lang)
        source = shipped.by_key.get(key) if shipped else None
        if source is None:
            return None
        english = self._catalogue(REFERENCE_LANGUAGE) if lang != REFERENCE_LANGUAGE else None
        return _entry(
            lang,
            source,
            self.store.get(TABLE, self._doc_id(lang, key)),
            english.by_key.get(key) if english else None,
        )

    def counts(self, lang: str) -> dict[str, int]:
        """How many strings `lang` has: all, unreviewed, reviewed here."""
        found = self.entries(lang)
        return {
            "total": len(found),
            "unreviewed": sum(e.unreviewed for e in found),
            "reviewed": sum(e.review is not None for e in found),
        }

    # ---- writing ----

    def correct(
        self,
        lang: str,
        msgid: str,
        texts: Iterable[str],
        who: str,
        *,
        context: str | None = None,
        seen: str | None = None,
    ) -> Entry:
        """Store a corrected translation (one text per plural form); Refused if it cannot be."""
        given = tuple(t.replace("\r\n", "\n").replace("\r", "\n") for t in texts)
        return self._review(lang, msgid, context, who, "corrected", given, seen)

    def confirm(
        self,
        lang: str,
        msgid: str,
        who: str,
        *,
        context: str | None = None,
        seen: str | None = None,
    ) -> Entry:
        """Mark the translation as it stands (shipped, or an earlier correction) as right."""
        return self._review(lang, msgid, context, who, "confirmed", None, seen)

    def _review(
        self,
        lang: str,
        msgid: str,
        context: str | None,
        who: str,
        status: str,
        given: tuple[str, ...] | None,
        seen: str | None,
    ) -> Entry:
        key = string_key(msgid, context)
        with self.store.lock():
            current = self.entry(lang, key)
            if current is None:
                raise Refused("unknown")
            if given is not None and given == current.texts and current.review is not None:
                return current  # the same text again (a second tap): nothing to store
            if seen is not None and seen != current.fingerprint:
                by = current.review.by if current.review else ""
                raise Refused("changed", who=by, texts=current.texts)
            texts = current.texts if given is None else given
            check(current, texts)
            if current.review is None and texts == current.shipped:
                status = "confirmed"  # saved unchanged: nothing was corrected
            doc_id = self._doc_id(lang, key)
            before = self.store.get(TABLE, doc_id)
            after = {
                "id": doc_id,
                "lang": lang,
                "msgid": msgid,
                "msgid_plural": current.msgid_plural,
                "context": context,
                "texts": list(texts),
                "status": status,
                "by": who,
                "at": utc_iso(self.clock()),
                "shipped": list(current.shipped),
            }
            self.store.put(TABLE, after)
        if self.audit is not None:
            self.audit.record(who, "reviewed", TABLE, f"{lang}:{msgid}", before, after)
        reviewed = self.entry(lang, key)
        assert reviewed is not None
        return reviewed

    # ---- what the board and the developers get ----

    @property
    def version(self) -> int:
        """Changes whenever a review is stored (or a backup restored)."""
        return self.store.table_version(TABLE)

    def overrides(self, lang: str) -> dict[str | tuple[str, int], str]:
        """The reviewed texts of `lang` as gettext catalogue entries (a `_catalog`'s keys:
        msgid, `context\\x04msgid`, or (msgid, plural form)), for strings the shipped
        catalogue still has."""
        shipped = self._catalogue(lang)
        if shipped is None:
            return {}
        found: dict[str | tuple[str, int], str] = {}
        for key, doc in self._reviews(lang).items():
            source = shipped.by_key.get(key)
            texts = doc.get("texts") or []
            if source is None or len(texts) != len(source.strings):
                continue  # gone from the catalogue, or its plural forms changed since
            if not all(t.strip() for t in texts):
                continue
            name = f"{source.context}\x04{source.msgid}" if source.context else source.msgid
            if source.msgid_plural is None:
                found[name] = texts[0]
            else:
                found.update({(name, i): text for i, text in enumerate(texts)})
        return found

    def export_po(self, lang: str) -> bytes:
        """The shipped catalogue with the reviews applied: reviewed strings lose `fuzzy`,
        the others keep their flags."""
        if self._catalogue(lang) is None:
            raise Refused("unknown")
        catalog = self._read(lang)
        reviews = self._reviews(lang)
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            doc = reviews.get(string_key(msgid, message.context))
            if doc is None:
                continue
            texts = tuple(doc["texts"])
            if len(texts) != len(_strings(message, catalog.num_plurals)):
                continue  # the review no longer fits this entry (see `overrides`)
            message.string = texts if isinstance(message.id, tuple) else texts[0]
            message.flags.discard("fuzzy")
            message.previous_id = []
        catalog.revision_date = self.clock()
        out = io.BytesIO()
        write_po(out, catalog, include_previous=True)
        return out.getvalue()


def check(entry: Entry, texts: tuple[str, ...]) -> None:
    """Refused unless `texts` can replace `entry`'s translation."""
    forms = len(entry.shipped)
    if len(texts) != forms:
        raise Refused("forms", expected=forms)
    if not all(t.strip() for t in texts):
        raise Refused("empty")
    if any(len(t) > MAX_TEXT for t in texts):
        raise Refused("too_long", limit=MAX_TEXT)
    wanted = set(entry.placeholders)
    for text in texts:
        got = set(conversions(text))
        fits = got == wanted or (entry.msgid_plural is not None and got == wanted - {NUMBER})
        if not fits or has_stray_percent(text):
            raise Refused("placeholders", expected=tuple(sorted(wanted)))


def _strings(message: Message, num_plurals: int) -> tuple[str, ...]:
    if isinstance(message.id, tuple):
        given = tuple(message.string) if isinstance(message.string, (tuple, list)) else ()
        return tuple(given[i] if i < len(given) else "" for i in range(num_plurals))
    return (message.string if isinstance(message.string, str) else "",)


def _source(message: Message, num_plurals: int) -> _Source:
    plural = isinstance(message.id, tuple)
    msgid = message.id[0] if plural else message.id
    return _Source(
        msgid,
        message.id[1] if plural else None,
        message.context,
        _strings(message, num_plurals),
        message.fuzzy,
        string_key(msgid, message.context),
    )


def _entry(
    lang: str, source: _Source, doc: dict[str, Any] | None, english: _Source | None
) -> Entry:
    review = None
    texts = source.strings
    if doc is not None and len(doc.get("texts") or []) == len(source.strings):
        review = Review(doc["status"], doc["by"], doc["at"])
        texts = tuple(doc["texts"])
    if english is not None:
        reference = english.strings if source.msgid_plural else english.strings[:1]
    else:
        reference = ()
    placeholders = set(conversions(source.msgid))
    if source.msgid_plural:
        placeholders |= set(conversions(source.msgid_plural))
    return Entry(
        lang=lang,
        key=source.key,
        msgid=source.msgid,
        msgid_plural=source.msgid_plural,
        context=source.context,
        english=reference,
        shipped=source.strings,
        shipped_fuzzy=source.fuzzy,
        texts=texts,
        review=review,
        placeholders=tuple(sorted(placeholders)),
    )
