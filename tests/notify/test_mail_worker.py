"""Mail sent for real: services write news, `pomochi db_worker` (its own process, as in
production) sends it through Django's SMTP backend to a server on loopback."""

import re
import signal
import time

import pytest

from pomochi.aid.models import Urgency
from pomochi.aid.services import need_post
from pomochi.communities.services import membership_set_roles
from pomochi.notify.models import Mail, MailStatus, Notification
from pomochi.notify.tasks import deliver
from tests.conftest import build_village, enrol, make_user
from tests.notify.smtp import run_worker_once, stop, worker

pytestmark = pytest.mark.slow


def with_address(membership, address: str, language: str = ""):
    user = membership.user
    user.email, user.language = address, language
    user.save(update_fields=["email", "language"])
    return membership


def urgent_need(v):
    return need_post(
        actor=v.bob,
        community=v.community,
        household=v.petrovs,
        resource=v.grain,
        quantity=12_500,
        urgency=Urgency.URGENT,
    )


def test_an_urgent_need_reaches_each_coordinators_mailbox_in_their_language(
    transactional_db, smtp_server, client
):
    v = build_village()
    with_address(v.alice, "alice@example.org", "ru")
    with_address(v.olga, "olga@example.org", "en")
    with_address(v.bob, "bob@example.org")  # who posted it: told nothing of his own act
    need = urgent_need(v)

    run_worker_once(smtp_server)

    assert sorted(m["To"] for m in smtp_server.messages) == [
        "alice@example.org",
        "olga@example.org",
    ]
    [olgas] = smtp_server.to("olga@example.org")
    [alices] = smtp_server.to("alice@example.org")
    text = olgas.get_body(("plain",)).get_content()
    assert "Urgent: Petrovs needs 12.5 kg of grain." in text
    assert olgas["Subject"].startswith("[Village] Urgent: Petrovs needs")
    russian = alices.get_body(("plain",)).get_content()
    assert (
        "Срочно: Petrovs" in russian and "12,5 kg" in russian
    )  # the unit is as the village named it
    # Multipart, with a one-click unsubscribe.
    assert olgas.get_body(("html",)) is not None
    assert olgas["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert olgas["List-Unsubscribe"].strip().startswith("<http://testserver/mail/unsubscribe/")
    # The link leads to the need itself, and opens for her.
    link = re.search(r"http://testserver(/c/village/needs/\d+/)", text).group(1)
    assert link == f"/c/village/needs/{need.id}/"
    client.force_login(v.olga.user)
    assert client.get(link).status_code == 200
    told = Notification.objects.get(recipient=v.olga, kind="need.urgent")
    assert told.delivery == "now" and told.emailed_at is not None


def test_a_server_that_says_try_later_gets_the_message_exactly_once_on_the_retry(
    transactional_db, smtp_server
):
    v = build_village()
    with_address(v.olga, "olga@example.org")
    smtp_server.refuse_next = 1
    urgent_need(v)

    running = worker(smtp_server, POMOCHI_MAIL_RETRY_SECONDS="0.5")
    try:
        smtp_server.wait_for(1)
        sent = Mail.objects.get(to="olga@example.org")
        time.sleep(2)  # room for a second, wrong delivery to show itself
    finally:
        stop(running)
    assert smtp_server.refused == 1
    assert len(smtp_server.to("olga@example.org")) == 1
    sent.refresh_from_db()
    assert (sent.status, sent.attempts) == (MailStatus.SENT, 2)
    assert "451" in sent.last_error


def test_a_worker_killed_mid_batch_and_started_again_sends_every_message_exactly_once(
    transactional_db, smtp_server
):
    v = build_village()
    coordinators = []
    for i in range(10):
        member = enrol(actor=v.olga, community=v.community, user=make_user(f"coord{i}"))
        member = membership_set_roles(actor=v.olga, membership=member, coordinator=True)
        coordinators.append(with_address(member, f"coord{i}@example.org"))
    smtp_server.delay = 0.3
    urgent_need(v)
    assert Mail.objects.count() == 0  # decided by the job, after the need's transaction

    first = worker(smtp_server)
    try:
        smtp_server.wait_for(3)
    finally:
        first.send_signal(signal.SIGKILL)  # no goodbye: mid-batch, mid-message
        first.wait()
    delivered_before = len(smtp_server.messages)
    assert delivered_before < 12
    deliver.enqueue()  # as `pomochi tick` does: the killed job's run never finishes

    second = worker(smtp_server, POMOCHI_MAIL_LEASE_SECONDS="1")
    try:
        smtp_server.wait_for(12)
        time.sleep(1.5)  # room for a duplicate to show itself
    finally:
        stop(second)
    # Every coordinator (alice, olga and the ten) once, and nothing twice.
    addresses = sorted(m["To"] for m in smtp_server.messages)
    assert addresses == sorted(
        ["alice@example.org", "olga@example.org"] + [f"coord{i}@example.org" for i in range(10)]
    )
    assert len({m["Message-ID"] for m in smtp_server.messages}) == 12
    assert set(Mail.objects.values_list("status", flat=True)) == {MailStatus.SENT}
