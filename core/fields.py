"""Form fields that answer a key no database column can hold with a form error, not a 500.

Django's model choice fields catch a key that is no number ("abc") but not one too large for the
column ("99999999999999999999": an OverflowError on SQLite, a DataError on PostgreSQL).
"""

from django import forms
from django.core.exceptions import ValidationError

# The largest key a database column of ours holds (64-bit signed integers on both databases).
LARGEST_KEY = 2**63 - 1


def too_large(value) -> bool:
    """Whether a submitted key is a whole number beyond any column; other text is left to the field."""
    try:
        return abs(int(str(value).strip())) > LARGEST_KEY
    except (TypeError, ValueError):
        return False


class CheckedModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and too_large(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for key in value:
            if too_large(key):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                )
        return super()._check_values(value)
