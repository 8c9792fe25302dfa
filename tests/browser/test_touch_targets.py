"""Accessibility of the public pages in Chromium: every touch target at least 44x44 CSS px,
a skip link, a visible focus ring on every control, and axe-core (WCAG 2.0-2.2 A and AA) clean.

The pages: the board, an activity, its signup form, the help form and the organisation
directory (its list and one organisation), at 1920x1080 (in a browser, and as the kiosk's
own screen) and on a 390x844 phone, in Swedish and in Arabic (right to left).
"""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from tests.conftest import REPO

pytestmark = [pytest.mark.browser, pytest.mark.today]
KIOSK = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
# "kiosk": the 1920x1080 screen as the kiosk's own browser shows it (?kiosk=1 once: no share
# links, the filters in one row, links to other hosts open a dialog)
SIZES = {"1920x1080": KIOSK, "kiosk": KIOSK, "390x844": PHONE}
SWIM = "/a/demo-simning-kvinnor@motesplats"
AXE = REPO / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
MIN = 44  # CSS px, WCAG 2.5.5 (AAA) and Apple's and Android's guidelines
INK = "rgb(26, 31, 43)"  # --ink in board.css

INTERACTIVE = ", ".join(
    (
        "a[href]",
        "button",
        "input:not([type=hidden])",
        "select",
        "textarea",
        "summary",
        "[role=button]",
        "label:has(input[type=radio])",
        "label:has(input[type=checkbox])",
    )
)

# Every visible interactive element's box; a radio or checkbox counts with its label's box
# (the label is what a finger hits). The honeypot is never seen; the skip link is measured
# when it is focused (test_first_tab_focuses_the_skip_link).
MEASURE = """
(selector) => {
  const boxes = new Map();
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('.honeypot')) continue;
    if (el.matches('.skip-link') && document.activeElement !== el) continue;
    let target = el;
    if (el.matches('input[type=radio], input[type=checkbox]')) {
      target = el.closest('label')
        || (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]'))
        || el;
    }
    if (boxes.has(target)) continue;
    if (!target.checkVisibility({ visibilityProperty: true })) continue;
    const r = target.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const classes = target.classList.length ? '.' + [...target.classList].join('.') : '';
    const href = target.getAttribute('href');
    const text = (target.innerText || target.value || target.getAttribute('aria-label') || '')
      .replace(/\\s+/g, ' ').trim().slice(0, 40);
    boxes.set(target, {
      what: target.tagName.toLowerCase() + classes
        + (href ? '[href=' + href.slice(0, 50) + ']' : '')
        + (text ? ' "' + text + '"' : ''),
      width: Math.round(r.width * 10) / 10,
      height: Math.round(r.height * 10) / 10,
    });
  }
  return [...boxes.values()];
}
"""


def open_page(browser, server_url: str, which: str, size: str, lang: str, **options):  # type: ignore[no-untyped-def]
    """Open one of the pages in a fresh context (no cookie from another language)."""
    context = browser.new_context(viewport=SIZES[size], **options)
    page = context.new_page()
    if size == "kiosk":
        page.goto(f"{server_url}/?kiosk=1")
        page.wait_for_function("window.motesplats && window.motesplats.kiosk")
    if which == "board":
        page.goto(f"{server_url}/?lang={lang}")
    elif which in ("activity", "signup"):
        page.goto(f"{server_url}{SWIM}?lang={lang}")
        if which == "signup":
            page.goto(server_url + page.locator("a.signup-link").first.get_attribute("href"))
            assert re.search(r"/signup$", page.url), page.url
    elif which == "help":
        page.goto(f"{server_url}/help?lang={lang}")
    elif which in ("directory", "organisation"):
        page.goto(f"{server_url}/organisations?lang={lang}")
        if which == "organisation":
            page.goto(server_url + page.locator(".org-card h2 a").first.get_attribute("href"))
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.evaluate("document.documentElement.classList.contains('kiosk')") == (
        size == "kiosk"
    )
    return page


def translated(lang: str, msgid: str) -> str:
    if lang == "sv":
        return msgid
    path = REPO / "kiosk" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as f:
        return read_po(f, locale=lang)[msgid].string


PAGES = ["board", "activity", "signup", "help", "directory", "organisation"]


@pytest.mark.parametrize("lang", ["sv", "ar"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("which", PAGES)
def test_every_touch_target_is_at_least_44_px(
    browser, server_url: str, which: str, size: str, lang: str
) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, server_url, which, size, lang)
    boxes = page.evaluate(MEASURE, INTERACTIVE)
    assert len(boxes) >= 3, boxes  # the header's links at least: the page was measured
    small = [b for b in boxes if b["width"] < MIN or b["height"] < MIN]
    report = "\n".join(f"  {b['width']}x{b['height']}  {b['what']}" for b in small)
    assert not small, (
        f"{which} {size} {lang}: {len(small)} of {len(boxes)} below {MIN} px:\n{report}"
    )
    # and nothing made a phone page wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), which
    page.context.close()


@pytest.mark.parametrize("lang", ["sv", "ar"])
@pytest.mark.parametrize("which", ["board", "activity", "help"])
def test_first_tab_focuses_the_skip_link(browser, server_url: str, which: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, server_url, which, "1920x1080", lang)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.evaluate("el => el.matches('a.skip-link[href=\"#main\"]')"), skip.evaluate(
        "el => el.outerHTML"
    )
    assert skip.inner_text().strip() == translated(lang, "Hoppa till innehållet")
    box = skip.bounding_box()
    assert box and box["width"] >= MIN and box["height"] >= MIN, box
    assert box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= KIOSK["width"], box
    assert page.evaluate(
        "el => el.checkVisibility({ visibilityProperty: true })", skip.element_handle()
    )
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    # the next Tab goes on from the content, past the language bar and the tabs
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')"), page.evaluate(
        "document.activeElement.outerHTML"
    )
    page.context.close()


# The ring of the focused control (board.css, "Touch targets and focus"); each element is
# marked once, so the walk ends when Tab comes round to the first one again.
RING = """
() => {
  const el = document.activeElement;
  const again = el.hasAttribute('data-ring-seen');
  el.setAttribute('data-ring-seen', '');
  const s = getComputedStyle(el);
  const classes = el.classList.length ? '.' + [...el.classList].join('.') : '';
  const text = (el.innerText || el.value || '').replace(/\\s+/g, ' ').trim().slice(0, 30);
  return {
    what: el.tagName.toLowerCase() + classes + ' "' + text + '"',
    style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor,
    shadow: s.boxShadow, focusVisible: el.matches(':focus-visible'),
    onDark: !!el.closest('.topbar, .skip-link'),
    done: again || el === document.body,
  };
}
"""
FOCUSABLE = """
() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary')]
  .filter(el => el.tabIndex >= 0 && !el.closest('.honeypot') && !el.closest('dialog:not([open])')
    && el.checkVisibility({ visibilityProperty: true }))
  .length
"""


@pytest.mark.parametrize("lang", ["sv", "ar"])
@pytest.mark.parametrize("which", ["board", "activity", "signup", "help", "directory"])
def test_every_control_shows_a_focus_ring(browser, server_url: str, which: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, server_url, which, "1920x1080", lang)
    focusable = page.evaluate(FOCUSABLE)
    faint, seen = [], 0
    for _ in range(400):
        page.keyboard.press("Tab")
        ring = page.evaluate(RING)
        if ring["done"]:
            break  # round the page once
        seen += 1
        # a double ring, a dark and a light one, so one of them shows on any background:
        # white outside on the dark header, dark outside on the light pages
        outer = "rgb(255, 255, 255)" if ring["onDark"] else INK
        if not (
            ring["focusVisible"]
            and ring["style"] == "solid"
            and ring["width"] >= 3
            and ring["color"] == outer
            and "0px 0px 0px 2px" in ring["shadow"]
        ):
            faint.append(ring)
    # every control was reached (radios share one tab stop per group, the skip link is extra)
    assert seen >= focusable * 0.8 and seen >= 10, (seen, focusable)
    assert not faint, "\n".join(str(r) for r in faint)
    page.context.close()


@pytest.mark.parametrize("lang", ["sv", "ar"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("which", PAGES)
def test_axe_finds_no_wcag_a_or_aa_violations(
    browser, server_url: str, which: str, size: str, lang: str
) -> None:  # type: ignore[no-untyped-def]
    if not AXE.exists():
        pytest.skip(f"{AXE} is missing (./install.sh --dev runs npm ci --prefix tests/js)")
    # The pages' CSP allows no inline script, and add_script_tag inlines axe: the context
    # bypasses the CSP (the pages themselves are unchanged).
    page = open_page(browser, server_url, which, size, lang, bypass_csp=True)
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => await axe.run(document, { runOnly: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] })"
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {n['target']}: {n['failureSummary'][:200]}" for n in v["nodes"][:10])
        for v in results["violations"]
    ]
    assert not violations, f"{which} {size} {lang}:\n" + "\n".join(violations)
    page.context.close()


def test_screenshots_after_the_fixes(browser, server_url: str, shot) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, server_url, "board", "1920x1080", "sv")
    shot(page, "a11y-board-1920x1080-sv")
    page.keyboard.press("Tab")
    shot(page, "a11y-board-skip-link-1920x1080-sv")
    for _ in range(3):
        page.keyboard.press("Tab")  # the site's name, then two of the language pills
    shot(page, "a11y-board-focus-langbar-1920x1080-sv")
    page.context.close()
    page = open_page(browser, server_url, "activity", "390x844", "ar")
    shot(page, "a11y-activity-390x844-ar", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.context.close()
    for which in ("signup", "help", "directory"):
        page = open_page(browser, server_url, which, "390x844", "ar")
        shot(page, f"a11y-{which}-390x844-ar", full_page=True)
        page.context.close()
