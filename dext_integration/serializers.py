"""The `item` JSON Dext publishes (INTERFACES.md §3), checked for shape and types only.

Fields are strict: strings are JSON strings, amounts are decimal strings, flags are JSON
booleans. Whether codes exist and amounts agree is the service's business."""

import json
import re
from datetime import date
from decimal import Decimal

from django.core.validators import URLValidator
from rest_framework import serializers
from rest_framework.settings import api_settings

from dext_integration.exceptions import InvalidItem
from dext_integration.models import DEXT_ID_PATTERN

ITEM_TYPES = ["invoice", "receipt", "other", "credit_note", "expense_report"]
PUBLISH_TO = ["bill", "bank_transaction"]
LINE_AMOUNT_TYPES = ["Exclusive", "Inclusive", "NoTax"]
MAX_LINES = 500
MAX_TRACKING = 2  # at most two tracking categories on a line, as the accounting systems allow
DECIMAL = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CURRENCY = re.compile(r"[A-Z]{3}")


class StrictText(serializers.CharField):
    """A JSON string (a number is not turned into one) that PostgreSQL can store."""

    default_error_messages = {
        "invalid": "Must be a string.",
        "unencodable": "Contains characters that are not valid Unicode.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("unencodable")
        return super().to_internal_value(data)


class OptionalText(StrictText):
    """Absent, null and "" all mean blank."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_null=True, allow_blank=True, default="", **kwargs)

    def validate_empty_values(self, data):
        if data is None:
            return True, ""
        return super().validate_empty_values(data)


class StrictEmail(StrictText, serializers.EmailField):
    pass


class StrictChoice(serializers.ChoiceField):
    default_error_messages = {"invalid_choice": "Must be one of: {choices}."}

    def to_internal_value(self, data):
        if not isinstance(data, str) or data not in self.choices:
            self.fail("invalid_choice", choices=", ".join(self.choices))
        return data


class StrictBoolean(serializers.BooleanField):
    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class DecimalString(serializers.Field):
    """A decimal written as a string, e.g. "4.50", with bounded digits."""

    default_error_messages = {
        "invalid": 'Must be a decimal number written as a string, e.g. "4.50".',
        "too_large": "Must have at most {digits} digits before the decimal point.",
        "too_precise": "Must have at most {places} decimal places.",
        "not_positive": "Must be greater than zero.",
        "negative": "Must not be negative.",
    }

    def __init__(self, *, whole_digits: int, places: int, sign: str = "any", **kwargs):
        super().__init__(**kwargs)
        self.whole_digits = whole_digits
        self.places = places
        self.sign = sign

    def to_internal_value(self, data) -> Decimal:
        match = DECIMAL.fullmatch(data.strip()) if isinstance(data, str) else None
        if match is None:
            self.fail("invalid")
        whole, fraction = match.group(2).lstrip("0"), (match.group(3) or "").rstrip("0")
        if len(whole) > self.whole_digits:
            self.fail("too_large", digits=self.whole_digits)
        if len(fraction) > self.places:
            self.fail("too_precise", places=self.places)
        value = Decimal(match.group(0))
        if self.sign == "positive" and value <= 0:
            self.fail("not_positive")
        if self.sign == "not_negative" and value < 0:
            self.fail("negative")
        return value

    def to_representation(self, value) -> str:
        return str(value)


class IsoDate(serializers.Field):
    default_error_messages = {"invalid": "Must be a date written YYYY-MM-DD."}

    def to_internal_value(self, data) -> date:
        if not isinstance(data, str) or not ISO_DATE.fullmatch(data):
            self.fail("invalid")
        try:
            return date.fromisoformat(data)
        except ValueError:
            self.fail("invalid")

    def to_representation(self, value) -> str:
        return value.isoformat()


class StrictUUID(serializers.UUIDField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


class SupplierSerializer(serializers.Serializer):
    name = OptionalText(max_length=255)
    xero_contact_id = StrictUUID(required=False, allow_null=True, default=None)


class TrackingSerializer(serializers.Serializer):
    category = StrictText(max_length=100)
    option = StrictText(max_length=100)


class LineSerializer(serializers.Serializer):
    description = OptionalText(max_length=4000)
    quantity = DecimalString(whole_digits=10, places=4, sign="positive")
    unit_amount = DecimalString(whole_digits=10, places=4)
    account_code = StrictText(max_length=10)
    tax_type = OptionalText(max_length=50)
    tracking = TrackingSerializer(many=True, required=False, allow_null=True, default=list, max_length=MAX_TRACKING)

    def validate_tracking(self, value):
        value = value or []
        categories = [entry["category"] for entry in value]
        if len(set(categories)) != len(categories):
            raise serializers.ValidationError("Each tracking category may appear only once on a line.")
        return value


class PaymentMethodSerializer(serializers.Serializer):
    name = OptionalText(max_length=255)
    bank_account_code = OptionalText(max_length=10)


class OwnerSerializer(serializers.Serializer):
    email = StrictEmail(required=False, allow_null=True, allow_blank=True, default="", max_length=254)
    name = OptionalText(max_length=200)

    def validate_email(self, value):
        return value or ""


class CostItemSerializer(serializers.Serializer):
    dext_id = StrictText(max_length=100)
    type = StrictChoice(choices=ITEM_TYPES)
    publish_to = StrictChoice(choices=PUBLISH_TO)
    supplier = SupplierSerializer(required=False, allow_null=True, default=None)
    invoice_number = OptionalText(max_length=255)
    date = IsoDate()
    due_date = IsoDate(required=False, allow_null=True, default=None)
    currency = StrictText(max_length=3)
    line_amount_types = StrictChoice(choices=LINE_AMOUNT_TYPES)
    line_items = LineSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    total = DecimalString(whole_digits=12, places=2, sign="not_negative")
    tax_total = DecimalString(whole_digits=12, places=2)
    paid = StrictBoolean(required=False, default=False)
    payment_method = PaymentMethodSerializer(required=False, allow_null=True, default=None)
    owner = OwnerSerializer(required=False, allow_null=True, default=None)
    document_url = OptionalText(max_length=1000, validators=[URLValidator(schemes=["http", "https"])])

    def validate_dext_id(self, value):
        if not DEXT_ID_PATTERN.fullmatch(value):
            raise serializers.ValidationError('Must have no spaces, slashes, backslashes or control characters, '
                                              'and be neither "." nor "..".')
        return value

    def validate_currency(self, value):
        if not CURRENCY.fullmatch(value):
            raise serializers.ValidationError("Must be a three-letter ISO 4217 code in capitals, e.g. GBP.")
        return value

    def validate(self, attrs):
        attrs["supplier"] = attrs["supplier"] or {"name": "", "xero_contact_id": None}
        attrs["payment_method"] = attrs["payment_method"] or {"name": "", "bank_account_code": ""}
        attrs["owner"] = attrs["owner"] or {"email": "", "name": ""}
        problems = whole_item_problems(attrs)
        if problems:
            raise serializers.ValidationError(problems)
        return attrs


def whole_item_problems(item: dict) -> dict:
    """Checks across fields: who the item is from. DRF runs `validate` only once every field is
    valid, so `item_parse` also runs this on the raw item, to name every problem at once."""
    supplier = item.get("supplier") if isinstance(item.get("supplier"), dict) else {}
    owner = item.get("owner") if isinstance(item.get("owner"), dict) else {}
    if item.get("type") == "expense_report":
        if not owner.get("name"):
            return {"owner": {"name": "An expense report needs its owner's name."}}
    elif not supplier.get("name") and supplier.get("xero_contact_id") is None:
        return {"supplier": {"name": "Give the supplier's name or xero_contact_id."}}
    return {}


def _paths(errors, path: str = ""):
    """DRF's nested errors as ("line_items[0].quantity", "message") pairs."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key == api_settings.NON_FIELD_ERRORS_KEY:
                yield from _paths(value, path)
            elif isinstance(key, int):  # a list's items, by index
                yield from _paths(value, f"{path}[{key}]")
            else:
                yield from _paths(value, f"{path}.{key}" if path else str(key))
    elif isinstance(errors, list) and any(isinstance(value, (dict, list)) for value in errors):
        for index, value in enumerate(errors):
            yield from _paths(value, f"{path}[{index}]")
    elif isinstance(errors, list):
        if errors:
            yield path or "item", " ".join(str(message) for message in errors)
    else:
        yield path or "item", str(errors)


def item_parse(raw: str) -> dict:
    """The validated item, or InvalidItem (400) naming every field that is wrong."""
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidItem("The item part is not valid JSON.", fields={"item": "Not valid JSON."}) from None
    if not isinstance(value, dict):
        raise InvalidItem("The item part must be a JSON object.", fields={"item": "Must be a JSON object."})
    serializer = CostItemSerializer(data=value)
    if not serializer.is_valid():
        fields = dict(_paths(serializer.errors))
        for path, message in _paths(whole_item_problems(value)):
            if path.split(".")[0] not in fields:
                fields.setdefault(path, message)
        raise InvalidItem("The item is invalid: " + ", ".join(fields) + ".", fields=fields)
    return serializer.validated_data
