"""A fast generator of realistic cases for the benchmarks: N cases (default 100,000) written
with bulk Core inserts into the real tables of an SQLite file or a PostgreSQL database.

Run: .venv/bin/python benchmarks/seed_cases.py URL [--cases N] [--seed S] [--today YYYY-MM-DD]
                                                   [--due-today K]
or, from a benchmark: `seed(engine, count, seed=1, today=date(...))`.

What it writes, for N cases (as of `today`, a Pacific business day):
- the schema first (`cases.persistence.migrate.upgrade`), then N rows in `cases`, numbered
  IC-<year>-<n> in receipt order, continuing the `case_number_counters` of each year (which
  are advanced, so the next registration continues gap-free). Existing rows are kept: ids
  continue after the largest, and PostgreSQL's id sequences are moved past them.
- stages spread over the whole process (received … billing enrolled, closed, withdrawn,
  deemed withdrawn), net metering (80 %) and small generator (20 %), Tiers 1/2/4, with the
  tier reasons, fee (cents), missing items and flags the rules would give; early stages were
  received in the last weeks, construction and later months ago, closed cases up to two
  years ago.
- names, addresses (Portland-area streets, cities and ZIPs), 10-digit account numbers,
  meter numbers, installers: drawn from lists large enough that fuzzy search has near
  misses to rank (e.g. several "… N Williams Ave" and several Nguyens).
- exactly 5 x N clocks (the program's and tier's clock rules, started as far as the stage
  got, plus earlier cure cycles): running and extended clocks only on open cases in the
  early stages, due in the next 60 days (few due soon, most further out, as on a desk where
  most clocks are met before their day); met and lapsed clocks due in the past. `due_today`
  running clocks (default N / 1000) are due on `today` itself: the sweep of the next
  business day lapses them (with deemed withdrawal for the incomplete cases' cure clocks
  and deemed approval for complete Tier 1 cases). As of `today` no active clock is overdue,
  as after the morning sweep.
- 2 to 3 tasks per case (the routing rules of the stages passed; the current stage's open,
  some overdue, most assigned), and a handful of events per case (case opened, fee assessed,
  clock started, task opened, the last stage change, sometimes a note).

Columns get what the mapped types expect: enums as their values, money as integer cents
(through the Money type), UTC-aware timestamps, JSON lists for tier_reasons, missing, flags
and decision_reasons. The whole seed is one transaction.
"""

from __future__ import annotations

import argparse
import bisect
import gc
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402 - needs the path above
from sqlalchemy.engine import Connection, Engine  # noqa: E402

from app.rules_files import load_catalog  # noqa: E402
from cases.calendar import BusinessCalendar  # noqa: E402
from cases.persistence import tables  # noqa: E402
from cases.persistence.database import create_database_engine  # noqa: E402
from cases.persistence.migrate import upgrade  # noqa: E402
from cases.rulebook import calendar_from_rules  # noqa: E402
from cases.rules.schema import ClockRule, Milestone, RouteRule, RuleSet  # noqa: E402

CLOCKS_PER_CASE = 5
CHUNK = 5_000
MAX_SEQUENCE = 99_999

# Stage, weight (percent of cases), days since receipt (low, high).
_STAGES: tuple[tuple[str, int, tuple[int, int]], ...] = (
    ("received", 3, (0, 3)),
    ("incomplete", 14, (2, 30)),
    ("complete", 6, (5, 30)),
    ("in_review", 12, (7, 40)),
    ("approved", 5, (20, 80)),
    ("approved_with_conditions", 2, (20, 80)),
    ("denied", 2, (5, 60)),
    ("agreement_executed", 5, (30, 120)),
    ("construction", 8, (40, 200)),
    ("local_inspection_passed", 3, (60, 220)),
    ("utility_inspection", 3, (60, 240)),
    ("meter_exchanged", 2, (70, 250)),
    ("billing_enrolled", 3, (80, 260)),
    ("closed", 22, (90, 730)),
    ("withdrawn", 6, (10, 730)),
    ("deemed_withdrawn", 6, (20, 730)),
)
_ORDER = ("received", "incomplete", "complete", "in_review", "approved", "agreement_executed", "construction",
          "local_inspection_passed", "utility_inspection", "meter_exchanged", "billing_enrolled", "closed")
TERMINAL = frozenset({"closed", "withdrawn", "deemed_withdrawn"})
# Where the active clocks are: the clocks started by these milestones run while the case is
# at these stages; everywhere else a case's clocks have stopped.
_RUNNING_AT = {
    "received": {Milestone.RECEIVED},
    "incomplete": {Milestone.MISSING_LIST_SENT},
    "complete": {Milestone.COMPLETE, Milestone.COMPLETE_NOTICE_SENT},
    "in_review": {Milestone.COMPLETE, Milestone.COMPLETE_NOTICE_SENT},
    "approved": {Milestone.APPROVED},
    "approved_with_conditions": {Milestone.APPROVED},
}
_STARTED_BY_STAGE = {  # milestones a case at the stage has passed (clocks that may exist)
    "received": (Milestone.RECEIVED,),
    "incomplete": (Milestone.RECEIVED, Milestone.MISSING_LIST_SENT),
    "complete": (Milestone.RECEIVED, Milestone.MISSING_LIST_SENT, Milestone.COMPLETE,
                 Milestone.COMPLETE_NOTICE_SENT),
}
_MILESTONE_STAGE = {Milestone.RECEIVED: "received", Milestone.COMPLETE: "complete",
                    Milestone.APPROVED: "approved", Milestone.LOCAL_INSPECTION_PASSED: "local_inspection_passed",
                    Milestone.UTILITY_INSPECTION: "utility_inspection", Milestone.METER_EXCHANGED: "meter_exchanged"}
# The milestone (as a stage) whose tasks are open while a case is at a stage.
_CURRENT_MILESTONE_STAGE = {"received": "received", "incomplete": "received", "complete": "complete",
                            "in_review": "complete", "approved": "approved", "approved_with_conditions": "approved",
                            "local_inspection_passed": "local_inspection_passed",
                            "utility_inspection": "utility_inspection", "meter_exchanged": "meter_exchanged"}
_ALL_REVIEW = (Milestone.RECEIVED, Milestone.MISSING_LIST_SENT, Milestone.COMPLETE, Milestone.COMPLETE_NOTICE_SENT,
               Milestone.OPTIONS_MEETING_REQUESTED)
_DECIDED = (*_ALL_REVIEW, Milestone.DECIDED, Milestone.APPROVED)

FIRST = ("Marcus", "Linh", "Rosa", "James", "Maria", "David", "Sarah", "Michael", "Jennifer", "Robert", "Emily",
         "Daniel", "Jessica", "Thomas", "Ashley", "Kevin", "Amanda", "Brian", "Megan", "Jason", "Laura", "Eric",
         "Rachel", "Steven", "Nicole", "Andrew", "Hannah", "Joshua", "Olivia", "Tyler", "Priya", "Wei", "Hiroshi",
         "Ana", "Carlos", "Fatima", "Ahmed", "Sofia", "Mateo", "Elena", "Ivan", "Yuki", "Minh", "Thanh", "Grace",
         "Henry", "Chloe", "Samuel", "Zoe", "Nathan", "Lily", "Owen", "Ava", "Caleb", "Nora", "Lucas", "Isla",
         "Ethan", "Ruby", "Noah", "Mia", "Liam", "Ella", "Jacob", "Aria", "Logan", "Leah", "Aaron", "Maya",
         "Dmitri", "Oksana", "Kwame", "Amara", "Tomasz", "Agnieszka", "Raj", "Anika", "Jorge", "Lucia", "Omar")
LAST = ("Bell", "Nguyen", "Delgado", "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
        "Davis", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas",
        "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark",
        "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Hill",
        "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
        "Roberts", "Tran", "Pham", "Le", "Kim", "Park", "Chen", "Wang", "Li", "Zhang", "Liu", "Patel", "Shah",
        "Singh", "Kaur", "Yamamoto", "Tanaka", "Sato", "Ivanov", "Kowalski", "Novak", "Larsen", "Olsen",
        "Johansson", "Lindqvist", "O'Brien", "Murphy", "Kelly", "Sullivan", "McCarthy", "Fischer", "Weber",
        "Schmidt", "Becker", "Hoffman", "Okafor", "Mensah", "Haddad", "Nasser", "Castillo", "Vargas", "Morales",
        "Ortiz", "Reyes", "Gutierrez", "Chavez", "Ruiz", "Alvarez", "Mendoza", "Holmquist", "Abernathy",
        "Whitfield", "Underwood", "Pemberton", "Gallagher", "Fitzgerald", "Blackwood", "Thornton", "Hawthorne")
STREETS = ("Williams", "Vancouver", "Mississippi", "Alberta", "Killingsworth", "Lombard", "Interstate",
           "Albina", "Williams", "Fremont", "Broadway", "Sandy", "Glisan", "Burnside", "Stark", "Belmont",
           "Hawthorne", "Division", "Powell", "Holgate", "Woodstock", "Foster", "Flavel", "Duke", "Tacoma",
           "Milwaukie", "Clinton", "Lincoln", "Harrison", "Salmon", "Taylor", "Yamhill", "Morrison", "Alder",
           "Washington", "Everett", "Flanders", "Irving", "Johnson", "Kearney", "Lovejoy", "Marshall",
           "Northrup", "Overton", "Pettygrove", "Quimby", "Raleigh", "Savier", "Thurman", "Upshur", "Vaughn",
           "Wilson", "Going", "Prescott", "Skidmore", "Mason", "Shaver", "Failing", "Beech", "Fargo", "Cook",
           "Ivy", "Knott", "Tillamook", "Hancock", "Thompson", "Brazee", "Klickitat", "Siskiyou", "Fremont",
           "Mallory", "Rodney", "Cleveland", "Kerby", "Commercial", "Borthwick", "Michigan", "Montana",
           "Concord", "Delaware", "Denver", "Greeley", "Wabash", "Portsmouth", "Chautauqua", "Fiske", "Peninsular",
           "Oregonian", "Columbia", "Marine", "Sunderland", "Cully", "Prescott", "Fremont", "Halsey", "Weidler",
           "Multnomah", "Tillamook", "Schuyler", "Knott", "Stanton", "Siskiyou", "Morris", "Sacramento",
           "Rosa Parks", "Ainsworth", "Holman", "Dekum", "Rosa", "Bryant", "Saratoga", "Jarrett", "Emerson",
           "Sumner", "Alberta", "Wygant", "Humboldt", "Blandena", "Shaver", "Beech", "Fargo", "Ivy", "Graham",
           "Stanton", "Russell", "Eliot", "Tillamook", "Pacific", "Oak", "Pine", "Ash", "Main", "Maple", "Cedar",
           "Elm", "Spruce", "Hemlock", "Madrona", "Laurelhurst", "Glenn", "Cesar Chavez", "Reedway", "Raymond",
           "Steele", "Bybee", "Tenino", "Umatilla", "Lexington", "Nehalem", "Ochoco", "Spokane", "Harney",
           "Clatsop", "Linn", "Malden", "Tolman", "Ramona", "Knapp", "Ellis", "Henry", "Boise", "Ellsworth")
STREET_TYPES = ("Ave", "St", "Blvd", "Ct", "Pl", "Dr", "Rd", "Way", "Ln")
DIRECTIONS = ("N", "NE", "SE", "SW", "NW", "N", "NE", "SE", "SE", "NE")
CITIES = (("Portland", ("97201", "97202", "97203", "97206", "97209", "97210", "97211", "97212", "97213",
                        "97214", "97215", "97217", "97218", "97219", "97220", "97221", "97227", "97230",
                        "97232", "97236", "97239", "97266")),
          ("Beaverton", ("97005", "97006", "97007", "97008")), ("Gresham", ("97030", "97080")),
          ("Hillsboro", ("97123", "97124")), ("Tigard", ("97223", "97224")), ("Lake Oswego", ("97034", "97035")),
          ("Milwaukie", ("97222", "97267")), ("Oregon City", ("97045",)), ("Tualatin", ("97062",)),
          ("West Linn", ("97068",)), ("Salem", ("97301", "97302", "97304", "97305", "97306")),
          ("Keizer", ("97303",)), ("Wilsonville", ("97070",)), ("Canby", ("97013",)), ("Sherwood", ("97140",)),
          ("Happy Valley", ("97086",)), ("Troutdale", ("97060",)), ("Forest Grove", ("97116",)))
CITY_WEIGHTS = (50, 6, 6, 6, 4, 4, 3, 2, 2, 2, 6, 2, 1, 1, 1, 1, 1, 2)
BUSINESSES = ("Cold Storage", "Brewing", "Dental Group", "Auto Body", "Farms", "Nursery", "Storage",
              "Warehouse", "School District", "Church", "Community Center", "Machine Works", "Bakery",
              "Veterinary Clinic", "Apartments", "Distribution", "Foods", "Lumber", "Dairy", "Winery")
BUSINESS_PREFIX = ("Willamette", "Columbia", "Cascade", "Rose City", "Tualatin", "Clackamas", "Multnomah",
                   "Pacific", "Mt Hood", "Sandy River", "Sauvie", "Pearl", "Alberta", "Hawthorne", "Sellwood",
                   "St Johns", "Laurelhurst", "Powell Butte", "Forest Park", "Oak Grove", "Cedar Hills",
                   "Bethany", "Tabor", "Kenton", "Montavilla")
INSTALLERS = ("Sunbridge Solar", "Bridgetown Solar", "Elemental Energy", "Imagine Energy", "Sunlight Solar",
              "Synergy Solar", "Mr. Sun Solar", "Energy Service Partners", "NW Electric & Solar",
              "Grayscale Solar", "Sunmodo Installs", "Abundant Solar", "Solar Northwest", "Cascade Renewables",
              "Rose City Solar", "Evergreen Power", "Pacific Sun Co", "Columbia Solar Works", "Tesla Energy",
              "Sunrun", "Willamette Solar", "Oregon Solar Solutions", "Green Ridge Energy", "Summit Solar",
              "Lumina Solar", "Northwest Battery Co", "Gorge Hydro Services", "Coast Wind & Power")
INSTALLER_CONTACTS = ("Dana Ruiz", "Alex Kim", "Jordan Lee", "Casey Morgan", "Riley Chen", "Morgan Patel",
                      "Jamie Ortiz", "Taylor Brooks", "Sam Nakamura", "Drew Larsen", "Avery Singh", "Quinn Walsh")
INVERTERS = (("SolarEdge", "SE7600H-US"), ("SolarEdge", "SE10000H-US"), ("Enphase", "IQ8PLUS-72-2-US"),
             ("Enphase", "IQ8M-72-2-US"), ("SMA", "Sunny Boy 7.7-US"), ("Fronius", "Primo 8.2-1"),
             ("Tesla", "Powerwall 3"), ("Generac", "PWRcell XVT076A03"), ("SMA", "Sunny Tripower CORE1 62-US"),
             ("Chint", "CPS SCA60KTL-DO/US"), ("Sungrow", "SG125HV"), ("Yaskawa", "PVI 60TL"))
STAFF = ("U01COORD1", "U01COORD2", "U01COORD3", "U01COORD4", "U02PROT1", "U02PROT2", "U02PROT3", "U03METER1",
         "U03METER2", "U04BILL1", "U04BILL2", "U05MGR1")
_TEAM_STAFF = {"coordinator": STAFF[:4], "protection": STAFF[4:7], "metering": STAFF[7:9], "billing": STAFF[9:11]}
NOTES = ("called the installer about the one-line diagram", "customer asked about battery backup",
         "left a voicemail for the applicant", "site visit confirmed with the homeowner",
         "installer says the revised site plan is coming this week", "meter access: dog in the back yard",
         "transformer loading checked: fine", "customer asked when billing starts")
DOCUMENTS_MISSING = ("a one-line diagram showing the AC disconnect and the utility meter",
                     "a site plan showing the disconnect's location and its distance to the meter",
                     "an inverter specification sheet", "proof of site control (deed, lease or tax bill)",
                     "meter number", "applicant's signature", "account number")
NM_FEES = {1: Decimal("0.00"), 2: Decimal("50.00"), 4: Decimal("100.00")}
SG_FEES = {1: Decimal("100.00"), 2: Decimal("500.00"), 4: None}


@dataclass
class SeedReport:
    """What a seed wrote, and how long it took."""

    cases: int
    clocks: int
    tasks: int
    events: int
    seconds: float
    today: date
    first_number: str
    last_number: str
    due_today: int
    stages: Counter[str] = field(default_factory=Counter)
    clock_status: Counter[str] = field(default_factory=Counter)
    open_tasks: int = 0
    numbers_by_year: dict[int, tuple[int, int]] = field(default_factory=dict)

    def line(self) -> str:
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(self.clock_status.items()) if v)
        return (f"seeded {self.cases} cases ({self.first_number} … {self.last_number}), {self.clocks} clocks "
                f"({statuses}), {self.tasks} tasks ({self.open_tasks} open), {self.events} events in "
                f"{self.seconds:.1f} s; as of {self.today}, {self.due_today} running clocks due that day")


class _Days:
    """Business days around `today`, for index arithmetic instead of day-by-day loops."""

    def __init__(self, calendar: BusinessCalendar, today: date, back: int, ahead: int) -> None:
        start, end = today - timedelta(days=back), today + timedelta(days=ahead)
        self.days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        self.days = [d for d in self.days if calendar.is_business_day(d)]
        self.today_index = bisect.bisect_left(self.days, today)

    def index(self, day: date) -> int:
        """The index of `day`, or of the next business day."""
        return bisect.bisect_left(self.days, day)

    def at(self, index: int) -> date:
        return self.days[max(0, min(index, len(self.days) - 1))]


@dataclass
class _Ids:
    cases: int
    clocks: int
    tasks: int
    events: int


def _next_ids(connection: Connection) -> _Ids:
    def top(table: sa.Table) -> int:
        return int(connection.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one())
    return _Ids(top(tables.cases), top(tables.clocks), top(tables.tasks), top(tables.events))


class _FastRandom(random.Random):
    """`random.Random` with choice/randint/randrange from one `random()` call each: the
    library's versions (rejection sampling on bits) are most of a seed's time otherwise."""

    def choice(self, seq: Any) -> Any:
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:  # type: ignore[override]
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))


class _Generator:
    def __init__(self, rules: RuleSet, calendar: BusinessCalendar, today: date, rng: random.Random) -> None:
        self.rules, self.calendar, self.today, self.rng = rules, calendar, today, rng
        self.zone = calendar.zone
        self.days = _Days(calendar, today, back=800, ahead=120)
        self.clock_rules = rules.clocks
        self.routes = rules.routing
        self.accounts: set[str] = set()
        self._clock_cache: dict[tuple[str, int, tuple[Milestone, ...]], list[ClockRule]] = {}
        self._route_cache: dict[tuple[str, int, frozenset[str]], list[RouteRule]] = {}
        self.addresses: set[tuple[str, str]] = set()

    # -- parties --------------------------------------------------------------------------

    def _person(self) -> str:
        rng = self.rng
        first, last = rng.choice(FIRST), rng.choice(LAST)
        if rng.random() < 0.12:
            return f"{first} and {rng.choice(FIRST)} {last}"
        if rng.random() < 0.08:
            return f"{first} {rng.choice(LAST)}-{last}"
        return f"{first} {last}"

    def _address(self) -> tuple[str, str, str]:
        rng = self.rng
        city, zips = rng.choices(CITIES, weights=CITY_WEIGHTS)[0]
        while True:
            number = rng.randint(100, 19999) if rng.random() < 0.8 else rng.randint(1, 99)
            street = (f"{number} {rng.choice(DIRECTIONS)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"
                      if city == "Portland" else f"{number} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}")
            if (street, city) not in self.addresses:
                self.addresses.add((street, city))
                return street, city, rng.choice(zips)

    def _account(self) -> str:
        while True:
            account = f"{self.rng.randrange(10**9, 10**10)}"
            if account not in self.accounts:
                self.accounts.add(account)
                return account

    # -- one case -------------------------------------------------------------------------

    def case(self, case_id: int, number: str, stage: str, received_at: datetime, program: str,  # noqa: PLR0912
             tier: int) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]],
                                 list[tuple[int, str, str]]]:
        """The case row, its clocks, tasks and events; plus the active clocks as
        (index in the clock list, due-date slot, on_lapse) for the due-date shaping."""
        rng = self.rng
        residential = program == "net_metering" and rng.random() < (0.9 if tier == 1 else 0.15)
        street, city, zip_code = self._address()
        if residential:
            name = self._person()
        else:
            name = f"{rng.choice(BUSINESS_PREFIX)} {rng.choice(BUSINESSES)}"
            if rng.random() < 0.3:
                name += " LLC"
        if tier == 1:
            kw = rng.choice((3.8, 5.0, 6.0, 7.6, 7.6, 7.6, 9.6, 10.0, 11.4, 12.0, 15.2) if residential
                            else (15.0, 20.0, 24.0, 25.0))
        elif tier == 2:
            kw = float(rng.choice((30, 50, 60, 100, 150, 250, 500)))
        else:
            kw = float(rng.choice((1000, 1500, 2000) if program == "net_metering" else (1000, 2500, 3000, 5000)))
        storage = rng.random() < 0.2
        manufacturer, model = rng.choice(INVERTERS)
        installer = rng.choice(INSTALLERS)
        slug = installer.lower().replace(" ", "").replace(".", "").replace("&", "")
        received_day = received_at.astimezone(self.zone).date()
        reached = self._reached(stage)
        fees = NM_FEES if program == "net_metering" else SG_FEES
        fee = fees[tier]
        missing: list[str] = []
        if stage == "incomplete":
            missing = rng.sample(DOCUMENTS_MISSING, rng.randint(1, 3))
            if fee and rng.random() < 0.5:
                missing.append(f"the application fee: ${fee} outstanding of ${fee}")
        flags = []
        if fee is None:
            flags.append("no fee set by rule for Tier 4: the coordinator sets it (OAR 860-082-0025 "
                         "(fee text not retrieved))")
        if program == "net_metering" and rng.random() < 0.03:
            flags.append("customer class not stated: residential assumed")
        stage_at = self._stage_time(received_at, stage)
        complete_at = (received_at + (stage_at - received_at) * 0.3) if "complete" in reached else None
        decided = stage in ("approved", "approved_with_conditions", "denied") or (
            "approved" in reached and stage not in ("withdrawn", "deemed_withdrawn"))
        decided_at = (received_at + (stage_at - received_at) * 0.6) if decided and stage != "approved" else (
            stage_at if decided else None)
        reasons = []
        if stage == "approved_with_conditions":
            reasons = ["approved with conditions: a visible, lockable AC disconnect within 10 ft of the meter"]
        elif stage == "denied":
            reasons = ["fails the screens: aggregate generation exceeds 15 % of the line section peak load"]
        elif decided:
            reasons = ["approved"]
        signed = stage != "incomplete" or rng.random() < 0.8
        row = {
            "id": case_id, "number": number, "received_at": received_at, "program": program,
            "customer_class": "residential" if residential else "non_residential",
            "rule_version": self.rules.version, "stage": stage, "tier": tier,
            "tier_reasons": self._tier_reasons(program, tier, kw), "eligible": stage != "denied" or rng.random() < 0.5,
            "signed": signed, "signature_date": received_day - timedelta(days=rng.randint(0, 10)) if signed else None,
            "fee_due_usd": fee, "missing": missing, "flags": flags,
            "deemed_complete_at": complete_at, "decided_at": decided_at, "decision_reasons": reasons,
            "applicant_name": name,
            "applicant_email": f"{name.split(' ')[0].lower()}.{name.split(' ')[-1].lower()}{case_id % 97}@example.com",
            "applicant_phone": f"503555{rng.randrange(10000):04d}",
            "applicant_mailing_address": f"{street}, {city}, OR {zip_code}",
            "site_address": street, "site_city": city, "site_state": "OR", "site_zip": zip_code,
            "site_account_number": self._account(), "site_meter_number": f"M{rng.randrange(100000, 999999)}",
            "installer_company": installer, "installer_contact": rng.choice(INSTALLER_CONTACTS),
            "installer_email": f"permits@{slug}.example", "installer_phone": f"971555{rng.randrange(10000):04d}",
            "installer_license": f"{rng.randrange(100000, 240000)}",
            "facility_type": "solar_storage" if storage else "solar",
            "facility_nameplate_kw_ac": kw, "facility_nameplate_kw_dc": round(kw * 1.2, 1),
            "facility_export_kw": kw, "facility_inverter_manufacturer": manufacturer,
            "facility_inverter_model": model, "facility_inverter_quantity": 1 if kw < 20 else math.ceil(kw / 60),
            "facility_inverter_ul1741": tier != 4 or rng.random() < 0.5,
            "facility_storage_kwh": 13.5 if storage else None, "facility_storage_kw": 5.0 if storage else None,
        }
        clocks, active = self._clocks(case_id, program, tier, stage, received_day)
        tasks = self._tasks(case_id, program, tier, stage, received_at, stage_at, reached)
        events = self._events(case_id, row, stage, stage_at, clocks, tasks)
        return row, clocks, tasks, events, active

    @staticmethod
    def _reached(stage: str) -> set[str]:
        if stage in _ORDER:
            return set(_ORDER[:_ORDER.index(stage) + 1]) | ({"approved"} if stage in _ORDER[5:] else set())
        if stage == "approved_with_conditions":
            return set(_ORDER[:4]) | {"approved"}
        if stage == "denied":
            return set(_ORDER[:4])
        return {"received", "incomplete"}

    def _stage_time(self, received_at: datetime, stage: str) -> datetime:
        now = datetime.combine(self.today, clock_time(8, 0), self.zone).astimezone(UTC)
        span = (now - received_at).total_seconds()
        return received_at + timedelta(seconds=span * self.rng.uniform(0.4, 0.98))

    @staticmethod
    def _tier_reasons(program: str, tier: int, kw: float) -> list[str]:
        if program == "net_metering":
            if tier == 1:
                return ["Tier 1: inverter-based: OAR 860-039-0030(1)",
                        f"Tier 1: nameplate {kw:g} kW <= 50 kW: OAR 860-039-0030(1)",
                        f"Tier 1: export {kw:g} kW <= 25 kW: OAR 860-039-0030(1)"]
            if tier == 2:
                return [f"not Tier 1: export {kw:g} kW > 25 kW: OAR 860-039-0030(1)",
                        f"Tier 2: nameplate {kw:g} kW <= 2000 kW: OAR 860-039-0035(1)"]
            return [f"not Tier 2: nameplate {kw:g} kW > 2000 kW: OAR 860-039-0035(1)",
                    f"Tier 4: nameplate {kw:g} kW <= 2000 kW: OAR 860-039-0040(1)"]
        if tier == 1:
            return [f"Tier 1: nameplate {kw:g} kW <= 25 kW: OAR 860-082-0045(1)(a)"]
        if tier == 2:
            return [f"not Tier 1: export {kw:g} kW > 25 kW: OAR 860-082-0045(1)(a)",
                    f"Tier 2: nameplate {kw:g} kW <= 2000 kW: OAR 860-082-0050(1)"]
        return [f"not Tier 1: nameplate {kw:g} kW > 50 kW: OAR 860-082-0045(1)(a)",
                "not Tier 2: inverter not UL 1741 listed: OAR 860-082-0050(1) (lab-tested equipment)",
                f"Tier 4: nameplate {kw:g} kW <= 10000 kW: OAR 860-082-0060(1)"]

    def _rules_of(self, program: str, tier: int, milestones: tuple[Milestone, ...]) -> list[ClockRule]:
        key = (program, tier, milestones)
        found = self._clock_cache.get(key)
        if found is None:
            found = self._clock_cache[key] = [
                r for r in self.clock_rules if program in {p.value for p in r.programs}
                and (r.tiers is None or tier in r.tiers) and r.starts_on in milestones]
        return found

    def _routes_of(self, program: str, tier: int, reached: frozenset[str]) -> list[RouteRule]:
        key = (program, tier, reached)
        found = self._route_cache.get(key)
        if found is None:
            found = self._route_cache[key] = [
                r for r in self.routes
                if program in {p.value for p in r.programs} and (r.tiers is None or tier in r.tiers)
                and _MILESTONE_STAGE.get(r.opens_on) in reached and r.when in ("always", "fee_required")]
        return found

    def _clocks(self, case_id: int, program: str, tier: int, stage: str,
                received_day: date) -> tuple[list[dict[str, Any]], list[tuple[int, str, str]]]:
        rng, days = self.rng, self.days
        started = _STARTED_BY_STAGE.get(stage, _ALL_REVIEW if stage in ("in_review", "withdrawn",
                                                                         "deemed_withdrawn") else _DECIDED)
        running_milestones = _RUNNING_AT.get(stage, set())
        start_index = days.index(received_day)
        today_index = days.today_index
        clocks, active = [], []
        for offset, rule in enumerate(self._rules_of(program, tier, started)):
            if rule.starts_on == Milestone.OPTIONS_MEETING_REQUESTED and rng.random() < 0.7:
                continue
            begin = min(start_index + offset * 2 + rng.randint(0, 3), today_index)
            row = {
                "case_id": case_id, "name": rule.name, "title": rule.title, "citation": rule.citation,
                "started_on": days.at(begin), "due_on": None, "on_lapse": rule.on_lapse.value,
                "verified": rule.verified, "status": None, "stopped_on": None, "original_due_on": None,
                "extended_by": None, "extension_reason": None,
            }
            if rule.starts_on in running_milestones:
                active.append((len(clocks), "extended" if rng.random() < 0.12 else "running", rule.on_lapse.value))
            else:
                self._stopped(row, begin, rule.days)
            clocks.append(row)
        return clocks, active

    def _stopped(self, row: dict[str, Any], begin: int, length: int) -> None:
        """Met (on time, 85 %) or lapsed, and in the past."""
        rng, days = self.rng, self.days
        latest = days.today_index - 1  # stopped by yesterday
        if begin >= latest:  # the case's timeline is compressed near today: started some days ago
            begin = latest - int(rng.random() * length)
        row["started_on"] = days.at(begin)
        due = begin + length
        if due > latest or rng.random() < 0.85:  # a clock not yet due can only have been met
            stop = begin + int(rng.random() * (min(length, latest - begin) + 1))
            row["status"], row["due_on"], row["stopped_on"] = "met", days.at(due), days.at(stop)
        else:
            row["status"], row["due_on"], row["stopped_on"] = "lapsed", days.at(due), days.at(due)

    def extra_clock(self, case_id: int, program: str, received_day: date) -> dict[str, Any]:
        """An earlier cure cycle (met or lapsed): the applicant was asked for more than once."""
        name = "nm_cure_missing_info" if program == "net_metering" else "sg_cure_missing_info"
        rule = next(r for r in self.clock_rules if r.name == name)
        begin = min(self.days.index(received_day) + self.rng.randint(1, 4), self.days.today_index - 1)
        row = {
            "case_id": case_id, "name": rule.name, "title": rule.title, "citation": rule.citation,
            "started_on": self.days.at(begin), "due_on": None, "on_lapse": rule.on_lapse.value,
            "verified": rule.verified, "status": None, "stopped_on": None, "original_due_on": None,
            "extended_by": None, "extension_reason": None,
        }
        self._stopped(row, begin, rule.days)
        return row

    def shape_active(self, row: dict[str, Any], kind: str, due_today: bool) -> None:
        """Due in the next 60 days, few soon and most further out (most clocks are met before
        their day), or due today."""
        days, rng = self.days, self.rng
        if due_today:
            due = days.today_index
        else:
            horizon = days.index(self.today + timedelta(days=60)) - days.today_index
            due = days.today_index + 1 + int((horizon - 1) * math.sqrt(rng.random()))
        row["due_on"], row["status"] = days.at(due), kind
        if row["started_on"] > row["due_on"]:
            row["started_on"] = days.at(days.today_index - 1)
        if kind == "extended":
            row["original_due_on"] = days.at(min(due - rng.randint(3, 15), days.today_index + 5))
            row["extended_by"] = self._person()
            row["extension_reason"] = rng.choice(("waiting for the revised one-line diagram",
                                                  "applicant travelling", "installer backlog"))

    def _tasks(self, case_id: int, program: str, tier: int, stage: str, received_at: datetime,
               stage_at: datetime, reached: set[str]) -> list[dict[str, Any]]:
        rng, days = self.rng, self.days
        routes = self._routes_of(program, tier, frozenset(reached))
        current = _CURRENT_MILESTONE_STAGE.get(stage)
        chosen = routes[-3:] if len(routes) >= 3 and rng.random() < 0.5 else routes[-2:]
        if len(chosen) < 2:
            confirm = next(r for r in self.routes if r.kind == "confirm_customer_class")
            chosen = [*chosen, confirm] if program == "net_metering" else [*chosen, chosen[0]]
        tasks = []
        for route in chosen:
            is_open = current is not None and _MILESTONE_STAGE.get(route.opens_on) == current and stage not in TERMINAL
            opened_at = stage_at if is_open else received_at + (stage_at - received_at) * rng.uniform(0, 0.7)
            opened_day = opened_at.astimezone(self.zone).date()
            due = days.at(days.index(opened_day) + (route.due_business_days or 5))
            if is_open:  # opened in the last days or weeks: about a quarter are overdue now
                opened_index = days.today_index - int((route.due_business_days or 5) * 1.3 * rng.random())
                opened_at = datetime.combine(days.at(opened_index), clock_time(9, 30), self.zone).astimezone(UTC)
                due = days.at(opened_index + (route.due_business_days or 5))
            team = route.team.value
            status = "open" if is_open else ("cancelled" if stage in ("withdrawn", "deemed_withdrawn") else "done")
            done_at = None if is_open else opened_at + timedelta(hours=rng.randint(2, 200))
            tasks.append({
                "case_id": case_id, "team": team, "kind": route.kind, "title": route.title, "status": status,
                "assignee": rng.choice(_TEAM_STAFF[team]) if rng.random() < 0.7 else None, "due_on": due,
                "opened_at": opened_at, "done_at": done_at if status == "done" else None,
                "done_by": rng.choice(_TEAM_STAFF[team]) if status == "done" else None,
                "advances_to": route.advances_to,
            })
        return tasks

    def _events(self, case_id: int, row: dict[str, Any], stage: str, stage_at: datetime,
                clocks: list[dict[str, Any]], tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        received_at = row["received_at"]
        events = [
            {"case_id": case_id, "at": received_at, "actor": "intake", "action": "case opened",
             "changes": {"program": [None, row["program"]], "tier": [None, row["tier"]],
                         "rule_version": [None, row["rule_version"]], "flags": [None, row["flags"]]},
             "note": "; ".join(row["tier_reasons"])},
            {"case_id": case_id, "at": received_at, "actor": "intake", "action": "fee assessed",
             "changes": {"fee_due_usd": [None, None if row["fee_due_usd"] is None else str(row["fee_due_usd"])]},
             "note": None},
        ]
        if clocks:
            clock = clocks[0]
            events.append({"case_id": case_id, "at": received_at, "actor": "intake", "action": "clock started",
                           "changes": {f"clock {clock['name']}": [None, f"due {clock['due_on']}"]}, "note": None})
        if tasks:
            task = tasks[0]
            events.append({"case_id": case_id, "at": task["opened_at"], "actor": "intake", "action": "task opened",
                           "changes": {"task": [None, f"{task['team']}: {task['title']}"]}, "note": None})
        if stage != "received":
            before = {"closed": "billing_enrolled" if row["program"] == "net_metering" else "meter_exchanged",
                      "withdrawn": "in_review", "deemed_withdrawn": "incomplete", "incomplete": "received",
                      "denied": "in_review", "approved_with_conditions": "in_review"}.get(stage)
            if before is None:
                before = _ORDER[_ORDER.index(stage) - 1] if stage in _ORDER else "received"
            events.append({"case_id": case_id, "at": stage_at, "actor": self.rng.choice(STAFF),
                           "action": "stage changed", "changes": {"stage": [before, stage]},
                           "note": row["decision_reasons"][0] if row["decision_reasons"] else None})
        if self.rng.random() < 0.3:
            events.append({"case_id": case_id, "at": stage_at, "actor": self.rng.choice(STAFF[:4]),
                           "action": "note added", "changes": {}, "note": self.rng.choice(NOTES)})
        return events


def _plan(rng: random.Random, count: int, today: date, zone: Any,
          calendar: BusinessCalendar) -> list[tuple[datetime, str, str, int]]:
    """(received_at, stage, program, tier) for every case, in receipt order."""
    names = tuple(s[0] for s in _STAGES)
    weights = tuple(s[1] for s in _STAGES)
    ages = {s[0]: s[2] for s in _STAGES}
    midnight = datetime.combine(today, clock_time(0), zone)
    plan = []
    for drawn in rng.choices(names, weights=weights, k=count):
        program = "net_metering" if rng.random() < 0.8 else "small_generator"
        # small generators close after the meter: no net-metering billing enrolment
        stage = "meter_exchanged" if program == "small_generator" and drawn == "billing_enrolled" else drawn
        tier = rng.choices((1, 2, 4), weights=(70, 22, 8))[0]
        low, high = ages[stage]
        day = today - timedelta(days=rng.randint(low, high))
        while not calendar.is_business_day(day):
            day -= timedelta(days=1)
        at = datetime.combine(day, clock_time(rng.randint(7, 16), rng.randint(0, 59), rng.randint(0, 59)), zone)
        if day == today and at > midnight + timedelta(hours=8):
            at = midnight + timedelta(hours=7, minutes=rng.randint(0, 59))
        plan.append((at.astimezone(UTC), stage, program, tier))
    plan.sort(key=lambda p: p[0])
    return plan


def _reserve_numbers(connection: Connection, plan: list[tuple[datetime, str, str, int]],
                     zone: Any) -> tuple[list[str], dict[int, tuple[int, int]]]:
    """Case numbers in receipt order, continuing each year's counter; the counters move on."""
    counters = tables.case_number_counters
    last = {row.year: row.last_sequence for row in connection.execute(sa.select(counters))}
    numbers, used = [], {}
    for received_at, *_ in plan:
        year = received_at.astimezone(zone).year
        sequence = last.get(year, 0) + 1
        if sequence > MAX_SEQUENCE:
            raise SystemExit(f"more than {MAX_SEQUENCE} cases in {year}: seed fewer cases")
        last[year] = sequence
        first = used.get(year, (sequence, sequence))[0]
        used[year] = (first, sequence)
        numbers.append(f"IC-{year:04d}-{sequence:05d}")
    for year, (_, sequence) in used.items():
        updated = connection.execute(counters.update().where(counters.c.year == year).values(last_sequence=sequence))
        if updated.rowcount == 0:
            connection.execute(counters.insert().values(year=year, last_sequence=sequence))
    return numbers, used


def _bulk_insert(connection: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` into `table` in one executemany, each value passed through its column
    type's own bind processor (what `connection.execute(table.insert(), rows)` does row by row,
    done here column by column). PostgreSQL takes SQLAlchemy's own batched multi-row insert."""
    if not rows:
        return
    dialect = connection.dialect
    if dialect.paramstyle != "qmark":
        connection.execute(table.insert(), rows)
        return
    keys = [column.key for column in table.columns]
    compiled = table.insert().compile(dialect=dialect, column_keys=keys)
    assert compiled.positiontup == keys, compiled.positiontup
    columns = list(zip(*map(itemgetter(*keys), rows), strict=True))
    for position, column in enumerate(table.columns):
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            columns[position] = tuple(map(process, columns[position]))
    connection.exec_driver_sql(str(compiled), list(zip(*columns, strict=True)))


def _chunks(count: int, size: int) -> Iterator[range]:
    for start in range(0, count, size):
        yield range(start, min(start + size, count))


def seed(engine: Engine, count: int = 100_000, *, seed: int = 1, today: date | None = None,
         due_today: int | None = None, rules_dir: Path | None = None, verbose: bool = False) -> SeedReport:
    """Write `count` cases (5 clocks, 2 to 3 tasks and a handful of events each) into the database
    of `engine`, as of `today` (a Pacific date; default: today), in one transaction."""
    started = time.perf_counter()
    # Millions of short-lived dicts and tuples: the cyclic collector would otherwise scan
    # them again and again (a third of the time); nothing here makes reference cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _seed(engine, count, seed, today, due_today, rules_dir, verbose, started)
    finally:
        if collecting:
            gc.enable()


def _seed(engine: Engine, count: int, seed: int, today: date | None, due_today: int | None,  # noqa: PLR0912, PLR0915
          rules_dir: Path | None, verbose: bool, started: float) -> SeedReport:
    catalog = load_catalog(rules_dir)
    calendar = calendar_from_rules(catalog)
    zone = calendar.zone
    today = today or datetime.now(zone).date()
    if not calendar.is_business_day(today):
        raise SystemExit(f"{today} is not a business day: pick one for --today")
    due_today = count // 1000 if due_today is None else due_today
    rng = _FastRandom(seed)
    upgrade(engine)
    plan = _plan(rng, count, today, zone, calendar)
    rules = catalog.for_date(plan[0][0].astimezone(zone).date())
    generator = _Generator(rules, calendar, today, rng)
    report = SeedReport(0, 0, 0, 0, 0.0, today, "", "", 0)
    with engine.begin() as connection:
        ids = _next_ids(connection)
        numbers, report.numbers_by_year = _reserve_numbers(connection, plan, zone)
        made = 0
        due_today_left = due_today
        for chunk in _chunks(count, CHUNK):
            case_rows, clock_rows, task_rows, event_rows = [], [], [], []
            active_rows: list[tuple[dict[str, Any], str, str]] = []
            for i in chunk:
                received_at, stage, program, tier = plan[i]
                case_id = ids.cases + 1 + i
                row, clocks, tasks, events, active = generator.case(case_id, numbers[i], stage, received_at,
                                                                   program, tier)
                case_rows.append(row)
                # Fill up to 5 clocks a case on average with earlier cure cycles (the applicant
                # was asked for more than once), for cases past the receipt stage.
                deficit = CLOCKS_PER_CASE * (i + 1) - made - len(clocks)
                extra = deficit if i == count - 1 else min(deficit, rng.randint(1, 5))
                if (stage != "received" or i == count - 1) and extra > 0:
                    day = received_at.astimezone(zone).date()
                    clocks[:0] = [generator.extra_clock(case_id, program, day) for _ in range(extra)]
                    active = [(index + extra, kind, lapse) for index, kind, lapse in active]
                made += len(clocks)
                for index, kind, lapse in active:
                    active_rows.append((clocks[index], kind, lapse))
                for clock in clocks:
                    report.clock_status[clock["status"] or "active"] += 1
                clock_rows.extend(clocks)
                task_rows.extend(tasks)
                event_rows.extend(events)
                report.stages[stage] += 1
            # Due today: running clocks of this chunk, in proportion to what is left.
            running = [r for r in active_rows if r[1] == "running"]
            share = round(due_today_left * len(chunk) / (count - chunk.start))
            today_rows = {id(r[0]) for r in (rng.sample(running, min(share, len(running))) if running else [])}
            due_today_left -= len(today_rows)
            report.due_today += len(today_rows)
            for clock, kind, _ in active_rows:
                generator.shape_active(clock, kind, id(clock) in today_rows)
                report.clock_status["active"] -= 1
                report.clock_status[kind] += 1
            for n, clock in enumerate(clock_rows, start=ids.clocks + 1):
                clock["id"] = n
            for n, task in enumerate(task_rows, start=ids.tasks + 1):
                task["id"] = n
            for n, event in enumerate(event_rows, start=ids.events + 1):
                event["id"] = n
            ids.clocks += len(clock_rows)
            ids.tasks += len(task_rows)
            ids.events += len(event_rows)
            _bulk_insert(connection, tables.cases, case_rows)
            _bulk_insert(connection, tables.clocks, clock_rows)
            _bulk_insert(connection, tables.tasks, task_rows)
            _bulk_insert(connection, tables.events, event_rows)
            report.cases += len(case_rows)
            report.clocks += len(clock_rows)
            report.tasks += len(task_rows)
            report.open_tasks += sum(1 for t in task_rows if t["status"] == "open")
            report.events += len(event_rows)
            if verbose:
                print(f"  {report.cases} cases … {time.perf_counter() - started:.1f} s", file=sys.stderr)
        if connection.dialect.name == "postgresql":
            for table in (tables.cases, tables.clocks, tables.tasks, tables.events):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608 - fixed names
                    f"(SELECT max(id) FROM {table.name}))")
    if engine.dialect.name == "postgresql":
        # What autovacuum would do soon after a bulk load: statistics for the planner.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
    report.first_number, report.last_number = numbers[0], numbers[-1]
    report.seconds = time.perf_counter() - started
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="sqlite:///path.db or postgresql+psycopg://user@host/db")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="as-of Pacific date (a business day)")
    parser.add_argument("--due-today", type=int, default=None, help="running clocks due on --today (default N/1000)")
    args = parser.parse_args()
    engine = create_database_engine(args.url)
    try:
        report = seed(engine, args.cases, seed=args.seed, today=args.today, due_today=args.due_today, verbose=True)
    finally:
        engine.dispose()
    print(report.line())
    print("stages: " + ", ".join(f"{k} {v}" for k, v in report.stages.most_common()))


if __name__ == "__main__":
    main()
