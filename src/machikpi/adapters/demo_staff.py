"""The demo's staff: invented departments, their indicators, and demo logins (デモ専用).

:func:`setup_demo_staff` (Django set up, plans stored) creates the
departments of :data:`DEPARTMENTS` (invented names, as any 市役所 has),
assigns every stored indicator to one — by the titles of its node and the
nodes above it up to the goal (基本目標 / 章), the most specific first: the
first department whose keywords occur in a title (e.g. 地域医療体制の充実
→ 健康福祉課 although its goal is まちの創生), else 企画政策課 — and
creates one login per role with the
password :data:`DEMO_PASSWORD`. The assignment is deterministic (same plans,
same departments). The passwords are for the demo only: a real install
creates its users with ``machikpi user add`` and real passwords.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

#: Demo-only password of every demo login (printed by ``machikpi demo``).
DEMO_PASSWORD = "machikpi-demo"

#: Departments (invented) with the keywords of the goals they own, in order of precedence.
DEPARTMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("産業振興課", ("しごと", "仕事", "産業", "雇用", "農", "観光", "商工", "経済", "働")),
    ("子育て支援課", ("子ども", "子育て", "結婚", "出産", "教育", "若い世代", "学び")),
    ("健康福祉課", ("健康", "福祉", "医療", "保健", "高齢", "介護", "支え合", "障がい")),
    ("都市計画課", ("まち", "都市", "交通", "住", "安全", "防災", "環境", "暮らし")),
    ("企画政策課", ()),
)
PLANNING_DEPARTMENT = "企画政策課"


@dataclass(frozen=True)
class DemoLogin:
    """One demo login: user name, role, department (``None`` for none)."""

    username: str
    role: str
    department: str | None
    description: str


#: The demo logins (password :data:`DEMO_PASSWORD`).
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("kikaku", "planning", PLANNING_DEPARTMENT, "企画政策課: 承認・取り消し・すべて"),
    DemoLogin("sangyo", "department", "産業振興課", "担当課: 産業振興課の指標を入力"),
    DemoLogin("kosodate", "department", "子育て支援課", "担当課: 子育て支援課の指標を入力"),
    DemoLogin("iinkai", "committee", None, "外部有識者会議: 下書きの閲覧・コメント"),
)


def department_for(titles: list[str]) -> str:
    """The department owning an indicator whose node titles are ``titles``,
    most specific first (module docstring)."""
    for title in titles:
        for name, words in DEPARTMENTS:
            if any(w in title for w in words):
                return name
    return PLANNING_DEPARTMENT


def setup_demo_staff(*, password: str = DEMO_PASSWORD) -> list[DemoLogin]:
    """Create the demo departments, assign every stored indicator, create the
    demo logins (existing ones get the demo password again). Returns the logins."""
    from django.contrib.auth import get_user_model

    from .services.users import grant_planning_permissions
    from .storage import models as db
    from .storage.tree import ancestry

    User = get_user_model()
    with transaction.atomic():
        depts: dict[str, db.Department] = {}
        for i, (name, _words) in enumerate(DEPARTMENTS):
            dept, _created = db.Department.objects.update_or_create(name=name, defaults={"position": i})
            depts[name] = dept
        nodes = {n.pk: (n.parent_id, n.title) for n in db.Node.objects.only("id", "parent_id", "title")}

        def titles(node_id: int | None) -> list[str]:
            """Titles of the node and the nodes above it, innermost first (most specific first)."""
            return [nodes[n][1] for n in reversed(ancestry(node_id, lambda n: nodes[n][0]))]

        by_dept: dict[str, list[int]] = {}
        for ind_id, node_id in db.Indicator.objects.values_list("id", "node_id"):
            by_dept.setdefault(department_for(titles(node_id)), []).append(ind_id)
        for name, ids in by_dept.items():
            db.Indicator.objects.filter(pk__in=ids).update(department=depts[name])
        for login in DEMO_LOGINS:
            user = User.objects.filter(username=login.username).first() or User(username=login.username)
            user.set_password(password)
            user.save()
            if login.role == "planning":
                grant_planning_permissions(user)
            db.StaffProfile.objects.update_or_create(
                user=user,
                defaults={
                    "role": login.role,
                    "department": depts[login.department] if login.department else None,
                },
            )
    return list(DEMO_LOGINS)


def login_lines(logins: list[DemoLogin], *, password: str = DEMO_PASSWORD) -> list[str]:
    """Lines for the demo's summary: each login with its password and role."""
    return [f"  {x.username} / {password}  ({x.description})" for x in logins]


#: The text of the demo's committee comments (invented; says so).
DEMO_COMMENT = (
    "【架空のデモ用コメント】外部有識者会議のコメントは、このように評価年度ごとに"
    "施策・基本目標の下に表示され、報告書(HTML・PDF・Excel)にも載ります。"
)


def add_demo_comments(year: int, *, author: str = "iinkai") -> int:
    """Attach :data:`DEMO_COMMENT` for fiscal ``year`` to the first top-level
    node (基本目標 / 章) with indicators of every stored plan, as the demo
    committee user ``author``. Returns the number of comments made."""
    from django.contrib.auth import get_user_model

    from .storage import models as db

    user = get_user_model().objects.filter(username=author).first()
    made = 0
    with transaction.atomic():
        for plan in db.Plan.objects.filter(indicators__isnull=False).distinct():
            top = (
                db.Node.objects.filter(plan=plan, parent=None, present=True)
                .filter(pk__in=db.Indicator.objects.filter(plan=plan).values("node__parent_id"))
                .order_by("position")
                .first()
            ) or db.Node.objects.filter(plan=plan, parent=None, present=True).order_by("position").first()
            if top is None:
                continue
            db.CommitteeComment.objects.create(
                node=top, year=year, author=user, author_name="外部有識者会議(デモ)", text=DEMO_COMMENT
            )
            made += 1
    return made
