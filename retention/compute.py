"""retain_until in SQL: one UPDATE per facility over all its images, never a loop per image.

Each applicable rule yields a date expression; the latest wins. Facts a rule needs but the
record lacks (date of birth, last service, an encounter still open) yield KEEP, a date past
any real one, so the image is kept and the basis says which fact is missing. A rule that
does not apply yields NOT_APPLICABLE, a date before any real one.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    DateField,
    Exists,
    Expression,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, NullIf, TruncDate
from django.db.models.lookups import Exact, GreaterThanOrEqual, IsNull
from django.db.models.sql import Query
from django.utils import timezone

from imaging.models import ClinicalImage
from records.models import Encounter, Facility, Patient, RecordClass, Ward
from retention.models import (
    RetentionRule,
    RetentionScope,
    RetentionTrigger,
    rule_fact,
)

KEEP = date(9999, 12, 31)
NOT_APPLICABLE = date(1, 1, 1)
NO_RULE = "no retention rule applies: kept until a records manager decides"
# Ends the basis of a date set by a rule not yet read against the authorised text: the
# sweep, the batch approval and the disposal task never dispose of such an image.
UNVERIFIED = " [rule not yet verified]"


class RuleLike(Protocol):
    pk: Any
    jurisdiction: str
    sector: str
    record_class: str
    applies_to: str
    trigger: str
    years: int
    second_trigger: str
    second_years: int
    sample_one_in: int | None
    citation: str
    version: int
    is_active: bool
    needs_verification: bool


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


class SampleBucket(Func):
    """The image's bucket 0..n-1 from its public id's first six hex digits.

    Reproducible on every backend and in Python (sample_bucket), so a sampled class keeps
    the same 1 in n images whatever runs the computation.
    """

    output_field = IntegerField()

    def __init__(self, expression: Any, n: int) -> None:
        super().__init__(expression, output_field=IntegerField())
        self.n = int(n)

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra: Any
    ) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        hexed = f"substr(replace(({sql})::text, '-', ''), 1, 6)"
        return f"(('x' || {hexed})::bit(24)::int %% {self.n})", params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        digits = [
            f"((instr('0123456789abcdef', lower(substr({sql}, {i + 1}, 1))) - 1)"
            f" * {16 ** (5 - i)})"
            for i in range(6)
        ]
        return f"(({' + '.join(digits)}) %% {self.n})", params * 6


def sample_bucket(public_id: UUID, n: int) -> int:
    """SampleBucket in Python: which of n buckets an image falls in."""
    return int(public_id.hex[:6], 16) % n


def _date(value: date | None) -> Value:
    return Value(value, output_field=DateField())


def _text(value: str) -> Value:
    return Value(value[:500], output_field=CharField())


def record_class_expression() -> Any:
    """An image's record class in SQL: its own, else its encounter's ward's, else the
    ward of the patient's encounter open when it was taken, else admitted."""
    linked = Ward.objects.filter(encounters=OuterRef("encounter_id"))
    during = Encounter.objects.filter(
        patient=OuterRef("patient_id"), started_at__lte=OuterRef("captured_at")
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=OuterRef("captured_at")))
    return Coalesce(
        NullIf(F("record_class"), Value("")),
        Subquery(linked.values("record_class")[:1], output_field=CharField()),
        Subquery(
            during.order_by("-started_at").values("ward__record_class")[:1],
            output_field=CharField(),
        ),
        Value(RecordClass.ADMITTED.value),
        output_field=CharField(),
    )


class Facts:
    """The facts retention dates by, as SQL expressions (one image, or given values)."""

    dob: Any
    death: Any
    last_service: Any
    still_open: Any
    captured: Any
    record_class: Any
    public_id: Any

    @classmethod
    def of_images(cls, facility: Facility) -> "Facts":
        """The facts of each image of the facility, in the facility's local dates."""
        facts = cls()
        zone = ZoneInfo(facility.time_zone)
        patient = Patient.objects.filter(pk=OuterRef("patient_id"))
        encounters = Encounter.objects.filter(patient=OuterRef("patient_id"))
        facts.dob = Subquery(
            patient.values("date_of_birth")[:1], output_field=DateField()
        )
        facts.death = Subquery(
            patient.values("date_of_death")[:1], output_field=DateField()
        )
        last = (
            encounters.values("patient")
            .annotate(last=Max(TruncDate("ended_at", tzinfo=zone)))
            .values("last")[:1]
        )
        facts.last_service = Subquery(last, output_field=DateField())
        facts.still_open = Exists(encounters.filter(ended_at__isnull=True))
        facts.captured = TruncDate("captured_at", tzinfo=zone)
        facts.record_class = record_class_expression()
        facts.public_id = F("public_id")
        return facts

    @classmethod
    def given(
        cls,
        *,
        record_class: str,
        date_of_birth: date | None,
        first_service: date | None,
        last_service: date | None,
        date_of_death: date | None,
    ) -> "Facts":
        """Facts stated outright (the preview): the record's first image is dated."""
        facts = cls()
        facts.dob = _date(date_of_birth)
        facts.death = _date(date_of_death)
        facts.last_service = _date(last_service)
        facts.still_open = Value(False, output_field=BooleanField())
        facts.captured = _date(first_service or last_service)
        facts.record_class = Value(record_class, output_field=CharField())
        facts.public_id = None
        return facts


def _trigger_conditions(trigger: str, facts: Facts) -> list[tuple[Any, date, str]]:
    dob_unknown = (IsNull(facts.dob, True), KEEP, "date of birth unknown")
    if trigger == RetentionTrigger.AGE:
        return [dob_unknown]
    if trigger == RetentionTrigger.LAST_SERVICE:
        return [
            (facts.still_open, KEEP, "patient still under care"),
            (IsNull(facts.last_service, True), KEEP, "last service unknown"),
        ]
    if trigger == RetentionTrigger.DEATH:
        return [(IsNull(facts.death, True), NOT_APPLICABLE, "")]
    if trigger == RetentionTrigger.CAPTURE:
        return [(IsNull(facts.captured, True), KEEP, "date taken unknown")]
    return []


def _conditions(rule: RuleLike, facts: Facts) -> list[tuple[Any, date, str]]:
    """When the rule does not apply, or cannot be worked out: (condition, date, fact)."""
    conditions: list[tuple[Any, date, str]] = []
    if rule.record_class:
        other = ~Q(Exact(facts.record_class, Value(rule.record_class)))
        conditions.append((other, NOT_APPLICABLE, ""))
    if rule.sample_one_in:
        if facts.public_id is None:
            # No image to sample (the preview): the class's period rules answer.
            always = Value(True, output_field=BooleanField())
            return [(always, NOT_APPLICABLE, "")]
        unsampled = ~Q(Exact(SampleBucket(facts.public_id, rule.sample_one_in), 0))
        conditions.append((unsampled, NOT_APPLICABLE, ""))
    dob_unknown = (IsNull(facts.dob, True), KEEP, "date of birth unknown")
    adult = GreaterThanOrEqual(facts.captured, AddYears(facts.dob, 18))
    if rule.applies_to == RetentionScope.MINORS:
        # Unknown age could mean a minor: keep. Taken at 18 or later: rule not reached.
        conditions += [dob_unknown, (adult, NOT_APPLICABLE, "")]
    if rule.applies_to == RetentionScope.ADULTS:
        conditions += [dob_unknown, (~Q(adult), NOT_APPLICABLE, "")]
    if rule.applies_to == RetentionScope.DECEASED:
        conditions.append((IsNull(facts.death, True), NOT_APPLICABLE, ""))
    for trigger in _triggers(rule):
        conditions += _trigger_conditions(trigger[0], facts)
    return conditions


def _triggers(rule: RuleLike) -> list[tuple[str, int]]:
    pairs = [(rule.trigger, rule.years)]
    if rule.second_trigger:
        pairs.append((rule.second_trigger, rule.second_years))
    return pairs


def _trigger(trigger: str, years: int, facts: Facts) -> Any:
    start = {
        RetentionTrigger.LAST_SERVICE: facts.last_service,
        RetentionTrigger.AGE: facts.dob,
        RetentionTrigger.DEATH: facts.death,
        RetentionTrigger.CAPTURE: facts.captured,
    }.get(RetentionTrigger(trigger))
    if start is None:
        return _date(KEEP)
    return AddYears(start, years)


def _rule_date(rule: RuleLike, facts: Facts) -> Any:
    # "The later of" and "and" (every period must pass) both end on the latest date.
    dates = [_trigger(kind, years, facts) for kind, years in _triggers(rule)]
    return dates[0] if len(dates) == 1 else Greatest(*dates, output_field=DateField())


def rule_words(rule: RuleLike) -> str:
    """What the rule keeps an image for, its triggers joined as the schedule joins them."""
    parts = [rule_fact(kind, years) for kind, years in _triggers(rule)]
    joiner = " and " if getattr(rule, "combine", "") == "all_of" else " or, if later, "
    text = joiner.join(parts)
    if rule.sample_one_in:
        text = f"1 in {rule.sample_one_in} kept permanently (sample)"
    return text


def words(rule: RuleLike, fact: str | None = None) -> str:
    label = f"{rule.citation}, {fact or rule_words(rule)}"
    text = f"{label} (rule {rule.pk or 'new'} v{rule.version})"
    if rule.needs_verification:
        return text[: 500 - len(UNVERIFIED)] + UNVERIFIED
    return text


def rule_expressions(rule: RuleLike, facts: Facts) -> tuple[Expression, Expression]:
    """The date one rule gives an image, and the same in words."""
    conditions = _conditions(rule, facts)
    dates = [When(cond, then=_date(when)) for cond, when, _ in conditions]
    texts = [
        When(cond, then=_text(words(rule, fact) if fact else ""))
        for cond, _, fact in conditions
    ]
    date_expr = Case(*dates, default=_rule_date(rule, facts), output_field=DateField())
    text_expr = Case(*texts, default=_text(words(rule)), output_field=CharField())
    return date_expr, text_expr


def applicable_rules(
    jurisdiction: str, sector: str, rules: Sequence[RuleLike]
) -> list[RuleLike]:
    """The active rules of a jurisdiction and sector, verified ones first.

    Verified first: when a verified and an unverified rule give the same date, the
    verified one is the basis, and the image may be disposed of under it.
    """
    chosen = [
        rule
        for rule in rules
        if rule.is_active
        and rule.jurisdiction in ("", jurisdiction)
        and rule.sector in ("", sector)
    ]
    return sorted(chosen, key=lambda rule: rule.needs_verification)


def retention_expressions(
    facts: Facts, rules: Sequence[RuleLike]
) -> tuple[Expression, Expression]:
    """retain_until (null = keep) and its basis under the (applicable) rules."""
    return _latest([rule_expressions(r, facts) for r in rules])


def _latest(pairs: Sequence[tuple[Any, Any]]) -> tuple[Expression, Expression]:
    """The latest of the rules' dates (null = keep), and the words of the rule giving it."""
    if not pairs:
        # A typed null: PostgreSQL cannot compare or store an untyped one as a date.
        return Cast(Value(None), DateField()), _text(NO_RULE)
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


class Column(Expression):
    """A column of a derived table, by its alias: lets each layer name the one below."""

    def __init__(self, table: str, name: str, output_field: Any) -> None:
        super().__init__(output_field=output_field)
        self.table, self.name = table, name

    def as_sql(
        self, compiler: Any, connection: Any
    ) -> tuple[str, tuple[str | int, ...]]:
        quote = connection.ops.quote_name
        return f"{quote(self.table)}.{quote(self.name)}", ()


# The facts of each image, selected once as columns of the innermost layer.
_FACT_COLUMNS: dict[str, tuple[str, Any]] = {
    "dob": ("f_dob", DateField()),
    "death": ("f_death", DateField()),
    "last_service": ("f_last", DateField()),
    "still_open": ("f_open", BooleanField()),
    "captured": ("f_captured", DateField()),
    "record_class": ("f_class", CharField()),
    "public_id": ("f_public_id", CharField()),
}


def compile_expression(expression: Any, using: str) -> tuple[str, list[Any]]:
    """One expression as SQL and its params, resolved against no table in particular."""
    query = Query(ClinicalImage)
    resolved = expression.resolve_expression(query)
    sql, params = query.get_compiler(using=using).compile(resolved)
    return sql, list(params)


# PostgreSQL pulls simple subqueries up into the query around them, substituting each
# layer's expressions into the next: the megabytes of repeated SQL the layers avoid come
# back (an UPDATE for one patient's 9 images planned for 25 s). OFFSET 0 keeps each layer
# a subquery of its own. SQLite does not flatten these (and has no OFFSET without LIMIT).
_FENCE = {"postgresql": " OFFSET 0"}


def dated_images_sql(
    images: QuerySet[ClinicalImage], facility: Facility, rules: Sequence[RuleLike]
) -> tuple[str, list[Any]]:
    """SELECT image_id, was, was_basis, retain_until, basis for the given images.

    Three layers, so each fact and each rule's date is written into the SQL once: the
    facts (f), each rule's date and words over them (r), and the latest of those (the
    outer SELECT). Written as one expression, every rule repeats every fact and the
    latest date repeats every rule: megabytes of SQL that PostgreSQL takes minutes to
    plan for a handful of rows.
    """
    using = images.db
    facts = Facts.of_images(facility)
    chosen = applicable_rules(facility.jurisdiction, facility.sector, rules)
    inner = images.order_by().values(
        image_id=F("pk"),
        was=F("retain_until"),
        was_basis=F("retention_basis"),
        **{column: getattr(facts, fact) for fact, (column, _) in _FACT_COLUMNS.items()},
    )
    inner_sql, inner_params = inner.query.sql_with_params()
    params: list[Any] = []
    columns = Facts()
    for fact, (column, field) in _FACT_COLUMNS.items():
        setattr(columns, fact, Column("f", column, field))
    selected = ['"f"."image_id"', '"f"."was"', '"f"."was_basis"']
    pairs: list[tuple[Any, Any]] = []
    for i, rule in enumerate(chosen):
        date_expr, text_expr = rule_expressions(rule, columns)
        for expression, name in ((date_expr, f"d{i}"), (text_expr, f"t{i}")):
            sql, sql_params = compile_expression(expression, using)
            selected.append(f"{sql} AS {name}")
            params.extend(sql_params)
        pairs.append(
            (Column("r", f"d{i}", DateField()), Column("r", f"t{i}", CharField()))
        )
    # Every piece is compiled SQL with its values in params (noqa below: no user text).
    fence = _FENCE.get(connections[using].vendor, "")
    middle = f"SELECT {', '.join(selected)} FROM ({inner_sql}{fence}) f"  # noqa: S608
    retain_until, basis = _latest(pairs)
    outer_params: list[Any] = []
    outer = []
    for expression in (retain_until, basis):
        sql, sql_params = compile_expression(expression, using)
        outer.append(sql)
        outer_params.extend(sql_params)
    sql = (
        'SELECT "r"."image_id", "r"."was", "r"."was_basis", '  # noqa: S608
        f"{outer[0]} AS retain_until, {outer[1]} AS basis FROM ({middle}{fence}) r"
        f"{fence}"
    )
    # Parameters in the order their placeholders are written: outer, middle, inner.
    return sql, outer_params + params + list(inner_params)


def recompute_for_facility(
    facility: Facility, *, patient_ids: Sequence[int] | None = None
) -> int:
    """Recompute the facility's active images (or some patients'); rows that changed.

    retention_computed_at is when the row's date or basis last changed.
    """
    rules = list(RetentionRule.objects.filter(is_active=True))
    images: QuerySet[ClinicalImage] = ClinicalImage.objects.filter(
        patient__facility=facility, status=ClinicalImage.Status.ACTIVE
    )
    if patient_ids is not None:
        images = images.filter(patient_id__in=patient_ids)
    layered, params = dated_images_sql(images, facility, rules)
    table = ClinicalImage._meta.db_table
    # Only rows whose date or basis changes are written: a nightly recompute of a million
    # images mostly confirms what is there, and rewriting every row costs minutes.
    sql = (
        f'UPDATE "{table}" SET retain_until = c.retain_until, '  # noqa: S608
        "retention_basis = c.basis, retention_computed_at = %s "
        f'FROM ({layered}) c WHERE "{table}"."id" = c.image_id AND NOT ('
        "COALESCE(c.was, %s) = COALESCE(c.retain_until, %s) "
        "AND c.was_basis = c.basis)"
    )
    connection = connections[images.db]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    dates = [connection.ops.adapt_datefield_value(NOT_APPLICABLE)] * 2
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, *params, *dates])
        return int(cursor.rowcount)


def recompute_retention(*, patient_ids: Sequence[int] | None = None) -> int:
    """Recompute retain_until for every facility (or some patients); rows updated."""
    facilities = Facility.objects.all()
    if patient_ids is not None:
        facilities = facilities.filter(patients__in=patient_ids).distinct()
    return sum(
        recompute_for_facility(facility, patient_ids=patient_ids)
        for facility in facilities
    )
