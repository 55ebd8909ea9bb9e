"""Specifications of the catalogue drugs, their dated prices and their change history."""
import datetime as dt

import pytest

from clinic_app.storage import audit, catalogue, clock
from clinic_app.storage.errors import DuplicateError, NotFoundError, StorageError

USER = {"id": None, "username": "admin"}
CHLORPROMAZINE, RISPERIDONE, OLANZAPINE, ZIPRASIDONE, INVEGA = 1, 7, 8, 10, 13


def risperidone(db, **kwargs):
    return catalogue.add_spec(db, RISPERIDONE, "利培酮片", "1mg", "片", 20, user=USER, **kwargs)


def dispensed_line(db, spec_id: int, date: str) -> int:
    """A bare dispensing line of ``spec_id`` on ``date``. Only its existence matters here (the
    dispensing rules have tests of their own), so foreign keys to a patient are switched off."""
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        entry = db["dispensings"].insert({"patient_id": 999, "kind": "dispense", "date": date, "total_fen": 0,
                                          "programme_fen": 0, "content_hash": "x"}).last_pk
        spec = catalogue.spec(db, spec_id)
        return db["dispensing_lines"].insert({"dispensing_id": entry, "spec_id": spec_id, "drug_id": spec["drug_id"],
                                              "packs": 1, "units": spec["units_per_pack"], "price_fen": 0,
                                              "total_fen": 0}).last_pk
    finally:
        db.execute("PRAGMA foreign_keys = ON")


@pytest.fixture
def today(monkeypatch):
    day = dt.date(2026, 12, 1)
    monkeypatch.setattr(clock, "today", lambda: day)
    return day


# --- adding ------------------------------------------------------------------------------------

def test_a_spec_is_added_with_its_drug_and_label(fresh_db):
    spec = risperidone(fresh_db)
    assert spec["label"] == "利培酮片 1mg×20片/盒"
    assert (spec["drug_name"], spec["drug_class"], spec["insurance_class"]) == ("利培酮", "非典型抗精神病药物", "乙类")
    assert (spec["pack_unit"], spec["programme_pays"], spec["active"], spec["price_fen"]) == ("盒", 1, 1, None)


@pytest.mark.parametrize("drug_id, name, pays", [
    (INVEGA, "棕榈酸帕利哌酮注射液", 0),       # 善思达: 自费
    (ZIPRASIDONE, "齐拉西酮注射液", 0),        # 片剂甲类，针剂自费
    (ZIPRASIDONE, "齐拉西酮片", 1),
    (RISPERIDONE, "利培酮片", 1),
    (CHLORPROMAZINE, "氯丙嗪注射液", 1),       # 甲类 in both forms
])
def test_who_pays_defaults_from_the_insurance_class(fresh_db, drug_id, name, pays):
    spec = catalogue.add_spec(fresh_db, drug_id, name, "10mg", "支" if "注射" in name else "片", 1)
    assert spec["programme_pays"] == pays


def test_the_default_can_be_overridden(fresh_db):
    assert risperidone(fresh_db, programme_pays=0)["programme_pays"] == 0
    spec = catalogue.add_spec(fresh_db, INVEGA, "棕榈酸帕利哌酮注射液", "150mg", "支", 1, programme_pays=1)
    assert spec["programme_pays"] == 1


@pytest.mark.parametrize("spec, text", [
    ({"name": "利培酮片", "strength": "1mg", "unit": "片", "units_per_pack": 20, "pack_unit": "盒"},
     "利培酮片 1mg×20片/盒"),
    ({"name": "氯氮平片", "strength": "25mg", "unit": "片", "units_per_pack": 100, "pack_unit": "瓶"},
     "氯氮平片 25mg×100片/瓶"),
    ({"name": "碳酸锂片", "strength": "", "unit": "片", "units_per_pack": 100, "pack_unit": "瓶"}, "碳酸锂片 100片/瓶"),
    ({"name": "哈力多注射液", "strength": "50mg/1ml", "unit": "支", "units_per_pack": 1, "pack_unit": None},
     "哈力多注射液 50mg/1ml×1支/盒"),
])
def test_label(spec, text):
    assert catalogue.label(spec) == text


@pytest.mark.parametrize("kwargs, words", [
    (dict(name=" "), "请填写品名"),
    (dict(unit=""), "请填写最小单位"),
    (dict(pack_unit=""), "请填写包装单位"),
    (dict(units_per_pack=0), "应大于0"),
    (dict(units_per_pack=-5), "应大于0"),
    (dict(units_per_pack=2.5), "应为整数"),
    (dict(units_per_pack="20"), "应为整数"),
])
def test_bad_specs_are_refused(fresh_db, kwargs, words):
    values = dict(name="利培酮片", strength="1mg", unit="片", units_per_pack=20, pack_unit="盒")
    values.update(kwargs)
    with pytest.raises(StorageError) as info:
        catalogue.add_spec(fresh_db, RISPERIDONE, **values)
    assert words in info.value.message
    assert fresh_db["drug_specs"].count == 0


def test_an_unknown_drug_is_refused(fresh_db):
    with pytest.raises(NotFoundError):
        catalogue.add_spec(fresh_db, 999, "某药片", "1mg", "片", 10)


def test_the_same_spec_twice_is_refused(fresh_db):
    risperidone(fresh_db)
    with pytest.raises(DuplicateError) as info:
        catalogue.add_spec(fresh_db, RISPERIDONE, " 利培酮片 ", "1mg", "片", 20)
    assert "利培酮片 1mg×20片/盒" in info.value.message
    catalogue.add_spec(fresh_db, RISPERIDONE, "利培酮片", "2mg", "片", 20)   # another strength is fine


def test_specs_come_in_catalogue_order_and_can_include_retired_ones(fresh_db):
    olanzapine = catalogue.add_spec(fresh_db, OLANZAPINE, "奥氮平片", "5mg", "片", 14)
    chlorpromazine = catalogue.add_spec(fresh_db, CHLORPROMAZINE, "氯丙嗪片", "25mg", "片", 100, "瓶")
    one = risperidone(fresh_db)
    two = catalogue.add_spec(fresh_db, RISPERIDONE, "利培酮片", "2mg", "片", 20)
    catalogue.retire_spec(fresh_db, two["id"], "2026-12-01")
    assert [s["id"] for s in catalogue.specs(fresh_db)] == [chlorpromazine["id"], one["id"], olanzapine["id"]]
    assert [s["id"] for s in catalogue.specs(fresh_db, active_only=False)] == [
        chlorpromazine["id"], one["id"], two["id"], olanzapine["id"]]


def test_an_unknown_spec_is_not_found(fresh_db):
    with pytest.raises(NotFoundError):
        catalogue.spec(fresh_db, 42)


# --- prices ------------------------------------------------------------------------------------

def test_a_dispensing_uses_the_price_in_force_on_its_date(fresh_db):
    spec = risperidone(fresh_db)
    catalogue.set_price(fresh_db, spec["id"], 1850, "2026-01-01", "招标价", user=USER)
    catalogue.set_price(fresh_db, spec["id"], 1790, dt.date(2026, 7, 1), "新招标价", user=USER)
    assert catalogue.price_on(fresh_db, spec["id"], "2026-01-01") == 1850
    assert catalogue.price_on(fresh_db, spec["id"], "2026-06-30") == 1850
    assert catalogue.price_on(fresh_db, spec["id"], dt.date(2026, 7, 1)) == 1790
    assert catalogue.price_on(fresh_db, spec["id"], "2030-01-01") == 1790


def test_no_price_before_the_first_one(fresh_db):
    spec = risperidone(fresh_db)
    catalogue.set_price(fresh_db, spec["id"], 1850, "2026-01-01")
    with pytest.raises(StorageError) as info:
        catalogue.price_on(fresh_db, spec["id"], "2025-12-31")
    assert info.value.message == "利培酮片 1mg×20片/盒 在 2025-12-31 尚未设定价格"


def test_the_spec_shows_todays_price(fresh_db, today):
    spec = risperidone(fresh_db)
    catalogue.set_price(fresh_db, spec["id"], 1850, "2026-01-01")
    catalogue.set_price(fresh_db, spec["id"], 2000, "2027-01-01")   # not in force yet
    assert catalogue.spec(fresh_db, spec["id"])["price_fen"] == 1850
    assert catalogue.specs(fresh_db)[0]["price_fen"] == 1850


def test_a_second_price_for_the_same_day_corrects_the_first_and_both_are_kept(fresh_db):
    spec = risperidone(fresh_db)
    catalogue.set_price(fresh_db, spec["id"], 18500, "2026-01-01", "录错")
    catalogue.set_price(fresh_db, spec["id"], 1850, "2026-01-01", "更正")
    assert catalogue.price_on(fresh_db, spec["id"], "2026-03-01") == 1850
    assert [(p["price_fen"], p["note"]) for p in catalogue.price_history(fresh_db, spec["id"])] == [
        (18500, "录错"), (1850, "更正")]


def test_price_history_is_in_date_order(fresh_db):
    spec = risperidone(fresh_db)
    catalogue.set_price(fresh_db, spec["id"], 1790, "2026-07-01")
    catalogue.set_price(fresh_db, spec["id"], 1850, "2026-01-01")
    assert [p["effective_date"] for p in catalogue.price_history(fresh_db, spec["id"])] == ["2026-01-01", "2026-07-01"]


def test_a_new_price_may_not_reach_back_over_a_recorded_dispensing(fresh_db):
    spec = risperidone(fresh_db)
    catalogue.set_price(fresh_db, spec["id"], 1850, "2026-01-01")
    dispensed_line(fresh_db, spec["id"], "2026-05-10")
    for day in ("2026-05-10", "2026-03-01"):
        with pytest.raises(StorageError) as info:
            catalogue.set_price(fresh_db, spec["id"], 1790, day)
        assert "2026-05-10 已按原价发药记账" in info.value.message
    catalogue.set_price(fresh_db, spec["id"], 1790, "2026-05-11")
    assert catalogue.price_on(fresh_db, spec["id"], "2026-05-10") == 1850


@pytest.mark.parametrize("price, words", [(0, "应大于0"), (-100, "应大于0"), (18.5, "应为整数"), (True, "应为整数")])
def test_bad_prices_are_refused(fresh_db, price, words):
    spec = risperidone(fresh_db)
    with pytest.raises(StorageError) as info:
        catalogue.set_price(fresh_db, spec["id"], price, "2026-01-01")
    assert words in info.value.message
    assert catalogue.price_history(fresh_db, spec["id"]) == []


def test_a_bad_date_is_refused_in_chinese(fresh_db):
    spec = risperidone(fresh_db)
    with pytest.raises(StorageError) as info:
        catalogue.set_price(fresh_db, spec["id"], 1850, "2026-02-30")
    assert "生效日期" in info.value.message and "不存在" in info.value.message


# --- changes -----------------------------------------------------------------------------------

def test_every_changed_field_is_recorded_with_its_date(fresh_db):
    spec = risperidone(fresh_db)
    catalogue.update_spec(fresh_db, spec["id"], {"name": "利培酮片（维思通）", "pack_unit": "盒", "units_per_pack": 60},
                          "2026-08-01", user=USER)
    updated = catalogue.spec(fresh_db, spec["id"])
    assert updated["label"] == "利培酮片（维思通） 1mg×60片/盒"
    assert [(c["date"], c["field"], c["old"], c["new"]) for c in catalogue.changes(fresh_db, spec["id"])] == [
        ("2026-08-01", "name", "利培酮片", "利培酮片（维思通）"),
        ("2026-08-01", "units_per_pack", "20", "60"),
    ]


def test_the_payment_flag_change_reads_in_chinese(fresh_db):
    spec = risperidone(fresh_db)
    catalogue.update_spec(fresh_db, spec["id"], {"programme_pays": 0}, "2026-08-01")
    assert [(c["old"], c["new"]) for c in catalogue.changes(fresh_db, spec["id"])] == [("项目支付", "自费")]


def test_an_update_that_changes_nothing_records_nothing(fresh_db):
    spec = risperidone(fresh_db)
    before = fresh_db["audit_log"].count
    catalogue.update_spec(fresh_db, spec["id"], {"name": " 利培酮片 ", "units_per_pack": 20}, "2026-08-01")
    assert catalogue.changes(fresh_db, spec["id"]) == [] and fresh_db["audit_log"].count == before


def _dispensed(db, spec_id):
    dispensed_line(db, spec_id, "2026-05-10")


def _stocked(db, spec_id):
    from clinic_app.storage import stock

    stock.receive(db, spec_id, "B1", "2028-01-31", 10, "2026-05-01")


@pytest.mark.parametrize("use", [_dispensed, _stocked])
def test_the_pack_size_of_a_dispensed_or_stocked_spec_cannot_change(fresh_db, use):
    spec = risperidone(fresh_db)
    use(fresh_db, spec["id"])
    with pytest.raises(StorageError) as info:
        catalogue.update_spec(fresh_db, spec["id"], {"units_per_pack": 30}, "2026-08-01")
    assert "不能修改每包装数量" in info.value.message and "新增一个规格" in info.value.message
    assert catalogue.spec(fresh_db, spec["id"])["units_per_pack"] == 20
    catalogue.update_spec(fresh_db, spec["id"], {"name": "利培酮片（国产）"}, "2026-08-01")   # other fields may


@pytest.mark.parametrize("changes, words", [
    ({"units_per_pack": 0}, "应大于0"), ({"name": ""}, "请填写品名"), ({"drug_id": 8}, "不能修改"),
    ({"active": 0}, "不能修改"),
])
def test_bad_updates_are_refused(fresh_db, changes, words):
    spec = risperidone(fresh_db)
    with pytest.raises(StorageError) as info:
        catalogue.update_spec(fresh_db, spec["id"], changes, "2026-08-01")
    assert words in info.value.message
    assert catalogue.changes(fresh_db, spec["id"]) == []


def test_an_update_may_not_make_a_twin(fresh_db):
    risperidone(fresh_db)
    two = catalogue.add_spec(fresh_db, RISPERIDONE, "利培酮片", "2mg", "片", 20)
    with pytest.raises(DuplicateError):
        catalogue.update_spec(fresh_db, two["id"], {"strength": "1mg"}, "2026-08-01")


def test_retire_and_reactivate_are_recorded(fresh_db):
    spec = risperidone(fresh_db)
    assert catalogue.retire_spec(fresh_db, spec["id"], "2026-09-01", user=USER)["active"] == 0
    with pytest.raises(StorageError) as info:
        catalogue.retire_spec(fresh_db, spec["id"], "2026-09-02")
    assert "已经是停用状态" in info.value.message
    assert catalogue.reactivate_spec(fresh_db, spec["id"], "2026-10-01", user=USER)["active"] == 1
    assert [(c["date"], c["field"], c["old"], c["new"]) for c in catalogue.changes(fresh_db, spec["id"])] == [
        ("2026-09-01", "active", "启用", "停用"), ("2026-10-01", "active", "停用", "启用")]


def test_a_retired_twin_cannot_come_back_beside_its_replacement(fresh_db):
    old = risperidone(fresh_db)
    catalogue.retire_spec(fresh_db, old["id"], "2026-09-01")
    risperidone(fresh_db)
    with pytest.raises(DuplicateError):
        catalogue.reactivate_spec(fresh_db, old["id"], "2026-10-01")


def test_every_write_is_audited(fresh_db):
    spec = risperidone(fresh_db)
    catalogue.set_price(fresh_db, spec["id"], 1850, "2026-01-01", "招标价", user=USER)
    catalogue.update_spec(fresh_db, spec["id"], {"strength": "1 mg"}, "2026-02-01", user=USER)
    catalogue.retire_spec(fresh_db, spec["id"], "2026-03-01", user=USER)
    catalogue.reactivate_spec(fresh_db, spec["id"], "2026-03-02", user=USER)
    rows = audit.recent(fresh_db, entity="drug_spec", entity_id=spec["id"])
    summaries = [r["summary"] for r in reversed(rows)]
    assert summaries[0].startswith("新增药品规格：利培酮片 1mg×20片/盒")
    assert "自 2026-01-01 起 18.50 元（招标价）" in summaries[1]
    assert "规格 1mg → 1 mg" in summaries[2]
    assert "停用" in summaries[3] and "启用" in summaries[4]
    assert audit.verify(fresh_db).ok


# --- sample specifications ---------------------------------------------------------------------

def test_every_sample_names_a_catalogue_drug_and_has_a_sample_price(fresh_db):
    names = {d["name"] for d in fresh_db["drugs"].rows}
    samples = catalogue.sample_specs()
    assert samples and all(s["drug"] in names for s in samples)
    assert all(isinstance(s["sample_price_fen"], int) and s["sample_price_fen"] > 0 for s in samples)


def test_a_fresh_database_holds_no_specs_or_prices(fresh_db):
    assert fresh_db["drug_specs"].count == 0 and fresh_db["drug_prices"].count == 0


def test_loading_the_samples_marks_their_prices_and_adds_nothing_twice(fresh_db):
    added = catalogue.load_sample_specs(fresh_db, "2026-01-01", user=USER)
    labels = {s["label"]: s for s in added}
    assert {"利培酮片 1mg×20片/盒", "利培酮片 2mg×20片/盒", "奥氮平片 5mg×14片/盒", "奥氮平片 10mg×7片/盒",
            "喹硫平片 100mg×30片/盒", "阿立哌唑片 5mg×20片/盒", "氯氮平片 25mg×100片/瓶",
            "氨磺必利片 200mg×20片/盒", "碳酸锂片 0.25g×100片/瓶", "丙戊酸钠缓释片 0.5g×30片/盒"} <= set(labels)
    assert labels["棕榈酸帕利哌酮注射液 150mg×1支/盒"]["programme_pays"] == 0
    assert all(p["note"] == catalogue.SAMPLE_NOTE for p in fresh_db["drug_prices"].rows)
    assert catalogue.load_sample_specs(fresh_db, "2026-01-01") == []
    assert fresh_db["drug_specs"].count == len(added)
