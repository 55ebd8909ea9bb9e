"""Who may do what. The UI asks these questions; it does not decide them itself."""
from __future__ import annotations

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


def can_edit_patients(role: str) -> bool:
    return role in (ADMIN, OFFICER, PSYCHIATRIST)


def can_manage_accounts(role: str) -> bool:
    return role == ADMIN


def can_reveal_id_numbers(role: str) -> bool:
    return role in (ADMIN, OFFICER, PSYCHIATRIST, READONLY)


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
