"""``field__in_array=queryset``: ``IN (subquery)`` that PostgreSQL can use in an ``OR``.

``submitter = me OR id IN (SELECT …)`` makes PostgreSQL read the whole table: a subquery is a
per-row filter, never an index condition. Written ``id = ANY(ARRAY(SELECT …))`` the subquery runs
once, up front, and the array is an index condition, so the ``OR`` becomes a bitmap OR of two
index scans (the rep's "My feedback": 37 ms → 7 ms over 50,000 tickets). Other databases, and a
plain list of values, get Django's ``IN``.
"""

from django.db.models import Field
from django.db.models.lookups import In


@Field.register_lookup
class InArray(In):
    lookup_name = "in_array"

    def as_postgresql(self, compiler, connection):
        if self.rhs_is_direct_value():
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)  # "(SELECT …)"
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
