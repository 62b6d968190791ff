"""What the audit log calls each audited table and field, and where an entry links to.

`object_type` is the table name; a kind names it for people ("the challenge" / 課題), says which
attribute is its title and which page shows it (`endpoint`, with the id taken from the row itself
or, for child rows, from one of its columns).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    label: object
    title: str | None = None            # attribute holding the object's title
    endpoint: str | None = None         # page that shows it
    arg: str | None = None              # the endpoint's id argument
    via: str | None = None              # column holding that id (None: the row's own id)


KINDS: dict[str, Kind] = {
    "challenges": Kind(_l("challenge"), "title", "challenges.detail", "challenge_id"),
    "challenge_co_owners": Kind(_l("co-owner invitation"), None, "challenges.detail", "challenge_id", "challenge_id"),
    "solutions": Kind(_l("solution"), "title", "solutions.detail", "solution_id"),
    "fact_sheets": Kind(_l("AI fact sheet"), None, "contracts.fact_sheet", "solution_id", "solution_id"),
    "applications": Kind(_l("application"), None, "applications.detail", "application_id"),
    "committees": Kind(_l("review committee"), None, "reviews.committee", "challenge_id", "challenge_id"),
    "review_assignments": Kind(_l("review assignment"), None, "applications.detail", "application_id",
                               "application_id"),
    "reviews": Kind(_l("review"), None, "applications.detail", "application_id", "application_id"),
    "conflict_declarations": Kind(_l("conflict-of-interest declaration"), None, "applications.detail",
                                  "application_id", "application_id"),
    "rubrics": Kind(_l("rubric"), "title"),
    "referrals": Kind(_l("pass-on proposal"), None, "matchmaking.referral", "referral_id"),
    "match_invitations": Kind(_l("match invitation"), None, "challenges.detail", "challenge_id", "challenge_id"),
    "pilots": Kind(_l("pilot"), "title", "pilots.detail", "pilot_id"),
    "pilot_kpis": Kind(_l("pilot KPI"), "name", "pilots.detail", "pilot_id", "pilot_id"),
    "pilot_kpi_measurements": Kind(_l("KPI measurement")),
    "pilot_reports": Kind(_l("pilot report"), None, "pilots.detail", "pilot_id", "pilot_id"),
    "contract_records": Kind(_l("contract record"), "title", "contracts.detail", "contract_id"),
    "contract_hub_waivers": Kind(_l("contract hub waiver")),
    "events": Kind(_l("event"), "title", "events.detail", "event_id"),
    "event_rsvps": Kind(_l("event registration"), None, "events.detail", "event_id", "event_id"),
    "event_problem_cards": Kind(_l("problem card"), "title", "events.board_page", "event_id", "event_id"),
    "contests": Kind(_l("contest"), "title", "contests.show", "contest_id"),
    "contest_rounds": Kind(_l("voting round"), "title", "contests.show", "contest_id", "contest_id"),
    "contest_entries": Kind(_l("contest entry"), "title", "contests.show", "contest_id", "contest_id"),
    "contest_judges": Kind(_l("contest judge"), None, "contests.show", "contest_id", "contest_id"),
    "contest_judge_scores": Kind(_l("judge's score")),
    "contest_judge_declarations": Kind(_l("judge's conflict-of-interest declaration")),
    "procurement_rounds": Kind(_l("joint procurement round"), "title", "procurement.detail", "round_id"),
    "procurement_participants": Kind(_l("procurement participation"), None, "procurement.detail", "round_id",
                                     "round_id"),
    "procurement_vendors": Kind(_l("procurement vendor"), None, "procurement.detail", "round_id", "round_id"),
    "attachments": Kind(_l("attachment"), "filename"),
}

# Never shown: derived search data, storage names, secrets.
HIDDEN_FIELDS = {"id", "search_text", "search_grams", "facets", "stored_name", "sha256", "ticket_nonce", "version",
                 "created_at", "updated_at"}

USER_FIELDS = {"created_by_id", "granted_by_id", "author_id", "judge_id", "user_id", "chair_id", "invited_by_id",
               "proposed_by_id", "responded_by_id", "decided_by_id", "opted_in_by_id", "sheet_updated_by_id",
               "checked_in_by_id", "uploaded_by_id"}
ORG_FIELDS = {"org_id", "owner_org_id", "applicant_org_id", "municipality_id", "startup_id", "vendor_org_id",
              "coordinator_org_id", "awarded_vendor_org_id", "startup_org_id", "host_org_id"}
MONEY_FIELDS = {"budget_min_jpy", "budget_max_jpy", "budget_jpy", "actual_cost_jpy", "cost_estimate_jpy",
                "price_jpy", "price_jpy_per_year", "budget_max_jpy"}

FIELD_LABELS = {
    "title": _l("Title"), "name": _l("Name"), "summary": _l("Summary"), "description": _l("Description"),
    "background": _l("Background"), "current_workflow": _l("How it works today"),
    "desired_outcome": _l("What we want to achieve"), "kpis": _l("KPIs"), "category": _l("Category"),
    "tags": _l("Tags"), "security_level": _l("Security level"), "budget_min_jpy": _l("Minimum budget"),
    "budget_max_jpy": _l("Maximum budget"), "application_deadline": _l("Application deadline"),
    "pilot_start": _l("Pilot start"), "pilot_end": _l("Pilot end"), "status": _l("Status"),
    "visibility": _l("Visibility"), "language": _l("Language"), "published_at": _l("Published at"),
    "env_lgwan": _l("LGWAN"), "env_internet": _l("Internet"), "env_onprem": _l("On-premises"),
    "environment": _l("Environment"), "features": _l("Features"), "price_jpy_per_year": _l("Price per year"),
    "track_record": _l("Track record"), "certifications": _l("Certifications"), "languages": _l("Languages"),
    "regions_served": _l("Regions served"), "proposal": _l("Proposal"),
    "implementation_plan": _l("Implementation plan"), "schedule": _l("Schedule"),
    "cost_estimate_jpy": _l("Cost estimate"), "expected_effect": _l("Expected effect"),
    "submitted_at": _l("Submitted at"), "decision_reason": _l("Reason for the decision"),
    "decided_at": _l("Decided at"), "objectives": _l("Objectives"), "scope": _l("Scope"), "sites": _l("Sites"),
    "start_date": _l("Start date"), "end_date": _l("End date"), "budget_jpy": _l("Budget"),
    "actual_cost_jpy": _l("Actual cost"), "population": _l("Population"),
    "team_municipality": _l("Municipality team"), "team_startup": _l("Startup team"),
    "outcome_reason": _l("Reason for the outcome"), "public": _l("Public"), "costs_public": _l("Costs public"),
    "results": _l("Results"), "lessons": _l("Lessons learned"),
    "replication_prerequisites": _l("Prerequisites for replication"),
    "replication_effort": _l("Effort to replicate"), "replication_pitfalls": _l("Pitfalls"),
    "unit": _l("Unit"), "direction": _l("Direction"), "baseline": _l("Baseline"), "target": _l("Target"),
    "value": _l("Value"), "measured_on": _l("Measured on"), "note": _l("Note"), "notes": _l("Notes"),
    "body": _l("Text"), "issues": _l("Issues"), "period_start": _l("Period start"),
    "period_end": _l("Period end"), "comment": _l("Comment"), "reason": _l("Reason"),
    "has_conflict": _l("Conflict of interest"), "declared_at": _l("Declared at"), "scores": _l("Scores"),
    "starts_at": _l("Starts"), "ends_at": _l("Ends"), "venue": _l("Venue"), "online_url": _l("Online URL"),
    "capacity": _l("Capacity"), "registration_open": _l("Registration open"), "kind": _l("Kind"),
    "format": _l("Format"), "agenda": _l("Agenda"), "filename": _l("File name"), "size": _l("Size"),
    "vendor_name": _l("Vendor name"), "price_unit": _l("Price unit"), "data_ownership": _l("Data ownership"),
    "security": _l("Security"), "exit_terms": _l("Exit terms"), "checklist": _l("Checklist"),
    "seats": _l("Seats"), "must_have": _l("Must-have features"), "nice_to_have": _l("Nice-to-have features"),
    "weight_judges": _l("Weight of judges"), "weight_votes": _l("Weight of votes"),
    "weight_likes": _l("Weight of likes"), "pitch_seconds": _l("Pitch length (seconds)"),
    "finalized_at": _l("Finalised at"), "revealed_at": _l("Revealed at"), "opened_at": _l("Opened at"),
    "closed_at": _l("Closed at"), "method": _l("Voting method"), "max_choices": _l("Maximum choices"),
    "allow_change": _l("Votes may be changed"), "position": _l("Position"),
    "optin_deadline": _l("Opt-in deadline"), "requirements_deadline": _l("Requirements deadline"),
    "expected_start": _l("Expected start"), "awarded_at": _l("Awarded at"),
    "responded_at": _l("Responded at"), "confirmed_at": _l("Confirmed at"), "cancelled_at": _l("Cancelled at"),
    "checked_in_at": _l("Checked in at"), "sheet_submitted_at": _l("Sheet submitted at"),
    "like_count": _l("Likes"), "source": _l("Source"), "named_export": _l("Names in the export"),
    "join_code": _l("Join code"), "current_entry_id": _l("Entry on stage"),
    "pitch_started_at": _l("Pitch started at"), "service_type": _l("Service type"),
    "feature_catalogue": _l("Feature catalogue"), "report_interval_days": _l("Report interval (days)"),
    "last_reminded_at": _l("Last reminded at"), "reminded_at": _l("Reminded at"),
    "requested_at": _l("Requested at"), "content_type": _l("File type"), "owner_type": _l("Attached to"),
    "system_purpose": _l("System purpose"), "model_provider": _l("Model provider"),
    "training_data": _l("Training data"), "test_data": _l("Test data"), "performance": _l("Performance"),
    "known_limits": _l("Known limits"), "privacy": _l("Privacy"), "human_oversight": _l("Human oversight"),
    "responsible_ai_policy": _l("Responsible AI policy"), "eligibility": _l("Who may vote"),
    "timezone": _l("Time zone"),
    # who and which organisation
    "created_by_id": _l("Created by"), "granted_by_id": _l("Granted by"), "author_id": _l("Author"),
    "judge_id": _l("Judge"), "user_id": _l("Person"), "chair_id": _l("Chair"), "invited_by_id": _l("Invited by"),
    "proposed_by_id": _l("Proposed by"), "responded_by_id": _l("Responded by"),
    "decided_by_id": _l("Decided by"), "opted_in_by_id": _l("Opted in by"),
    "sheet_updated_by_id": _l("Sheet updated by"), "checked_in_by_id": _l("Checked in by"),
    "uploaded_by_id": _l("Uploaded by"), "org_id": _l("Organisation"), "owner_org_id": _l("Owner"),
    "applicant_org_id": _l("Applicant"), "municipality_id": _l("Municipality"), "startup_id": _l("Startup"),
    "vendor_org_id": _l("Vendor"), "coordinator_org_id": _l("Coordinator"),
    "awarded_vendor_org_id": _l("Awarded vendor"), "startup_org_id": _l("Startup"), "host_org_id": _l("Host"),
}


def field_label(name: str) -> str:
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else name.replace("_id", "").replace("_", " ").capitalize()
