"""Named audit actions. The chain stores these strings: never rename one."""

LOGIN_SUCCEEDED = "auth.login"
LOGIN_FAILED = "auth.login_failed"
LOGOUT = "auth.logout"
PASSWORD_CHANGED = "auth.password_changed"  # noqa: S105 (an action name)
ACTIVATION_REPORTED = "auth.activation_reported"
PASSWORD_RESET_REQUESTED = "auth.password_reset_requested"  # noqa: S105 (an action name)
PASSWORD_RESET = "auth.password_reset"  # noqa: S105 (an action name)
PASSWORD_RESET_FORCED = "auth.password_reset_forced"  # noqa: S105 (an action name)
ACCOUNT_DISABLED = "auth.account_disabled"
ACCOUNT_ENABLED = "auth.account_enabled"
USER_CREATED = "auth.user_created"
ROLE_GRANTED = "auth.role_granted"
ROLE_REVOKED = "auth.role_revoked"
CONFIG_CHANGED = "system.config_changed"
DATABASE_INITIALIZED = "system.initialized"
DEMO_LOADED = "system.demo_loaded"
BYLAWS_UPLOADED = "bylaws.uploaded"
CONFERENCE_CREATED = "conference.created"
CONFERENCE_UPDATED = "conference.updated"
CONFERENCE_STATE = "conference.state_changed"
CONFERENCE_DELETED = "conference.deleted"
COMMITTEE_SEAT = "conference.committee_seat"
DELEGATE_DESIGNATED = "delegate.designated"
DELEGATE_ACCREDITED = "delegate.accredited"
DELEGATE_REJECTED = "delegate.rejected"
DELEGATE_WITHDRAWN = "delegate.withdrawn"
DELEGATE_REPLACED = "delegate.replaced"
DELEGATE_REINSTATED = "delegate.reinstated"
INVITATION_ISSUED = "invitation.issued"
INVITATION_REVOKED = "invitation.revoked"
ACCOUNT_ACTIVATED = "invitation.account_activated"
SITTING_OPENED = "sitting.opened"
SITTING_CLOSED = "sitting.closed"
ATTENDANCE_CHANGED = "sitting.attendance"
MEMBERS_IMPORTED = "members.imported"
TOTP_ENABLED = "auth.totp_enabled"
RECOVERY_CODE_USED = "auth.recovery_code_used"
RECOVERY_CODES_RENEWED = "auth.recovery_codes_renewed"
BRANCHES_SYNCED = "members.branches_synced"
POLL_CREATED = "poll.created"
POLL_OPENED = "poll.opened"
POLL_CLOSED = "poll.closed"
POLL_ANNULLED = "poll.annulled"
POLL_EDITED = "poll.edited"
POLL_DELETED = "poll.deleted"
BOX_ALTERED = "poll.box_altered"
TURNOUT_REMINDER = "poll.turnout_reminder"
CANDIDACY_NOMINATED = "candidacy.nominated"
CANDIDACY_PROPOSED = "candidacy.proposed"
CANDIDACY_ACCEPTED = "candidacy.accepted"
CANDIDACY_DECLINED = "candidacy.declined"
CANDIDACY_STATEMENT = "candidacy.statement_changed"
CANDIDACY_PHOTO = "candidacy.photo_changed"
CANDIDACY_ENDORSED = "candidacy.endorsed"
CANDIDACY_ENDORSEMENT_WITHDRAWN = "candidacy.endorsement_withdrawn"
CANDIDACY_APPROVED = "candidacy.approved"
CANDIDACY_REJECTED = "candidacy.rejected"
CANDIDACY_OBJECTION_FILED = "candidacy.objection_filed"
CANDIDACY_OBJECTION_DECIDED = "candidacy.objection_decided"
CANDIDACY_WITHDRAWN = "candidacy.withdrawn"
CANDIDACY_WITHDRAWN_BY_COMMITTEE = "candidacy.withdrawn_by_committee"
CANDIDACY_REINSTATED = "candidacy.reinstated"
CANDIDATE_LIST_FROZEN = "candidacy.list_frozen"
CANDIDACY_DEMO = "candidacy.demo_created"
POLL_TALLIED = "poll.tallied"
RESULT_SIGNED = "result.signed"
RESULT_REFUSED = "result.refused"
RESULT_CERTIFIED = "result.certified"
RESULT_OBJECTION_FILED = "result.objection_filed"
RESULT_OBJECTION_DECIDED = "result.objection_decided"
RUNOFF_CREATED = "poll.runoff_created"
KEYHOLDER_SET = "sealing.keyholder_set"
POLL_KEY_CREATED = "sealing.key_created"
SHARE_COLLECTED = "sealing.share_collected"
SHARE_DISCARDED = "sealing.share_discarded"
SHARE_CONTRIBUTED = "sealing.share_contributed"
SHARE_REFUSED = "sealing.share_refused"
BOX_OPENED = "sealing.box_opened"
TRUSTEES_BEGUN = "verifiable.trustees_begun"
TRUSTEE_MESSAGE = "verifiable.trustee_message"
TRUSTEES_DONE = "verifiable.trustees_done"
TRUSTEES_RESTARTED = "verifiable.trustees_restarted"
CREDENTIALS_PUBLISHED = "verifiable.credentials_published"
CREDENTIAL_REPLACED = "verifiable.credential_replaced"
PARTIAL_DECRYPTION = "verifiable.partial_decryption"
RESULT_DECRYPTED = "verifiable.result_decrypted"
APPOINTMENT_PROPOSED = "body.appointment_proposed"
APPOINTMENT_RECORDED = "body.appointment_recorded"

# When a person used their own account (logins, failed logins, logouts, and every step that
# logs in or marks a moment of use: activating an account, a recovery code, a password
# changed or reset, a second factor set up): shown on the audit page to administrators
# only (an observer who saw who used their account when would know the voting order of
# those who came only to vote); they stay in the chain, which everyone verifies whole.
ACCOUNT_ACTIVITY = (
    LOGIN_SUCCEEDED,
    LOGIN_FAILED,
    LOGOUT,
    ACCOUNT_ACTIVATED,
    RECOVERY_CODE_USED,
    RECOVERY_CODES_RENEWED,
    TOTP_ENABLED,
    PASSWORD_CHANGED,
    PASSWORD_RESET_REQUESTED,
    PASSWORD_RESET,
)
