"""Model instances from hand-written SQL that selects several models' columns in one row.

For the few lookups that every socket handshake makes, building the ORM's query cost more
than running it (docs/benchmarks.md). The statement is written once; each row becomes
instances exactly as the ORM makes them: every column through the same database and field
converters, then ``Model.from_db``.
"""

from django.db import connections

_CONVERTERS: dict[tuple, list] = {}


def select_list(model, alias: str) -> str:
    """Every concrete column of ``model`` under the table alias ``alias``, in field order."""
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


def instances(row, *models, using: str) -> list:
    """One instance per model, from consecutive slices of ``row`` laid out as
    :func:`select_list` lays them out."""
    connection = connections[using]
    built, start = [], 0
    for model in models:
        fields = model._meta.concrete_fields
        values = list(row[start : start + len(fields)])
        start += len(fields)
        for index, (column, converters) in enumerate(_converters(model, connection)):
            for convert in converters:
                values[index] = convert(values[index], column, connection)
        built.append(model.from_db(using, [field.attname for field in fields], values))
    return built


def partial(model, using: str, **values):
    """An instance as the ORM builds it from a row holding only ``values``: the other
    fields are deferred, so code reaching for one queries for it rather than reading a
    wrong default. ``values`` must already be Python values (no converters run)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(using, names, [values[name] for name in names])


def _converters(model, connection) -> list:
    """What the ORM's compiler applies to each column of ``model``, worked out once."""
    key = (connection.alias, connection.vendor, model)
    found = _CONVERTERS.get(key)
    if found is None:
        found = []
        for field in model._meta.concrete_fields:
            column = field.get_col(model._meta.db_table)
            found.append(
                (
                    column,
                    connection.ops.get_db_converters(column) + column.get_db_converters(connection),
                )
            )
        _CONVERTERS[key] = found
    return found
