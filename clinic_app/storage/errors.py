"""Errors the storage layer raises; messages are Chinese and fit to show to staff."""


class StorageError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFoundError(StorageError):
    pass


class DuplicateError(StorageError):
    pass
