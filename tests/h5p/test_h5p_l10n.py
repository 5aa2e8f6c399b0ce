"""The labels of H5P content reach a Vietnamese learner in Vietnamese."""

import json

import pytest
from django.urls import reverse

from h5p import permissions
from tests.h5p.activities import activity_create, file_url, place_activity
from tests.h5p.builders import zip_bytes
from tests.h5p.packages import TRUE_FALSE_JS, package_files

pytestmark = pytest.mark.django_db

FOLDER = "H5P.TrueFalse-1.6"
SEMANTICS = [
    {"name": "question", "type": "text"},
    {
        "name": "l10n",
        "type": "group",
        "fields": [
            {"name": "checkAnswer", "type": "text", "default": "Check"},
            {"name": "tryAgain", "type": "text", "default": "Retry"},
            {"name": "trueText", "type": "text", "default": "True"},
            {"name": "wrongAnswerMessage", "type": "text", "default": "Wrong answer"},
        ],
    },
    {
        "name": "answers",
        "type": "list",
        "field": {"name": "answer", "type": "text", "default": "Show solution"},
    },
]
# The library's own Vietnamese, for one label; the others fall to the project's.
VI_JSON = {
    "semantics": [
        {},
        {
            "fields": [
                {"default": "Kiểm tra đáp án"},
                {"default": "Retry"},
                {},
                {},
            ]
        },
        {"field": {}},
    ]
}


def package() -> bytes:
    files = package_files(
        machine_name="H5P.TrueFalse",
        version=(1, 6),
        title="Đúng hay sai",
        js=TRUE_FALSE_JS,
        content={
            "question": "Check",
            "correct": "false",
            "l10n": {
                "checkAnswer": "Check",
                "tryAgain": "Retry",
                "trueText": "True",
                "wrongAnswerMessage": "Chưa đúng rồi!",
            },
            "answers": ["Show solution", "Khác"],
        },
    )
    files[f"{FOLDER}/semantics.json"] = json.dumps(SEMANTICS).encode()
    files[f"{FOLDER}/language/vi.json"] = json.dumps(VI_JSON).encode()
    return zip_bytes(files)


def content_json(client, user, lesson, activity, language):
    token = permissions.frame_token(
        user_id=user.pk,
        lesson_id=lesson.pk,
        activity_id=activity.pk,
        language=language,
    )
    url = reverse(
        "h5p:package_file",
        kwargs={
            "token": token,
            "package_id": activity.package_id,
            "path": "content/content.json",
        },
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    chunks = response.streaming_content if response.streaming else [response.content]
    return json.loads(b"".join(chunks))


def test_default_labels_come_in_vietnamese_and_the_authors_words_stay(
    client, user, learner, lessons
):
    activity = activity_create(package())
    lesson = place_activity(lessons[0], activity)

    content = content_json(client, user, lesson, activity, "vi")

    assert content["l10n"] == {
        "checkAnswer": "Kiểm tra đáp án",
        "tryAgain": "Làm lại",
        "trueText": "Đúng",
        "wrongAnswerMessage": "Chưa đúng rồi!",
    }
    assert content["answers"] == ["Xem đáp án", "Khác"]
    # A field with no default is the author's, whatever it says.
    assert content["question"] == "Check"


def test_an_english_reader_gets_the_content_as_written(client, user, learner, lessons):
    activity = activity_create(package())
    lesson = place_activity(lessons[0], activity)

    content = content_json(client, user, lesson, activity, "en")

    assert content["l10n"]["checkAnswer"] == "Check"
    assert content["answers"] == ["Show solution", "Khác"]
    assert file_url(user, lesson, activity, "content/content.json")
