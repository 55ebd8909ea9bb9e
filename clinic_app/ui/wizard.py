"""First start: choose which of the 14 dispensing clinics this is, and create the administrator."""
from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWizard,
                               QWizardPage)

from ..domain.errors import ClinicError
from ..services import accounts as account_services
from ..storage import reference
from .style import set_role
from .widgets import PasswordFields, error_label, with_error


class _WelcomePage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("欢迎使用")
        self.setSubTitle("江津区严重精神障碍患者免费服用第二代抗精神病药项目 · 基层管理程序")
        text = QLabel(
            "这是本程序在这台电脑上的第一次启动。\n\n"
            "接下来请：\n"
            "  1. 选择本单位（设服药门诊的医院）；\n"
            "  2. 创建管理员账户。管理员可以添加其他用户（精防人员、精神科医师、只读）。\n\n"
            "患者信息属于敏感健康信息：每一次查看、打印和导出都会被记录。")
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)


class _ClinicPage(QWizardPage):
    def __init__(self, db):
        super().__init__()
        self.setTitle("选择本单位")
        self.setSubTitle("附件6《设服药门诊医院名单》中的14家医院")
        self.clinics = reference.clinics(db)
        self.combo = QComboBox()
        for clinic in self.clinics:
            self.combo.addItem(clinic["name"], clinic["code"])
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        set_role(self.detail, "hint")
        self.combo.currentIndexChanged.connect(self._show_detail)
        form = QFormLayout(self)
        form.addRow("本单位", self.combo)
        form.addRow("", self.detail)
        self._show_detail()
        self.registerField("clinic_code", self.combo, "currentData")

    def _show_detail(self) -> None:
        clinic = self.clinics[self.combo.currentIndex()]
        self.detail.setText(f"服务辖区：{'、'.join(clinic['towns'])}\n"
                            f"指导专业精神卫生医疗机构：{clinic['supervising_hospital']}")

    def clinic_code(self) -> str:
        return self.combo.currentData()


class _AdminPage(QWizardPage):
    """Each problem under the field it concerns (密码至少8位 under 密码); a refusal from storage
    that names no field (a user name already taken) on the line under the last field."""

    def __init__(self):
        super().__init__()
        self.setTitle("创建管理员账户")
        self.setSubTitle("请牢记密码；忘记后只能由另一位管理员重设。")
        self.username = QLineEdit("admin")
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText("如：张医生")
        self.passwords = PasswordFields()
        self.password, self.confirm = self.passwords.password, self.passwords.confirm
        self.password_error, self.confirm_error = self.passwords.password_error, self.passwords.confirm_error
        self.username_error, self.display_name_error = error_label(), error_label()
        self.message = error_label()
        form = QFormLayout(self)
        form.addRow("用户名", with_error(self.username, self.username_error))
        form.addRow("姓名", with_error(self.display_name, self.display_name_error))
        self.passwords.add_to(form)
        form.addRow("", self.message)

    def problem(self) -> str | None:
        """Check every field, each saying its own problem; the first problem, or None."""
        problems = []
        for field, label, text in ((self.username, self.username_error, "请填写用户名"),
                                   (self.display_name, self.display_name_error, "请填写姓名")):
            empty = not field.text().strip()
            label.setText(text if empty else "")
            label.setVisible(empty)
            if empty:
                problems.append(text)
        if not self.passwords.check(self.username.text()):
            problems.append(self.password_error.text() or self.confirm_error.text())
        return problems[0] if problems else None

    def validatePage(self) -> bool:
        self.message.setText("")
        return self.problem() is None


class FirstStartWizard(QWizard):
    """On finish, the clinic setting and the administrator are written in one transaction;
    ``user`` is the new administrator, already logged in."""

    def __init__(self, db, parent=None):
        super().__init__(parent)
        self.db = db
        self.user: dict | None = None
        self.setWindowTitle("首次启动设置")
        self.setWizardStyle(QWizard.ModernStyle)
        self.setButtonText(QWizard.NextButton, "下一步 >")
        self.setButtonText(QWizard.BackButton, "< 上一步")
        self.setButtonText(QWizard.FinishButton, "完成")
        self.setButtonText(QWizard.CancelButton, "取消")
        self.setMinimumSize(620, 440)
        self.welcome = _WelcomePage()
        self.clinic_page = _ClinicPage(db)
        self.admin_page = _AdminPage()
        for page in (self.welcome, self.clinic_page, self.admin_page):
            self.addPage(page)

    def accept(self) -> None:
        if not self.admin_page.validatePage():
            return
        try:
            self.user = self.save()
        except ClinicError as exc:
            self.admin_page.message.setText(exc.message)
            return
        super().accept()

    def save(self) -> dict:
        page = self.admin_page
        return account_services.create_first_administrator(
            self.db, self.clinic_page.clinic_code(), page.username.text(), page.password.text(),
            page.display_name.text())
