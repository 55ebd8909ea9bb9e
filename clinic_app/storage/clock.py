"""Timestamps in one format, in local time: what staff see on the screen is what is stored."""
import datetime as dt


def now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def today() -> dt.date:
    return dt.date.today()
