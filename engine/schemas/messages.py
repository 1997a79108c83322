"""The English messages of the input schemas. They double as codes: the web UI and the command line look each
one up in the translation catalogue (webui/forms.py) and show it in the user's language; the API gives them
as they are."""

from __future__ import annotations

INVALID_PHONE = "invalid phone number"
INVALID_EMAIL = "invalid email address"
NEGATIVE_AMOUNT = "amount must not be negative"
ID_NUMBER_LENGTH = "a resident ID number has 18 characters"
INCIDENT_AFTER_RECEIPT = "the incident cannot be after the complaint was received"
REPEAT_COUNT_COMPUTED = "repeat_count is computed from the customer's earlier complaints; leave it out"
# Marshmallow fills in the bounds; the catalogue entry is found by the text before them.
RECEIVED_RANGE = "received_at must be between "
INCIDENT_RANGE = "incident_at must be between "
# Followed by the channel the complaint came in on.
READ_BACK_REQUIRED = "a complaint taken face to face or by phone must be read back to the customer, who confirms it: "
CHOOSE_CODE = "choose one of: "
MUST_CONFIRM = "must be confirmed (ticked) before this step can be submitted"
CHOOSE_ONE = "choose at least one"
CHOSEN_TWICE = "an option is chosen twice"
REQUIRED = "required"
