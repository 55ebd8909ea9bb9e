"""开始使用: what a new clinic still has to do before its first dispensing — accounts, drugs and
prices, stock, the first patient — each step read from the database every time it is asked, never
a stored "done" flag, so a step un-done (the only psychiatrist deactivated, the last batch
expired) shows as not done again."""
from __future__ import annotations

from dataclasses import dataclass

from ..domain import roles
from . import accounts, catalogue, clock, patients, stock

ACCOUNTS, CATALOGUE, STOCK, PATIENT = "accounts", "catalogue", "stock", "patient"
STEPS = (ACCOUNTS, CATALOGUE, STOCK, PATIENT)
TITLES = {
    ACCOUNTS: "建立用户账户",
    CATALOGUE: "设定药品规格和价格",
    STOCK: "药品入库",
    PATIENT: "登记第一名患者",
}
WHY = {
    ACCOUNTS: "发药须由精神科医师和发药人（精防人员）各用本人密码签名，两类账户都要有",
    CATALOGUE: "在附件3目录药品下新增本院发放的规格，并设定采购价格（元/包装）",
    STOCK: "把收到的药品按批号和有效期入库，发药时按有效期先后出库",
    PATIENT: "新建患者并填写审批表内容；符合条件的可受理申请",
}


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    done: bool
    detail: str   # what the database holds for this step, or what is still missing
    why: str


def _accounts(db) -> tuple[bool, str]:
    active = [u for u in accounts.list_users(db) if u["active"]]
    doctors = sum(u["role"] == roles.PSYCHIATRIST for u in active)
    officers = sum(u["role"] == roles.OFFICER for u in active)
    missing = [label for label, n in (("精神科医师", doctors), ("精防人员（发药人）", officers)) if not n]
    if missing:
        return False, "尚无启用的" + "和".join(missing) + "账户"
    return True, f"已有精神科医师 {doctors} 名、精防人员 {officers} 名"


def _catalogue(db) -> tuple[bool, str]:
    today = clock.today()
    specs = catalogue.specs(db)
    paid = [s for s in specs if catalogue.programme_pays_on(db, s["id"], today)]
    priced = [s for s in paid if s["price_fen"] is not None]
    if priced:
        return True, f"项目支付的规格 {len(priced)} 个已定价"
    if paid:
        return False, f"已有项目支付的规格 {len(paid)} 个，尚未设定价格"
    return False, "尚无免费服药项目支付的药品规格"


def _stock(db) -> tuple[bool, str]:
    today = clock.today()
    stocked = [e for e in stock.on_hand(db) if e["usable_packs"] > 0 and e["active"]
               and catalogue.programme_pays_on(db, e["spec_id"], today)]
    if stocked:
        return True, f"{len(stocked)} 个规格有未过期库存"
    return False, "项目药品尚无未过期的库存"


def _patient(db) -> tuple[bool, str]:
    count = patients.count(db)
    return (True, f"已登记患者 {count} 名") if count else (False, "尚未登记患者")


CHECKS = {ACCOUNTS: _accounts, CATALOGUE: _catalogue, STOCK: _stock, PATIENT: _patient}


def steps(db) -> list[Step]:
    """The four steps in the order they are done, each as the database has it now."""
    out = []
    for key in STEPS:
        done, detail = CHECKS[key](db)
        out.append(Step(key, TITLES[key], done, detail, WHY[key]))
    return out


def all_done(db) -> bool:
    return all(step.done for step in steps(db))
