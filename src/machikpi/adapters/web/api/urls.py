"""URLs of the API (namespace ``api``), mounted at ``/api/``; views in :mod:`.views`.

``/api/openapi.json`` is the OpenAPI 3 document of every endpoint (drf-spectacular),
with the token security scheme (``Authorization: Token KEY``).
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from drf_spectacular.views import SpectacularJSONAPIView

from . import views

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("plans/", views.PlanList.as_view(), name="plan-list"),
    path("plans/<int:pk>/", views.PlanDetail.as_view(), name="plan-detail"),
    path("nodes/<int:pk>/", views.NodeDetail.as_view(), name="node-detail"),
    path("indicators/<int:pk>/", views.IndicatorDetail.as_view(), name="indicator-detail"),
    path("opinions/", views.OpinionList.as_view(), name="opinion-list"),
    path("actuals/", views.Actuals.as_view(), name="actual-list"),
    path("actuals/<int:pk>/approve/", views.Approve.as_view(), name="actual-approve"),
]
