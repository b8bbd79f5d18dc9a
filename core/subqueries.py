"""Query pieces the apps share."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce


def row_count(rows, field: str):
    """The number of `rows` whose `field` points at the outer query's row, as a subquery (0 when
    there are none): one small lookup per outer row rather than a join that multiplies the rows
    and combines badly with other counts and filters."""
    counted = rows.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)
