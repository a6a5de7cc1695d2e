"""URLs under /events/ (included before events.urls): an attendee's seat plan."""

from django.urls import path

from .views import contact_marks, partners

app_name = "matchmaking"
urlpatterns = [
    path("<int:pk>/my-partners/", partners.my_partners, name="my_partners"),
    path("<int:pk>/my-partners/rounds/", partners.my_partners_fragment, name="my_partners_rounds"),
    # After the evening: whom to stay in touch with (views/contact_marks.py).
    path("<int:pk>/follow-ups/", contact_marks.contact_marks, name="contact_marks"),
]
