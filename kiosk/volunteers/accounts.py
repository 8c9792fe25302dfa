"""Volunteer accounts and invitations: who may edit the board, and how they prove it.

Owns the tables `accounts` and `invitations`. Passwords are hashed with argon2id
(argon2-cffi's RFC 9106 low-memory profile, from the setting `PASSWORD_PROFILE`: tests
choose argon2-cffi's CHEAPEST); a wrong password and an unknown name cost the
same time. After `LOCK_AFTER` wrong passwords in a row for one name *from one device*
(its address), that device is locked out of that name for `LOCK_MINUTES`, whether the name
exists or not (so "locked" tells nothing about which names exist); a right password from
that device still fails meanwhile. Other devices are not affected: a phone guessing cannot
lock the admin out at the kiosk. Admins invite organisers with a
one-time link whose token is stored only as a SHA-256 hash and expires after
`INVITATION_DAYS`. No HTTP here: `kiosk.volunteers.auth` keeps the logged-in account in the session.

Roles: `admin` edits everything and manages people, settings and backups; `organiser` edits
only activities of the organisations (`organisers` table) listed on the account;
`translator` only translates texts into the languages listed on the account (no other rights).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kiosk.activities.model import PlainRecord, parse_utc, utc_iso
from kiosk.languages import BY_CODE, SOURCE_LANGUAGE
from kiosk.store import Store

ACCOUNTS = "accounts"
INVITATIONS = "invitations"
ROLES = ("admin", "organiser", "translator")
LOCK_AFTER = 10
LOCK_MINUTES = 15
MAX_TRACKED = 10_000  # (device, name) pairs remembered; beyond, only current lockouts
INVITATION_DAYS = 7
MIN_PASSWORD = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")

PROFILES = ("RFC_9106_LOW_MEMORY", "RFC_9106_HIGH_MEMORY", "CHEAPEST")
PRODUCTION_PROFILE = "RFC_9106_LOW_MEMORY"


def password_hasher(profile: str = PRODUCTION_PROFILE) -> PasswordHasher:
    """An argon2id hasher with one of argon2-cffi's named cost profiles (`PROFILES`)."""
    if profile not in PROFILES:
        raise ValueError(f"unknown password profile {profile!r}: one of {', '.join(PROFILES)}")
    return PasswordHasher.from_parameters(getattr(profiles, profile))


class AccountError(Exception):
    """A refused account operation; `code` names the reason for a translated message."""

    def __init__(self, code: str, until: datetime | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.until = until


@dataclass
class Account(PlainRecord):
    """A person who logs in. Stored in `accounts` with the lowercased username as id."""

    id: str
    display_name: str
    role: str
    password_hash: str
    organiser_ids: list[str] = field(default_factory=list)
    failed_logins: int = 0
    locked_until: str | None = None
    created_at: str = ""
    last_login: str | None = None
    active: bool = True
    languages: list[str] = field(default_factory=list)  # a translator's target languages
    # Sessions carry it: logging out, a new password or deactivation raise it, and every
    # session issued before (a copied cookie too) ends at its next request.
    session_generation: int = 0

    @property
    def username(self) -> str:
        return self.id

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_translator(self) -> bool:
        return self.role == "translator"

    def may_edit(self, organiser_id: str | None) -> bool:
        """Whether this account may change an activity run by `organiser_id`."""
        if self.is_translator:
            return False
        return self.is_admin or (organiser_id is not None and organiser_id in self.organiser_ids)

    def may_translate(self, language: str) -> bool:
        """Whether this account may write texts in `language` (admins: every language)."""
        return self.is_admin or (self.is_translator and language in self.languages)


@dataclass
class Invitation(PlainRecord):
    """A one-time link to create an account. Stored in `invitations` by the token's hash."""

    id: str  # sha256 of the token
    role: str
    organiser_ids: list[str]
    created_by: str
    created_at: str
    expires_at: str
    used_by: str | None = None
    languages: list[str] = field(default_factory=list)


def _target_languages(role: str, languages: list[str] | None) -> list[str]:
    """A translator's languages: known interface languages other than Swedish, at least one."""
    if role != "translator":
        return []
    chosen = [code for code in BY_CODE if code in (languages or []) and code != SOURCE_LANGUAGE]
    if not chosen:
        raise AccountError("languages_missing")
    return chosen


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("password_short")
    if len(password) > 200:
        raise AccountError("password_long")


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise AccountError("username_invalid")
    return name


class AccountBook:
    """Accounts and invitations over the store (one lock for read-modify-write)."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        hasher: PasswordHasher | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.hasher = hasher or password_hasher()
        self._dummy_hash: str | None = None
        # (device, name) -> (wrong passwords in a row, locked until): in memory, bounded
        self._failures: dict[tuple[str, str], tuple[int, datetime | None]] = {}
        self._failures_lock = threading.Lock()

    def _locked_until(self, key: tuple[str, str], now: datetime) -> datetime | None:
        with self._failures_lock:
            _count, until = self._failures.get(key, (0, None))
        return until if until and until > now else None

    def _failed(self, key: tuple[str, str], now: datetime) -> datetime | None:
        """Count a wrong password; when it locks the device out, until when."""
        with self._failures_lock:
            if len(self._failures) > MAX_TRACKED:
                self._failures = {k: v for k, v in self._failures.items() if v[1] and v[1] > now}
            count, _until = self._failures.get(key, (0, None))
            count += 1
            if count >= LOCK_AFTER:
                until = now + timedelta(minutes=LOCK_MINUTES)
                self._failures[key] = (0, until)
                return until
            self._failures[key] = (count, None)
            return None

    def _dummy(self) -> str:
        """A hash of a random password: verifying unknown names against it costs what a
        real check costs."""
        if self._dummy_hash is None:
            self._dummy_hash = self.hasher.hash(secrets.token_hex(16))
        return self._dummy_hash

    # ---- accounts --------------------------------------------------------------------

    def get(self, username: str) -> Account | None:
        doc = self.store.get(ACCOUNTS, username.strip().lower())
        return Account.from_doc(doc) if doc else None

    def all(self) -> list[Account]:
        return sorted((Account.from_doc(d) for d in self.store.all(ACCOUNTS)), key=lambda a: a.id)

    def has_admin(self) -> bool:
        return any(a.is_admin and a.active for a in self.all())

    def _new(
        self,
        username: str,
        password: str,
        role: str,
        display_name: str,
        organiser_ids: list[str],
        languages: list[str] | None = None,
    ) -> Account:
        """A checked, hashed account not yet stored (hashing takes ~0.1 s: no lock held)."""
        name = normalise_username(username)
        check_password_strength(password)
        if role not in ROLES:
            raise AccountError("role_invalid")
        return Account(
            id=name,
            display_name=display_name.strip()[:80] or name,
            role=role,
            password_hash=self.hasher.hash(password),
            organiser_ids=list(organiser_ids),
            created_at=utc_iso(self.clock()),
            languages=_target_languages(role, languages),
        )

    def create(
        self,
        username: str,
        password: str,
        role: str,
        display_name: str = "",
        organiser_ids: list[str] | None = None,
        languages: list[str] | None = None,
    ) -> Account:
        account = self._new(
            username, password, role, display_name, list(organiser_ids or []), languages
        )
        with self.store.lock():
            if self.store.get(ACCOUNTS, account.id) is not None:
                raise AccountError("username_taken")
            self.store.put(ACCOUNTS, account.to_doc())
        return account

    def set_password(self, username: str, password: str) -> None:
        check_password_strength(password)
        hashed = self.hasher.hash(password)
        with self.store.lock():
            account = self.get(username)
            if account is None:
                raise AccountError("unknown")
            account.password_hash = hashed
            account.failed_logins = 0
            account.locked_until = None
            account.session_generation += 1
            self.store.put(ACCOUNTS, account.to_doc())

    def end_sessions(self, username: str) -> None:
        """End every session of the account, on every device (logout, deactivation)."""
        with self.store.lock():
            account = self.get(username)
            if account is not None:
                account.session_generation += 1
                self.store.put(ACCOUNTS, account.to_doc())

    def update(self, account: Account) -> None:
        with self.store.lock():
            stored = self.store.get(ACCOUNTS, account.id)
            if stored is None:
                raise AccountError("unknown")
            if stored.get("active", True) and not account.active:
                account.session_generation += 1  # deactivated: its sessions end now
            self.store.put(ACCOUNTS, account.to_doc())

    def authenticate(self, username: str, password: str, device: str = "-") -> Account:
        """The account if the password is right; AccountError("wrong"/"locked") otherwise.
        `device`: where the attempt comes from (the client's address); lockouts are per
        device and name (module docstring)."""
        now = self.clock()
        key = (device, username.strip().lower()[:100])
        until = self._locked_until(key, now)
        if until:
            raise AccountError("locked", until)
        account = self.get(username) if username.strip() else None
        if account is None or not account.active:
            with contextlib.suppress(VerificationError):
                self.hasher.verify(self._dummy(), password or "-")
            ok = False
        else:
            try:
                self.hasher.verify(account.password_hash, password)
                ok = True
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
        if not ok or account is None:
            until = self._failed(key, now)
            if until:
                raise AccountError("locked", until)
            raise AccountError("wrong")
        with self._failures_lock:
            self._failures.pop(key, None)
        with self.store.lock():
            fresh = self.get(account.id) or account
            fresh.failed_logins = 0
            fresh.locked_until = None
            fresh.last_login = utc_iso(now)
            if self.hasher.check_needs_rehash(fresh.password_hash):
                fresh.password_hash = self.hasher.hash(password)
            self.store.put(ACCOUNTS, fresh.to_doc())
        return fresh

    # ---- invitations -----------------------------------------------------------------

    def invite(
        self,
        role: str,
        organiser_ids: list[str],
        created_by: str,
        languages: list[str] | None = None,
    ) -> tuple[Invitation, str]:
        """A new invitation and its token (shown once; only its hash is kept)."""
        if role not in ROLES:
            raise AccountError("role_invalid")
        target_languages = _target_languages(role, languages)
        token = secrets.token_urlsafe(24)
        now = self.clock()
        invitation = Invitation(
            id=_token_hash(token),
            role=role,
            organiser_ids=list(organiser_ids),
            created_by=created_by,
            created_at=utc_iso(now),
            expires_at=utc_iso(now + timedelta(days=INVITATION_DAYS)),
            languages=target_languages,
        )
        self.store.put(INVITATIONS, invitation.to_doc())
        return invitation, token

    def invitation(self, token: str) -> Invitation:
        """The open invitation for `token`; AccountError("invitation_invalid") otherwise."""
        doc = self.store.get(INVITATIONS, _token_hash(token)) if token else None
        if doc is None:
            raise AccountError("invitation_invalid")
        invitation = Invitation.from_doc(doc)
        if invitation.used_by or parse_utc(invitation.expires_at) <= self.clock():
            raise AccountError("invitation_invalid")
        return invitation

    def accept(self, token: str, username: str, password: str, display_name: str) -> Account:
        """Create the invited account; the invitation is used up in the same write."""
        invitation = self.invitation(token)
        account = self._new(
            username,
            password,
            invitation.role,
            display_name,
            invitation.organiser_ids,
            invitation.languages,
        )
        with self.store.lock():
            invitation = self.invitation(token)  # again: another tab may have used it
            if self.store.get(ACCOUNTS, account.id) is not None:
                raise AccountError("username_taken")
            invitation.used_by = account.id
            self.store.put(ACCOUNTS, account.to_doc())
            self.store.put(INVITATIONS, invitation.to_doc())
        return account
