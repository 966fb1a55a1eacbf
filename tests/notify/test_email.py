"""The e-mail notifier against a real local SMTP server (aiosmtpd) with STARTTLS and AUTH."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("aiosmtpd", reason="aiosmtpd is a dev dependency: pip install -e '.[dev]'")
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from firewarden.notify.base import AlertMessage, NotifyError
from firewarden.notify.email import EmailNotifier, build_email

from .conftest import alert

USER, PASSWORD = "alerts@acme.example", "s3cret"


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made on the spot."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class Mailbox:
    """An aiosmtpd handler that keeps what it receives and can refuse recipients."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self.refuse: set[str] = set()
        self.busy = False

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.busy:
            return "451 4.3.0 Try again later"
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    # handled=False: aiosmtpd itself answers a refusal with 535.
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[tuple[Mailbox, int, ssl.SSLContext]]:
    cert, key = self_signed(tmp_path)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(cert, key)
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_tls,
        require_starttls=True,
        authenticator=authenticate,
        auth_required=True,
    )
    controller.start()
    try:
        yield mailbox, port, ssl.create_default_context(cafile=str(cert))
    finally:
        controller.stop()


def notifier(port: int, tls: ssl.SSLContext, **changes: Any) -> EmailNotifier:
    settings: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "sender": USER,
        "recipients": ["pr-team@acme.example", "legal@acme.example"],
        "username": USER,
        "password": PASSWORD,
        "tls_context": tls,
        "timeout": 10,
    }
    settings.update(changes)
    return EmailNotifier(**settings)


def test_alert_is_delivered_over_starttls_with_auth(
    smtp: tuple[Mailbox, int, ssl.SSLContext], crisis: AlertMessage
) -> None:
    mailbox, port, tls = smtp
    notifier(port, tls).send(crisis)
    ((sender, recipients, message),) = mailbox.received
    assert sender == USER
    assert recipients == ["pr-team@acme.example", "legal@acme.example"]
    assert message["Subject"] == f"[firewarden CRISIS] {crisis.title}"
    assert message["Auto-Submitted"] == "auto-generated"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    assert "  - 62% negative (usual 12%)" in plain.get_content()
    assert crisis.url in plain.get_content()
    assert "&lt;5 min&gt; &amp; quote" in html.get_content()


def test_wrong_password_is_not_retryable_and_says_what_to_check(
    smtp: tuple[Mailbox, int, ssl.SSLContext],
) -> None:
    _, port, tls = smtp
    with pytest.raises(NotifyError) as info:
        notifier(port, tls, password="nope").send(alert())
    assert not info.value.retryable
    assert "username and password" in str(info.value)


def test_refused_recipient_is_named(smtp: tuple[Mailbox, int, ssl.SSLContext]) -> None:
    mailbox, port, tls = smtp
    mailbox.refuse = {"legal@acme.example"}
    with pytest.raises(NotifyError) as info:
        notifier(port, tls, recipients=["legal@acme.example"]).send(alert())
    assert "legal@acme.example" in str(info.value)
    assert not info.value.retryable


def test_temporary_failure_is_retryable(smtp: tuple[Mailbox, int, ssl.SSLContext]) -> None:
    mailbox, port, tls = smtp
    mailbox.busy = True
    with pytest.raises(NotifyError) as info:
        notifier(port, tls).send(alert())
    assert info.value.retryable
    assert "not sent again; the next alert will be tried" in info.value.hint


def test_plain_connection_to_a_starttls_only_server_is_explained(
    smtp: tuple[Mailbox, int, ssl.SSLContext],
) -> None:
    _, port, tls = smtp
    with pytest.raises(NotifyError) as info:
        notifier(port, tls, security="none").send(alert())
    assert "security" in str(info.value)


def test_untrusted_certificate_is_refused(smtp: tuple[Mailbox, int, ssl.SSLContext]) -> None:
    mailbox, port, _ = smtp
    with pytest.raises(NotifyError) as info:
        notifier(port, ssl.create_default_context()).send(alert())
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value)
    assert not mailbox.received


def test_unreachable_server_is_retryable() -> None:
    with pytest.raises(NotifyError) as info:
        notifier(free_port(), ssl.create_default_context(), timeout=2).send(alert())
    assert info.value.retryable


def test_build_email_without_explanation_or_url() -> None:
    message = build_email(alert("watch", explanation=(), url=""), USER, ["a@acme.example"])
    body = message.get_body(("plain",))
    assert (
        body is not None and "Why" not in body.get_content() and "Open:" not in body.get_content()
    )
    assert message["Subject"].startswith("[firewarden WATCH]")
