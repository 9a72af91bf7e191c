"""The committee's comments (外部有識者会議) on the plans' nodes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ...storage import models as db
from .common import (
    current_user,
    cycle_year,
    int_param,
    staff_context,
    username,
    wareki,
    year_param,
)
from .forms import CommentForm
from .permissions import (
    COMMITTEE,
    PLANNING,
    roles,
)


@roles(PLANNING, COMMITTEE)
def comments(request: HttpRequest) -> HttpResponse:
    """The comments of a year (``?year=``, default the cycle year) and a form
    to add one (``?node=ID`` preselects the node)."""
    year = year_param(request, cycle_year())
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            node = get_object_or_404(db.Node, pk=form.cleaned_data["node"])
            c = db.CommitteeComment.objects.create(
                node=node,
                year=form.cleaned_data["year"],
                author=current_user(request),
                author_name=current_user(request).get_full_name() or username(request),
                text=form.cleaned_data["text"],
            )
            messages.success(request, _("コメントを登録しました。"))
            return redirect(reverse("staff:comments") + f"?year={c.year}")
    else:
        form = CommentForm(initial={"year": year, "node": int_param(request, "node")})
    qs = (
        db.CommitteeComment.objects.filter(year=year)
        .select_related("node__plan")
        .order_by("node__plan__doc", "node__position", "created_at")
    )
    mine_only = request.GET.get("mine") == "1"
    if mine_only:
        qs = qs.filter(author=current_user(request))
    ctx = staff_context(
        request,
        form=form,
        comments=list(qs),
        year=year,
        year_label=wareki(year),
        mine_only=mine_only,
        user_id=request.user.pk,
    )
    return render(request, "web/staff/comments.html", ctx, status=400 if form.errors else 200)


def _own_comment(request: HttpRequest, comment_id: int) -> db.CommitteeComment:
    c = get_object_or_404(db.CommitteeComment.objects.select_related("node__plan"), pk=comment_id)
    if c.author_id != request.user.pk:
        raise PermissionDenied(_("自分のコメントだけを編集できます。"))
    return c


@roles(PLANNING, COMMITTEE)
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Edit (POST ``text``) or delete (POST ``delete``) one's own comment."""
    c = _own_comment(request, comment_id)
    back = reverse("staff:comments") + f"?year={c.year}"
    if request.method == "POST":
        if "delete" in request.POST:
            c.delete()
            messages.success(request, _("コメントを削除しました。"))
            return redirect(back)
        form = CommentForm(request.POST)
        if form.is_valid():
            c.node = get_object_or_404(db.Node, pk=form.cleaned_data["node"])
            c.year = form.cleaned_data["year"]
            c.text = form.cleaned_data["text"]
            c.save()
            messages.success(request, _("コメントを更新しました。"))
            return redirect(reverse("staff:comments") + f"?year={c.year}")
    else:
        form = CommentForm(initial={"node": c.node_id, "year": c.year, "text": c.text})
    return render(
        request,
        "web/staff/comment_edit.html",
        staff_context(request, form=form, comment=c, back=back),
        status=400 if form.errors else 200,
    )
