"""Translated labels shared by pilot pages, CSV exports and sections."""

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "draft": _l("Draft"),
    "planned": _l("Planned"),
    "running": _l("Running"),
    "completed": _l("Completed"),
    "adopted": _l("Adopted"),
    "not_adopted": _l("Not adopted"),
    "discontinued": _l("Discontinued"),
    "hidden": _l("Not public"),
}
DIRECTION_LABELS = {"higher_is_better": _l("Higher is better"), "lower_is_better": _l("Lower is better")}
PRICE_UNIT_LABELS = {"per_year": _l("per year"), "per_seat": _l("per seat"), "one_off": _l("one-off")}
ANSWER_LABELS = {"yes": _l("Yes"), "no": _l("No"), "partial": _l("Partly"), "na": _l("n/a")}
FACT_SHEET_LABELS = {
    "system_purpose": _l("System purpose"),
    "model_provider": _l("Model or provider"),
    "training_data": _l("Training data"),
    "test_data": _l("Test data"),
    "performance": _l("Performance and robustness"),
    "known_limits": _l("Known limits"),
    "privacy": _l("Privacy and data handling"),
    "human_oversight": _l("Human oversight"),
    "responsible_ai_policy": _l("Responsible-AI policy"),
}


def status_labels() -> dict:
    return STATUS_LABELS
