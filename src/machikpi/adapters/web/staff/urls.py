"""URLs of the staff part (namespace ``staff``; the common URL contract of the web application)."""

from __future__ import annotations

from django.contrib.auth.views import LogoutView
from django.urls import URLPattern, URLResolver, path

from . import entry, upload, views

app_name = "staff"
urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(next_page="/staff/login/"), name="logout"),
    path("", views.my_updates, name="my_updates"),
    path("values/<int:series_id>/<int:year>/", views.value, name="value"),
    path("upload/", upload.upload, name="upload"),
    path("workbook/", entry.workbook, name="workbook"),
    path("rounds/", entry.rounds, name="rounds"),
    path("evaluate/", entry.evaluate, name="evaluate"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:actual_id>/return/", views.return_draft, name="return_draft"),
    path("history/", views.history, name="history"),
    path("history/<int:change_id>/revert/", views.revert, name="revert"),
    path("comments/", views.comments, name="comments"),
    path("comments/<int:comment_id>/edit/", views.comment_edit, name="comment_edit"),
    path("plans/", views.plans, name="plans"),
    path("plans/<int:plan_id>/audit/", views.audit, name="audit"),
    path("reports/", views.reports, name="reports"),
]
