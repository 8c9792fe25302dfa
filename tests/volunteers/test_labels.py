"""Every field a volunteer fills in has a visible label (not only an aria-label), on every
page of /admin, /organiser and /translate, in Swedish and Arabic; and the activity's admin
page links to its public page, its poster and its signups; the change log speaks the
viewer's language."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import services
from tests.admin_helpers import CAFE, login

pytestmark = pytest.mark.usefixtures("people")
SWIM = "demo-simning-kvinnor@motesplats"  # signups, run by the municipality
CONTROLS = {"input", "select", "textarea"}
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}
VOID = {"input", "br", "img", "hr", "meta", "link", "source", "wbr", "col", "area", "embed"}


class Fields(HTMLParser):
    """The page's form fields, with the text of the labels around or for them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str, str]] = []  # (tag, name, id)
        self.label_text: dict[str, str] = {}  # for= id → text
        self.open_labels: list[dict[str, object]] = []  # labels being read
        self.wrapped: dict[int, str] = {}  # field index → text of its enclosing label
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "label":
            self.open_labels.append({"for": values.get("for", ""), "text": [], "fields": []})
        if tag in CONTROLS and values.get("type", "text") not in UNLABELLED_TYPES:
            self.fields.append((tag, values.get("name", ""), values.get("id", "")))
            for label in self.open_labels:
                label["fields"].append(len(self.fields) - 1)  # type: ignore[union-attr]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.open_labels:
            label = self.open_labels.pop()
            text = " ".join("".join(label["text"]).split())  # type: ignore[arg-type]
            if label["for"]:
                self.label_text[str(label["for"])] = text
            for index in label["fields"]:  # type: ignore[union-attr]
                self.wrapped[index] = text
        if self.stack and tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        inside_option = "option" in self.stack or "textarea" in self.stack
        for label in self.open_labels:
            if not inside_option:
                label["text"].append(data)  # type: ignore[union-attr]

    def unlabelled(self) -> list[str]:
        missing = []
        for index, (tag, name, field_id) in enumerate(self.fields):
            text = self.wrapped.get(index) or (self.label_text.get(field_id) if field_id else "")
            if not (text or "").strip():
                missing.append(f"{tag} name={name!r} id={field_id!r}")
        return missing


def pages(app: Flask) -> list[str]:
    svc = services.get_for(app)
    snap = svc.catalogue.snapshot()
    swim = snap.activities[SWIM]
    rid = _dates(app, swim)[0].recurrence_id
    place = next(iter(snap.places))
    organiser = next(iter(snap.organisers))
    return [
        "/admin/",
        "/admin/new",
        f"/admin/edit/{SWIM}",
        f"/admin/edit/{SWIM}/o/{rid}",
        f"/admin/edit/{CAFE}/delete",
        "/admin/week",
        "/admin/help",
        "/admin/organisations",
        f"/admin/organisations/{organiser}",
        "/admin/people",
        "/admin/places",
        f"/admin/places/{place}",
        "/admin/settings",
        "/admin/audit",
        "/admin/backups",
        "/admin/sms",
        "/admin/sync",
        "/admin/reports",
        "/translate/",
        "/translate/ui/",
        "/translate/ui/ar",
        "/translate/ar",
        f"/organiser/o/{SWIM}/{rid}",
    ]


def _dates(app: Flask, activity):  # type: ignore[no-untyped-def]
    from kiosk.board import agenda

    return agenda.upcoming_of(activity, services.get_for(app).now(), 30)


@pytest.mark.parametrize("lang", ["sv", "ar"])
def test_every_field_on_every_volunteer_page_has_a_visible_label(
    app: Flask, client: FlaskClient, lang: str
) -> None:
    app.config["ORGANISER_PIN"] = "4321"
    login(client, "anna")
    missing = {}
    for path in pages(app):
        answer = client.get(f"{path}?lang={lang}")
        assert answer.status_code == 200, path
        fields = Fields()
        fields.feed(answer.get_data(as_text=True))
        if fields.unlabelled():
            missing[path] = fields.unlabelled()
    assert missing == {}


def test_the_activity_page_leads_to_its_public_page_poster_and_signups(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "anna")
    page = client.get(f"/admin/edit/{SWIM}?lang=sv").get_data(as_text=True)
    links = page.split('class="activity-links"', 1)[1].split("</nav>", 1)[0]
    assert f'href="/a/{SWIM}"' in links
    assert f'action="/a/{SWIM}/poster"' in links and 'name="also"' in links
    rid = _dates(app, services.get_for(app).catalogue.snapshot().activities[SWIM])[0].recurrence_id
    assert f'href="/organiser/o/{SWIM}/{rid}"' in links
    assert client.get(f"/a/{SWIM}/poster?also=ar").status_code == 200
    # Browsing to a later month does not move the signup link off the next date, and the
    # poster's language is the activity's first besides Swedish.
    later = client.get(f"/admin/edit/{SWIM}?lang=sv&month=2027-01").get_data(as_text=True)
    assert f'href="/organiser/o/{SWIM}/{rid}"' in later
    usual = next(
        c
        for c in services.get_for(app).catalogue.snapshot().activities[SWIM].languages
        if c != "sv"
    )
    assert later.count("selected>") >= 1 and f'<option value="{usual}" selected>' in later
    # An activity without signups has no signup link.
    cafe = client.get(f"/admin/edit/{CAFE}?lang=sv").get_data(as_text=True)
    assert "/organiser/o/" not in cafe.split('class="activity-links"', 1)[1].split("</nav>", 1)[0]


def test_the_change_log_is_in_the_viewers_language(app: Flask, client: FlaskClient) -> None:
    svc = services.get_for(app)
    login(client, "anna")
    svc.audit.record("sara", "created", "activities", CAFE, None, {"id": CAFE})
    svc.audit.record("sara", "settled (remote)", "sync_conflicts", CAFE, None, None)
    page = client.get(f"/admin/edit/{CAFE}?lang=sv").get_data(as_text=True)
    history = page.split("Senaste ändringar", 1)[1]
    assert "sara</bdi> – skapade" in history and "created" not in history
    log = client.get("/admin/audit?lang=ar").get_data(as_text=True)
    assert "أنشأ" in log and "نشاط" in log and "created" not in log.split("<tbody>", 1)[1]
    assert "settled" not in log.split("<tbody>", 1)[1]
