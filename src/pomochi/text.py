"""Free text from people, one rule at every door (pages, the API, imports, services).

Text is valid Unicode (no lone surrogates, which no database stores), holds no NUL or other
control character except newline and tab (a single line allows neither), is at most a given
number of characters long, and is trimmed. `text_clean` is the rule; `text_or_refuse` the same
rule as a service's guarantee, `text_type` as a pydantic type for API schemas, and `TextField`
as a form field.

Limits: notes and reasons are at most NOTE_LENGTH characters (every one of them is copied into
the audit chain); short single-line texts such as a skill or a token's name at most
LINE_LENGTH. A field keeps the same limit on the page and in the API.
"""

import re
from typing import Annotated

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, ngettext_lazy
from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from pomochi.errors import InvalidInput

NOTE_LENGTH = 500
LINE_LENGTH = 100

# The key every API schema of free text carries, so a test can find one that does not.
SCHEMA_MARKER = "x-pomochi-text"

# Characters refused: C0 controls but tab and newline, DEL, C1 controls, and the surrogates.
_REFUSED = "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"
_REFUSED_IN_A_LINE = "\x00-\x1f\x7f-\x9f\ud800-\udfff"
_FIND = {True: re.compile(f"[{_REFUSED}]"), False: re.compile(f"[{_REFUSED_IN_A_LINE}]")}
# The same classes as JSON Schema patterns (ECMA-262), spelled with escapes.
_PATTERN = {
    True: r"^[^\u0000-\u0008\u000B-\u001F\u007F-\u009F\uD800-\uDFFF]*$",
    False: r"^[^\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]*$",
}


class TextInvalid(ValueError):
    """The text breaks the rule; `message` says how, in the reader's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def text_clean(value: str, *, max_length: int = NOTE_LENGTH, multiline: bool = True) -> str:
    """The text trimmed, or TextInvalid. The length is that of the text as given."""
    if not isinstance(value, str):
        raise TextInvalid(_("Write text here."))
    found = _FIND[multiline].search(value)
    if found:
        character = found.group()
        if "\ud800" <= character <= "\udfff":
            raise TextInvalid(
                _("The text has a broken character (not valid Unicode); please type it again.")
            )
        if character in "\n\t":
            raise TextInvalid(_("Write this on one line, without line breaks or tabs."))
        raise TextInvalid(
            _(
                "The text has a control character (U+%(code)04X) that cannot be stored; "
                "please remove it."
            )
            % {"code": ord(character)}
        )
    if len(value) > max_length:
        raise TextInvalid(
            ngettext(
                "Write at most %(max)d character (this has %(length)d).",
                "Write at most %(max)d characters (this has %(length)d).",
                max_length,
            )
            % {"max": max_length, "length": len(value)}
        )
    return value.strip()


def text_or_refuse(
    value: str, *, field: str, max_length: int = NOTE_LENGTH, multiline: bool = True
) -> str:
    """`text_clean` as a service's guarantee: the text trimmed, or InvalidInput(field=…).

    Forms and schemas check first and say it on their field; this is for every other caller
    (commands, the demo, imports), so that no service stores what the rule refuses."""
    try:
        return text_clean(value, max_length=max_length, multiline=multiline)
    except TextInvalid as exc:
        raise InvalidInput(exc.message, field=field) from None


def text_type(*, max_length: int = NOTE_LENGTH, multiline: bool = True, required: bool = False):
    """The rule as a pydantic type; its JSON schema says the limit and the characters refused."""

    def validate(value: str) -> str:
        try:
            cleaned = text_clean(value, max_length=max_length, multiline=multiline)
        except TextInvalid as exc:
            raise PydanticCustomError("text", "{message}", {"message": exc.message}) from None
        if required and not cleaned:
            raise PydanticCustomError("text", "{message}", {"message": _("Write something here.")})
        return cleaned

    schema = {
        "type": "string",
        "maxLength": max_length,
        "pattern": _PATTERN[multiline],
        SCHEMA_MARKER: "note" if multiline else "line",
    }
    if required:
        schema["minLength"] = 1
    return Annotated[str, AfterValidator(validate), WithJsonSchema(schema)]


# A note, may be empty; a reason, required; a short single line (a skill, a name, a ration).
Note = text_type()
Reason = text_type(required=True)
Line = text_type(max_length=LINE_LENGTH, multiline=False)


def length_help(max_length: int):
    """ "Up to 500 characters.": said beside a note before its limit is reached (the field's
    maxlength attribute stops the typing there)."""
    return ngettext_lazy("Up to %(max)d character.", "Up to %(max)d characters.", "max") % {
        "max": max_length
    }


class TextField(forms.CharField):
    """The rule as a form field: a textarea for notes, a text input for a single line.

    A note's limit is said before it is reached: the textarea carries `maxlength` (Django's
    CharField adds it) and, unless the form says otherwise, the help text "Up to N characters."
    """

    def __init__(self, *, max_length: int = NOTE_LENGTH, multiline: bool = True, **kwargs):
        if "widget" not in kwargs:
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2}) if multiline else forms.TextInput
        if multiline and not kwargs.get("help_text"):
            kwargs["help_text"] = length_help(max_length)
        # Trimmed by text_clean, after the length is checked, as in the API.
        super().__init__(max_length=max_length, strip=False, **kwargs)
        self.multiline = multiline

    def to_python(self, value):
        value = super().to_python(value)
        if self.multiline:
            # A browser sends a textarea's line breaks as CR LF; they are one newline.
            value = value.replace("\r\n", "\n")
        try:
            return text_clean(value, max_length=self.max_length, multiline=self.multiline)
        except TextInvalid as exc:
            raise ValidationError(exc.message, code="text") from None
