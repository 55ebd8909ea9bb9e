"""The key that encrypts the database, its WAL and its backups (SQLCipher), and its recovery code.

One key per installation (per user data folder), not per file: the live database, every backup
and every database this PC's program makes are encrypted with it, so a backup restores without
questions on the PC that made it. The secret is 20 random bytes, written for people as the
*recovery code* — 32 letters and digits in eight groups of four — which the administrator copies
onto paper at first start (it is shown once). SQLCipher gets a 256-bit raw key derived from it
(no passphrase stretching: the secret is random, and every connection opens in microseconds).

Where the secret is kept: the OS credential store through ``keyring`` (Windows Credential Manager,
the Secret Service on a Linux desktop) where one is available; otherwise a file readable only by
the program's user (0600) in the user data folder. Anyone who can act as that OS account can read
it — the encryption protects a copied file, a lost USB stick or a stolen disk, not a logged-in
session.
"""
from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

from ..domain.errors import ClinicError
from .errors import StorageError

SECRET_BYTES = 20
GROUP = 4
KEYRING_SERVICE = "clinic_app 数据库密钥"
KEY_FILE = "database-key"  # not *.key: those are the seal keys beside each database
UNSHOWN_MARK = "recovery-code-not-shown"
KEYRING_ENV = "CLINIC_APP_KEYRING"  # "off": never use the OS credential store (tests, kiosks)
_DERIVATION = b"clinic_app sqlcipher key v1\x00"
_cache: dict[str, bytes] = {}


class RecoveryCodeInvalid(ClinicError):
    """What was typed is not a recovery code (wrong length or letters)."""


class KeyUnavailable(StorageError):
    """The installation has no database key and was not allowed to make one."""


# --- the code people copy ---------------------------------------------------------------------

def format_code(secret: bytes) -> str:
    text = base64.b32encode(secret).decode("ascii").rstrip("=")
    return "-".join(text[i:i + GROUP] for i in range(0, len(text), GROUP))


# Letters people confuse when copying by hand; base32 has no 0, 1, 8 or 9.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B", "9": "G"})


def parse_code(text: str, field: str = "recovery_code") -> bytes:
    """The secret a typed recovery code stands for; spaces, dashes and case do not matter."""
    cleaned = "".join(ch for ch in (text or "").upper() if ch.isalnum()).translate(_LOOKALIKES)
    expected = len(base64.b32encode(bytes(SECRET_BYTES)).rstrip(b"="))
    if len(cleaned) != expected:
        raise RecoveryCodeInvalid(
            f"恢复密钥应为 {expected} 个字母或数字（共 {expected // GROUP} 组），实际输入了 {len(cleaned)} 个",
            field)
    padded = cleaned + "=" * (-len(cleaned) % 8)
    try:
        return base64.b32decode(padded)
    except ValueError:
        raise RecoveryCodeInvalid("恢复密钥含有无效的字符，请对照纸上的恢复密钥重新输入", field) from None


def raw_key(secret: bytes) -> bytes:
    """The 32-byte key SQLCipher is given for a secret."""
    return hashlib.sha256(_DERIVATION + secret).digest()


def key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


# --- where the installation keeps its secret ----------------------------------------------------

def _data_dir() -> Path:
    from .. import paths

    return paths.user_data_dir()


def _keyring():
    """The credential store, or ``None`` where there is none worth the name (a headless Linux
    has only keyring's 'fail' or 'null' backends) or it is switched off."""
    if os.environ.get(KEYRING_ENV, "").lower() in ("off", "0", "no"):
        return None
    try:
        import keyring
        from keyring.backends import fail, null
    except Exception:  # noqa: BLE001 - not installed, or a broken backend configuration
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001
        return None
    if isinstance(backend, (fail.Keyring, null.Keyring)) or getattr(backend, "priority", 1) <= 0:
        return None
    return keyring


def _account(folder: Path) -> str:
    return str(folder.resolve())


def _read_stored(folder: Path) -> str | None:
    store = _keyring()
    if store is not None:
        try:
            text = store.get_password(KEYRING_SERVICE, _account(folder))
        except Exception:  # noqa: BLE001 - a locked or failing store: the file may still serve
            text = None
        if text:
            return text
    try:
        return (folder / KEY_FILE).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StorageError(f"无法读取数据库密钥文件 {folder / KEY_FILE}：{exc}") from None


def _store(folder: Path, code: str) -> str:
    """Keep the code; return where ("credential store" or the file's path) for the README's words."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    store = _keyring()
    if store is not None:
        try:
            store.set_password(KEYRING_SERVICE, _account(folder), code)
            if store.get_password(KEYRING_SERVICE, _account(folder)) == code:
                return "系统凭据管理器"
        except Exception:  # noqa: BLE001 - fall back to the private file
            pass
    path = folder / KEY_FILE
    tmp = folder / f".{KEY_FILE}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(code + "\n")
        file.flush()
        os.fsync(file.fileno())
    os.replace(tmp, path)
    return str(path)


def installation_secret(*, create: bool = True, folder: Path | None = None) -> bytes:
    """This installation's secret, made the first time a database is created."""
    folder = Path(folder) if folder is not None else _data_dir()
    text = _read_stored(folder)
    if text:
        try:
            return parse_code(text)
        except RecoveryCodeInvalid:
            raise StorageError("数据库密钥已损坏，请用恢复密钥恢复（clinic-app recover-key）") from None
    if not create:
        raise KeyUnavailable("本机还没有数据库密钥")
    secret = secrets.token_bytes(SECRET_BYTES)
    _store(folder, format_code(secret))
    (folder / UNSHOWN_MARK).touch()
    return installation_secret(create=False, folder=folder)


def installation_key(*, create: bool = True) -> bytes | None:
    """The raw SQLCipher key of this installation (cached for the process); ``None`` when there is
    none and ``create`` is false."""
    folder = _data_dir()
    cached = _cache.get(str(folder))
    if cached is not None:
        return cached
    try:
        key = raw_key(installation_secret(create=create, folder=folder))
    except KeyUnavailable:
        return None
    _cache[str(folder)] = key
    return key


def adopt_secret(secret: bytes) -> str:
    """Make a recovered secret this installation's key (a new PC restoring the old one's data)."""
    folder = _data_dir()
    where = _store(folder, format_code(secret))
    _cache.pop(str(folder), None)
    (folder / UNSHOWN_MARK).unlink(missing_ok=True)
    return where


def has_installation_key() -> bool:
    return _read_stored(_data_dir()) is not None


def take_unshown_code() -> str | None:
    """The recovery code, the one time it has not yet been shown to anyone; then never again."""
    folder = _data_dir()
    mark = folder / UNSHOWN_MARK
    if not mark.exists():
        return None
    text = _read_stored(folder)
    mark.unlink(missing_ok=True)
    return format_code(parse_code(text)) if text else None


def forget_cache() -> None:
    _cache.clear()
