"""The intake questionnaire: the coach's editor publishes versions, the client answers once (and
again when asked), the coach reads the answers on the booking page; bad input changes nothing."""

import pytest
from django.db import connection
from django.urls import reverse

from coaching.intake.models import (
    IntakeAnswer,
    IntakeFormVersion,
    IntakeQuestion,
    IntakeResponse,
)
from coaching.intake.selectors import intake_answers_for, missing_before_session
from coaching.intake.services import QuestionData, VersionChanged, intake_request_again
from tests.factories import PracticeFactory
from tests.intake.helpers import answer_form, publish_form

pytestmark = pytest.mark.django_db


def _row(prefix, index, *, label, kind="text", options="", required=False, order=None):
    data = {
        f"{prefix}-{index}-label": label,
        f"{prefix}-{index}-kind": kind,
        f"{prefix}-{index}-options": options,
        f"{prefix}-{index}-help_text": "",
        f"{prefix}-{index}-ORDER": str(order if order is not None else index + 1),
    }
    if required:
        data[f"{prefix}-{index}-required"] = "on"
    return data


def _management(total, initial=0):
    return {
        "q-TOTAL_FORMS": str(total),
        "q-INITIAL_FORMS": str(initial),
        "q-MIN_NUM_FORMS": "0",
        "q-MAX_NUM_FORMS": "30",
    }


def test_the_coach_publishes_versions_and_old_answers_keep_their_questions(
    client, booking, practice, client_user
):
    client.force_login(practice.owner)
    url = reverse("intake:form_edit")
    assert client.get(url).status_code == 200
    data = {
        **_management(2),
        **_row("q", 0, label="Was führt Sie zu mir?", required=True, order=2),
        **_row("q", 1, label="Gefunden über", kind="choice", options="Suche\nEmpfehlung", order=1),
    }
    assert client.post(url, data).status_code == 302
    first = IntakeFormVersion.objects.get(practice=practice)
    assert first.number == 1
    assert [(q.position, q.label, q.options, q.required) for q in first.questions.all()] == [
        (0, "Gefunden über", ["Suche", "Empfehlung"], False),
        (1, "Was führt Sie zu mir?", [], True),
    ]
    response = answer_form(practice, client_user, publish_form(practice))  # version 2
    # The coach edits again: an unchanged row stays, a row is deleted, a new one comes.
    page = client.get(url)
    assert page.context["formset"].initial_form_count() == 4
    data = {**_management(5, initial=4)}
    for index, question in enumerate(response.version.questions.all()):
        data.update(
            _row(
                "q",
                index,
                label=question.label,
                kind=question.kind,
                options="\n".join(question.options),
            )
        )
    data["q-1-DELETE"] = "on"
    data.update(_row("q", 4, label="Neue Frage", order=9))
    assert client.post(url, data).status_code == 302
    third = IntakeFormVersion.objects.get(practice=practice, number=3)
    assert [q.label for q in third.questions.all()] == [
        "Was führt Sie zu mir?",
        "Wie dringend ist Ihr Anliegen?",
        "Waren Sie schon einmal im Coaching?",
        "Neue Frage",
    ]
    # The answers given to version 2 still show version 2's questions, all four.
    [answered] = intake_answers_for(practice, client_user)
    assert answered.response.version.number == 2
    assert [q.label for q, _ in answered.items][1] == "Wie haben Sie mich gefunden?"
    assert IntakeQuestion.objects.filter(version__practice=practice).count() == 2 + 4 + 4


@pytest.mark.parametrize(
    ("claimed", "sent"),
    [
        (10_000, 10_000),  # Django's field limit refuses the request before the view parses it
        (10_000, 2),  # the management form claims more rows than absolute_max allows
        (40, 40),  # under the field limit, over the questionnaire's
    ],
)
def test_too_many_questions_are_a_400_and_publish_nothing(client, practice, claimed, sent):
    client.force_login(practice.owner)
    data = _management(claimed)
    for index in range(sent):
        data.update(_row("q", index, label=f"Frage {index}"))
    response = client.post(reverse("intake:form_edit"), data)
    assert response.status_code == 400
    if sent < 1000:
        assert "30" in response.context["formset"].non_form_errors()[0]
    assert not IntakeFormVersion.objects.exists()


def test_a_choice_question_without_options_is_a_400(client, practice):
    client.force_login(practice.owner)
    data = {**_management(1), **_row("q", 0, label="Wahl", kind="choice", options="nur eine")}
    assert client.post(reverse("intake:form_edit"), data).status_code == 400
    assert not IntakeFormVersion.objects.exists()


def test_the_client_answers_once_and_the_coach_reads_it_escaped(
    client, booking, practice, client_user
):
    version = publish_form(
        practice,
        [
            QuestionData(kind="text", label="<script>alert('q')</script>", required=True),
            QuestionData(kind="scale", label="Skala"),
            QuestionData(kind="yes_no", label="Ja oder nein", required=True),
        ],
    )
    assert [m.kind for m in missing_before_session(booking)] == ["intake"]
    client.force_login(client_user)
    url = reverse("intake:answer", args=[booking.reference])
    page = client.get(url)
    assert page.status_code == 200
    assert "<script>alert" not in page.content.decode()
    q = list(version.questions.all())
    answer = "<img src=x onerror=alert(1)> Mir geht es gesundheitlich nicht gut."
    sent = client.post(url, {f"q{q[0].pk}": answer, f"q{q[1].pk}": "8", f"q{q[2].pk}": "no"})
    assert sent.status_code == 302
    assert missing_before_session(booking) == []
    # Encrypted at rest: the column holds no readable answer.
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM intake_intakeanswer")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and all(value.startswith("fernet:") for value in stored)
    assert not any("gesundheitlich" in value for value in stored)
    # Answering again without being asked changes nothing; the page shows the answers instead.
    again = client.post(url, {f"q{q[0].pk}": "anders", f"q{q[2].pk}": "yes"})
    assert again.status_code == 302
    assert IntakeResponse.objects.count() == 1
    assert "gesundheitlich" in client.get(url).content.decode()

    client.force_login(practice.owner)
    detail = client.get(reverse("bookings:detail", args=[booking.reference])).content.decode()
    assert "Mir geht es gesundheitlich nicht gut." in detail
    assert "<img src=x" not in detail and "&lt;img src=x" in detail
    assert "8 / 10" in detail


def test_a_one_megabyte_answer_is_a_400_and_nothing_is_stored(client, booking, client_user):
    version = publish_form(booking.practice)
    client.force_login(client_user)
    first = version.questions.first()
    response = client.post(
        reverse("intake:answer", args=[booking.reference]), {f"q{first.pk}": "x" * 1_000_000}
    )
    assert response.status_code == 400
    assert not IntakeResponse.objects.exists() and not IntakeAnswer.objects.exists()


def test_a_missing_required_answer_or_unknown_choice_is_a_400(client, booking, client_user):
    version = publish_form(booking.practice)
    client.force_login(client_user)
    url = reverse("intake:answer", args=[booking.reference])
    choice = version.questions.get(kind="choice")
    assert client.post(url, {f"q{choice.pk}": "Suche"}).status_code == 400
    first = version.questions.first()
    assert client.post(url, {f"q{first.pk}": "ok", f"q{choice.pk}": "Erfunden"}).status_code == 400
    assert not IntakeResponse.objects.exists()


def test_a_version_published_while_the_client_answers_is_not_mixed(booking, client_user):
    old = publish_form(booking.practice)
    publish_form(booking.practice)
    with pytest.raises(VersionChanged):
        answer_form(booking.practice, client_user, old)
    assert not IntakeResponse.objects.exists()


def test_the_coach_asks_again_and_the_client_answers_again(client, booking, practice, client_user):
    version = publish_form(practice)
    answer_form(practice, client_user, version, first_answer="Erste Antwort")
    client.force_login(practice.owner)
    assert client.post(reverse("intake:ask_again", args=[booking.reference])).status_code == 302
    assert client.post(reverse("intake:ask_again", args=[booking.reference])).status_code == 302
    assert IntakeResponse.objects.filter(submitted_at__isnull=True).count() == 1
    assert [m.kind for m in missing_before_session(booking)] == ["intake"]
    answer_form(practice, client_user, version, first_answer="Zweite Antwort")
    answered = intake_answers_for(practice, client_user)
    assert [a.items[0][1] for a in answered] == ["Zweite Antwort", "Erste Antwort"]
    assert missing_before_session(booking) == []


def test_switching_the_questionnaire_off_asks_nothing_and_keeps_answers(
    client, booking, practice, client_user
):
    answer_form(practice, client_user, publish_form(practice))
    client.force_login(practice.owner)
    assert client.post(reverse("intake:form_edit"), {"switch_off": "1"}).status_code == 302
    other = PracticeFactory()
    assert missing_before_session(booking) == []
    assert len(intake_answers_for(practice, client_user)) == 1
    assert intake_answers_for(other, client_user) == []


def test_another_coach_cannot_ask_again_through_the_service(booking):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        intake_request_again(booking=booking, actor=PracticeFactory().owner)
    assert not IntakeResponse.objects.exists()


def test_the_client_page_include_lists_the_answers_newest_first(practice, client_user):
    from django.template import Context, Template

    version = publish_form(practice)
    answer_form(practice, client_user, version, first_answer="Erste <b>Antwort</b>")
    answer_form(practice, client_user, publish_form(practice), first_answer="Zweite Antwort")
    html = Template("{% load intake_tags %}{% intake_client_answers practice client %}").render(
        Context({"practice": practice, "client": client_user})
    )
    assert html.index("Zweite Antwort") < html.index("Erste &lt;b&gt;Antwort&lt;/b&gt;")
    assert "<details>" in html
