"""Every page passes axe-core at phone size, in English and in Russian: no serious or critical
violation (colour contrast AA, labels on every control, names of buttons and links, landmarks),
and none scrolls sideways at 360 px (so it reflows at 200 % zoom).

axe-core is the npm package (package.json, installed by `make test`), injected into each page.
The pages are those of the permission matrix (every app's GET rows), each seen once by a role
allowed to see it, in the world the matrix builds: needs, promises, rounds, appeals, a record
waiting for confirmation.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.matrix import app_routes, build_world, membership_of, resolve

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_MISSING = "axe-core missing: `make test` installs it with npm (package.json)"
# Phone size, as the issue asks: the smallest common Android screen.
SMALL_PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
SERIOUS = ("serious", "critical")
# The innermost elements that reach past the right edge of the screen, to name in a failure.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 361
    && ![...e.children].some(c => c.getBoundingClientRect().right > 361))
  .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
    + ': ' + (e.textContent || '').trim().slice(0, 40))"""
# Who looks at each page: the first role of these the page lets in.
LOOKERS = ("coordinator", "committee", "member", "anonymous")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("POMOCHI_E2E") == "required":
            pytest.fail(AXE_MISSING, pytrace=False)
        pytest.skip(AXE_MISSING)
    return AXE.read_text(encoding="utf-8")


def pages_to_check(w) -> list[tuple[str, str, str]]:
    """(URL name, role, URL) for every page of the matrix, once per URL name, by the first role
    of LOOKERS that gets a 200 there, and again by the plain member where they see it too (their
    pages show their own household's parts)."""
    seen, pages = set(), []
    for routes in app_routes().values():
        for route in routes:
            if route.is_api or route.method != "GET" or route.name in seen or route.data:
                continue
            allowed = [r for r in LOOKERS if route.expect.get(r) == 200]
            if not allowed:
                continue
            seen.add(route.name)
            for role in {allowed[0], "member"} & set(allowed):
                url = reverse(route.name, kwargs=resolve(route.kwargs, w, role))
                pages.append((route.name, role, url))
    return pages


def session_for(w, role: str) -> str | None:
    if role == "anonymous":
        return None
    client = Client()
    client.force_login(membership_of(w, role).user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def violations_of(page, axe_source: str) -> list[str]:
    page.evaluate(axe_source)
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}"
        for v in result
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_page_passes_axe_at_phone_size(
    browser, live_server, stocked_village, hamlet, settings, axe_source, language
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    w = build_world(stocked_village, hamlet)
    pages = pages_to_check(w)
    found, contexts, checked = {}, {}, 0
    try:
        for name, role, url in pages:
            if role not in contexts:
                # CSP bypassed in this context only: axe is injected as a script of its own
                context = browser.new_context(**SMALL_PHONE, bypass_csp=True)
                cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language}]
                if (session := session_for(w, role)) is not None:
                    cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session})
                context.add_cookies([c | {"url": live_server.url} for c in cookies])
                contexts[role] = context.new_page()
            page = contexts[role]
            response = page.goto(f"{live_server.url}{url}")
            assert response.status == 200, f"{name} as {role}: {response.status}"
            if not response.headers["content-type"].startswith("text/html"):
                continue  # a download (CSV, JSON, SVG): not a page
            checked += 1
            assert page.locator("html").get_attribute("lang") == language, name
            problems = violations_of(page, axe_source)
            # Reflow (WCAG 1.4.10, what 200 % zoom asks of a laptop): nothing scrolls sideways
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > SMALL_PHONE["viewport"]["width"]:
                problems.append(f"scrolls sideways: {width} px wide, at {page.evaluate(WIDEST)}")
            if problems:
                found[f"{name} as {role} ({url})"] = problems
    finally:
        for page in contexts.values():
            page.context.close()
    print(f"axe-core: {checked} pages in {language}, {len(contexts)} roles")
    assert checked >= 30  # the check looks at the pages, not at a handful
    assert found == {}, "\n".join(f"{where}:\n  " + "\n  ".join(p) for where, p in found.items())


def test_the_check_finds_what_it_looks_for(browser, live_server, village, axe_source):
    """So that a pass means something: a control without a label and grey text on white fail."""
    context = browser.new_context(**SMALL_PHONE, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/login/")
        assert violations_of(page, axe_source) == []
        page.evaluate(
            "() => { const main = document.querySelector('main');"
            ' main.insertAdjacentHTML(\'beforeend\', \'<input type="text" id="nolabel">'
            '<p style="color:#ccc;background:#fff">faint words</p>\'); }'
        )
        found = " ".join(violations_of(page, axe_source))
        assert "label (critical)" in found and "#nolabel" in found
        assert "color-contrast (serious)" in found
    finally:
        context.close()
