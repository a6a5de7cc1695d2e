"""After the evening: marks and notes per partner, intro mails only when both mark each other."""

from __future__ import annotations

import pytest
from django.core import mail as django_mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies.models import Cooperation
from kag_portal.models import OutboxMail
from matchmaking.models import ContactMark
from matchmaking.services import contact_marks
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.matchmaking.contact_marks_helpers import attendee, evening, formset_data, seat_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def table():
    """Round 1: A–B, C–D; round 2: A–C, B–D. A met B and C, never D."""
    event = evening(rounds=2)
    a, b, c, d = (attendee(event, name=name) for name in ("Anna", "Bernd", "Carla", "Dora"))
    seat_plan(event, [[[a, b], [c, d]], [[a, c], [b, d]]])
    return event, a, b, c, d


def url(event) -> str:
    return f"/events/{event.pk}/follow-ups/"


def intro_mails():
    return OutboxMail.objects.filter(template="contact_intro")


def post_marks(client, registration, marks, capture):
    client.force_login(registration.person)
    with capture(execute=True):
        return client.post(url(registration.event), formset_data(marks))


def test_the_page_lists_everyone_the_attendee_sat_with_and_nobody_else(client, table):
    event, a, b, c, d = table
    client.force_login(a.person)

    response = client.get(url(event))

    assert response.status_code == 200
    partners = [partner.registration for partner in response.context["partners"]]
    assert partners == [b, c]
    content = response.content.decode()
    assert b.company.name in content
    assert c.company.name in content
    assert d.name not in content
    assert 'for="id_form-0-wants_contact"' in content  # every input has its label
    assert 'for="id_form-0-note"' in content


def test_a_partner_met_in_two_rounds_is_listed_once(client):
    event = evening(rounds=2)
    a, b = attendee(event), attendee(event)
    seat_plan(event, [[[a, b]], [[a, b]]])
    client.force_login(a.person)

    partners = client.get(url(event)).context["partners"]

    assert [(p.registration, p.rounds) for p in partners] == [(b, [1, 2])]


def test_a_one_sided_mark_sends_nothing_and_shows_nothing_to_the_other(
    client, table, django_capture_on_commit_callbacks
):
    event, a, b, c, _d = table

    response = post_marks(
        client,
        a,
        {b.pk: (True, "Spannzangen anfragen"), c.pk: (False, "")},
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 302
    mark = ContactMark.objects.get(registration=a, partner=b)
    assert mark.wants_contact
    assert mark.note == "Spannzangen anfragen"
    assert not ContactMark.objects.filter(registration=a, partner=c).exists()  # nothing to keep
    assert intro_mails().count() == 0
    assert django_mail.outbox == []
    assert not Cooperation.objects.exists()
    client.force_login(b.person)
    other_page = client.get(url(event))
    assert "Spannzangen anfragen" not in other_page.content.decode()
    assert b"followup-mutual" not in other_page.content
    partner_a = next(p for p in other_page.context["partners"] if p.registration == a)
    assert not partner_a.wants_contact
    assert not partner_a.mutual


def test_two_people_marking_each_other_get_one_intro_mail_each_and_a_cooperation_lead(
    client, table, django_capture_on_commit_callbacks
):
    event, a, b, _c, _d = table
    post_marks(client, a, {b.pk: (True, "")}, django_capture_on_commit_callbacks)

    response = post_marks(client, b, {a.pk: (True, "")}, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    rows = {row.to_email: row for row in intro_mails()}
    assert set(rows) == {a.email, b.email}
    low, high = sorted((a.pk, b.pk))
    assert rows[a.email].idempotency_key == f"contact-intro:{event.pk}:{low}:{high}:{a.pk}"
    assert rows[b.email].idempotency_key == f"contact-intro:{event.pk}:{low}:{high}:{b.pk}"
    # Each gets the other's details: name, company, address and the company's profile link.
    assert b.email in rows[a.email].body_text
    assert b.name in rows[a.email].body_text
    assert b.company.get_absolute_url() in rows[a.email].body_text
    assert a.email in rows[b.email].body_text
    assert a.company.name in rows[b.email].body_text
    assert len(django_mail.outbox) == 2
    lead = Cooperation.objects.get()
    assert lead.origin == Cooperation.Origin.SPEED_DATING
    parties = {party.company_id: party.confirmed_at for party in lead.parties.all()}
    assert parties == {a.company_id: None, b.company_id: None}
    # Now both see that it is mutual, with the way to confirm the cooperation.
    page = client.get(url(event)).content.decode()
    assert "followup-mutual" in page
    assert f"/events/cooperations/{lead.pk}/confirm/" in page


def test_saving_again_or_unmarking_and_marking_again_sends_nothing_more(
    client, table, django_capture_on_commit_callbacks
):
    _event, a, b, _c, _d = table
    post_marks(client, a, {b.pk: (True, "")}, django_capture_on_commit_callbacks)
    post_marks(client, b, {a.pk: (True, "")}, django_capture_on_commit_callbacks)

    post_marks(client, b, {a.pk: (True, "noch einmal")}, django_capture_on_commit_callbacks)
    post_marks(client, a, {b.pk: (False, "")}, django_capture_on_commit_callbacks)
    post_marks(client, a, {b.pk: (True, "")}, django_capture_on_commit_callbacks)

    assert intro_mails().count() == 2
    assert len(django_mail.outbox) == 2
    assert Cooperation.objects.count() == 1


def test_unmarking_does_not_unsend_the_intro(client, table, django_capture_on_commit_callbacks):
    _event, a, b, _c, _d = table
    post_marks(client, a, {b.pk: (True, "")}, django_capture_on_commit_callbacks)
    post_marks(client, b, {a.pk: (True, "")}, django_capture_on_commit_callbacks)

    post_marks(client, a, {b.pk: (False, "")}, django_capture_on_commit_callbacks)

    assert intro_mails().filter(status=OutboxMail.Status.SENT).count() == 2
    assert not ContactMark.objects.get(registration=a, partner=b).wants_contact


def test_two_pairs_of_the_same_two_companies_make_one_cooperation_lead(
    client, django_capture_on_commit_callbacks
):
    event = evening(rounds=2)
    spannwerk, feinwerk = CompanyFactory(published=True), CompanyFactory(published=True)
    a1, a2 = attendee(event, company=spannwerk), attendee(event, company=spannwerk)
    b1, b2 = attendee(event, company=feinwerk), attendee(event, company=feinwerk)
    seat_plan(event, [[[a1, b1], [a2, b2]], [[a1, b2], [a2, b1]]])

    for first, second in ((a1, b1), (b1, a1), (a2, b2), (b2, a2)):
        post_marks(client, first, {second.pk: (True, "")}, django_capture_on_commit_callbacks)

    assert intro_mails().count() == 4
    assert Cooperation.objects.count() == 1


def test_the_portals_own_cooperation_text_is_shown_in_the_readers_language(
    client, table, django_capture_on_commit_callbacks
):
    event, a, b, _c, _d = table
    post_marks(client, a, {b.pk: (True, "")}, django_capture_on_commit_callbacks)
    post_marks(client, b, {a.pk: (True, "")}, django_capture_on_commit_callbacks)
    lead = Cooperation.objects.get()
    confirm = f"/events/cooperations/{lead.pk}/confirm/"

    german = client.get(confirm).content.decode()
    b.person.preferred_language = "en"
    b.person.save(update_fields=["preferred_language"])
    english = client.get(confirm).content.decode()

    assert lead.description_kind == Cooperation.DescriptionKind.MET_AT_SPEED_DATING
    assert f"Beim Speed-Dating von „{event.title}“ kennengelernt" in german
    assert f"Met at the speed dating of “{event.title}”" in english
    assert "Beim Speed-Dating" not in english


def test_both_companies_confirm_the_lead_on_the_cooperation_page(
    client, table, django_capture_on_commit_callbacks
):
    _event, a, b, _c, _d = table
    post_marks(client, a, {b.pk: (True, "")}, django_capture_on_commit_callbacks)
    post_marks(client, b, {a.pk: (True, "")}, django_capture_on_commit_callbacks)
    lead = Cooperation.objects.get()

    for registration in (a, b):
        client.force_login(registration.person)
        client.post(f"/events/cooperations/{lead.pk}/confirm/")

    assert all(party.confirmed_at for party in lead.parties.all())


def test_someone_not_sat_with_cannot_be_marked(client, table):
    event, a, _b, _c, d = table
    client.force_login(a.person)

    response = client.post(url(event), formset_data({d.pk: (True, "forged")}))

    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()
    assert not ContactMark.objects.exists()


def test_more_forms_than_partners_are_refused(client, table):
    event, a, b, c, d = table
    client.force_login(a.person)

    response = client.post(
        url(event), formset_data({b.pk: (True, ""), c.pk: (True, ""), d.pk: (True, "")})
    )

    assert response.status_code == 200
    assert not ContactMark.objects.exists()


def test_the_service_refuses_a_partner_from_another_table(table):
    _event, a, b, _c, d = table

    with pytest.raises(contact_marks.ContactMarkError):
        contact_marks.save_marks(
            registration=a,
            marks=[contact_marks.MarkInput(b.pk, True), contact_marks.MarkInput(d.pk, True)],
        )

    assert not ContactMark.objects.exists()


def test_someone_without_a_place_at_the_event_gets_404(client, table):
    event, *_people = table
    client.force_login(UserFactory())

    assert client.get(url(event)).status_code == 404


def test_a_colleague_of_the_same_company_sees_only_their_own_page(client, table):
    event, a, _b, _c, _d = table
    # The attendee's company owner without a place of their own: the marks are private.
    owner = MembershipFactory(company=a.company).user
    client.force_login(owner)

    assert client.get(url(event)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, table):
    event, *_people = table

    response = client.get(url(event))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_before_the_evening_the_page_says_so_and_saves_nothing(client):
    event = evening(days_ago=-3)
    a, b = attendee(event), attendee(event)
    seat_plan(event, [[[a, b]]])
    client.force_login(a.person)

    page = client.get(url(event))
    posted = client.post(url(event), formset_data({b.pk: (True, "")}))

    assert page.status_code == 200
    assert b'id="followups-not-yet"' in page.content
    assert posted.status_code == 200
    assert not ContactMark.objects.exists()


def test_without_a_published_plan_there_is_nobody_to_mark(client):
    event = evening()
    a, b = attendee(event), attendee(event)
    seat_plan(event, [[[a, b]]], status="draft", published_at=None)
    client.force_login(a.person)

    response = client.get(url(event))

    assert response.status_code == 200
    assert response.context["partners"] == []


def test_the_page_needs_the_same_few_queries_for_three_or_twelve_partners(
    client, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    def evening_with(partner_count: int):
        event = evening(rounds=partner_count)
        me = attendee(event)
        others = [attendee(event) for _ in range(partner_count)]
        seat_plan(event, [[[me, other]] for other in others])
        # Marks, a note and one mutual pair with its lead, so every part of the page runs.
        post_marks(client, me, {others[0].pk: (True, "x")}, django_capture_on_commit_callbacks)
        post_marks(client, others[0], {me.pk: (True, "")}, django_capture_on_commit_callbacks)
        return event, me

    (few, few_me), (many, many_me) = evening_with(3), evening_with(12)

    client.force_login(few_me.person)
    with CaptureQueriesContext(connection) as few_queries:
        assert client.get(url(few)).status_code == 200
    client.force_login(many_me.person)
    with django_assert_max_num_queries(15), CaptureQueriesContext(connection) as many_queries:
        assert client.get(url(many)).status_code == 200
    assert len(few_queries) == len(many_queries)
