"""The one error type a rule raises when input is wrong; its message is shown to staff as is."""


class ValidationError(ValueError):
    """Bad input. ``message`` is Simplified Chinese, fit to show beside the field."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
