"""Who may do what: one table, ``PERMISSIONS``. The services enforce it and the screens grey
out what it forbids; neither decides for itself."""
from __future__ import annotations

from dataclasses import dataclass

ADMIN = "admin"
OFFICER = "officer"
PSYCHIATRIST = "psychiatrist"
READONLY = "readonly"

LABELS = {
    ADMIN: "管理员",
    OFFICER: "精防人员（发药人）",
    PSYCHIATRIST: "精神科医师",
    READONLY: "只读",
}
ROLES = tuple(LABELS)


# --- what each role may do: the one table the services enforce and the screens grey out by ---

STAFF = (ADMIN, OFFICER, PSYCHIATRIST)      # the people who work with patients
KEEPERS = (ADMIN, OFFICER)                  # those who dispense keep the stock and the books
EVERYONE = ROLES


@dataclass(frozen=True)
class Permission:
    key: str
    label: str            # what it lets one do, as the README and a refusal say it
    roles: tuple[str, ...]


PERMISSIONS: tuple[Permission, ...] = (
    Permission("patient.view", "查看患者资料", EVERYONE),
    Permission("patient.reveal_id", "查看完整身份证号（记录在审计中）", EVERYONE),
    Permission("patient.edit", "新建和修改患者、监护人资料", STAFF),
    Permission("enrolment.edit", "申请、初审、复审、住院出院、年度审核、退出、协议、救助卡、危险性评估", STAFF),
    Permission("places.enrol", "从候补名单纳入", STAFF),
    Permission("places.set", "设置免费服药名额", (ADMIN,)),
    Permission("register.import", "导入患者登记名单", STAFF),
    Permission("patient.print", "打印患者的审批表、协议、救助卡、领药单", STAFF),
    Permission("lists.print", "打印、导出患者登记名单和工作清单", STAFF),
    Permission("dispensing.record", "登记领药（作为发药人）", KEEPERS),
    Permission("dispensing.sign_psychiatrist", "作为精神科医师签名", (PSYCHIATRIST,)),
    Permission("dispensing.void", "作废领药记录（授权人）", KEEPERS),
    Permission("stock.edit", "药品入库、盘点", KEEPERS),
    Permission("ledger.export", "导出季度台账", KEEPERS),
    Permission("quarter.manage", "填写预拨经费、季度结账", KEEPERS),
    Permission("quarter.reopen", "重新开账", (ADMIN,)),
    Permission("catalogue.edit", "修改药品目录与价格", (ADMIN,)),
    Permission("holidays.edit", "修改节假日表", (ADMIN,)),
    Permission("settings.change", "修改设置", (ADMIN,)),
    Permission("users.manage", "管理用户（新建、改角色、停用、重置密码）", (ADMIN,)),
    Permission("audit.view", "查看审计记录", (ADMIN,)),
    Permission("backup.create", "备份数据库", STAFF),
    Permission("backup.restore", "从备份恢复数据库", (ADMIN,)),
)
BY_KEY = {p.key: p for p in PERMISSIONS}


def may(role: str | None, action: str) -> bool:
    """Whether ``role`` may do ``action`` (a key of ``PERMISSIONS``; an unknown key is a bug)."""
    return role in BY_KEY[action].roles


def refusal(role: str | None, action: str) -> str | None:
    """The Chinese refusal for a role without the right, or ``None``."""
    if may(role, action):
        return None
    allowed = "、".join(LABELS[r] for r in BY_KEY[action].roles)
    return f"只有{allowed}可以{BY_KEY[action].label}"


def roles_with(action: str) -> tuple[str, ...]:
    return BY_KEY[action].roles


def can_edit_patients(role: str) -> bool:
    return may(role, "patient.edit")


def can_manage_accounts(role: str) -> bool:
    return may(role, "users.manage")


def can_reveal_id_numbers(role: str) -> bool:
    return may(role, "patient.reveal_id")


def permission_table_markdown() -> str:
    """The README's table of who may do what, made from ``PERMISSIONS`` so the two never differ."""
    head = "| 操作 | " + " | ".join(LABELS[r] for r in ROLES) + " |"
    rule = "|---|" + "---|" * len(ROLES)
    rows = [f"| {p.label} | " + " | ".join("✔" if r in p.roles else "—" for r in ROLES) + " |"
            for p in PERMISSIONS]
    return "\n".join([head, rule, *rows])


MIN_PASSWORD_LENGTH = 8


def password_problem(password: str, username: str = "") -> str | None:
    """A Chinese reason why a password is too weak, or ``None``."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少{MIN_PASSWORD_LENGTH}位"
    if password.isdigit() or password.isalpha():
        return "密码应同时包含字母和数字"
    if username and username.lower() in password.lower():
        return "密码不能包含用户名"
    if len(set(password)) < 4:
        return "密码过于简单"
    return None
