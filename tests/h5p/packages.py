"""Small H5P packages the server can grade, written by the project for its tests.

Their main libraries carry the machine names of H5P's question types
(``H5P.TrueFalse``, ``H5P.MultiChoice``, ...) because the server recognises
content by those names; their content follows the same ``content.json`` shapes.
Only the true-or-false one has a working library: a few lines of JavaScript that
show two buttons and send an ``answered`` statement through H5P's own API, so a
browser test can run the whole pipeline without the shared sample packages.
"""

import json

from .builders import zip_bytes

SCS_CHILDREN = (
    "0c7e3f0a-1111-4a4a-9a9a-000000000001",
    "0c7e3f0a-1111-4a4a-9a9a-000000000002",
    "0c7e3f0a-1111-4a4a-9a9a-000000000003",
)
QS_TRUE_FALSE = "5b0e8c1d-2222-4b4b-8b8b-000000000001"
QS_MULTI_CHOICE = "5b0e8c1d-2222-4b4b-8b8b-000000000002"
QS_BLANKS = "5b0e8c1d-2222-4b4b-8b8b-000000000003"

# A content type in a dozen lines, on H5P's public API: the player's frame
# provides H5P.EventDispatcher, H5P.jQuery and the xAPI helpers.
TRUE_FALSE_JS = """
H5P.TrueFalse = (function ($) {
  function TinyTrueFalse(params, contentId) {
    H5P.EventDispatcher.call(this);
    this.params = params;
    this.contentId = contentId;
  }
  TinyTrueFalse.prototype = Object.create(H5P.EventDispatcher.prototype);
  TinyTrueFalse.prototype.constructor = TinyTrueFalse;
  TinyTrueFalse.prototype.attach = function ($container) {
    var self = this;
    $container.addClass('lms-tiny-true-false');
    $('<p class="lms-tiny-question">').text(self.params.question).appendTo($container);
    [['true', 'Đúng'], ['false', 'Sai']].forEach(function (choice) {
      $('<button type="button">').text(choice[1]).on('click', function () {
        self.answer(choice[0]);
      }).appendTo($container);
    });
  };
  TinyTrueFalse.prototype.answer = function (answer) {
    var right = answer === this.params.correct;
    var event = this.createXAPIEventTemplate('answered');
    event.setScoredResult(right ? 1 : 0, 1, this, true, right);
    event.data.statement.result.response = answer;
    this.trigger(event);
  };
  return TinyTrueFalse;
})(H5P.jQuery);
"""


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def package_files(
    *,
    machine_name: str,
    content: dict,
    title: str,
    version: tuple[int, int] = (1, 0),
    js: str = "",
) -> dict[str, bytes]:
    """A one-library package of ``machine_name`` with ``content``."""
    major, minor = version
    folder = f"{machine_name}-{major}.{minor}"
    return {
        "h5p.json": _json(
            {
                "title": title,
                "language": "vi",
                "mainLibrary": machine_name,
                "embedTypes": ["iframe"],
                "license": "U",
                "preloadedDependencies": [
                    {
                        "machineName": machine_name,
                        "majorVersion": major,
                        "minorVersion": minor,
                    }
                ],
            }
        ),
        "content/content.json": _json(content),
        f"{folder}/library.json": _json(
            {
                "title": machine_name,
                "machineName": machine_name,
                "majorVersion": major,
                "minorVersion": minor,
                "patchVersion": 0,
                "runnable": 1,
                "preloadedJs": [{"path": "main.js"}],
                "preloadedCss": [{"path": "main.css"}],
            }
        ),
        f"{folder}/main.js": (js or f"/* {machine_name} */\n").encode(),
        f"{folder}/main.css": b".lms-tiny-true-false button { margin: 0.5rem; }\n",
    }


# An image that would mark the page it is opened in if its script ran.
SCRIPTED_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>document.documentElement.setAttribute("data-ran", "1")</script>'
    b'<rect width="10" height="10" fill="red" onload="alert(1)"/></svg>'
)


def true_false(
    *, correct: str = "false", title: str = "Đúng hay sai: mã OTP", svg: bool = False
) -> bytes:
    files = package_files(
        machine_name="H5P.TrueFalse",
        version=(1, 6),
        title=title,
        js=TRUE_FALSE_JS,
        content={
            "question": "Có nên đọc mã OTP cho người gọi tự xưng là ngân hàng?",
            "correct": correct,
        },
    )
    if svg:
        files["content/images/logo.svg"] = SCRIPTED_SVG
    return zip_bytes(files)


def multi_choice(*, single_point: bool = False, kind: str = "auto") -> bytes:
    """Two correct answers (0 and 2) among four."""
    return zip_bytes(
        package_files(
            machine_name="H5P.MultiChoice",
            version=(1, 14),
            title="Nhận biết lừa đảo",
            content={
                "question": "<p>Dấu hiệu nào cho thấy tin nhắn là lừa đảo?</p>",
                "answers": [
                    {"text": "<div>Đòi mã OTP</div>", "correct": True},
                    {"text": "<div>Gửi từ tổng đài chính thức</div>", "correct": False},
                    {"text": "<div>Thúc giục chuyển tiền ngay</div>", "correct": True},
                    {"text": "<div>Không có đường dẫn</div>", "correct": False},
                ],
                "behaviour": {
                    "singlePoint": single_point,
                    "type": kind,
                    "passPercentage": 100,
                },
            },
        )
    )


def single_choice_set() -> bytes:
    """Three choices; the first answer of each is the correct one."""
    questions = (
        ("Ứng dụng định danh điện tử quốc gia là gì?", ["VNeID", "Zalo", "Shopee"]),
        ("Mức định danh cần để dùng dịch vụ công?", ["Mức 2", "Mức 0", "Không cần"]),
        ("Ai được biết mã OTP?", ["Chỉ bạn", "Nhân viên ngân hàng", "Người thân"]),
    )
    return zip_bytes(
        package_files(
            machine_name="H5P.SingleChoiceSet",
            version=(1, 11),
            title="VNeID nhanh",
            content={
                "choices": [
                    {"question": question, "answers": answers, "subContentId": sub}
                    for (question, answers), sub in zip(
                        questions, SCS_CHILDREN, strict=True
                    )
                ],
                "behaviour": {"passPercentage": 100},
            },
        )
    )


def blanks() -> bytes:
    """Three blanks in two lines, whatever their letters' case."""
    return zip_bytes(
        package_files(
            machine_name="H5P.Blanks",
            version=(1, 12),
            title="Điền vào chỗ trống",
            content={
                "text": "<p>Điền từ còn thiếu.</p>",
                "questions": [
                    "<p>Ứng dụng *VNeID* dùng để định danh điện tử.</p>",
                    "<p>Không đưa mã *OTP* cho ai; gọi *tổng đài/hotline* khi "
                    "nghi ngờ.</p>",
                ],
                "behaviour": {"caseSensitive": False},
            },
        )
    )


def question_set() -> bytes:
    """A true-or-false question, a multiple choice and a fill-in text."""
    return zip_bytes(
        package_files(
            machine_name="H5P.QuestionSet",
            version=(1, 17),
            title="Ôn tập an toàn thông tin",
            content={
                "passPercentage": 50,
                "questions": [
                    {
                        "library": "H5P.TrueFalse 1.6",
                        "subContentId": QS_TRUE_FALSE,
                        "params": {
                            "question": "<p>Mật khẩu nên dài?</p>",
                            "correct": "true",
                        },
                        "metadata": {"title": "Mật khẩu"},
                    },
                    {
                        "library": "H5P.MultiChoice 1.14",
                        "subContentId": QS_MULTI_CHOICE,
                        "params": {
                            "question": "<p>Chọn cách thanh toán an toàn.</p>",
                            "answers": [
                                {"text": "Mã QR của cửa hàng", "correct": True},
                                {"text": "Gửi mật khẩu qua tin nhắn", "correct": False},
                            ],
                        },
                    },
                    {
                        "library": "H5P.Blanks 1.12",
                        "subContentId": QS_BLANKS,
                        "params": {
                            "questions": ["<p>Tôi dùng *VNeID*.</p>"],
                            "behaviour": {"caseSensitive": False},
                        },
                    },
                ],
            },
        )
    )


# A true-or-false content type that also tries, as soon as it is shown, what a
# hostile package would: read the site's cookies, reach into the lesson page, and
# fetch a learner's page with their session. It records each outcome in
# ``window.lmsHostile`` for the test to read, then plays as usual.
HOSTILE_JS = """
window.lmsHostile = { violations: [] };
document.addEventListener('securitypolicyviolation', function (event) {
  var directive = event.effectiveDirective || event.violatedDirective;
  window.lmsHostile.violations.push(directive);
});
(function (outcomes) {
  function attempt(name, read) {
    try {
      outcomes[name] = 'read: ' + String(read()).slice(0, 200);
    } catch (error) {
      outcomes[name] = 'refused: ' + error.name;
    }
  }
  attempt('cookie', function () { return document.cookie; });
  attempt('parentDocument', function () { return window.parent.document.title; });
  attempt('parentStorage', function () { return window.parent.localStorage.length; });
  outcomes.fetch = 'pending';
  fetch('/learning/profile/', { credentials: 'include' }).then(function (response) {
    return response.text();
  }).then(function (text) {
    outcomes.fetch = 'read: ' + text.slice(0, 200);
  }, function (error) {
    outcomes.fetch = 'refused: ' + error.name;
  });
  // A result for another activity, in the shape the page expects.
  window.parent.postMessage({
    type: 'xapi',
    statement: {
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
      object: { id: 'http://testserver/h5p/activities/another' },
      result: { score: { raw: 1, max: 1 }, response: 'false' }
    }
  }, '*');
})(window.lmsHostile);
""" + TRUE_FALSE_JS.replace(
    "$('<p class=\"lms-tiny-question\">').text(self.params.question)",
    "$('<div class=\"lms-tiny-intro\">').html(self.params.intro)"
    ".appendTo($container);\n"
    "    $('<p class=\"lms-tiny-question\">').text(self.params.question)",
)

HOSTILE_INTRO = (
    '<p>Đọc kỹ trước khi trả lời.</p><img src="x" alt="" '
    'onerror="window.lmsOnerrorRan = true; '
    "window.lmsHostile.onerror = document.cookie; "
    "fetch('/learning/profile/', {credentials: 'include'})\">"
)


def hostile_true_false() -> bytes:
    assert "lms-tiny-intro" in HOSTILE_JS
    return zip_bytes(
        package_files(
            machine_name="H5P.TrueFalse",
            version=(1, 6),
            title="Đúng hay sai: gói lạ",
            js=HOSTILE_JS,
            content={
                "intro": HOSTILE_INTRO,
                "question": "Có nên đọc mã OTP cho người gọi tự xưng là ngân hàng?",
                "correct": "false",
            },
        )
    )
