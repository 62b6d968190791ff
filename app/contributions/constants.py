"""Codes for what a municipality offers besides money."""

from flask_babel import lazy_gettext as _l

OFFER_KINDS = {
    "test_field": _l("Test field or sites"),
    "data": _l("Data sets"),
    "staff_time": _l("Staff time"),
    "residents": _l("Access to residents / PR"),
    "office_space": _l("Office space"),
    "reference_letter": _l("Reference letter after success"),
}
OFFER_DESCRIPTION_MAX = 500
FREE_PILOT_MONTHS_MAX = 36
DAYS_PER_MONTH = 30.44
