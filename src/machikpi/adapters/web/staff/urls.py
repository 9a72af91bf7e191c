"""URLs of the staff part (namespace ``staff``; the common URL contract of the web application)."""

from __future__ import annotations

from django.contrib.auth.views import LogoutView
from django.urls import URLPattern, URLResolver, path

from . import approvals, catalogue, comments, entry, history, login, plans, reports, upload, values

app_name = "staff"
urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", login.StaffLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(next_page="/staff/login/"), name="logout"),
    path("", values.my_updates, name="my_updates"),
    path("values/<int:series_id>/<int:year>/", values.value, name="value"),
    path("upload/", upload.upload, name="upload"),
    path("workbook/", entry.workbook, name="workbook"),
    path("rounds/", entry.rounds, name="rounds"),
    path("evaluate/", entry.evaluate, name="evaluate"),
    path("approvals/", approvals.approvals, name="approvals"),
    path("approvals/<int:actual_id>/return/", approvals.return_draft, name="return_draft"),
    path("history/", history.history, name="history"),
    path("history/<int:change_id>/revert/", history.revert, name="revert"),
    path("comments/", comments.comments, name="comments"),
    path("comments/<int:comment_id>/edit/", comments.comment_edit, name="comment_edit"),
    path("plans/", plans.plans, name="plans"),
    path("plans/<int:plan_id>/audit/", plans.audit, name="audit"),
    path("plans/<int:plan_id>/catalogue/", catalogue.plan_catalogue, name="catalogue"),
    path("reports/", reports.reports, name="reports"),
]
