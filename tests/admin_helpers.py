"""Helpers for tests of /admin: the volunteers' password, CSRF tokens, logging in, forms."""

from __future__ import annotations

import html
import re

from flask.testing import FlaskClient

PASSWORD = "correct horse battery"
CAFE = "demo-sprakcafe@motesplats"  # run by demo-excorde
HOMEWORK = "demo-laxhjalp@motesplats"  # run by demo-rodakorset


def csrf(client: FlaskClient, path: str = "/admin/login") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(
        "/admin/login",
        data={"csrf_token": csrf(client), "username": username, "password": password},
    )


def edit_form(client: FlaskClient, activity_id: str) -> dict[str, object]:
    """The edit form's current values, as the browser would send them back."""
    html = client.get(f"/admin/edit/{activity_id}").get_data(as_text=True)
    form_html = html.split('class="edit-form"', 1)[1].split("</form>", 1)[0]
    fields: dict[str, object] = {}
    for tag in re.findall(r"<input[^>]*>", form_html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio"):
            if " checked" in tag:
                fields.setdefault(name.group(1), []).append(value.group(1) if value else "on")  # type: ignore[union-attr]
            continue
        fields[name.group(1)] = _unescape(value.group(1)) if value else ""
    for name, body in re.findall(
        r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form_html, re.S
    ):
        fields[name] = _unescape(body)
    for name, options in re.findall(
        r'<select id="[^"]+" name="([^"]+)">(.*?)</select>', form_html, re.S
    ):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        fields[name] = chosen.group(1) if chosen else ""
    for key, value in list(fields.items()):
        if isinstance(value, list) and key in ("repeat", "status"):
            fields[key] = value[0]
    return fields


def _unescape(text: str) -> str:
    return html.unescape(text)
