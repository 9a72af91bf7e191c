"""Django admin (``/admin/``) for what the planning office manages by hand:
departments, staff roles (a user's :class:`~.models.StaffProfile`, also
inline on the user's page) and which department owns each indicator
(``Indicator.department``, editable in the list). Everything else an
indicator holds comes from its plan document and is read-only here (it is
replaced by the next import)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from . import models as db

if TYPE_CHECKING:  # the admin classes are generic for the type checker only
    DepartmentBase = admin.ModelAdmin[db.Department]
    MunicipalityBase = admin.ModelAdmin[db.Municipality]
    StaffProfileBase = admin.ModelAdmin[db.StaffProfile]
    IndicatorBase = admin.ModelAdmin[db.Indicator]
    ProfileInlineBase = admin.StackedInline[db.StaffProfile, Any]
else:
    DepartmentBase = StaffProfileBase = IndicatorBase = MunicipalityBase = admin.ModelAdmin
    ProfileInlineBase = admin.StackedInline


@admin.register(db.Municipality)
class MunicipalityAdmin(MunicipalityBase):
    """Municipalities with how many plans each owns (the import proposes them; fix them here)."""

    list_display = ("name", "prefecture", "code", "position", "plan_count")
    list_editable = ("position",)
    search_fields = ("name", "prefecture", "code")

    def get_queryset(self, request: HttpRequest) -> QuerySet[db.Municipality]:
        """Municipalities annotated with their plan counts."""
        return super().get_queryset(request).annotate(n_plans=Count("plans"))

    @admin.display(description="計画数", ordering="n_plans")
    def plan_count(self, obj: Any) -> int:
        """Plans owned."""
        return int(getattr(obj, "n_plans", 0))


@admin.register(db.Department)
class DepartmentAdmin(DepartmentBase):
    """Departments with how many indicators and staff each has."""

    list_display = ("name", "position", "indicator_count", "staff_count")
    list_editable = ("position",)
    search_fields = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[db.Department]:
        """Departments annotated with their counts."""
        return (
            super()
            .get_queryset(request)
            .annotate(n_indicators=Count("indicators", distinct=True), n_staff=Count("staff", distinct=True))
        )

    @admin.display(description="指標数", ordering="n_indicators")
    def indicator_count(self, obj: Any) -> int:
        """Indicators owned."""
        return int(getattr(obj, "n_indicators", 0))

    @admin.display(description="職員数", ordering="n_staff")
    def staff_count(self, obj: Any) -> int:
        """Staff in the department."""
        return int(getattr(obj, "n_staff", 0))


@admin.register(db.StaffProfile)
class StaffProfileAdmin(StaffProfileBase):
    """Staff roles: planning (企画政策課), department (担当課), committee (外部有識者会議)."""

    list_display = ("user", "role", "department")
    list_filter = ("role", "department")
    list_editable = ("role", "department")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)


@admin.register(db.Indicator)
class IndicatorAdmin(IndicatorBase):
    """Indicators: only the owning department is edited here."""

    list_display = ("name", "plan", "node", "unit", "department", "present")
    list_editable = ("department",)
    list_filter = ("department", "plan", "present")
    search_fields = ("name", "raw_name")
    list_select_related = ("plan", "node", "department")
    list_per_page = 100
    fields = (
        "plan",
        "node",
        "name",
        "raw_name",
        "definition",
        "unit",
        "cumulative",
        "role",
        "present",
        "department",
    )
    readonly_fields = (
        "plan",
        "node",
        "name",
        "raw_name",
        "definition",
        "unit",
        "cumulative",
        "role",
        "present",
    )
    actions = ("assign_department",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Indicators come from plan documents (``machikpi import``)."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Indicators are never deleted (actual values hang on them)."""
        return False

    @admin.action(description="選んだ指標の担当課を、最初に選んだ指標の担当課にそろえる")
    def assign_department(self, request: HttpRequest, queryset: QuerySet[db.Indicator]) -> None:
        """Give the selected indicators the department of the first selected one."""
        first = queryset.order_by("plan", "position").first()
        if first is not None:
            n = queryset.update(department=first.department)
            self.message_user(
                request, f"{n} 件の指標の担当課を「{first.department or '未割当'}」にしました。"
            )


class StaffProfileInline(ProfileInlineBase):
    """The machikpi role on the user's admin page."""

    model = db.StaffProfile
    can_delete = False
    verbose_name_plural = "machikpi の役割"


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin with the machikpi role inline."""

    inlines = (StaffProfileInline,)
