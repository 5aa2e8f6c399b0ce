"""Sending text messages.

A real SMS gateway is plugged in by writing a class with the same ``send`` method
and naming it in the ``LMS_SMS_SENDER`` setting (or environment variable)::

    class GatewaySmsSender(SmsSender):
        def send(self, *, phone: str, text: str) -> None:
            ...  # call the gateway; raise SmsError if it refuses

``phone`` is always E.164 (``+84912345678``); ``text`` is Vietnamese in NFC and short
enough for one or two SMS parts. ``send`` must not return before the gateway accepted
the message, and must raise :class:`SmsError` when it did not.
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
    """For development and tests: keeps messages in ``outbox`` and logs them."""

    def send(self, *, phone: str, text: str) -> None:
        outbox.append(SentSms(phone=phone, text=text, sent_at=timezone.now()))
        logger.warning("SMS to %s: %s", phone, text)
        print(f"[SMS to {phone}] {text}", flush=True)


def get_sms_sender() -> SmsSender:
    return import_string(settings.LMS_SMS_SENDER)()
