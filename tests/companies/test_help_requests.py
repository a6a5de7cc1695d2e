"""The requests board: posting a need, answering "Wir können helfen", who sees what, closing."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from companies.models import Company, HelpOffer, HelpRequest
from companies.services import help_requests
from companies.services.tags import get_or_create_tags
from kag_portal.models import OutboxMail
from tests.factories import CompanyFactory, MembershipFactory, TownFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client, settings):
    """Pages and mails in English: the German catalogue is filled at the end of the issue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def member_of(company, **user) -> object:
    """A person (English-speaking) who acts for `company`."""
    fields = {f"user__{name}": value for name, value in user.items()}
    return MembershipFactory(company=company, user__preferred_language="en", **fields).user


@pytest.fixture
def suhl():
    return TownFactory(name="Suhl", slug="suhl", is_kag_member=True)


@pytest.fixture
def feinwerk(suhl):
    """The fine-mechanics firm that needs special collets."""
    return CompanyFactory(
        published=True, name="Feinwerk Suhl GmbH", slug="feinwerk", town=suhl, needs=["Spannzangen"]
    )


@pytest.fixture
def spannwerk():
    """The clamping-tool maker ten kilometres away that makes them."""
    return CompanyFactory(
        published=True,
        name="Spannwerk Zella-Mehlis",
        slug="spannwerk",
        town=TownFactory(name="Zella-Mehlis", slug="zella-mehlis", is_kag_member=True),
        offers=["Spannzangen", "Sonderspannmittel"],
        public_email="vertrieb@spannwerk.example",
        public_phone="03682 12345",
        website="https://spannwerk.example",
    )


@pytest.fixture
def anna(feinwerk):
    """Member of the requesting company."""
    return member_of(feinwerk, email="anna@feinwerk.example", display_name="Anna Feil")


@pytest.fixture
def bernd(spannwerk):
    """Member of the company that can help."""
    return member_of(spannwerk, email="bernd@spannwerk.example", display_name="Bernd Zange")


@pytest.fixture
def help_request(feinwerk, anna):
    return help_requests.post_request(
        company=feinwerk,
        author=anna,
        title="Mitlaufende Sonder-Spannzangen, Kleinserie",
        description="Zeichnung liegt vor. **Geometrie** nach Zeichnung.",
        tag_labels=["Spannzangen", "Kleinserie"],
        deadline=timezone.localdate() + datetime.timedelta(days=30),
    )


def post_form(**overrides) -> dict:
    data = {
        "title": "Mitlaufende Sonder-Spannzangen",
        "description": "Kleinserie, Zeichnung liegt vor.",
        "tags": "Spannzangen, Kleinserie",
        "deadline": "",
    }
    data.update(overrides)
    return data


# --- The board ------------------------------------------------------------------------------


def test_the_help_request_lists_open_requests_of_published_companies_with_their_details(
    client, help_request
):
    HelpOffer.objects.create(
        help_request=help_request, company=CompanyFactory(published=True), message="Ja"
    )

    response = client.get("/help-requests/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Mitlaufende Sonder-Spannzangen, Kleinserie" in html
    assert "Feinwerk Suhl GmbH, Suhl" in html
    assert "Spannzangen" in html
    assert "1 answer" in html


def test_the_board_never_shows_requests_of_draft_or_hidden_companies(client, help_request):
    for status in [Company.Status.DRAFT, Company.Status.HIDDEN, Company.Status.IN_REVIEW]:
        hidden = CompanyFactory(status=status)
        HelpRequest.objects.create(company=hidden, title=f"Geheim {status}", description="x")

    html = client.get("/help-requests/").content.decode()

    assert "Geheim" not in html
    assert help_request.title in html


def test_the_board_leaves_out_closed_requests(client, help_request, anna):
    help_requests.close_request(help_request=help_request, user=anna)

    assert help_request.title not in client.get("/help-requests/").content.decode()


def test_the_board_is_newest_first(client, feinwerk, anna):
    older = help_requests.post_request(
        company=feinwerk, author=anna, title="Ältere Anfrage", description="x", tag_labels=["A"]
    )
    HelpRequest.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    help_requests.post_request(
        company=feinwerk, author=anna, title="Neuere Anfrage", description="x", tag_labels=["B"]
    )

    html = client.get("/help-requests/").content.decode()

    assert html.index("Neuere Anfrage") < html.index("Ältere Anfrage")


def test_filtering_by_a_keyword_finds_every_spelling_of_it(client, help_request, feinwerk, anna):
    help_requests.post_request(
        company=feinwerk,
        author=anna,
        title="Härten gesucht",
        description="x",
        tag_labels=["Härten"],
    )

    html = client.get("/help-requests/", {"tag": "spann-zange"}).content.decode()

    assert help_request.title in html
    assert "Härten gesucht" not in html


def test_matches_my_offers_shows_only_requests_that_fit_my_companys_offers(
    client, help_request, bernd, feinwerk, anna
):
    help_requests.post_request(
        company=feinwerk,
        author=anna,
        title="Härten gesucht",
        description="x",
        tag_labels=["Härten"],
    )
    client.force_login(bernd)

    html = client.get("/help-requests/", {"mine": "1"}).content.decode()

    assert help_request.title in html
    assert "Härten gesucht" not in html


def test_matches_my_offers_leaves_out_my_own_companys_requests(client, help_request, anna):
    help_request.company.offers.set(get_or_create_tags(["Spannzangen"]))
    client.force_login(anna)

    html = client.get("/help-requests/", {"mine": "1"}).content.decode()

    assert help_request.title not in html


def test_the_matching_filter_is_only_offered_to_members_of_a_company(client, help_request):
    assert 'name="mine"' not in client.get("/help-requests/").content.decode()
    client.force_login(UserFactory(preferred_language="en"))
    assert 'name="mine"' not in client.get("/help-requests/").content.decode()


def test_the_board_pages_through_many_requests(client, feinwerk, anna):
    tags = get_or_create_tags(["Spannzangen"])
    requests = HelpRequest.objects.bulk_create(
        HelpRequest(company=feinwerk, title=f"Anfrage {n}", description="x") for n in range(45)
    )
    HelpRequest.tags.through.objects.bulk_create(
        HelpRequest.tags.through(helprequest_id=r.pk, tag_id=tags[0].pk) for r in requests
    )

    first = client.get("/help-requests/", {"tag": "Spannzangen"})
    third = client.get("/help-requests/", {"tag": "Spannzangen", "page": 3})

    assert first.context["page"].paginator.num_pages == 3
    assert len(first.context["page"].object_list) == 20
    assert "tag=Spannzangen&amp;page=2" in first.content.decode()
    assert len(third.context["page"].object_list) == 5


def test_the_board_costs_a_fixed_number_of_queries_with_200_requests(
    client, django_assert_max_num_queries, bernd
):
    """200 open requests of 40 companies, each with 3 tags and some answers."""
    companies = [CompanyFactory(published=True) for _ in range(40)]
    tags = get_or_create_tags([f"Stichwort {n}" for n in range(30)] + ["Spannzangen"])
    requests = HelpRequest.objects.bulk_create(
        HelpRequest(company=companies[n % 40], title=f"Anfrage {n}", description="x")
        for n in range(200)
    )
    HelpRequest.tags.through.objects.bulk_create(
        HelpRequest.tags.through(helprequest_id=r.pk, tag_id=tags[(n + k) % len(tags)].pk)
        for n, r in enumerate(requests)
        for k in range(3)
    )
    HelpOffer.objects.bulk_create(
        HelpOffer(help_request=r, company=companies[(n + 1) % 40], message="Ja")
        for n, r in enumerate(requests[:100])
    )
    client.force_login(bernd)

    # Session, user, my companies, subscription + opt-out, count, page, tags of the page.
    with django_assert_max_num_queries(9):
        response = client.get("/help-requests/")
    assert len(response.context["page"].object_list) == 20
    with django_assert_max_num_queries(9):
        client.get("/help-requests/", {"mine": "1", "tag": "Spannzangen", "page": 2})
    client.logout()
    with django_assert_max_num_queries(4):
        client.get("/help-requests/", {"page": 10})


# --- Posting --------------------------------------------------------------------------------


def test_a_member_posts_a_request_for_the_company(client, feinwerk, anna):
    client.force_login(anna)
    deadline = timezone.localdate() + datetime.timedelta(days=14)

    response = client.post(
        "/help-requests/new/",
        post_form(
            title="  Mitlaufende   Sonder-Spannzangen ",
            tags="Spannzangen, spann-zange, Kleinserie",
            deadline=deadline.isoformat(),
        ),
    )

    help_request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/help-requests/{help_request.pk}/"
    assert help_request.company == feinwerk
    assert help_request.author == anna
    assert help_request.title == "Mitlaufende Sonder-Spannzangen"
    assert help_request.deadline == deadline
    assert help_request.is_open
    assert sorted(t.key for t in help_request.tags.all()) == ["kleinseri", "spannzang"]


def test_a_member_of_several_companies_chooses_which_one_posts(client, feinwerk, anna):
    second = CompanyFactory(published=True, name="Zweitfirma")
    MembershipFactory(company=second, user=anna)
    client.force_login(anna)

    form = client.get("/help-requests/new/").content.decode()
    response = client.post("/help-requests/new/", post_form(company=second.pk))

    assert 'name="company"' in form
    assert "Zweitfirma" in form
    assert response.status_code == 302
    assert HelpRequest.objects.get().company == second


def test_nobody_posts_for_a_company_they_do_not_belong_to(client, feinwerk, anna):
    stranger = CompanyFactory(published=True)
    MembershipFactory(company=CompanyFactory(published=True), user=anna)
    client.force_login(anna)

    response = client.post("/help-requests/new/", post_form(company=stranger.pk))

    assert response.status_code == 400
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize("status", ["draft", "in_review", "rejected", "hidden"])
def test_a_company_that_is_not_published_cannot_post_and_is_told_why(client, status):
    user = member_of(CompanyFactory(status=status, name="Entwurf GmbH"))
    client.force_login(user)

    page = client.get("/help-requests/new/")
    response = client.post("/help-requests/new/", post_form())

    assert "has not been published yet" in page.content.decode()
    assert "Entwurf GmbH" in page.content.decode()
    assert 'name="title"' not in page.content.decode()
    assert response.status_code == 200
    assert not HelpRequest.objects.exists()


def test_a_person_without_a_company_is_told_that_requests_come_from_companies(client):
    client.force_login(UserFactory(preferred_language="en"))

    response = client.get("/help-requests/new/")

    assert response.status_code == 200
    assert 'name="title"' not in response.content.decode()


def test_posting_needs_a_login(client):
    response = client.get("/help-requests/new/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "   "),
        ("title", "x" * 201),
        ("description", ""),
        ("description", "x" * 5001),
        ("tags", ""),
        ("tags", " , ;"),
        ("tags", ", ".join(f"Wort{n}" for n in range(11))),
        ("deadline", "2020-01-01"),
        ("deadline", "morgen"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(client, anna, field, value):
    client.force_login(anna)

    response = client.post("/help-requests/new/", post_form(**{field: value}))

    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert form.errors[field][0]
    assert not HelpRequest.objects.exists()


def test_a_past_deadline_is_explained(client, anna):
    client.force_login(anna)

    response = client.post("/help-requests/new/", post_form(deadline="2020-01-01"))

    assert response.context["form"].errors["deadline"] == ["The date lies in the past."]
    assert "The date lies in the past." in response.content.decode()


def test_the_service_refuses_a_past_deadline_too(feinwerk, anna):
    with pytest.raises(help_requests.HelpRequestError):
        help_requests.post_request(
            company=feinwerk,
            author=anna,
            title="x",
            description="x",
            tag_labels=["x"],
            deadline=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert not HelpRequest.objects.exists()


def test_the_description_is_markdown_with_html_removed(client, feinwerk, anna):
    help_request = help_requests.post_request(
        company=feinwerk,
        author=anna,
        title="Spannzangen",
        description='**Dringend** <script>alert("x")</script> [Zeichnung](javascript:alert(1))',
        tag_labels=["Spannzangen"],
    )

    html = client.get(f"/help-requests/{help_request.pk}/").content.decode()

    assert "<strong>Dringend</strong>" in html
    assert '<script>alert("x")' not in html
    assert "javascript:" not in html


# --- Editing and deleting -------------------------------------------------------------------


def test_a_member_changes_the_companys_open_request(client, help_request, anna):
    client.force_login(anna)

    page = client.get(f"/help-requests/{help_request.pk}/edit/")
    response = client.post(
        f"/help-requests/{help_request.pk}/edit/",
        post_form(title="Sonder-Spannzangen, 50 Stück", tags="Spannzangen, Härten"),
    )

    help_request.refresh_from_db()
    assert "Spannzangen, Kleinserie" in page.content.decode()
    assert response.status_code == 302
    assert help_request.title == "Sonder-Spannzangen, 50 Stück"
    assert help_request.deadline is None
    assert sorted(t.name for t in help_request.tags.all()) == ["Härten", "Spannzangen"]


def test_a_deadline_that_has_passed_since_posting_may_stay_when_editing(client, help_request, anna):
    past = timezone.localdate() - datetime.timedelta(days=2)
    HelpRequest.objects.filter(pk=help_request.pk).update(deadline=past)
    client.force_login(anna)

    response = client.post(
        f"/help-requests/{help_request.pk}/edit/", post_form(deadline=past.isoformat())
    )

    assert response.status_code == 302


def test_another_companys_member_cannot_change_or_delete_a_request(client, help_request, bernd):
    client.force_login(bernd)

    assert client.get(f"/help-requests/{help_request.pk}/edit/").status_code == 403
    assert client.post(f"/help-requests/{help_request.pk}/edit/", post_form()).status_code == 403
    assert client.post(f"/help-requests/{help_request.pk}/delete/").status_code == 403
    help_request.refresh_from_db()
    assert help_request.title == "Mitlaufende Sonder-Spannzangen, Kleinserie"


def test_a_member_deletes_the_companys_open_request_after_confirming(client, help_request, anna):
    client.force_login(anna)

    page = client.get(f"/help-requests/{help_request.pk}/delete/")
    response = client.post(f"/help-requests/{help_request.pk}/delete/")

    assert page.status_code == 200
    assert HelpRequest.objects.filter(pk=help_request.pk).exists() is False
    assert response["Location"] == "/help-requests/"


def test_a_closed_request_can_no_longer_be_changed_or_deleted(client, help_request, anna):
    help_requests.close_request(help_request=help_request, user=anna)
    client.force_login(anna)

    edit = client.post(f"/help-requests/{help_request.pk}/edit/", post_form(title="Neu"))
    delete = client.post(f"/help-requests/{help_request.pk}/delete/")

    help_request.refresh_from_db()
    assert edit.status_code == 302
    assert delete.status_code == 302
    assert help_request.title == "Mitlaufende Sonder-Spannzangen, Kleinserie"


# --- Answering ------------------------------------------------------------------------------


def test_a_member_of_another_company_answers_we_can_help(client, help_request, bernd, spannwerk):
    client.force_login(bernd)

    page = client.get(f"/help-requests/{help_request.pk}/")
    response = client.post(
        f"/help-requests/{help_request.pk}/answer/",
        {"company": spannwerk.pk, "message": "Das können wir, Muster in 3 Wochen."},
    )

    offer = HelpOffer.objects.get()
    assert "We can help" in page.content.decode()
    assert response.status_code == 302
    assert offer.company == spannwerk
    assert offer.author == bernd
    assert offer.message == "Das können wir, Muster in 3 Wochen."


def test_the_requesters_members_get_the_answer_with_the_suppliers_contact(
    help_request, bernd, spannwerk, anna, feinwerk
):
    colleague = member_of(feinwerk, email="chef@feinwerk.example")

    offer = help_requests.answer_request(
        help_request=help_request, company=spannwerk, author=bernd, message="Machen wir."
    )

    mails = OutboxMail.objects.filter(template="request_answer").order_by("to_email")
    assert [m.to_email for m in mails] == [anna.email, colleague.email]
    mail = mails[0]
    assert mail.idempotency_key == f"request-answer:{offer.pk}:{anna.pk}"
    assert mail.topic == ""  # transactional: the answer to one's own request
    for text in [mail.body_text, mail.body_html]:
        assert "Machen wir." in text
        assert "Bernd Zange" in text
        assert "bernd@spannwerk.example" in text
        assert "vertrieb@spannwerk.example" in text
        assert "03682 12345" in text
        assert "https://spannwerk.example" in text
        assert f"/help-requests/{help_request.pk}/" in text
    assert "Spannwerk Zella-Mehlis" in mail.subject


def test_a_company_answers_a_request_only_once(client, help_request, bernd, spannwerk):
    colleague = member_of(spannwerk)
    help_requests.answer_request(
        help_request=help_request, company=spannwerk, author=bernd, message="Ja"
    )
    client.force_login(colleague)

    page = client.get(f"/help-requests/{help_request.pk}/")
    response = client.post(
        f"/help-requests/{help_request.pk}/answer/",
        {"company": spannwerk.pk, "message": "Auch ja"},
        follow=True,
    )

    assert 'name="message"' not in page.content.decode()
    assert "has already answered this request" in response.content.decode()
    assert HelpOffer.objects.count() == 1


def test_the_database_refuses_a_second_answer_even_when_the_checks_are_passed(
    help_request, bernd, spannwerk
):
    help_requests.answer_request(
        help_request=help_request, company=spannwerk, author=bernd, message="Ja"
    )

    with pytest.raises(help_requests.HelpRequestError, match="Spannwerk Zella-Mehlis"):
        help_requests.answer_request(
            help_request=help_request, company=spannwerk, author=bernd, message="Nochmal"
        )
    assert HelpOffer.objects.count() == 1


def test_a_company_cannot_answer_its_own_request(client, help_request, anna, feinwerk):
    client.force_login(anna)

    page = client.get(f"/help-requests/{help_request.pk}/")
    response = client.post(
        f"/help-requests/{help_request.pk}/answer/", {"company": feinwerk.pk, "message": "Ich"}
    )

    assert 'name="message"' not in page.content.decode()
    assert response.status_code == 302
    assert not HelpOffer.objects.exists()
    with pytest.raises(help_requests.HelpRequestError):
        help_requests.answer_request(
            help_request=help_request, company=feinwerk, author=anna, message="x"
        )


def test_nobody_answers_a_closed_request(client, help_request, anna, bernd, spannwerk):
    help_requests.close_request(help_request=help_request, user=anna)
    client.force_login(bernd)

    page = client.get(f"/help-requests/{help_request.pk}/")
    response = client.post(
        f"/help-requests/{help_request.pk}/answer/",
        {"company": spannwerk.pk, "message": "Zu spät"},
        follow=True,
    )

    assert 'name="message"' not in page.content.decode()
    assert "This request is closed and takes no more answers." in response.content.decode()
    assert not HelpOffer.objects.exists()


def test_an_unpublished_company_cannot_answer(client, help_request):
    user = member_of(CompanyFactory(status="draft"))
    client.force_login(user)

    page = client.get(f"/help-requests/{help_request.pk}/")
    response = client.post(f"/help-requests/{help_request.pk}/answer/", {"message": "Ja"})

    assert 'name="message"' not in page.content.decode()
    assert response.status_code == 302
    assert not HelpOffer.objects.exists()


def test_an_empty_answer_is_refused_with_a_message(client, help_request, bernd, spannwerk):
    client.force_login(bernd)

    response = client.post(
        f"/help-requests/{help_request.pk}/answer/", {"company": spannwerk.pk, "message": "   "}
    )

    assert response.status_code == 400
    assert "message" in response.context["answer_form"].errors
    assert not HelpOffer.objects.exists()


def test_an_over_long_answer_is_refused(client, help_request, bernd, spannwerk):
    client.force_login(bernd)

    response = client.post(
        f"/help-requests/{help_request.pk}/answer/",
        {"company": spannwerk.pk, "message": "x" * 2001},
    )

    assert response.status_code == 400
    assert not HelpOffer.objects.exists()


def test_anonymous_visitors_see_the_request_but_must_log_in_to_answer(client, help_request):
    page = client.get(f"/help-requests/{help_request.pk}/")
    response = client.post(f"/help-requests/{help_request.pk}/answer/", {"message": "Ja"})

    assert page.status_code == 200
    assert f"/accounts/login/?next=/help-requests/{help_request.pk}/" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not HelpOffer.objects.exists()


# --- Old links ------------------------------------------------------------------------------


def test_a_link_to_the_old_board_address_in_a_sent_mail_still_leads_to_the_request(
    client, help_request
):
    # The board lived under /requests/ until issue 14; mails sent before point there.
    detail = client.get(f"/requests/{help_request.pk}/")
    board = client.get("/requests/", {"tag": "spannzangen"})
    followed = client.get(f"/requests/{help_request.pk}/", follow=True)

    assert detail.status_code == 301
    assert detail["Location"] == f"/help-requests/{help_request.pk}/"
    assert board.status_code == 301
    assert board["Location"] == "/help-requests/?tag=spannzangen"
    assert followed.status_code == 200
    assert help_request.title in followed.content.decode()


# --- Who sees what --------------------------------------------------------------------------


@pytest.fixture
def answered(help_request, bernd, spannwerk):
    help_requests.answer_request(
        help_request=help_request, company=spannwerk, author=bernd, message="Machen wir gern."
    )
    return help_request


def test_the_requesters_members_see_every_answer_with_contact_data(client, answered, anna):
    client.force_login(anna)

    html = client.get(f"/help-requests/{answered.pk}/").content.decode()

    assert "Machen wir gern." in html
    assert "bernd@spannwerk.example" in html
    assert "vertrieb@spannwerk.example" in html
    assert "03682 12345" in html


def test_another_companys_member_sees_only_that_answers_exist_and_their_own(
    client, answered, spannwerk
):
    third = member_of(CompanyFactory(published=True))
    client.force_login(third)

    html = client.get(f"/help-requests/{answered.pk}/").content.decode()

    assert "1 company has answered so far." in html
    assert "Machen wir gern." not in html
    assert "bernd@spannwerk.example" not in html
    assert "vertrieb@spannwerk.example" not in html
    assert "03682 12345" not in html


def test_the_answering_company_sees_its_own_answer_but_no_other(
    client, answered, bernd, help_request
):
    rival = CompanyFactory(published=True, public_email="info@rival.example")
    rival_member = member_of(rival, email="rita@rival.example")
    help_requests.answer_request(
        help_request=help_request, company=rival, author=rival_member, message="Wir auch."
    )
    client.force_login(bernd)

    html = client.get(f"/help-requests/{answered.pk}/").content.decode()

    assert "Machen wir gern." in html
    assert "Wir auch." not in html
    assert "rita@rival.example" not in html
    assert "info@rival.example" not in html


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_anonymous_and_staff_see_no_contact_data_of_answers(client, answered, who):
    if who == "staff":
        from tests.factories import StaffFactory

        client.force_login(StaffFactory(preferred_language="en"))

    html = client.get(f"/help-requests/{answered.pk}/").content.decode()

    assert "Machen wir gern." not in html
    assert "bernd@spannwerk.example" not in html


def test_a_request_of_a_company_that_is_no_longer_public_is_not_found(
    client, help_request, feinwerk, anna, bernd
):
    Company.objects.filter(pk=feinwerk.pk).update(status=Company.Status.HIDDEN)

    assert client.get(f"/help-requests/{help_request.pk}/").status_code == 404
    client.force_login(bernd)
    assert client.get(f"/help-requests/{help_request.pk}/").status_code == 404
    assert (
        client.post(f"/help-requests/{help_request.pk}/answer/", {"message": "x"}).status_code
        == 404
    )
    client.force_login(anna)
    assert client.get(f"/help-requests/{help_request.pk}/").status_code == 200


def test_the_detail_page_costs_a_fixed_number_of_queries(
    client, help_request, anna, django_assert_max_num_queries
):
    for _ in range(15):
        company = CompanyFactory(published=True)
        member = member_of(company)
        help_requests.answer_request(
            help_request=help_request, company=company, author=member, message="Ja"
        )
    client.force_login(anna)

    with django_assert_max_num_queries(12):
        response = client.get(f"/help-requests/{help_request.pk}/")
    assert len(response.context["answers"]) == 15


# --- Closing --------------------------------------------------------------------------------


def test_the_requester_closes_the_request_without_naming_a_helper(client, answered, anna):
    client.force_login(anna)

    page = client.get(f"/help-requests/{answered.pk}/").content.decode()
    response = client.post(f"/help-requests/{answered.pk}/close/", {"helped_by": ""})

    answered.refresh_from_db()
    assert 'name="helped_by" value=""' in page
    assert "Nobody from the portal" in page
    assert response.status_code == 302
    assert answered.status == HelpRequest.Status.CLOSED
    assert answered.closed_at is not None
    assert answered.helped_by is None
    assert not answered.cooperations.exists()


def test_closing_an_answered_request_asks_who_helped_instead_of_assuming_nobody(
    client, answered, anna
):
    client.force_login(anna)

    page = client.get(f"/help-requests/{answered.pk}/").content.decode()
    response = client.post(f"/help-requests/{answered.pk}/close/", {})

    answered.refresh_from_db()
    assert 'value="" checked' not in page.replace("\n", " ")
    assert response.status_code == 400
    assert answered.is_open


def test_the_requester_closes_the_request_naming_who_helped(client, answered, anna, spannwerk):
    client.force_login(anna)

    response = client.post(f"/help-requests/{answered.pk}/close/", {"helped_by": spannwerk.pk})

    answered.refresh_from_db()
    assert response.status_code == 302
    assert answered.status == HelpRequest.Status.CLOSED
    assert answered.helped_by == spannwerk


def test_only_a_company_that_answered_can_be_named_as_helper(client, answered, anna):
    stranger = CompanyFactory(published=True)
    client.force_login(anna)

    response = client.post(f"/help-requests/{answered.pk}/close/", {"helped_by": stranger.pk})

    answered.refresh_from_db()
    assert response.status_code == 400
    assert answered.is_open
    with pytest.raises(help_requests.HelpRequestError):
        help_requests.close_request(help_request=answered, user=anna, helped_by=stranger)


def test_only_the_requesters_members_close_a_request(client, answered, bernd, spannwerk):
    client.force_login(bernd)

    response = client.post(f"/help-requests/{answered.pk}/close/", {"helped_by": spannwerk.pk})

    answered.refresh_from_db()
    assert response.status_code == 403
    assert answered.is_open


def test_closing_twice_records_one_closing(client, answered, anna, spannwerk):
    help_requests.close_request(help_request=answered, user=anna, helped_by=spannwerk)

    with pytest.raises(help_requests.HelpRequestError):
        help_requests.close_request(help_request=answered, user=anna, helped_by=spannwerk)
    assert answered.cooperations.count() == 1


# --- For "Mein Bereich" ---------------------------------------------------------------------


def test_matching_open_requests_lists_what_a_company_could_help_with(
    help_request, spannwerk, feinwerk, anna, django_assert_max_num_queries
):
    help_requests.post_request(
        company=feinwerk, author=anna, title="Härten", description="x", tag_labels=["Härten"]
    )
    closed = help_requests.post_request(
        company=feinwerk, author=anna, title="Zu", description="x", tag_labels=["Spannzangen"]
    )
    help_requests.close_request(help_request=closed, user=anna)
    for n in range(8):
        help_requests.post_request(
            company=feinwerk,
            author=anna,
            title=f"Mehr {n}",
            description="x",
            tag_labels=["Sonderspannmittel"],
        )

    with django_assert_max_num_queries(3):
        found = help_requests.matching_open_requests(spannwerk, limit=5)
        assert [t.name for t in found[0].matching_tags] == ["Sonderspannmittel"]
        assert found[0].company.town.name == "Suhl"

    assert len(found) == 5
    everything = help_requests.matching_open_requests(spannwerk, limit=50)
    assert help_request in everything
    assert closed not in everything
    assert [t.name for t in everything[-1].matching_tags] == ["Spannzangen"]
    assert help_requests.matching_open_requests(feinwerk, limit=5) == []


# --- Personal data ----------------------------------------------------------------------------


def test_the_data_export_holds_the_persons_requests_answers_and_digest(
    client, help_request, anna, bernd, spannwerk
):
    from companies.services import digest

    help_requests.answer_request(
        help_request=help_request, company=spannwerk, author=bernd, message="Machen wir gern."
    )
    digest.subscribe(user=bernd)

    anna_data = client_export(client, anna)["requests"]
    bernd_data = client_export(client, bernd)["requests"]

    assert anna_data["requests_posted"][0]["title"] == help_request.title
    assert anna_data["answers_given"] == []
    assert anna_data["weekly_digest"] is None
    assert bernd_data["requests_posted"] == []
    assert bernd_data["answers_given"][0]["message"] == "Machen wir gern."
    assert bernd_data["weekly_digest"]["last_sent_at"] is None


def client_export(client, user) -> dict:
    client.force_login(user)
    return client.get("/me/export/").json()["data"]
