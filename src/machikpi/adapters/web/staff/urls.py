"""URLs of the staff part (namespace ``staff``; the common URL contract of the web application)."""

from __future__ import annotations

from django.contrib.auth.views import LogoutView
from django.urls import URLPattern, URLResolver, path

from . import (
    approvals,
    catalogue,
    comments,
    entry,
    history,
    imports,
    login,
    plans,
    reports,
    review,
    upload,
    values,
)

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
    path("plans/<int:plan_id>/manage/", imports.plan_manage, name="plan_manage"),
    path("imports/", imports.imports, name="imports"),
    path("imports/<int:import_id>/", imports.review, name="import_review"),
    path("imports/<int:import_id>/rows/<int:n>/", imports.row, name="import_row"),
    path("imports/<int:import_id>/add/", imports.add, name="import_add"),
    path("plans/<int:plan_id>/catalogue/", catalogue.plan_catalogue, name="catalogue"),
    path("reports/", reports.reports, name="reports"),
    path("reports/<int:document_id>/", reports.document, name="report_document"),
    path("reports/<int:document_id>/status.json", reports.document_status, name="report_status"),
    path("reports/<int:document_id>/download/", reports.download, name="report_download"),
    path("review/", review.review_list, name="review_list"),
    path(
        "review/indicators/<int:indicator_id>/<int:year>/", review.review_indicator, name="review_indicator"
    ),
    path("review/nodes/<int:node_id>/<int:year>/", review.review_node, name="review_node"),
    path("review/approvals/", review.review_approvals, name="review_approvals"),
    path("review/<int:entry_id>/return/", review.review_return, name="review_return"),
    path("review/external/", review.external, name="external"),
    path("review/settings/", review.review_settings, name="review_settings"),
]
