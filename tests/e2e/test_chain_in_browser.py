"""A member recomputes the audit chain in their own browser and gets what verify_audit says.

A few thousand entries, as a year of a village makes; the page's script fetches the links and
recomputes every hash (and the digests of the records the member may read) with Web Crypto,
or with its own SHA-256 where the browser withholds Web Crypto (plain HTTP on a village
network). A server that altered one record is caught by the browser, naming the entry.
"""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from pomochi.audit.models import AuditEntry
from pomochi.ledger.services import Line, event_contribute, events_distribute_batch

ENTRIES_PER_HOUSEHOLD = 1000
NO_WEB_CRYPTO = "Object.defineProperty(window.crypto, 'subtle', {value: undefined});"


@pytest.fixture
def year(village):
    v = village
    event_contribute(
        actor=v.alice,
        pool=v.granary,
        household=v.ivanovs,
        resource=v.grain,
        quantity=10_000_000,
        note="the harvest",
    )
    lines = [Line(household=h, quantity=1) for h in (v.petrovs, v.sidorovs, v.ivanovs)]
    for _ in range(ENTRIES_PER_HOUSEHOLD):  # a household once per distribution
        events_distribute_batch(
            actor=v.alice, pool=v.granary, resource=v.grain, lines=lines, return_events=False
        )
    out = StringIO()
    call_command("verify_audit", "--community", "village", stdout=out)
    v.verified = re.search(r"village: OK: (\d+) entries, head ([0-9a-f]{64})", out.getvalue())
    assert v.verified, out.getvalue()
    return v


def check_in_browser(page, live_server) -> str:
    page.goto(f"{live_server.url}/c/village/audit/verify/")
    page.get_by_role("button", name="Check now").tap()
    box = page.locator("#chain-check")
    expect(box).to_have_attribute("data-state", re.compile("^(ok|broken|failed)$"), timeout=60_000)
    return box.get_attribute("data-state"), page.locator("#chain-check-result").inner_text()


def test_a_member_recomputes_the_chain_and_agrees_with_verify_audit(
    year, phone, log_in, live_server
):
    entries, head = int(year.verified.group(1)), year.verified.group(2)
    assert entries > 3 * ENTRIES_PER_HOUSEHOLD
    log_in(phone, "bob")
    state, said = check_in_browser(phone, live_server)
    assert state == "ok", said
    assert phone.locator("#chain-check").get_attribute("data-engine") == "webcrypto"
    assert f"{entries} entries recomputed" in said
    assert head in said
    # bob reads his household's receipts and the public entries, not the Sidorovs' receipts
    readable = int(re.search(r"(\d+) of them with what was recorded", said).group(1))
    assert ENTRIES_PER_HOUSEHOLD <= readable < entries - ENTRIES_PER_HOUSEHOLD


def test_it_recomputes_the_same_without_web_crypto(year, phone, log_in, live_server):
    entries, head = int(year.verified.group(1)), year.verified.group(2)
    phone.add_init_script(NO_WEB_CRYPTO)
    log_in(phone, "alice")
    state, said = check_in_browser(phone, live_server)
    assert phone.locator("#chain-check").get_attribute("data-engine") == "javascript"
    assert state == "ok", said
    assert f"{entries} entries recomputed" in said and head in said


@pytest.mark.parametrize("engine", ["webcrypto", "javascript"])
def test_the_browser_catches_a_server_that_altered_a_record(
    year, phone, log_in, live_server, engine
):
    if engine == "javascript":
        phone.add_init_script(NO_WEB_CRYPTO)
    altered = AuditEntry.objects.get(community=year.community, verb="event.contribute").seq

    def tamper(route):
        response = route.fetch()
        body = response.json()
        for link in body["links"]:
            if link["seq"] == altered and link["payload"]:
                link["payload"] = link["payload"].replace('"the harvest"', '"a small gift"')
        route.fulfill(response=response, body=json.dumps(body))

    phone.route(re.compile(r".*/audit/links\.json.*"), tamper)
    log_in(phone, "alice")
    state, said = check_in_browser(phone, live_server)
    assert state == "broken"
    assert f"does not hold at entry {altered}" in said
    assert "does not match its digest" in said
