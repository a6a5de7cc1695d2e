"""Check-in at the door: codes that reveal nothing, one tap in and back, walk-ins, no-shows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event, Registration
from events.services import checkin
from events.services.registration import register as register_attendee
from events.services.retention import anonymise_registrations
from kag_portal.models import OutboxMail
from tests.events.staff_helpers import make_event, register
from tests.factories import CompanyFactory, MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return StaffFactory(preferred_language="en")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def today_event(**kwargs) -> Event:
    return make_event(starts_at=timezone.now() + timedelta(hours=1), **kwargs)


def past_event(**kwargs) -> Event:
    return make_event(
        starts_at=timezone.now() - timedelta(days=30), status=Event.Status.FINISHED, **kwargs
    )


# Codes -------------------------------------------------------------------------------------------


def test_a_code_finds_its_registration():
    event = today_event()
    anna = register(event, name="Anna Keller")

    code = checkin.checkin_code(anna)

    assert code.startswith(f"{anna.pk}-")
    assert checkin.registration_for_code(event=event, code=code) == anna


def test_a_code_is_read_the_way_people_type_it():
    event = today_event()
    anna = register(event)
    code = checkin.checkin_code(anna)
    signature = code.split("-")[1]

    typed = f" {anna.pk} {signature.lower()} "

    assert checkin.registration_for_code(event=event, code=typed) == anna
    scanned = f"https://portal.example/staff/events/{event.pk}/checkin/code/{code}/"
    assert checkin.registration_for_code(event=event, code=scanned) == anna


@pytest.mark.parametrize("forged", ["", "abc", "12", "12-AAAAAAAA", "12-AAAAAAA!"])
def test_a_forged_code_is_refused(forged):
    event = today_event()
    register(event)

    with pytest.raises(checkin.CheckInError):
        checkin.registration_for_code(event=event, code=forged)


def test_a_code_of_another_registration_with_the_id_changed_is_refused():
    event = today_event()
    anna, ben = register(event), register(event)
    signature = checkin.checkin_code(anna).split("-")[1]

    with pytest.raises(checkin.CheckInError):
        checkin.registration_for_code(event=event, code=f"{ben.pk}-{signature}")


def test_a_code_of_another_event_is_refused():
    event, other = today_event(), today_event()
    anna = register(other)

    with pytest.raises(checkin.CheckInError):
        checkin.registration_for_code(event=event, code=checkin.checkin_code(anna))


def test_the_scan_url_of_a_forged_code_or_another_event_is_a_404(staff_client):
    event, other = today_event(), today_event()
    anna = register(other)
    base = f"/staff/events/{event.pk}/checkin/code"

    assert staff_client.get(f"{base}/{anna.pk}-AAAAAAAA/").status_code == 404
    assert staff_client.get(f"{base}/{checkin.checkin_code(anna)}/").status_code == 404
    assert staff_client.post(f"{base}/{checkin.checkin_code(anna)}/").status_code == 404
    anna.refresh_from_db()
    assert anna.checked_in_at is None


def test_the_scan_url_shows_who_it_is_and_get_changes_nothing(staff_client):
    event = today_event()
    anna = register(event, name="Anna Keller")
    url = f"/staff/events/{event.pk}/checkin/code/{checkin.checkin_code(anna)}/"

    response = staff_client.get(url)

    assert response.status_code == 200
    assert "Anna Keller" in response.content.decode()
    anna.refresh_from_db()
    assert anna.checked_in_at is None


def test_a_second_scan_says_the_person_is_in_and_does_not_ask_again(staff_client):
    event = today_event()
    anna = register(event, name="Anna Keller")
    url = f"/staff/events/{event.pk}/checkin/code/{checkin.checkin_code(anna)}/"
    staff_client.post(url)

    page = staff_client.get(url).content.decode()

    # (This staff member reads English.)
    assert "Anna Keller is checked in" in page
    assert "Check in Anna Keller?" not in page
    assert "checkin-button" not in page


def test_the_scan_url_checks_in_after_the_confirmation_post(staff_client, staff):
    event = today_event()
    anna = register(event)
    url = f"/staff/events/{event.pk}/checkin/code/{checkin.checkin_code(anna)}/"

    response = staff_client.post(url)

    assert response.status_code == 302
    assert response["Location"] == f"/staff/events/{event.pk}/checkin/"
    anna.refresh_from_db()
    assert anna.checked_in_at is not None
    assert anna.checked_in_by == staff


def test_a_typed_code_checks_in_directly(staff_client):
    event = today_event()
    anna = register(event)

    response = staff_client.post(
        f"/staff/events/{event.pk}/checkin/code/", {"code": checkin.checkin_code(anna)}
    )

    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.checked_in_at is not None


def test_a_wrong_typed_code_shows_the_page_again_with_an_error(staff_client):
    event = today_event()
    anna = register(event)

    response = staff_client.post(
        f"/staff/events/{event.pk}/checkin/code/", {"code": f"{anna.pk}-AAAAAAAA"}
    )

    assert response.status_code == 400
    assert response.context["code_form"].errors["code"]
    anna.refresh_from_db()
    assert anna.checked_in_at is None


def test_a_cancelled_registrations_code_does_not_check_in(staff_client):
    event = today_event()
    anna = register(event, Registration.Status.CANCELLED)

    response = staff_client.post(
        f"/staff/events/{event.pk}/checkin/code/", {"code": checkin.checkin_code(anna)}
    )

    assert response.status_code == 400
    anna.refresh_from_db()
    assert anna.checked_in_at is None


# The attendee's pass --------------------------------------------------------------------------


def attendee_registration():
    membership = MembershipFactory(company__published=True)
    registration = register_attendee(
        event=make_event(),
        company=membership.company,
        person=membership.user,
        name="Anna Keller",
        email=membership.user.email,
        registered_by=membership.user,
    )
    return membership, registration


def test_the_registration_page_shows_the_qr_code_as_inline_svg_without_style(client):
    membership, registration = attendee_registration()
    client.force_login(membership.user)

    page = client.get(f"/events/registrations/{registration.pk}/").content.decode()

    assert checkin.checkin_code(registration) in page
    assert '<svg role="img"' in page
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "style" not in svg


def test_a_colleague_sees_the_registration_but_not_the_pass(client):
    membership, registration = attendee_registration()
    colleague = MembershipFactory(company=membership.company).user
    client.force_login(colleague)

    response = client.get(f"/events/registrations/{registration.pk}/")

    assert response.status_code == 200
    assert checkin.checkin_code(registration) not in response.content.decode()
    assert "<svg" not in response.content.decode()


def test_someone_elses_registration_and_its_code_are_a_404(client):
    _membership, registration = attendee_registration()
    client.force_login(MembershipFactory(company__published=True).user)

    response = client.get(f"/events/registrations/{registration.pk}/")

    assert response.status_code == 404


def test_a_waitlisted_registration_has_no_pass(client):
    membership, registration = attendee_registration()
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.WAITLISTED)
    client.force_login(membership.user)

    page = client.get(f"/events/registrations/{registration.pk}/").content.decode()

    assert checkin.checkin_code(registration) not in page


def test_the_confirmation_mail_holds_the_code_and_a_link_to_the_registration():
    _membership, registration = attendee_registration()

    mail = OutboxMail.objects.get(idempotency_key=f"registration-confirmed:{registration.pk}")

    assert checkin.checkin_code(registration) in mail.body_text
    assert f"/events/registrations/{registration.pk}/" in mail.body_text
    assert checkin.checkin_code(registration) in mail.body_html
    assert "<img" not in mail.body_html


def test_the_promotion_mail_holds_the_code():
    event = make_event(capacity=1)
    first, second = MembershipFactory(company__published=True), MembershipFactory()
    registrations = [
        register_attendee(
            event=event,
            company=m.company,
            person=m.user,
            name="X",
            email=m.user.email,
            registered_by=m.user,
        )
        for m in (first, second)
    ]
    from events.services.registration import cancel

    cancel(registration=registrations[0], by=first.user)

    mail = OutboxMail.objects.get(idempotency_key=f"registration-promoted:{registrations[1].pk}")
    assert checkin.checkin_code(registrations[1]) in mail.body_text


# One tap in and back -------------------------------------------------------------------------


def test_one_tap_checks_in_and_undo_takes_it_back(staff_client, staff):
    event = today_event()
    anna = register(event)
    base = f"/staff/events/{event.pk}/checkin/{anna.pk}"

    assert staff_client.post(f"{base}/in/").status_code == 302
    anna.refresh_from_db()
    assert anna.checked_in_at is not None
    assert anna.checked_in_by == staff

    assert staff_client.post(f"{base}/undo/").status_code == 302
    anna.refresh_from_db()
    assert anna.checked_in_at is None
    assert anna.checked_in_by is None


def test_checking_in_twice_keeps_the_first_time(staff):
    event = today_event()
    anna = register(event)

    assert checkin.check_in(registration=anna, by=staff) is True
    first = anna.checked_in_at
    assert checkin.check_in(registration=anna, by=StaffFactory()) is False

    anna.refresh_from_db()
    assert anna.checked_in_at == first
    assert anna.checked_in_by == staff


def test_get_on_the_check_in_and_undo_urls_changes_nothing(staff_client):
    event = today_event()
    anna = register(event)

    assert staff_client.get(f"/staff/events/{event.pk}/checkin/{anna.pk}/in/").status_code == 405
    anna.refresh_from_db()
    assert anna.checked_in_at is None


def test_a_registration_of_another_event_is_a_404(staff_client):
    event, other = today_event(), today_event()
    anna = register(other)

    response = staff_client.post(f"/staff/events/{event.pk}/checkin/{anna.pk}/in/")

    assert response.status_code == 404


def test_waitlisted_people_are_not_checked_in(staff):
    event = today_event()
    ben = register(event, Registration.Status.WAITLISTED)

    with pytest.raises(checkin.CheckInError):
        checkin.check_in(registration=ben, by=staff)


@pytest.mark.parametrize("status", [Event.Status.CANCELLED, Event.Status.DRAFT])
def test_cancelled_and_draft_events_refuse_check_in(staff_client, status):
    event = today_event(status=status)
    anna = register(event)

    staff_client.post(f"/staff/events/{event.pk}/checkin/{anna.pk}/in/")
    page = staff_client.get(f"/staff/events/{event.pk}/checkin/")

    anna.refresh_from_db()
    assert anna.checked_in_at is None
    assert page.context["closed_reason"]
    assert f"/checkin/{anna.pk}/in/" not in page.content.decode()


def test_a_note_says_when_the_event_is_not_today(staff_client):
    event = make_event(starts_at=timezone.now() + timedelta(days=5))

    page = staff_client.get(f"/staff/events/{event.pk}/checkin/")

    assert page.context["event_day"] is False
    assert "checkin-not-today" in page.content.decode()


# The list --------------------------------------------------------------------------------------


def test_the_list_shows_confirmed_people_with_counts(staff_client):
    event = today_event()
    register(event, name="Anna Keller", checked_in_at=timezone.now())
    register(event, name="Ben Berg")
    register(event, Registration.Status.WAITLISTED, name="Carla Wartend")
    register(event, Registration.Status.CANCELLED, name="Dora Abgesagt")

    response = staff_client.get(f"/staff/events/{event.pk}/checkin/")

    assert [r.name for r in response.context["registrations"]] == ["Anna Keller", "Ben Berg"]
    assert response.context["counts"] == {"confirmed": 2, "checked_in": 1, "walk_ins": 0}


def test_search_finds_people_by_name_or_company(staff_client):
    event = today_event()
    register(event, name="Anna Keller", company=CompanyFactory(name="Spannwerk GmbH"))
    register(event, name="Ben Berg", company=CompanyFactory(name="Feinwerk AG"))

    by_name = staff_client.get(f"/staff/events/{event.pk}/checkin/", {"q": "kell"})
    by_company = staff_client.get(f"/staff/events/{event.pk}/checkin/", {"q": "feinwerk"})

    assert [r.name for r in by_name.context["registrations"]] == ["Anna Keller"]
    assert [r.name for r in by_company.context["registrations"]] == ["Ben Berg"]


def test_the_list_needs_the_same_few_queries_for_150_people(
    staff_client, django_assert_max_num_queries
):
    event = today_event(capacity=200)
    company = CompanyFactory(published=True)
    for n in range(150):
        register(event, name=f"Person {n}", company=company, checked_in_at=timezone.now())

    with django_assert_max_num_queries(8):
        response = staff_client.get(f"/staff/events/{event.pk}/checkin/")

    assert len(response.context["registrations"]) == 150


# Walk-ins --------------------------------------------------------------------------------------


def test_a_walk_in_gets_a_confirmed_place_and_is_checked_in(staff_client, staff):
    event = today_event()
    company = CompanyFactory(published=True)

    response = staff_client.post(
        f"/staff/events/{event.pk}/checkin/walk-in/",
        {"name": "Emil Spontan", "email": "Emil@Example.org", "company": company.pk},
    )

    assert response.status_code == 302
    walk_in = Registration.objects.get(event=event, email="emil@example.org")
    assert walk_in.status == Registration.Status.CONFIRMED
    assert walk_in.walk_in is True
    assert walk_in.checked_in_by == staff
    assert walk_in.checked_in_at is not None
    assert not OutboxMail.objects.filter(to_email="emil@example.org").exists()


def test_a_walk_in_may_exceed_the_capacity_with_a_warning(staff):
    event = today_event(capacity=1)
    register(event)

    result = checkin.register_walk_in(
        event=event,
        company=CompanyFactory(published=True),
        name="Emil",
        email="emil@example.org",
        by=staff,
    )

    assert result.over_capacity is True
    assert event.registrations.filter(status=Registration.Status.CONFIRMED).count() == 2


def test_a_walk_in_who_was_on_the_waitlist_is_confirmed_not_registered_twice(staff):
    event = today_event(capacity=1)
    register(event)
    ben = register(event, Registration.Status.WAITLISTED, email="ben@example.org")

    result = checkin.register_walk_in(
        event=event,
        company=CompanyFactory(published=True),
        name="Ben",
        email="BEN@example.org",
        by=staff,
    )

    assert result.registration == ben
    assert result.was_registered is True
    ben.refresh_from_db()
    assert ben.status == Registration.Status.CONFIRMED
    assert ben.checked_in_at is not None
    assert event.registrations.count() == 2


def test_a_walk_in_with_an_account_is_linked_to_it(staff):
    event = today_event()
    user = UserFactory(email="emil@example.org")

    result = checkin.register_walk_in(
        event=event, company=CompanyFactory(published=True), name="Emil", email=user.email, by=staff
    )

    assert result.registration.person == user


def test_a_walk_in_needs_a_published_company(staff_client):
    event = today_event()
    draft = CompanyFactory()

    response = staff_client.post(
        f"/staff/events/{event.pk}/checkin/walk-in/",
        {"name": "Emil", "email": "emil@example.org", "company": draft.pk},
    )

    assert response.status_code == 400
    assert "company" in response.context["form"].errors
    assert not event.registrations.exists()


def test_a_cancelled_event_takes_no_walk_ins(staff_client):
    event = today_event(status=Event.Status.CANCELLED)
    company = CompanyFactory(published=True)

    staff_client.post(
        f"/staff/events/{event.pk}/checkin/walk-in/",
        {"name": "Emil", "email": "emil@example.org", "company": company.pk},
    )

    assert not event.registrations.exists()


# No-shows --------------------------------------------------------------------------------------


def test_no_shows_count_past_events_where_check_in_was_used():
    anna = "anna@example.org"
    for _n in range(2):
        event = past_event()
        register(event, email=anna)
        register(event, checked_in_at=timezone.now())  # check-in was used that evening
    came = past_event()
    register(came, email=anna, checked_in_at=timezone.now())
    no_check_in = past_event()
    register(no_check_in, email=anna)  # nobody was checked in: does not count
    coming = make_event()
    register(coming, email=anna)
    register(coming, checked_in_at=timezone.now())
    cancelled_place = past_event()
    register(cancelled_place, Registration.Status.CANCELLED, email=anna)
    register(cancelled_place, checked_in_at=timezone.now())

    assert checkin.no_show_counts([anna, "ben@example.org"]) == {anna: 2}


def test_the_registrations_page_shows_repeated_no_shows_to_staff(staff_client):
    for _n in range(2):
        event = past_event()
        register(event, email="anna@example.org")
        register(event, checked_in_at=timezone.now())
    coming = make_event()
    register(coming, name="Anna Keller", email="anna@example.org")

    page = staff_client.get(f"/staff/events/{coming.pk}/registrations/").content.decode()

    assert "no-show-badge" in page
    assert "2×" in page


def test_after_the_event_staff_see_who_did_not_come(staff_client):
    event = past_event()
    register(event, name="Anna Keller", checked_in_at=timezone.now())
    register(event, name="Ben Berg")

    checkin_page = staff_client.get(f"/staff/events/{event.pk}/checkin/")
    registrations_page = staff_client.get(f"/staff/events/{event.pk}/registrations/")

    assert [r.name for r in checkin_page.context["no_shows"]] == ["Ben Berg"]
    assert registrations_page.content.decode().count('class="did-not-come"') == 1


def test_the_registrations_page_keeps_its_queries_with_no_show_counts(
    staff_client, django_assert_max_num_queries
):
    event = make_event(capacity=200)
    for n in range(100):
        register(event, name=f"Person {n}")

    with django_assert_max_num_queries(9):
        response = staff_client.get(f"/staff/events/{event.pk}/registrations/")

    assert response.status_code == 200


def test_members_do_not_see_no_show_badges_anywhere(client):
    membership, registration = attendee_registration()
    client.force_login(membership.user)

    page = client.get(f"/events/registrations/{registration.pk}/").content.decode()

    assert "no-show-badge" not in page


def test_the_demo_past_evening_has_attendance_with_two_no_shows():
    from events.demo import seed_events
    from tests.factories import TownFactory

    TownFactory(slug="suhl")
    for _n in range(5):
        MembershipFactory(company__published=True)

    seed_events(lambda _message: None)
    seed_events(lambda _message: None)

    evening = Event.objects.get(title="Netzwerkabend mit Speed-Dating")
    # The demo's guests of the five firms; all came but the last two registered.
    confirmed = evening.registrations.filter(status=Registration.Status.CONFIRMED).count()
    assert confirmed >= 5
    assert evening.registrations.filter(checked_in_at__isnull=False).count() == confirmed - 2
    assert checkin.checkin_used(evening)


def test_codes_sent_before_a_key_rotation_still_work(settings):
    event = today_event()
    anna = register(event)
    code = checkin.checkin_code(anna)

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50

    assert checkin.checkin_code(anna) != code
    assert checkin.registration_for_code(event=event, code=code) == anna


def test_staff_see_a_deleted_person_as_such_not_a_placeholder_address(staff_client):
    event = past_event()
    gone = register(event, name="Anna Keller", email="anna@example.org")
    anonymise_registrations(Registration.objects.filter(pk=gone.pk), now=timezone.now())

    page = staff_client.get(f"/staff/events/{event.pk}/registrations/").content.decode()

    assert "Deleted person" in page  # (this staff member reads English)
    assert "@invalid" not in page
    assert "Anna Keller" not in page
