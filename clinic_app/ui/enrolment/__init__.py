"""免费服药项目 on the patient page: eligibility, applications and reviews, status, agreement,
rescue card and risk, with one small dialog per action."""
from .agreement_dialog import AgreementDialog
from .application_dialogs import ApplicationDialog, FinalReviewDialog, InitialReviewDialog, SendToOfficeDialog
from .card_dialog import CardDialog
from .panel import EnrolmentPanel
from .risk_dialogs import RiskDialog, WorseningDialog
from .status_dialog import StatusChangeDialog
from .summary import header_text

__all__ = ["AgreementDialog", "ApplicationDialog", "CardDialog", "EnrolmentPanel", "FinalReviewDialog",
           "InitialReviewDialog", "RiskDialog", "SendToOfficeDialog", "StatusChangeDialog", "WorseningDialog",
           "header_text"]
