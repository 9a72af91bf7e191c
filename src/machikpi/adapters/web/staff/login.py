"""Staff login: Django auth (hashed passwords, session, CSRF); django-axes locks a user name +
address after 5 failed logins for 15 minutes (:mod:`machikpi.adapters.web.config`); the login page
says how many attempts are left and, once locked, that it is locked and for how long."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class StaffLoginView(LoginView):
    """The staff login page with django-axes' lockout said in words.

    Before checking a password the view asks axes whether the user name and
    address are locked; after a failure it shows how many attempts remain.
    When locked, it answers 429 with its own page (which names the wait) in
    place of axes' plain-text default."""

    template_name = "web/staff/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Adds the failure limit and the lockout time (minutes) for the page's notice."""
        ctx = super().get_context_data(**kwargs)
        ctx["failure_limit"] = _axes("AXES_FAILURE_LIMIT", 5)
        ctx["cooloff_minutes"] = _cooloff_minutes()
        return ctx

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Refuse at once (429) when the user name is locked; else log in as Django does."""
        from axes.handlers.proxy import AxesProxyHandler

        name = request.POST.get("username", "")
        if AxesProxyHandler.is_locked(request, {"username": name}):
            return self.locked(name)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        """A failed login: the locked page after the last allowed failure, else the
        form with the number of attempts left."""
        from axes.handlers.proxy import AxesProxyHandler

        name = self.request.POST.get("username", "")
        if getattr(self.request, "axes_locked_out", False):
            return self.locked(name)
        failures = AxesProxyHandler.get_failures(self.request, {"username": name})
        ctx = self.get_context_data(form=form)
        ctx["remaining"] = max(0, int(_axes("AXES_FAILURE_LIMIT", 5)) - int(failures))
        return self.render_to_response(ctx)

    def locked(self, name: str) -> HttpResponse:
        """The 429 page: locked, for how long, what to do."""
        # Our page replaces axes' plain-text lockout response (the middleware
        # would otherwise overwrite this response when it sees the flag).
        self.request.axes_locked_out = False  # type: ignore[attr-defined]
        return render(
            self.request,
            "web/staff/locked.html",
            {
                "username": name,
                "failure_limit": _axes("AXES_FAILURE_LIMIT", 5),
                "cooloff_minutes": _cooloff_minutes(),
            },
            status=429,
        )


def _axes(name: str, default: Any) -> Any:
    """A django-axes setting (:mod:`machikpi.adapters.web.config`), else axes' default."""
    return getattr(settings, name, default)


def _cooloff_minutes() -> int:
    cool = _axes("AXES_COOLOFF_TIME", 0.25)
    if isinstance(cool, timedelta):
        return int(cool.total_seconds() // 60)
    if isinstance(cool, int | float):
        return int(cool * 60)
    return 15


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The lockout page for ``AXES_LOCKOUT_CALLABLE`` (other login paths, e.g. the admin's)."""
    name = ""
    if isinstance(credentials, dict):
        name = str(credentials.get("username") or "")
    return render(
        request,
        "web/staff/locked.html",
        {
            "username": name,
            "failure_limit": _axes("AXES_FAILURE_LIMIT", 5),
            "cooloff_minutes": _cooloff_minutes(),
        },
        status=429,
    )
