/**
 * The closed set of failures a user can meet. Each code has a message under
 * `errors.<code>` in every locale; the error boundary translates and replies.
 */
/** Refusals of an edit to a running campaign: a lead can correct each on the form. */
export const CAMPAIGN_EDIT_ERRORS = [
  "deadline_unchanged",
  "deadline_in_past",
  "deadline_before_start",
  "deadline_exists",
  "deadline_has_reports",
  "deadline_last",
  "criterion_format",
  "criteria_too_many",
  "criterion_scale_invalid",
  "criterion_scored_stays",
  "edit_published",
] as const;

export const APP_ERROR_CODES = [
  "not_linked",
  "not_member_in_group",
  "forbidden",
  "unknown_command",
  "bad_arguments",
  "invite_invalid",
  "invite_expired",
  "invite_used_up",
  "invite_revoked",
  "invite_too_many_tries",
  "already_member",
  "not_found",
  "name_invalid",
  "name_taken",
  "bad_date",
  "not_an_image",
  "image_damaged",
  "file_too_large",
  "file_over_limit",
  "role_unchanged",
  "role_needs_unit",
  "last_lead",
  "unit_name_taken",
  "unit_name_unchanged",
  "unit_already_retired",
  "unit_retired",
  "rejoin_needs_lead",
  "reminder_offset_too_long",
  "web_link_too_many",
  "score_out_of_range",
  "not_scored",
  "review_changed",
  "reason_required",
  "nothing_to_review",
  "nothing_to_report",
  "campaign_wrong_state",
  "no_unit",
  "pick_a_choice",
  "text_expected",
  "campaign_title_length",
  "campaign_end_before_start",
  "deadline_outside",
  "bad_hashtag",
  "late_points_invalid",
  "thresholds_format",
  "thresholds_count",
  "thresholds_range",
  "thresholds_order",
  "thresholds_duplicate",
  "thresholds_floor",
  "rules_published",
  "note_too_long",
  "photos_expected",
  "no_audience",
  "stale_choice",
  "form_outdated",
  "group_needs_member",
  "group_taken",
  "invite_paused",
  "bad_timezone",
  "image_too_many_pixels",
  "image_side_too_long",
  "image_too_slow",
  "hashtag_taken",
  ...CAMPAIGN_EDIT_ERRORS,
  "notify_no_account",
  "link_invalid",
  "link_expired",
  "approve_needs_scores",
  "correction_reason_required",
  "results_published",
  "already_published",
  "publish_awaiting",
  "ballot_already_open",
  "ballot_candidates_invalid",
  "ballot_choose_invalid",
  "ballot_quorum_invalid",
  "ballot_threshold_invalid",
  "ballot_closed",
  "ballot_not_closed",
  "ballot_not_voter",
  "ballot_not_candidate",
  "ballot_too_many",
  "ballot_choose_some",
  "ballot_unit_voted",
  "ballot_no_tie",
  "ballot_question_length",
  "ballot_close_in_past",
  "registration_not_open",
  "registration_already_open",
  "registration_deadline_past",
  "registration_titles_invalid",
  "registration_titles_format",
  "registration_commitments_format",
  "registration_approved",
  "no_campaigns_in_period",
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: AppErrorCode,
    /** Values interpolated into the translated message. */
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
  }
}

/** An outside service failed; `retryAfterMs` is set when it told us when to try again. */
export class PlatformError extends Error {
  override name = "PlatformError";
  constructor(
    message: string,
    readonly kind: "rate_limited" | "blocked" | "transient" | "permanent",
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
