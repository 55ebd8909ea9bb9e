"""The USB sticks plugged into this PC, for the quarterly export: every mounted volume that is
ready, writable and not the system's own — on Windows a drive letter other than the system
drive, on Linux a mount under /media, /run/media or /mnt (on a Mac under /Volumes) — with its
free space. ``removable_drives`` takes the volume list as an argument, so tests hand it the
volumes of a PC they describe; by default it asks ``QStorageInfo``."""
from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QStorageInfo

LINUX_MOUNTS = ("/media", "/run/media", "/mnt")
MAC_MOUNTS = ("/Volumes",)
_LETTER = re.compile(r"^([A-Za-z]:)[\\/]?$")


@dataclass(frozen=True)
class Volume:
    """What the program needs to know of one mounted volume (``QStorageInfo``'s answers)."""
    root: str               # "E:/" or "/media/li/KINGSTON"
    name: str = ""          # the volume label, "" when it has none
    ready: bool = True
    read_only: bool = False
    is_root: bool = False   # the system's root ("/" or the Windows system drive)
    free_bytes: int = 0

    @classmethod
    def of(cls, info: QStorageInfo) -> Volume:
        return cls(root=info.rootPath(), name=info.name(), ready=info.isReady() and info.isValid(),
                   read_only=info.isReadOnly(), is_root=info.isRoot(), free_bytes=max(0, info.bytesAvailable()))


def mounted_volumes() -> list[Volume]:
    return [Volume.of(info) for info in QStorageInfo.mountedVolumes()]


@dataclass(frozen=True)
class Drive:
    """A volume staff can write the package to."""
    root: str
    name: str
    free_bytes: int
    letter: str = ""  # "E:" on Windows

    @property
    def where(self) -> str:
        return self.letter or self.root

    def title(self) -> str:
        """“U盘 KINGSTON (E:)”, or “U盘 (E:)” for a stick without a label."""
        return f"U盘{' ' + self.name if self.name else ''} ({self.where})"

    def text(self) -> str:
        """The line in the list: “U盘 KINGSTON (E:) 可用 12.3 GB”."""
        return f"{self.title()} 可用 {free_text(self.free_bytes)}"


def free_text(size: int) -> str:
    gib, mib = 1024 ** 3, 1024 ** 2
    if size >= gib:
        return f"{size / gib:.1f} GB"
    if size >= mib:
        return f"{size // mib} MB"
    return f"{size // 1024} KB"


def system_drive() -> str:
    return (os.environ.get("SystemDrive") or "C:").rstrip("\\/").upper()


def _under(root: str, bases: tuple[str, ...]) -> bool:
    path = root.rstrip("/") or "/"
    return any(path == base or path.startswith(base + "/") for base in bases)


def is_removable(volume: Volume, platform: str | None = None, system: str | None = None) -> bool:
    platform = platform or sys.platform
    if not volume.ready or volume.read_only or volume.is_root:
        return False
    root = volume.root.replace("\\", "/")
    if platform.startswith("win"):
        match = _LETTER.match(root)
        return bool(match) and match.group(1).upper() != (system or system_drive())
    if platform == "darwin":
        return _under(root, MAC_MOUNTS)
    return _under(root, LINUX_MOUNTS)


def removable_drives(volumes: Iterable[Volume] | None = None, platform: str | None = None,
                     system: str | None = None) -> list[Drive]:
    """The writable sticks among ``volumes`` (by default, this PC's), in drive or path order."""
    platform = platform or sys.platform
    found = []
    for volume in mounted_volumes() if volumes is None else volumes:
        if not is_removable(volume, platform, system):
            continue
        match = _LETTER.match(volume.root.replace("\\", "/")) if platform.startswith("win") else None
        found.append(Drive(root=volume.root, name=volume.name.strip(), free_bytes=volume.free_bytes,
                           letter=match.group(1).upper() if match else ""))
    return sorted(found, key=lambda d: d.where.lower())


def _normal(path: str) -> str:
    path = path.replace("\\", "/").rstrip("/") or "/"
    return path[0].upper() + path[1:] if re.match(r"^[A-Za-z]:", path) else path


def drive_of(folder: str, drives: Iterable[Drive]) -> Drive | None:
    """The stick ``folder`` is on (the one with the longest matching root), or None."""
    path = _normal(str(folder))
    best = None
    for drive in drives:
        root = _normal(drive.root)
        inside = path == root or path.startswith(root if root.endswith("/") else root + "/")
        if inside and (best is None or len(root) > len(_normal(best.root))):
            best = drive
    return best


def describe(folder: str, drives: Iterable[Drive]) -> str:
    """Where a package went, in words: “U盘 KINGSTON (E:)” or “文件夹 D:/上报”."""
    drive = drive_of(folder, drives)
    return drive.title() if drive else f"文件夹 {folder}"
