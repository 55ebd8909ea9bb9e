"""What every window needs to know: the open database, who is logged in, which clinic this is."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Session:
    db: object  # sqlite_utils.Database
    db_path: Path
    user: dict
    clinic: dict = field(default_factory=dict)
    demo: bool = False

    @property
    def role(self) -> str:
        return self.user["role"]
