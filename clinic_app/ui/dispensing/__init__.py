"""领药记录: dispensing on the patient page — the collection dialog with its signing step, the
signature pad, voids, and printing the slip and the rescue card's record rows."""
from .dialog import DispensingDialog
from .history import DispensingPanel
from .signature_pad import SignaturePad
from .void_dialog import VoidDialog

__all__ = ["DispensingDialog", "DispensingPanel", "SignaturePad", "VoidDialog"]
