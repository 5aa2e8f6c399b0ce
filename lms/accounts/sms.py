"""Sending text messages.

Every SMS the site sends goes through one ``SmsSender``: one-time codes (sign-up and
login), and the two notices allauth's enumeration prevention sends instead of a code
(a sign-up with a number that already has an account, a login code asked for a
number without one). The texts are written by ``lms.accounts.adapter.AccountAdapter``.

A real gateway is plugged in by subclassing ``SmsSender`` and naming the class in the
``LMS_SMS_SENDER`` setting (or environment variable)::

    class GatewaySmsSender(SmsSender):
        def send(self, *, phone: str, text: str) -> None:
            ...  # call the gateway; raise SmsError if it refuses

The contract:

- ``phone`` is always a Vietnamese mobile number in E.164 (``+84912345678``); numbers
  abroad are refused before any SMS is asked for.
- ``text`` is in the visitor's language (Vietnamese by default), Unicode NFC, and
  short: a code fits in one SMS part, a notice with a link to this site in two or
  three (Vietnamese letters need the UCS-2 encoding, 70 characters a part). A
  brand-name sender (tin nhắn thương hiệu) is the gateway's concern.
- ``send`` is called during the web request: return once the gateway has accepted
  the message (delivery may come later), within a few seconds.
- Raise :class:`SmsError` when the gateway refuses or cannot be reached. The person
  then sees a page saying the SMS could not be sent (HTTP 503) instead of a code
  page that would wait for nothing; the failure is logged.
- Rate limits (one code per number every 30 seconds, a few per IP address a minute)
  are applied before ``send`` is called; the sender needs none of its own.
- Never log the text in production: it holds a code that logs a person in.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway did not accept the message."""


class SmsSender:
    """Base class of SMS gateways; see the module docstring for the contract."""

    def send(self, *, phone: str, text: str) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: str
    sent_at: object


# Messages sent by OutboxSmsSender in this process, newest last (like mail.outbox).
outbox: list[SentSms] = []


class OutboxSmsSender(SmsSender):
    """For development and tests: keeps messages in ``outbox`` and prints them.

    It shows the codes on the console, so it must never run in production.
    """

    def send(self, *, phone: str, text: str) -> None:
        outbox.append(SentSms(phone=phone, text=text, sent_at=timezone.now()))
        logger.warning("SMS to %s: %s", phone, text)
        print(f"[SMS to {phone}] {text}", flush=True)


def get_sms_sender() -> SmsSender:
    return import_string(settings.LMS_SMS_SENDER)()
