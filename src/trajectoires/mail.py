"""Sending e-mails through the SMTP server the settings name (``smtp_*``).

One function per message; each builds a plain-text French message and hands it to the
server with the standard library (:mod:`smtplib`), protected as ``smtp_security`` says
(none, STARTTLS or TLS from the start, certificates checked). Nothing is queued: a
message that cannot be sent raises :class:`MailError` with the reason, and the caller
undoes what needed it.

Examples
--------
>>> from trajectoires.settings import Settings
>>> message = confirmation_message(Settings.from_env({}), "vi@example.org",
...     "Imaginer le Finistère", "http://ateliers.example.org/enrichir/confirmer/abc")
>>> message["To"], message["Subject"]
('vi@example.org', 'Confirmez votre adresse — Imaginer le Finistère')
>>> "http://ateliers.example.org/enrichir/confirmer/abc" in message.get_content()
True

"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from trajectoires.settings import Settings

__all__ = [
    "MailError",
    "confirmation_message",
    "invitation_message",
    "mail_configured",
    "reset_message",
    "send",
]

TIMEOUT_SECONDS = 20


class MailError(RuntimeError):
    """A message could not be handed to the SMTP server (the reason, in French)."""


def mail_configured(settings: Settings) -> bool:
    """Whether an SMTP server is set (``smtp_host``)."""
    return settings.smtp_host is not None


def confirmation_message(settings: Settings, to: str, workshop_title: str,
                         link: str) -> EmailMessage:
    """Return the message asking a visitor to confirm their address by following ``link``."""
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = to
    message["Subject"] = f"Confirmez votre adresse — {workshop_title}"
    message["Message-ID"] = make_msgid(domain=settings.smtp_sender.rpartition("@")[2] or None)
    message.set_content(
        "Bonjour,\n\n"
        f"Vous souhaitez enrichir l'atelier « {workshop_title} » publié sur Trajectoires.\n"
        "Pour confirmer votre adresse, ouvrez ce lien (il ne sert qu'une fois) :\n\n"
        f"{link}\n\n"
        "Votre adresse n'est jamais publiée ; elle est effacée si vous supprimez votre "
        "participation.\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce "
        "message.\n\n— Trajectoires\n"
    )
    return message


def _message(settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=settings.smtp_sender.rpartition("@")[2] or None)
    message.set_content(body)
    return message


def invitation_message(settings: Settings, to: str, inviter: str, link: str) -> EmailMessage:
    """Return the message inviting ``to`` to create a facilitator account at ``link``."""
    return _message(settings, to, "Invitation à animer des ateliers — Trajectoires", (
        "Bonjour,\n\n"
        f"{inviter} vous invite à animer des ateliers sur Trajectoires.\n"
        "Pour créer votre compte, ouvrez ce lien (il ne sert qu'une fois, pendant 7 jours) :"
        f"\n\n{link}\n\n"
        "Si vous n'attendiez pas cette invitation, ignorez ce message.\n\n— Trajectoires\n"))


def reset_message(settings: Settings, to: str, name: str, link: str) -> EmailMessage:
    """Return the message with the one-time link choosing a new password."""
    return _message(settings, to, "Nouveau mot de passe — Trajectoires", (
        f"Bonjour {name},\n\n"
        "Pour choisir un nouveau mot de passe, ouvrez ce lien (il ne sert qu'une fois, "
        f"pendant une heure) :\n\n{link}\n\n"
        "Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change "
        "pas.\n\n— Trajectoires\n"))


def send(settings: Settings, message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server of ``settings``.

    Raises
    ------
    MailError
        No server is set, or it refused or could not be reached (the reason in French).

    """
    if settings.smtp_host is None:
        raise MailError("aucun serveur SMTP n'est configuré")
    context = ssl.create_default_context()
    try:
        if settings.smtp_security == "ssl":
            client = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port,
                                      timeout=TIMEOUT_SECONDS, context=context)
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                                  timeout=TIMEOUT_SECONDS)
        with client:
            if settings.smtp_security == "starttls":
                client.starttls(context=context)
            if settings.smtp_username:
                client.login(settings.smtp_username, settings.smtp_password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"serveur {settings.smtp_host}:{settings.smtp_port} : "
                        f"{type(error).__name__}") from error
