"""retain_until in SQL: one UPDATE per facility over all its images, never a loop per image.

Each applicable rule yields a date expression; the latest wins. Facts a rule needs but the
record lacks (date of birth, last service, an encounter still open) yield KEEP, a date past
any real one, so the image is kept and the basis says which fact is missing. A rule that
does not apply yields NOT_APPLICABLE, a date before any real one.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    CharField,
    DateField,
    Exists,
    Expression,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.db.models.lookups import Exact, GreaterThanOrEqual, IsNull
from django.utils import timezone

from imaging.models import ClinicalImage
from records.models import Encounter, Facility, Patient
from retention.models import (
    RetentionRule,
    RetentionScope,
    RetentionTrigger,
    rule_fact,
)

KEEP = date(9999, 12, 31)
NOT_APPLICABLE = date(1, 1, 1)
NO_RULE = "no retention rule applies: kept until a records manager decides"


class RuleLike(Protocol):
    pk: Any
    jurisdiction: str
    sector: str
    applies_to: str
    trigger: str
    years: int
    citation: str
    version: int
    is_active: bool


class AddYears(Func):
    """A date plus whole years, where 29 February falls back to 28 February."""

    output_field = DateField()

    def __init__(self, expression: Any, years: int) -> None:
        super().__init__(expression, output_field=DateField())
        self.years = int(years)

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        # PostgreSQL's interval arithmetic already clamps to the end of February.
        return f"(({sql}) + make_interval(years => {self.years}))::date", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        # SQLite rolls 29 February into 1 March; step back a day when that happens.
        plus = f"date({sql}, '+{self.years} years')"
        rolled = f"strftime('%%m-%%d', {sql}) = '02-29' AND strftime('%%m-%%d', {plus}) <> '02-29'"
        sql_out = (
            f"CASE WHEN {rolled} THEN date({sql}, '+{self.years} years', '-1 day') "
            f"ELSE {plus} END"
        )
        return sql_out, params * 4


def _date(value: date) -> Value:
    return Value(value, output_field=DateField())


def _text(value: str) -> Value:
    return Value(value[:500], output_field=CharField())


class Facts:
    """The facts of an image, as SQL expressions, in its facility's local dates."""

    def __init__(self, facility: Facility) -> None:
        zone = ZoneInfo(facility.time_zone)
        patient = Patient.objects.filter(pk=OuterRef("patient_id"))
        encounters = Encounter.objects.filter(patient=OuterRef("patient_id"))
        self.dob = Subquery(
            patient.values("date_of_birth")[:1], output_field=DateField()
        )
        self.death = Subquery(
            patient.values("date_of_death")[:1], output_field=DateField()
        )
        last = (
            encounters.values("patient")
            .annotate(last=Max(TruncDate("ended_at", tzinfo=zone)))
            .values("last")[:1]
        )
        self.last_service = Subquery(last, output_field=DateField())
        self.still_open = Exists(encounters.filter(ended_at__isnull=True))
        self.captured = TruncDate("captured_at", tzinfo=zone)


def _conditions(rule: RuleLike, facts: Facts) -> list[tuple[Any, date, str]]:
    """When the rule does not apply, or cannot be worked out: (condition, date, fact)."""
    conditions: list[tuple[Any, date, str]] = []
    dob_unknown = (IsNull(facts.dob, True), KEEP, "date of birth unknown")
    if rule.applies_to == RetentionScope.MINORS:
        # Unknown age could mean a minor: keep. Taken at 18 or later: rule not reached.
        conditions.append(dob_unknown)
        adult = GreaterThanOrEqual(facts.captured, AddYears(facts.dob, 18))
        conditions.append((adult, NOT_APPLICABLE, ""))
    if rule.applies_to == RetentionScope.DECEASED or rule.trigger == "death":
        conditions.append((IsNull(facts.death, True), NOT_APPLICABLE, ""))
    if rule.trigger == RetentionTrigger.AGE:
        conditions.append(dob_unknown)
    if rule.trigger == RetentionTrigger.LAST_SERVICE:
        conditions.append((facts.still_open, KEEP, "patient still under care"))
        unknown = IsNull(facts.last_service, True)
        conditions.append((unknown, KEEP, "last service unknown"))
    return conditions


def _trigger(rule: RuleLike, facts: Facts) -> Expression:
    start = {
        RetentionTrigger.LAST_SERVICE: facts.last_service,
        RetentionTrigger.AGE: facts.dob,
        RetentionTrigger.DEATH: facts.death,
        RetentionTrigger.CAPTURE: facts.captured,
    }.get(RetentionTrigger(rule.trigger))
    if start is None:
        return _date(KEEP)
    return AddYears(start, rule.years)


def words(rule: RuleLike, fact: str | None = None) -> str:
    label = f"{rule.citation}, {fact or rule_fact(rule.trigger, rule.years)}"
    return f"{label} (rule {rule.pk or 'new'} v{rule.version})"


def rule_expressions(rule: RuleLike, facts: Facts) -> tuple[Expression, Expression]:
    """The date one rule gives an image, and the same in words."""
    conditions = _conditions(rule, facts)
    dates = [When(cond, then=_date(when)) for cond, when, _ in conditions]
    texts = [
        When(cond, then=_text(words(rule, fact) if fact else ""))
        for cond, _, fact in conditions
    ]
    date_expr = Case(*dates, default=_trigger(rule, facts), output_field=DateField())
    text_expr = Case(*texts, default=_text(words(rule)), output_field=CharField())
    return date_expr, text_expr


def applicable_rules(facility: Facility, rules: Sequence[RuleLike]) -> list[RuleLike]:
    return [
        rule
        for rule in rules
        if rule.is_active
        and rule.jurisdiction in ("", facility.jurisdiction)
        and rule.sector in ("", facility.sector)
    ]


def retention_expressions(
    facility: Facility, rules: Sequence[RuleLike]
) -> tuple[Expression, Expression]:
    """retain_until (null = keep) and its basis for the facility's images under rules."""
    facts = Facts(facility)
    pairs = [rule_expressions(r, facts) for r in applicable_rules(facility, rules)]
    if not pairs:
        return Value(None, output_field=DateField()), _text(NO_RULE)
    latest = Greatest(*(d for d, _ in pairs), _date(NOT_APPLICABLE))
    retain_until = Case(
        When(Exact(latest, _date(KEEP)), then=Value(None)),
        When(Exact(latest, _date(NOT_APPLICABLE)), then=Value(None)),
        default=latest,
        output_field=DateField(),
    )
    basis = Case(
        When(Exact(latest, _date(NOT_APPLICABLE)), then=_text(NO_RULE)),
        *(When(Exact(latest, d), then=t) for d, t in pairs),
        default=_text(NO_RULE),
        output_field=CharField(),
    )
    return retain_until, basis


def recompute_for_facility(
    facility: Facility, *, patient_ids: Sequence[int] | None = None
) -> int:
    """Recompute the facility's active images (or some patients'); rows that changed.

    retention_computed_at is when the row's date or basis last changed.
    """
    rules = list(RetentionRule.objects.filter(is_active=True))
    retain_until, basis = retention_expressions(facility, rules)
    images: QuerySet[ClinicalImage] = ClinicalImage.objects.filter(
        patient__facility=facility, status=ClinicalImage.Status.ACTIVE
    )
    if patient_ids is not None:
        images = images.filter(patient_id__in=patient_ids)
    # Only rows whose date or basis changes are written: a nightly recompute of a million
    # images mostly confirms what is there, and rewriting every row costs minutes.
    changed = images.alias(
        was=Coalesce(F("retain_until"), _date(NOT_APPLICABLE)),
        now=Coalesce(retain_until, _date(NOT_APPLICABLE)),
    ).exclude(Q(was=F("now")) & Q(retention_basis=basis))
    return changed.update(
        retain_until=retain_until,
        retention_basis=basis,
        retention_computed_at=timezone.now(),
    )


def recompute_retention(*, patient_ids: Sequence[int] | None = None) -> int:
    """Recompute retain_until for every facility (or some patients); rows updated."""
    facilities = Facility.objects.all()
    if patient_ids is not None:
        facilities = facilities.filter(patients__in=patient_ids).distinct()
    return sum(
        recompute_for_facility(facility, patient_ids=patient_ids)
        for facility in facilities
    )
