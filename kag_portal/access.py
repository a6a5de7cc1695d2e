"""Access helpers shared by every app: small decorators and functions that raise 403/404.

Keep this module generic (no app's models): apps add their own object helpers next to their views.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """KAG staff only: anonymous visitors go to the login page, logged-in non-staff get 403.

    Unlike Django's staff_member_required (which sends everyone to the admin login), a member who
    is logged in is told plainly that the page is not for them.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
