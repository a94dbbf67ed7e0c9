"""Every Slack command, callback id, action id and block id ctobot uses, in one place."""

# Slash commands (declared in manifest.yml)
CMD_LOGTIME = "/logtime"
CMD_DECISION = "/decision"
CMD_REVIEW = "/review"
CMD_ARTIFACT = "/artifact"
CMD_RISK = "/risk"
CMD_FINDING = "/finding"
CMD_VENDOR = "/vendor"
CMD_ROADMAP = "/roadmap"
CMD_SYSTEM = "/system"
CMD_CTO = "/cto"
REGISTER_COMMANDS = (CMD_RISK, CMD_FINDING, CMD_VENDOR, CMD_ROADMAP, CMD_SYSTEM)
ALL_COMMANDS = (CMD_LOGTIME, CMD_DECISION, CMD_REVIEW, CMD_ARTIFACT, *REGISTER_COMMANDS, CMD_CTO)

# Message shortcuts (callback ids)
SHORTCUT_TRACK_QUESTION = "track_question"
SHORTCUT_RECORD_DECISION = "record_decision"
SHORTCUT_REQUEST_REVIEW = "request_review"
ALL_MESSAGE_SHORTCUTS = (SHORTCUT_TRACK_QUESTION, SHORTCUT_RECORD_DECISION, SHORTCUT_REQUEST_REVIEW)

# Modals (view callback ids)
VIEW_ENGAGEMENT_SETUP = "engagement_setup"

# Blocks and actions inside the engagement setup modal
BLOCK_SETUP_NAME = "setup_name"
ACTION_SETUP_NAME = "name"
BLOCK_SETUP_DISPLAY_NAME = "setup_display_name"
ACTION_SETUP_DISPLAY_NAME = "display_name"
BLOCK_SETUP_TIER = "setup_tier"
ACTION_SETUP_TIER = "tier"
BLOCK_SETUP_HOURS = "setup_hours"
ACTION_SETUP_HOURS = "hours"
BLOCK_SETUP_START = "setup_start"
ACTION_SETUP_START = "start_date"
BLOCK_SETUP_TIMEZONE = "setup_timezone"
ACTION_SETUP_TIMEZONE = "timezone"
BLOCK_SETUP_DIGEST_DAY = "setup_digest_day"
ACTION_SETUP_DIGEST_DAY = "digest_day"
BLOCK_SETUP_DIGEST_TIME = "setup_digest_time"
ACTION_SETUP_DIGEST_TIME = "digest_time"
BLOCK_SETUP_CTOS = "setup_ctos"
ACTION_SETUP_CTOS = "cto_users"
BLOCK_SETUP_FOUNDERS = "setup_founders"
ACTION_SETUP_FOUNDERS = "founder_users"
BLOCK_SETUP_DECIDERS = "setup_deciders"
ACTION_SETUP_DECIDERS = "decider_users"
BLOCK_SETUP_END = "setup_end"
ACTION_SETUP_END = "end_date"
BLOCK_SETUP_OWNER = "setup_owner"
ACTION_SETUP_OWNER = "internal_owner"
BLOCK_SETUP_CHECKIN = "setup_checkin"
ACTION_SETUP_CHECKIN = "checkin_cadence"
BLOCK_SETUP_OPTIONS = "setup_options"
ACTION_SETUP_OPTIONS = "options"
OPTION_LLM_CONSENT = "llm_consent"
OPTION_PRIMARY_CHANNEL = "primary_channel"

# Events ctobot subscribes to (declared in manifest.yml)
BOT_EVENTS = (
    "message.channels",
    "message.groups",
    "message.im",
    "app_mention",
    "reaction_added",
    "app_home_opened",
    "app_uninstalled",
    "tokens_revoked",
)

# Bot scopes (declared in manifest.yml and requested by the OAuth flow)
BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "groups:read",
    "im:history",
    "im:write",
    "reactions:read",
    "users:read",
)

# /logtime: the modal, its blocks and the buttons on confirmations and lists
VIEW_LOGTIME = "logtime"
BLOCK_LOGTIME_ENGAGEMENT = "logtime_engagement"
ACTION_LOGTIME_ENGAGEMENT = "engagement"
BLOCK_LOGTIME_DATE = "logtime_date"
ACTION_LOGTIME_DATE = "work_date"
BLOCK_LOGTIME_DURATION = "logtime_duration"
ACTION_LOGTIME_DURATION = "duration"
BLOCK_LOGTIME_CATEGORY = "logtime_category"
ACTION_LOGTIME_CATEGORY = "category"
BLOCK_LOGTIME_NOTE = "logtime_note"
ACTION_LOGTIME_NOTE = "note"
ACTION_LOGTIME_UNDO = "logtime_undo"
ACTION_LOGTIME_EDIT = "logtime_edit"
ACTION_LOGTIME_DELETE = "logtime_delete"
# Logging into a month whose statement was sent: the inline command's confirmation, the modal's checkbox
ACTION_LOGTIME_CONFIRM_SENT = "logtime_confirm_sent"
ACTION_LOGTIME_CANCEL = "logtime_cancel"
BLOCK_LOGTIME_AMEND = "logtime_amend"
ACTION_LOGTIME_AMEND = "amend"
OPTION_LOGTIME_AMEND = "amend_sent_month"

# The month close: the draft statement's button in the CTO's DM
ACTION_STATEMENT_CLOSE = "statement_close"

# /decision: the card's and the draft's buttons, the new-decision modal and the draft's edit modal
ACTION_DECISION_DRAFT = "decision_draft"
ACTION_DECISION_ACCEPT = "decision_accept"
ACTION_DECISION_REJECT = "decision_reject"
ACTION_DECISION_EDIT = "decision_edit"
ACTION_DECISION_REGENERATE = "decision_regenerate"
VIEW_DECISION = "decision_new"
VIEW_DECISION_EDIT = "decision_edit_draft"
BLOCK_DECISION_TITLE = "decision_title"
ACTION_DECISION_TITLE = "title"
BLOCK_DECISION_CONTEXT = "decision_context"
ACTION_DECISION_CONTEXT = "context"
BLOCK_DECISION_OPTIONS = "decision_options"
ACTION_DECISION_OPTIONS = "options"
BLOCK_DECISION_OUTCOME = "decision_outcome"
ACTION_DECISION_OUTCOME = "outcome"
BLOCK_DECISION_CONSEQUENCES = "decision_consequences"
ACTION_DECISION_CONSEQUENCES = "consequences"
BLOCK_DECISION_DECIDERS = "decision_deciders"
ACTION_DECISION_DECIDERS = "deciders"

# Registers (/risk, /finding, /vendor, /roadmap, /system): one modal for every kind; its blocks are
# BLOCK_REGISTER_PREFIX + the field's name (title, owner, status, close_note, or the kind's own), action ids the name
VIEW_REGISTER = "register_entry"
BLOCK_REGISTER_PREFIX = "register_"
