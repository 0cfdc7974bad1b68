"""A real SMTP server on loopback for the tests (aiosmtpd), and a real `pomochi db_worker`.

The server keeps what it accepted. It can refuse the next messages with a temporary error
("451 try again later") and take its time over each one; a message whose sender went away
before the server answered "250" was never delivered, and is not kept (as a real server would
not deliver it either).
"""

import asyncio
import email
import email.policy
import socket
import subprocess
import sys
import time

import pytest
from aiosmtpd.controller import Controller

from tests.races import child_env


class Mailbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse_next = 0
        self.refused = 0
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_next > 0:
            self.refuse_next -= 1
            self.refused += 1
            return "451 4.3.0 Try again later"
        if self.delay:
            await asyncio.sleep(self.delay)
        if server.transport is None or server.transport.is_closing():
            return "421 4.4.2 The sender went away"
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
        return "250 2.0.0 Kept"

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            assert time.monotonic() < deadline, f"{len(self.messages)} of {count} messages came"
            time.sleep(0.05)

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


def worker(mailbox: Mailbox, *, batch: bool = False, **settings) -> subprocess.Popen:
    """`pomochi db_worker` in its own process, on the test database, sending through the
    loopback server. batch: run what is due, then exit; else keep polling."""
    env = (
        child_env()
        | {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(mailbox.port),
            "POMOCHI_SITE_URL": "http://testserver",
            "DEBUG": "0",
        }
        | {name: str(value) for name, value in settings.items()}
    )
    command = [sys.executable, "-m", "pomochi.cli", "db_worker", "--no-startup-delay"]
    command += ["--batch"] if batch else ["--interval", "0.1"]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def run_worker_once(mailbox: Mailbox, **settings) -> str:
    one = worker(mailbox, batch=True, **settings)
    out, err = one.communicate(timeout=120)
    assert one.returncode == 0, err
    return out + err


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
