"""PySide6 lives here and only here: windows, dialogs, models, widgets."""
