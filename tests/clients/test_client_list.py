"""The coach's client list (selectors.ClientList, written in SQL): each figure counts what it
says and nothing of another practice, the newest conversation comes first, the search finds a
part of the name or the whole e-mail address, and pages hold 50."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching.bookings.models import BookingState
from coaching.clients.models import Message, Relationship, Task, TaskState
from coaching.clients.selectors import CLIENT_LIST_PAGE_SIZE
from tests.factories import BookingFactory, SessionTypeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _rows(client, query: str = "", page: int = 1):
    response = client.get(reverse("clients:list"), {"q": query, "page": page})
    assert response.status_code == 200
    return response.context["rows"]


def test_each_figure_counts_what_it_says(client, coach, practice):
    user = UserFactory(display_name="Greta Gans")
    relationship = Relationship.objects.create(practice=practice, client=user)
    session_type = SessionTypeFactory(practice=practice)
    now = timezone.now().replace(microsecond=0)

    def booking(days: int, state: str, **kwargs):
        return BookingFactory(
            session_type=session_type,
            client=user,
            state=state,
            start=now + timedelta(days=days),
            **kwargs,
        )

    booking(-30, BookingState.COMPLETED)
    last = booking(-10, BookingState.NO_SHOW)
    booking(-20, BookingState.NO_SHOW)
    booking(-5, BookingState.CANCELLED)  # neither last session nor no-show
    booking(3, BookingState.CANCELLED)  # not the next session
    upcoming = booking(7, BookingState.CONFIRMED)
    booking(9, BookingState.CONFIRMED)
    other = SessionTypeFactory()  # another coach's session with the same client
    BookingFactory(session_type=other, client=user, start=now + timedelta(days=1))
    BookingFactory(session_type=other, client=user, state=BookingState.NO_SHOW)
    Task.objects.create(relationship=relationship, title="Offen")
    Task.objects.create(relationship=relationship, title="Noch offen")
    Task.objects.create(relationship=relationship, title="Fertig", state=TaskState.DONE)
    for side, read_at in [("client", None), ("client", None), ("client", now), ("coach", None)]:
        Message.objects.create(
            relationship=relationship,
            sender_side=side,
            recipient=user if side == "coach" else coach,
            text="Hallo",
            read_at=read_at,
        )
    client.force_login(coach)
    [row] = _rows(client)
    assert (row.next_session, row.last_session) == (upcoming.start, last.start)
    assert (row.no_shows, row.open_tasks, row.unread) == (2, 2, 2)
    assert (row.name, row.client_id, row.ended) == ("Greta Gans", user.pk, False)
    page = client.get(reverse("clients:list")).content.decode()
    assert f'href="{reverse("clients:thread", args=[relationship.pk])}"' in page
    assert f'href="{reverse("clients:detail", args=[relationship.pk])}"' in page


def test_a_client_without_sessions_tasks_or_messages_has_zeros(client, coach, practice):
    Relationship.objects.create(practice=practice, client=UserFactory())
    client.force_login(coach)
    [row] = _rows(client)
    assert (row.next_session, row.last_session, row.next_text, row.last_text) == (None,) * 2 + (
        "",
    ) * 2
    assert (row.no_shows, row.open_tasks, row.unread, row.unread_text) == (0, 0, 0, "")


def test_clients_by_newest_message_those_without_one_yet_first(client, coach, practice):
    now = timezone.now()
    for name, last in [
        ("Alt", now - timedelta(days=3)),
        ("Neu", now - timedelta(days=1)),
        ("Ohne Nachricht", None),
    ]:
        Relationship.objects.create(
            practice=practice, client=UserFactory(display_name=name), last_message_at=last
        )
    Relationship.objects.create(  # another coach's client
        practice=SessionTypeFactory().practice, client=UserFactory(display_name="Fremd")
    )
    client.force_login(coach)
    assert [row.name for row in _rows(client)] == ["Ohne Nachricht", "Neu", "Alt"]


def test_ended_clients_after_the_active_ones_the_latest_ended_first(client, coach, practice):
    now = timezone.now()
    for name, last, ended in [
        ("Beendet früher", now - timedelta(hours=1), now - timedelta(days=9)),
        ("Aktiv alt", now - timedelta(days=5), None),
        ("Beendet jüngst", now - timedelta(days=7), now - timedelta(days=2)),
        ("Aktiv neu", now - timedelta(days=1), None),
    ]:
        Relationship.objects.create(
            practice=practice,
            client=UserFactory(display_name=name),
            last_message_at=last,
            ended_at=ended,
        )
    client.force_login(coach)
    assert [row.name for row in _rows(client)] == [
        "Aktiv neu",
        "Aktiv alt",
        "Beendet jüngst",
        "Beendet früher",
    ]


def test_the_search_finds_part_of_a_name_or_the_whole_address(client, coach, practice):
    for name, email in [("Greta Gans", "greta@example.org"), ("Hans_Huhn", "hans@example.org")]:
        Relationship.objects.create(
            practice=practice, client=UserFactory(display_name=name, email=email)
        )
    client.force_login(coach)

    def found(query):
        return sorted(row.name for row in _rows(client, query))

    assert found("GANS") == ["Greta Gans"]
    assert found("  greta ") == ["Greta Gans"]
    assert found("Hans@Example.org") == ["Hans_Huhn"]
    assert found("example.org") == []  # a part of an address is not enough
    assert found("_") == ["Hans_Huhn"]  # LIKE's wildcards are plain characters
    assert found("%") == []
    assert found("") == ["Greta Gans", "Hans_Huhn"]


def test_pages_of_fifty(client, coach, practice):
    Relationship.objects.bulk_create(
        Relationship(practice=practice, client=user)
        for user in UserFactory.create_batch(CLIENT_LIST_PAGE_SIZE + 1)
    )
    client.force_login(coach)
    first, second = _rows(client), _rows(client, page=2)
    assert (len(first), len(second)) == (CLIENT_LIST_PAGE_SIZE, 1)
    assert not {row.pk for row in first} & {row.pk for row in second}
    page = client.get(reverse("clients:list"), {"page": 2}).context["page"]
    assert (page.number, page.paginator.num_pages, page.paginator.count) == (2, 2, 51)


@pytest.fixture
def html_fact_source():
    """A fact source whose facts hold markup, as a careless source might give them."""
    from dataclasses import dataclass

    from coaching.clients import facts

    @dataclass(frozen=True)
    class Fact:
        text: str
        note: str

    def known(*, practice, client_ids, now):
        return {
            pk: [Fact("<b>3 & mehr</b>", ""), Fact("zwei", "<i>bis morgen</i>")]
            for pk in client_ids
        }

    facts.register_fact_source(code="zz-html", title="<Notiz>", facts=known)
    yield
    del facts._sources["zz-html"]


def test_fact_columns_show_each_fact_escaped_and_a_dash_for_none(
    client, coach, practice, html_fact_source
):
    Relationship.objects.create(practice=practice, client=UserFactory())
    client.force_login(coach)
    page = client.get(reverse("clients:list")).content.decode()
    assert (
        '<td data-label="&lt;Notiz&gt;" class="client-facts"><div>&lt;b&gt;3 &amp; mehr&lt;/b&gt;'
        '</div><div>zwei <span class="muted">· &lt;i&gt;bis morgen&lt;/i&gt;</span></div></td>'
    ) in page
    # The packages source knows nothing of this client.
    assert 'class="client-facts"><span class="muted">–</span></td>' in page
