"""Alerts by e-mail over SMTP (stdlib smtplib), with STARTTLS, implicit TLS or plain.

The message has a plain-text part and an HTML alternative, ``Auto-Submitted: auto-generated``
(RFC 3834) so auto-responders stay quiet, and the level in the subject so mail rules can route
crises to phones.
"""

from __future__ import annotations

import html
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from firewarden.notify.base import NOT_RESENT, AlertMessage, NotifyError

CHANNEL = "email"
SECURITY = ("starttls", "ssl", "none")


def build_email(alert: AlertMessage, sender: str, recipients: Sequence[str]) -> EmailMessage:
    """The e-mail for ``alert`` (pure: the Date header is the alert's time)."""
    message = EmailMessage()
    message["Subject"] = f"[firewarden {alert.label.upper()}] {alert.title}"
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(alert.time)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Firewarden-Level"] = alert.level
    why = "".join(f"  - {line}\n" for line in alert.explanation)
    text = (
        f"{alert.label}: {alert.title}\n\n{alert.summary}\n\n"
        + (f"Why:\n{why}\n" if why else "")
        + f"Watch: {alert.watch}\nTime: {alert.time_text}\n"
        + (f"Open: {alert.url}\n" if alert.url else "")
    )
    message.set_content(text)
    items = "".join(f"<li>{html.escape(line)}</li>" for line in alert.explanation)
    link = f'<p><a href="{html.escape(alert.url)}">Open in firewarden</a></p>' if alert.url else ""
    message.add_alternative(
        f"<h2>{html.escape(alert.label)}: {html.escape(alert.title)}</h2>"
        f"<p>{html.escape(alert.summary)}</p>"
        + (f"<p><b>Why</b></p><ul>{items}</ul>" if items else "")
        + f"<p>Watch: {html.escape(alert.watch)}<br>Time: {html.escape(alert.time_text)}</p>"
        + link,
        subtype="html",
    )
    return message


class EmailNotifier:
    """Sends alerts through one SMTP server to a fixed list of recipients."""

    channel = CHANNEL

    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        recipients: Sequence[str],
        username: str = "",
        password: str = "",
        security: str = "starttls",
        timeout: float = 30.0,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        if security not in SECURITY:
            raise ValueError(f"security must be one of {', '.join(SECURITY)}, not {security!r}")
        if not recipients:
            raise ValueError("at least one recipient is needed")
        self._host, self._port = host, port
        self._sender, self._recipients = sender, tuple(recipients)
        self._username, self._password = username, password
        self._security, self._timeout = security, timeout
        # A custom context is for private CAs (and tests); the default verifies certificates.
        self._tls = tls_context or ssl.create_default_context()

    def send(self, alert: AlertMessage) -> None:
        """Deliver the alert; raises NotifyError saying whether a retry may help."""
        message = build_email(alert, self._sender, self._recipients)
        try:
            with self._connect() as smtp:
                if self._username:
                    smtp.login(self._username, self._password)
                smtp.send_message(message, self._sender, list(self._recipients))
        except smtplib.SMTPAuthenticationError as exc:
            raise self._error(exc, False, "check the SMTP username and password") from None
        except smtplib.SMTPRecipientsRefused as exc:
            replies = {addr: (code, text) for addr, (code, text) in exc.recipients.items()}
            temporary = all(400 <= code < 500 for code, _ in replies.values())
            detail = "; ".join(
                f"{addr}: {code} {text.decode('utf-8', 'replace')}"
                for addr, (code, text) in replies.items()
            )
            hint = (
                f"the server is busy or refused them for now; {NOT_RESENT}"
                if temporary
                else f"check these addresses: {', '.join(replies)}"
            )
            raise NotifyError(
                f"the SMTP server refused the recipients ({detail})",
                channel=CHANNEL,
                retryable=temporary,
                hint=hint,
            ) from None
        except smtplib.SMTPNotSupportedError as exc:
            hint = "the server lacks STARTTLS or AUTH here; check the security setting"
            raise self._error(exc, False, hint) from None
        except smtplib.SMTPResponseException as exc:
            temporary = 400 <= exc.smtp_code < 500  # 4xx is a temporary failure in SMTP
            raise self._error(exc, temporary, "see the server's reply") from None
        except (smtplib.SMTPException, OSError) as exc:  # includes ssl errors and timeouts
            raise self._error(exc, True, "check the SMTP host, port and security setting") from None

    def _connect(self) -> smtplib.SMTP:
        if self._security == "ssl":
            return smtplib.SMTP_SSL(
                self._host, self._port, timeout=self._timeout, context=self._tls
            )
        smtp = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
        if self._security == "starttls":
            try:
                smtp.starttls(context=self._tls)
            except BaseException:
                smtp.close()
                raise
        return smtp

    def _error(self, exc: Exception, retryable: bool, hint: str) -> NotifyError:
        detail = str(exc) or type(exc).__name__
        return NotifyError(
            f"cannot send the alert e-mail via {self._host}:{self._port}: {detail}",
            channel=CHANNEL,
            retryable=retryable,
            hint=hint,
        )
