"""Synthetic patients for demonstrations, screenshots, tests and benchmarks: never real people.

The data should look like a 江津 clinic's register (common surnames, 油溪镇大坡村3组15号, mostly
精神分裂症, parents or spouses as guardians) so that screens, printouts and search timings seen in
a demo are the ones staff will meet, and every record passes ``validate_record`` unchanged.

Pure: no SQL, no Qt. The same seed and arguments always give the same people.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Sequence

from . import choices, idnumber
from .patient_fields import ALL_FIELDS, IMAGE

RECORD_KEYS = tuple(f.key for f in ALL_FIELDS if f.kind != IMAGE)

SURNAMES = ("张", "王", "李", "刘", "陈", "杨", "黄", "赵", "周", "吴",
            "徐", "孙", "马", "胡", "朱", "郭", "何", "罗", "高", "林")
MALE_CHARS = ("国", "建", "明", "华", "强", "伟", "军", "平", "志", "勇", "德", "成", "文", "家",
              "海", "永", "林", "福", "贵", "荣", "祥", "兵", "刚", "春", "云", "光", "洪", "远",
              "涛", "波", "鹏", "宇", "浩", "俊", "杰", "斌", "超", "兴", "长", "发", "清", "中",
              "正", "学", "开", "昌", "全", "元", "万", "友", "仁", "义", "川", "江")
FEMALE_CHARS = ("秀", "英", "兰", "芳", "玉", "琼", "淑", "丽", "敏", "霞", "燕", "红", "梅", "桂",
                "珍", "凤", "蓉", "萍", "琴", "娟", "静", "婷", "雪", "莉", "慧", "华", "春", "利",
                "群", "素", "碧", "翠", "菊", "会", "容", "先", "小", "晓", "丹", "倩")

AREA_CODES = (("500381", 9), ("500116", 1))  # 江津市 (before 2006), 江津区
POSTCODE = "402260"
EARLIEST_BIRTH, LATEST_BIRTH = dt.date(1945, 1, 1), dt.date(2005, 12, 31)

VILLAGES = ("大坡村", "石桥村", "高峰村", "黄庄村", "新店村", "龙塘村", "桂花村", "白果村", "响水村",
            "青杠村", "红花村", "金龙村", "永胜村", "太平村", "长冲村", "花园村", "凉水村", "中坝村",
            "河坝村", "五举村", "罗坝村", "平安村", "合力村", "金刚村", "松林村", "水井村", "双凤村",
            "朝阳村", "燕坝村", "石龙村")
COMMUNITIES = ("双河社区", "老街社区", "滨江社区", "新街社区", "青年社区", "东门社区", "南华社区",
               "桥南社区", "鼎山社区", "望江社区")
ROADS = ("滨江路", "人民路", "中山路", "新华路", "建设路", "解放路", "文化街", "大同路", "正街", "河街")

ETHNICITY_WEIGHTS = (("汉族", 97), ("土家族", 2), ("苗族", 1))
DIAGNOSIS_WEIGHTS = (("精神分裂症", 68), ("分裂情感性障碍", 6), ("偏执性精神病", 5),
                     ("双相（情感）障碍", 11), ("癫痫所致精神障碍", 4), ("精神发育迟滞伴发精神障碍", 6))
assert {d for d, _ in DIAGNOSIS_WEIGHTS} == set(choices.DIAGNOSES)
INSTITUTION_WEIGHTS = (("重庆市江津区精神卫生中心", 45), ("重庆市江津区精神康复院", 40),
                       ("重庆市精神卫生中心", 9), ("重庆医科大学附属第一医院", 4),
                       ("重庆市江津区中心医院", 2))
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
                   "152", "153", "155", "157", "158", "159", "177", "180", "181", "182", "183",
                   "187", "188", "189", "199")

MALE_RELATIONS = {"父亲", "儿子", "兄弟"}
FEMALE_RELATIONS = {"母亲", "女儿", "姐妹"}
SAME_SURNAME = {"父亲", "兄弟", "姐妹", "祖父母"}
# (relationship, weight) by the patient's age band: who usually looks after whom.
GUARDIANS_BY_AGE = (
    (30, (("父亲", 35), ("母亲", 45), ("兄弟", 8), ("姐妹", 7), ("祖父母", 3), ("外祖父母", 2),
          ("配偶", 8))),
    (50, (("配偶", 40), ("母亲", 20), ("父亲", 15), ("兄弟", 10), ("姐妹", 8), ("其他亲属", 4),
          ("儿子", 3))),
    (65, (("配偶", 40), ("儿子", 22), ("女儿", 15), ("兄弟", 10), ("姐妹", 8), ("其他亲属", 5),
          ("母亲", 6), ("父亲", 3))),
    (200, (("儿子", 40), ("女儿", 25), ("配偶", 25), ("孙子女", 5), ("其他亲属", 5))),
)
# How many years the guardian was born after the patient (negative: born before).
BIRTH_OFFSETS = {
    "父亲": (-38, -22), "母亲": (-35, -20), "祖父母": (-62, -45), "外祖父母": (-62, -45),
    "配偶": (-8, 8), "兄弟": (-10, 10), "姐妹": (-10, 10), "儿子": (20, 35), "女儿": (20, 35),
    "孙子女": (42, 55), "其他亲属": (-20, 20),
}
ELDERLY_AGE = 65
ELDERLY_SHARE = 0.15
TWO_PATIENT_SHARE = 0.05
COMMITTEE_SHARE = 0.02
NO_GUARDIAN_SHARE = 0.02


def weighted(rng: random.Random, pairs) -> str:
    values, weights = zip(*pairs)
    return rng.choices(values, weights)[0]


@dataclass
class Person:
    """Who someone is, before it is spread over form fields."""
    name: str
    surname: str
    sex: str
    born: dt.date
    id_number: str


@dataclass
class Home:
    town: str
    village: str
    address: str
    hukou_type: str


@dataclass
class Generator:
    """One seeded source of people; remembers ID numbers so none is handed out twice."""
    seed: int
    towns: Sequence[str]
    other_towns: Sequence[str] = ()
    today: dt.date = field(default_factory=dt.date.today)
    taken: set = field(default_factory=set)

    def __post_init__(self):
        if not self.towns:
            raise ValueError("at least one town is needed")
        self.rng = random.Random(self.seed)
        self._villages: dict[str, tuple[str, ...]] = {}

    # --- people -------------------------------------------------------------------------------

    def given_name(self, sex: str) -> str:
        chars = MALE_CHARS if sex == "男" else FEMALE_CHARS
        size = 1 if self.rng.random() < 0.1 else 2
        return "".join(self.rng.choice(chars) for _ in range(size))

    def id_number(self, born: dt.date, sex: str) -> str:
        """A valid 18-digit number whose 17th digit agrees with the sex, unused so far."""
        while True:
            area = weighted(self.rng, AREA_CODES)
            order = self.rng.randrange(100)
            sex_digit = self.rng.choice("13579" if sex == "男" else "02468")
            first17 = f"{area}{born:%Y%m%d}{order:02d}{sex_digit}"
            number = first17 + idnumber.check_char(first17)
            if number not in self.taken:
                self.taken.add(number)
                return number

    def person(self, sex: str, born: dt.date, surname: str | None = None) -> Person:
        surname = surname or self.rng.choice(SURNAMES)
        return Person(surname + self.given_name(sex), surname, sex, born, self.id_number(born, sex))

    def patient_birth(self) -> dt.date:
        year = round(self.rng.triangular(EARLIEST_BIRTH.year, LATEST_BIRTH.year, 1970))
        return self.date_in_year(year)

    def date_in_year(self, year: int) -> dt.date:
        return dt.date(year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))

    # --- places -------------------------------------------------------------------------------

    def villages(self, town: str) -> tuple[str, ...]:
        """Each town gets its own stable handful of villages, so lists and reports group well."""
        if town not in self._villages:
            local = random.Random(f"{self.seed}/{town}")
            communities = local.sample(COMMUNITIES, 3 if town.endswith("街道") else 1)
            self._villages[town] = tuple(local.sample(VILLAGES, 8)) + tuple(communities)
        return self._villages[town]

    def home(self) -> Home:
        rng = self.rng
        own = not self.other_towns or rng.random() < 0.95
        town = rng.choice(self.towns if own else self.other_towns)
        village = rng.choice(self.villages(town))
        urban = town.endswith("街道") or village.endswith("社区")
        hukou = "非农业户口" if rng.random() < (0.6 if urban else 0.12) else "农业户口"
        return Home(town, village, self.address(town, village), hukou)

    def address(self, town: str, village: str) -> str:
        rng = self.rng
        if village.endswith("村"):
            return f"{town}{village}{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
        street = f"{town}{village}{rng.choice(ROADS)}{rng.randint(1, 300)}号"
        if rng.random() < 0.5:
            street += f"{rng.randint(1, 6)}单元{rng.randint(1, 7)}-{rng.randint(1, 4)}"
        return street

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10 ** 8):08d}"

    def landline(self) -> str:
        return f"023-47{self.rng.randint(200000, 899999)}"

    def patient_phone(self) -> str | None:
        roll = self.rng.random()
        return self.mobile() if roll < 0.55 else (self.landline() if roll < 0.65 else None)

    # --- the programme's fields ---------------------------------------------------------------

    def insurance(self, hukou: str, poor: bool) -> tuple[list[str], str | None]:
        rng = self.rng
        if hukou == "非农业户口":
            base = weighted(rng, (("城镇职工基本医疗保险", 30), ("城镇居民基本医疗保险", 65),
                                  ("其他医疗保险", 5)))
        else:
            base = weighted(rng, (("新型农村合作医疗保险", 85), ("城镇居民基本医疗保险", 10),
                                  ("其他医疗保险", 3), ("无医疗保险", 2)))
        if base == "无医疗保险":
            return [base], None
        types = [base] + (["医疗救助"] if poor and rng.random() < 0.6 else [])
        return types, f"{rng.randrange(10 ** 9, 10 ** 10)}"

    def poverty(self) -> list[str]:
        rng = self.rng
        statuses = []
        if rng.random() < 0.15:
            statuses.append("建档立卡贫困户")
        roll = rng.random()
        statuses += ["低保户"] if roll < 0.12 else (["特困人员"] if roll < 0.14 else [])
        return statuses

    def subsidies(self, poverty: list[str], disabled: bool, special_card: bool) -> list[str]:
        rng = self.rng
        chosen = []
        if "低保户" in poverty or "特困人员" in poverty:
            chosen.append("属于低保、五保等医疗救助对象")
        if poverty and rng.random() < 0.2:
            chosen.append("符合地方贫困标准")
        if "建档立卡贫困户" in poverty:
            chosen.append("建卡贫困户")
        if disabled and rng.random() < 0.6:
            chosen.append("残联补助")
        if rng.random() < 0.7:
            chosen.append("“严重精神障碍管理治疗项目”")
        if special_card:
            chosen.append("医保特病")
        return [s for s in choices.SUBSIDIES if s in chosen]

    def disability_cert(self, id_number: str) -> str | None:
        if self.rng.random() >= 0.35:
            return None
        level = weighted(self.rng, (("1", 10), ("2", 35), ("3", 35), ("4", 20)))
        suffix = "(1)" if self.rng.random() < 0.03 else ""
        return f"{id_number}6{level}{suffix}"

    def special_card(self, diagnosis: str) -> str | None:
        chance = 0.45 if diagnosis in ("精神分裂症", "双相（情感）障碍", "分裂情感性障碍") else 0.2
        if self.rng.random() >= chance:
            return None
        return f"TB{self.rng.randint(2010, 2019)}{self.rng.randrange(100000):05d}"

    def residence_since(self, born: dt.date) -> str:
        """Most were born where they live; the rest came as adults (marriage, work)."""
        earliest = dt.date(born.year + 18, 1, 1)
        latest = min(dt.date(born.year + 45, 12, 31), self.today - dt.timedelta(days=365))
        if self.rng.random() < 0.7 or earliest >= latest:
            return born.isoformat()
        moved_in = earliest + dt.timedelta(days=self.rng.randrange((latest - earliest).days))
        return moved_in.isoformat()

    def patient(self, person: Person, home: Home, phone: str | None = None) -> dict:
        rng = self.rng
        diagnosis = weighted(rng, DIAGNOSIS_WEIGHTS)
        poverty = self.poverty()
        insurance_types, card_no = self.insurance(home.hukou_type, bool(poverty))
        disability_no = self.disability_cert(person.id_number)
        special_no = self.special_card(diagnosis)
        record = dict.fromkeys(RECORD_KEYS)
        record.update(
            name=person.name, id_number=person.id_number, sex=person.sex,
            birth_date=person.born.isoformat(), ethnicity=weighted(rng, ETHNICITY_WEIGHTS),
            phone=phone if phone is not None else self.patient_phone(),
            town=home.town, village=home.village, address=home.address, postcode=POSTCODE,
            hukou_type=home.hukou_type, residence_since=self.residence_since(person.born),
            police_managed=rng.random() < 0.06, diagnosis=diagnosis,
            diagnosing_institution=weighted(rng, INSTITUTION_WEIGHTS),
            disability_cert_no=disability_no, insurance_types=insurance_types,
            insurance_card_no=card_no, special_disease_card=special_no is not None,
            special_disease_card_no=special_no, poverty_statuses=poverty,
            subsidies=self.subsidies(poverty, disability_no is not None, special_no is not None),
        )
        return record

    # --- guardians ----------------------------------------------------------------------------

    def guardian_sex(self, relationship: str, patient_sex: str) -> str:
        if relationship in MALE_RELATIONS:
            return "男"
        if relationship in FEMALE_RELATIONS:
            return "女"
        if relationship == "配偶":
            return "女" if patient_sex == "男" else "男"
        return self.rng.choice("男女")

    def guardian_surname(self, relationship: str, patient: Person) -> str | None:
        """Children take the father's surname; a mother or spouse usually has her own."""
        if relationship in SAME_SURNAME:
            return patient.surname
        if relationship in ("儿子", "女儿", "孙子女") and patient.sex == "男":
            return patient.surname
        return None

    def guardian_birth(self, relationship: str, patient_born: dt.date) -> dt.date | None:
        low, high = BIRTH_OFFSETS[relationship]
        year = patient_born.year + self.rng.randint(low, high)
        born = self.date_in_year(max(year, 1901))
        age = idnumber.age_on(born, self.today)
        return born if 18 <= age <= 95 else None

    def guardian_for(self, patient: Person) -> tuple[Person, str]:
        """A relative of believable age; about ELDERLY_SHARE of them over ELDERLY_AGE."""
        age = idnumber.age_on(patient.born, self.today)
        table = next(t for limit, t in GUARDIANS_BY_AGE if age < limit)
        want_elderly = self.rng.random() < ELDERLY_SHARE
        fallback = None
        for _ in range(30):
            relationship = weighted(self.rng, table)
            born = self.guardian_birth(relationship, patient.born)
            if born is None:
                continue
            fallback = fallback or (relationship, born)
            if (idnumber.age_on(born, self.today) > ELDERLY_AGE) == want_elderly:
                break
        else:
            relationship, born = fallback or ("其他亲属", self.date_in_year(self.today.year - 45))
        sex = self.guardian_sex(relationship, patient.sex)
        return self.person(sex, born, self.guardian_surname(relationship, patient)), relationship

    def guardian_fields(self, guardian: Person | None, relationship: str | None,
                        home: Home) -> dict:
        if guardian is None and relationship is None:
            return {}
        if guardian is None:  # the village committee: no ID number, an office telephone
            office = "村委会" if home.village.endswith("村") else "居委会"
            return {"guardian_name": home.village + office, "guardian_relationship": relationship,
                    "guardian_phone": self.landline(), "guardian_id_number": None,
                    "guardian_address": f"{home.town}{home.village}", "guardian_postcode": POSTCODE}
        lives_apart = self.rng.random() < 0.2
        return {
            "guardian_name": guardian.name, "guardian_relationship": relationship,
            "guardian_phone": self.mobile() if self.rng.random() < 0.92 else self.landline(),
            "guardian_id_number": guardian.id_number,
            "guardian_address": self.address(home.town, self.rng.choice(self.villages(home.town)))
            if lives_apart else home.address,
            "guardian_postcode": POSTCODE,
        }

    # --- households ---------------------------------------------------------------------------

    def single(self) -> list[dict]:
        sex = self.rng.choice("男女")
        patient = self.person(sex, self.patient_birth())
        home = self.home()
        roll = self.rng.random()
        if roll < NO_GUARDIAN_SHARE:
            guardian, relationship = None, None
        elif roll < NO_GUARDIAN_SHARE + COMMITTEE_SHARE:
            guardian, relationship = None, "村（居）委会"
        else:
            guardian, relationship = self.guardian_for(patient)
        record = self.patient(patient, home)
        record.update(self.guardian_fields(guardian, relationship, home))
        return [record]

    def pair(self) -> list[dict]:
        """Two patients, one guardian, one address: siblings and parent, or a couple and child."""
        if self.rng.random() < 0.7:
            first, second, relationship, guardian_born = self._siblings()
        else:
            first, second, relationship, guardian_born = self._couple()
        husband_or_any = first if first.sex == "男" else second
        guardian = self.person(self.guardian_sex(relationship, first.sex), guardian_born,
                               self.guardian_surname(relationship, husband_or_any))
        home = self.home()
        shared = self.guardian_fields(guardian, relationship, home)
        shared["guardian_address"] = home.address
        return [{**self.patient(p, home), **shared} for p in (first, second)]

    def _siblings(self):
        elder_born = self.patient_birth()
        younger_year = min(elder_born.year + self.rng.randint(1, 8), LATEST_BIRTH.year)
        surname = self.rng.choice(SURNAMES)
        elder = self.person(self.rng.choice("男女"), elder_born, surname)
        younger = self.person(self.rng.choice("男女"), self.date_in_year(younger_year), surname)
        parent_year = elder_born.year - self.rng.randint(22, 35)
        if idnumber.age_on(dt.date(parent_year, 7, 1), self.today) <= 88:
            return elder, younger, self.rng.choice(("父亲", "母亲")), self.date_in_year(parent_year)
        sibling_year = self.rng.randint(elder_born.year, younger_year)
        return elder, younger, self.rng.choice(("兄弟", "姐妹")), self.date_in_year(sibling_year)

    def _couple(self):
        husband_born = self.date_in_year(self.rng.randint(EARLIEST_BIRTH.year, 1978))
        wife_year = husband_born.year + self.rng.randint(0, 5)
        husband = self.person("男", husband_born)
        wife = self.person("女", self.date_in_year(wife_year))
        child_year = min(wife_year + self.rng.randint(20, 32), self.today.year - 19)
        return husband, wife, self.rng.choice(("儿子", "女儿")), self.date_in_year(child_year)

    def households(self, patients: int) -> list[list[dict]]:
        out: list[list[dict]] = []
        remaining = patients
        while remaining > 0:
            two = remaining >= 2 and self.rng.random() < TWO_PATIENT_SHARE
            household = self.pair() if two else self.single()
            out.append(household)
            remaining -= len(household)
        return out


def generate(patients: int, seed: int, towns: Sequence[str], other_towns: Sequence[str] = (),
             today: dt.date | None = None, taken: set[str] | None = None) -> list[list[dict]]:
    """``patients`` synthetic people in households of one or two, as form values.

    ``towns`` are the demo clinic's own towns; ``other_towns`` (the rest of 江津) supply the few who
    live elsewhere. ``taken`` ID numbers are never generated (and the set is extended in place).
    """
    generator = Generator(seed, tuple(towns), tuple(other_towns), today or dt.date.today(),
                          taken if taken is not None else set())
    return generator.households(patients)
