"""Reference data shipped in ``resources/``: the drug catalogue (Attachment 3) and the 14
dispensing clinics with their service towns (Attachment 6). Loaded once, on first start."""
from __future__ import annotations

import json
from functools import lru_cache

from .. import paths


@lru_cache(maxsize=None)
def _load(name: str) -> dict:
    return json.loads(paths.resource(name).read_text(encoding="utf-8"))


def catalogue() -> list[dict]:
    return _load("catalogue.json")["drugs"]


def clinic_list() -> list[dict]:
    return _load("clinics.json")["clinics"]


def ensure_loaded(db) -> None:
    if db["clinics"].count and db["drugs"].count:
        return
    with db.atomic():
        if not db["clinics"].count:
            for seq, clinic in enumerate(clinic_list(), start=1):
                db["clinics"].insert({
                    "code": clinic["code"], "seq": seq, "name": clinic["name"],
                    "towns": json.dumps(clinic["towns"], ensure_ascii=False),
                    "supervising_hospital": clinic["supervising_hospital"],
                })
                for town in clinic["towns"]:
                    db["towns"].insert({"name": town, "clinic_code": clinic["code"],
                                        "seq": db["towns"].count + 1})
        if not db["drugs"].count:
            db["drugs"].insert_all(
                {"seq": d["seq"], "name": d["name"], "dosage_form": d["dosage_form"],
                 "drug_class": d["drug_class"], "insurance_class": d["insurance_class"],
                 "note": d.get("note")}
                for d in catalogue()
            )


def clinics(db) -> list[dict]:
    rows = list(db["clinics"].rows_where(order_by="seq"))
    for row in rows:
        row["towns"] = json.loads(row["towns"])
    return rows


def clinic(db, code: str) -> dict | None:
    for row in clinics(db):
        if row["code"] == code:
            return row
    return None


def towns(db, clinic_code: str | None = None) -> list[str]:
    if clinic_code:
        rows = db["towns"].rows_where("clinic_code = ?", [clinic_code], order_by="seq")
    else:
        rows = db["towns"].rows_where(order_by="seq")
    return [r["name"] for r in rows]


def drugs(db) -> list[dict]:
    return list(db["drugs"].rows_where(order_by="seq"))
