"""Until when a record must be kept, from stated facts: the very expressions that date
every image (retention.compute), evaluated once in a SELECT with no table behind them."""

from dataclasses import dataclass
from datetime import date

from django.db import connection

from retention.compute import (
    Facts,
    RuleLike,
    applicable_rules,
    compile_expression,
    retention_expressions,
)
from retention.models import RetentionRule


@dataclass(frozen=True)
class Preview:
    retain_until: date | None
    basis: str
    rules: list[RetentionRule]


def _evaluate(*expressions: object) -> tuple[object, ...]:
    parts, params = [], []
    for expression in expressions:
        sql, sql_params = compile_expression(expression, connection.alias)
        parts.append(sql)
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        row = cursor.fetchone()
    return tuple(row)


def _as_date(value: object) -> date | None:
    # SQLite answers a computed date as text.
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def preview_retention(
    *,
    jurisdiction: str,
    sector: str,
    record_class: str,
    date_of_birth: date | None = None,
    first_service: date | None = None,
    last_service: date | None = None,
    date_of_death: date | None = None,
    rules: list[RuleLike] | None = None,
) -> Preview:
    """retain_until (None: kept), its basis and the rules that applied, for given facts."""
    active = (
        rules
        if rules is not None
        else list(RetentionRule.objects.filter(is_active=True))
    )
    chosen = applicable_rules(jurisdiction, sector, active)
    facts = Facts.given(
        record_class=record_class,
        date_of_birth=date_of_birth,
        first_service=first_service,
        last_service=last_service,
        date_of_death=date_of_death,
    )
    retain_until, basis = retention_expressions(facts, chosen)
    until, words = _evaluate(retain_until, basis)
    matching = [
        rule
        for rule in chosen
        if isinstance(rule, RetentionRule) and rule.record_class in ("", record_class)
    ]
    return Preview(_as_date(until), str(words), matching)
