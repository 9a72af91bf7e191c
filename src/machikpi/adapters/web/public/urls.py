"""URLs of the public site (namespace ``public``; the contract in the project's common brief)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import catalogue, views

app_name = "public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.plans, name="plans"),
    path("plans/<int:plan_id>/", views.plan, name="plan"),
    path("plans/<int:plan_id>/progress/", views.progress, name="progress"),
    path("nodes/<int:node_id>/", views.node, name="node"),
    path("indicators/<int:indicator_id>/", views.indicator, name="indicator"),
    path("indicators/<int:indicator_id>/download.csv", views.indicator_csv, name="indicator_csv"),
    path("indicators/<int:indicator_id>/download.xlsx", views.indicator_xlsx, name="indicator_xlsx"),
    path("opinions/", views.opinions, name="opinions"),
    path("search/", views.search, name="search"),
    path("methods/", views.methods, name="methods"),
    path("methods/<str:rules>/", views.method, name="method"),
    path("sdgs/", catalogue.sdg_index, name="sdgs"),
    path("sdgs/<int:goal>/", catalogue.sdg_goal, name="sdg"),
    path("concepts/<str:concept_id>/", catalogue.concept_page, name="concept"),
    path("links/<int:link_id>/", catalogue.link_page, name="link"),
]
