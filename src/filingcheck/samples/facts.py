"""The invented facts of one dossier, kept apart from drawing so defects can edit them before any page."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from filingcheck.models.uscc import ALPHABET, check_character
from filingcheck.samples import vocab

APPLICATION_TYPE_TEXT = "国产保健食品注册"


@dataclass
class Place:
    """An address broken into parts, so a defect can change one part and keep the rest."""

    province: str
    province_code: str
    abbr: str
    city: str
    district: str
    district_code: str
    street: str
    number: int
    extra: str

    @property
    def text(self) -> str:
        head = self.province if self.province == self.city else self.province + self.city
        return f"{head}{self.district}{self.street}{self.number}号{self.extra}"


@dataclass
class Company:
    """An organisation as it calls itself on the application form."""

    name: str
    place: Place
    legal_rep: str

    @property
    def address(self) -> str:
        return self.place.text


@dataclass
class Licence:
    """What the business licence copy prints."""

    uscc: str
    name: str
    address: str
    legal_rep: str
    kind: str
    capital: str
    founded_on: dt.date
    term_end: dt.date | None
    authority: str
    scope: str
    issued_on: dt.date

    @property
    def term(self) -> str:
        end = "长期" if self.term_end is None else self.term_end.isoformat()
        return f"{self.founded_on.isoformat()}/{end}"


@dataclass
class FormulaLine:
    ingredient: str
    amount: str
    unit: str
    excipient: bool


@dataclass
class TestReport:
    """One test report; ``n_pages`` 1 or 2, ``seal_mode`` 'straddle' or 'each' for two pages."""

    number: str
    title: str
    institution: str
    issued_on: dt.date
    received_on: dt.date
    sample_name: str
    submitter: str
    manufacturer: str
    batch: str
    conclusion: str
    n_pages: int
    seal_mode: str
    seals_missing: bool = False
    # What the report's own pages print where they depart from its application form (a planted
    # defect): field name (sample_name, submitter, manufacturer, batch) → printed text.
    printed: dict[str, str] = field(default_factory=dict)

    def shown(self, name: str) -> str:
        """The value the report's pages print for ``name``."""
        value: str = self.printed.get(name, getattr(self, name))
        return value


@dataclass
class Facts:
    """Everything printed in the dossier; defects edit these before the pages are drawn."""

    seed: int
    submitted_on: dt.date
    brand: str
    kind: vocab.ProductKind
    form: vocab.DosageForm
    product_name: str
    applicant: Company
    licence: Licence
    trial_unit: Company
    test_unit: str
    acceptance_number: str
    contact: str
    phone: str
    formula: list[FormulaLine]
    basis: str
    reports: list[TestReport]
    seal_name: str = ""
    odd_cover_product: str | None = None
    electronic: dict[str, str] = field(default_factory=dict)
    formula_in_percent: bool = False
    unsealed_page: bool = False
    # Defects of the whole dossier: contents entries swapped (positions in vocab.ITEMS), body type
    # size, one page on another paper size, a repeated application without the earlier notice.
    toc_swap: tuple[int, int] | None = None
    body_pt: float | None = None
    odd_paper: tuple[float, float] | None = None
    resubmission: bool = False
    # A second applicant written into the form's 申请人名称 beside the first (a joint application).
    co_applicant: str | None = None
    # A change application (domestic_change) carries the approval certificate: holder name, address.
    application_type: str = "domestic_new"
    certificate: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        if not self.seal_name:
            self.seal_name = self.applicant.name

    @property
    def form_applicants(self) -> str:
        """The form's 申请人名称: every applicant, separated by 、 as forms list them."""
        return self.applicant.name + (f"、{self.co_applicant}" if self.co_applicant else "")


def person(rng: random.Random) -> str:
    given = "".join(rng.choice(vocab.GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(vocab.SURNAMES) + given


def place(rng: random.Random, province: int | None = None) -> Place:
    prov, code, abbr, cities = vocab.PROVINCES[
        rng.randrange(len(vocab.PROVINCES)) if province is None else province
    ]
    ci = rng.randrange(len(cities))
    city, districts = cities[ci]
    di = rng.randrange(len(districts))
    road = rng.choice(vocab.ROADS) + rng.choice(vocab.ROAD_KINDS)
    extra = ""
    roll = rng.random()
    if roll < 0.3:
        extra = f"{rng.randint(1, 12)}号楼{rng.randint(1, 9)}层"
    elif roll < 0.5:
        room = f"{rng.randint(2, 18)}{rng.randint(1, 20):02d}室"
        extra = f"{rng.choice(vocab.BUILDINGS)}{rng.choice('ABC')}座{room}"
    elif roll < 0.65:
        extra = f"{rng.randint(1, 9)}栋{rng.randint(101, 1208)}室"
    return Place(
        prov,
        code,
        abbr,
        city,
        districts[di],
        f"{code}{ci + 1:02d}{di + 1:02d}",
        road,
        rng.randint(1, 999),
        extra,
    )


def company_name(rng: random.Random, place: Place) -> str:
    trade = rng.choice(vocab.TRADE_FIRST) + rng.choice(vocab.TRADE_SECOND)
    head = (
        place.city.removesuffix("市")
        if rng.random() < 0.7
        else place.province.removesuffix("省").removesuffix("市")
    )
    head = head.removesuffix("壮族自治区")
    return f"{head}{trade}{rng.choice(vocab.INDUSTRIES)}{rng.choice(vocab.COMPANY_SUFFIXES)}"


def org_code(rng: random.Random, founded: dt.date) -> str:
    """Nine characters of a GB 11714 organisation code, its own check character included."""
    if founded.year >= 2016 and rng.random() < 0.8:
        body = "MA" + "".join(rng.choice(ALPHABET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in body]
    check = 11 - sum(v * w for v, w in zip(values, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def uscc_for(rng: random.Random, division: str, founded: dt.date) -> str:
    first17 = "91" + division + org_code(rng, founded)
    return first17 + check_character(first17)


def capital_text(rng: random.Random) -> str:
    wan = rng.choice((100, 200, 300, 500, 800, 1000, 1200, 2000, 3000, 5000, 10000))
    if rng.random() < 0.5:
        return f"人民币{wan}万元" if rng.random() < 0.5 else f"{wan}万元人民币"
    digits = vocab.CAPITAL_DIGITS
    if wan >= 10000:
        words = digits[wan // 10000] + "亿"
    elif wan >= 1000:
        thousands, hundreds = divmod(wan, 1000)
        words = digits[thousands] + "仟" + (digits[hundreds // 100] + "佰" if hundreds else "")
    else:
        words = digits[wan // 100] + "佰"
    return f"{words}万元整"


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def make_licence(rng: random.Random, applicant: Company, submitted: dt.date) -> Licence:
    founded = random_date(rng, dt.date(1998, 1, 1), submitted - dt.timedelta(days=800))
    suffix = next(s for s in ("股份有限公司", "有限责任公司", "有限公司") if applicant.name.endswith(s))
    if rng.random() < 0.5:
        term_end = None
    else:
        term_end = founded.replace(year=founded.year + rng.choice((20, 30, 50))) - dt.timedelta(days=1)
        if term_end <= submitted:
            term_end = None
    p = applicant.place
    old = founded.year < 2018 and rng.random() < 0.3
    office = "工商行政管理局" if old else "市场监督管理局"
    authority = f"{p.city}{p.district}{office}" if rng.random() < 0.6 else f"{p.city}{office}"
    scope_parts = rng.sample(vocab.SCOPE_PARTS, rng.randint(3, 5))
    scope_parts.sort(key=vocab.SCOPE_PARTS.index)
    return Licence(
        uscc=uscc_for(rng, p.district_code, founded),
        name=applicant.name,
        address=applicant.address,
        legal_rep=applicant.legal_rep,
        kind=rng.choice(vocab.LICENCE_TYPES[suffix]),
        capital=capital_text(rng),
        founded_on=founded,
        term_end=term_end,
        authority=authority,
        scope="；".join(scope_parts) + "。" + vocab.SCOPE_TAIL,
        issued_on=random_date(rng, founded, submitted - dt.timedelta(days=60)),
    )


def make_formula(rng: random.Random, kind: vocab.ProductKind, form: vocab.DosageForm) -> list[FormulaLine]:
    """Amounts in g (ml for liquids) per 1000 units; excipients fill the unit mass."""
    lines: list[FormulaLine] = []
    total = form.unit_mass_g * 1000 * rng.choice((0.8, 1.0, 1.0, 1.25))
    used = 0.0
    for name, mg in kind.raw:
        grams = mg * rng.choice((0.8, 1.0, 1.0, 1.2, 1.5))
        used += grams
        lines.append(FormulaLine(name, _amount(grams), "g", False))
    total = max(total, used * 1.3)
    excipients = list(form.excipients[: rng.randint(max(2, len(form.excipients) - 2), len(form.excipients))])
    minor = {
        n: total * vocab.MINOR_SHARES[n] * rng.uniform(0.7, 1.3)
        for n in excipients
        if n in vocab.MINOR_SHARES
    }
    major = [n for n in excipients if n not in minor] or excipients[:1]
    shares = [rng.uniform(0.3, 1.0) for _ in major]
    rest = max(total - used - sum(minor.values()), total * 0.05)
    for name in excipients:
        grams = minor[name] if name in minor else rest * shares[major.index(name)] / sum(shares)
        unit = "ml" if name == "纯化水" and form.unit == "瓶" else "g"
        lines.append(FormulaLine(name, _amount(grams), unit, True))
    return lines


def _amount(grams: float) -> str:
    return f"{grams:.1f}" if grams >= 1 else f"{grams:.2f}"


def make_report(
    rng: random.Random,
    index: int,
    title: str,
    institution: str,
    abbr: str,
    issued: dt.date,
    product: str,
    submitter: str,
    manufacturer: str,
    batch: str,
) -> TestReport:
    number = f"{issued.year}-{abbr}-{rng.randint(100, 99999):05d}"
    if rng.random() < 0.25:
        number = f"{abbr}{issued.year}{rng.choice('JWHT')}{rng.randint(1, 9999):04d}"
    n_pages = 2 if index == 0 or rng.random() < 0.3 else 1
    return TestReport(
        number=number,
        title=title,
        institution=institution,
        issued_on=issued,
        received_on=issued - dt.timedelta(days=rng.randint(30, 120)),
        sample_name=product,
        submitter=submitter,
        manufacturer=manufacturer,
        batch=batch,
        conclusion=vocab.CONCLUSIONS[title],
        n_pages=n_pages,
        seal_mode=rng.choice(("straddle", "each")),
    )


def make_facts(seed: int, rng: random.Random, n_reports: int = 2) -> Facts:
    submitted = random_date(rng, dt.date(2019, 3, 1), dt.date(2025, 6, 30))
    while submitted.weekday() >= 5:
        submitted -= dt.timedelta(days=1)
    home = rng.randrange(len(vocab.PROVINCES))
    where = place(rng, home)
    applicant = Company(company_name(rng, where), where, person(rng))
    if rng.random() < 0.4:
        trial = applicant
    else:
        tp = place(rng, home if rng.random() < 0.6 else None)
        trial = Company(company_name(rng, tp), tp, person(rng))
    kind = rng.choice(vocab.PRODUCTS)
    form = vocab.FORMS[rng.choice(kind.forms)]
    brand = rng.choice(vocab.TRADE_FIRST) + rng.choice(vocab.TRADE_SECOND)
    product = f"{brand}牌{kind.label}{form.name}"
    prov, _, abbr, cities = vocab.PROVINCES[rng.randrange(len(vocab.PROVINCES))]
    test_unit = rng.choice(vocab.INSTITUTION_PATTERNS).format(prov=prov, city=cities[0][0])
    batch_day = submitted - dt.timedelta(days=rng.randint(400, 1400))
    batch = rng.choice((f"{batch_day:%Y%m%d}", f"{batch_day:%y%m%d}01", f"P{batch_day:%Y%m%d}-1"))
    titles = [t for t, _ in vocab.REPORT_TYPES]
    chosen = [titles[0], *rng.sample(titles[1:], max(0, n_reports - 1))]
    reports = []
    for i, title in enumerate(chosen):
        issued = submitted - dt.timedelta(days=rng.randint(90, 1500))
        reports.append(
            make_report(rng, i, title, test_unit, abbr, issued, product, applicant.name, trial.name, batch)
        )
    licence = make_licence(rng, applicant, submitted)
    return Facts(
        seed=seed,
        submitted_on=submitted,
        brand=brand,
        kind=kind,
        form=form,
        product_name=product,
        applicant=applicant,
        licence=licence,
        trial_unit=trial,
        test_unit=test_unit,
        acceptance_number=f"国食健申G{submitted.year}{rng.randint(1, 9999):04d}",
        contact=person(rng),
        phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
        formula=make_formula(rng, kind, form),
        basis=f"以制成1000{form.unit}计",
        reports=reports,
    )
