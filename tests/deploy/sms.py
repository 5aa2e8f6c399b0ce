"""An SMS "gateway" for the deployment check: each message becomes one JSON line in
the file named by ``LMS_TEST_SMS_FILE``, which the check reads like a phone.

It lives with the tests because it sends nothing: a deployment names its real
gateway in ``LMS_SMS_SENDER``.
"""

import json
import os

from lms.accounts.sms import SmsSender


class FileSmsSender(SmsSender):
    def send(self, *, phone: str, text: str) -> None:
        line = json.dumps({"phone": phone, "text": text}, ensure_ascii=False)
        with open(os.environ["LMS_TEST_SMS_FILE"], "a", encoding="utf-8") as outbox:
            outbox.write(line + "\n")
