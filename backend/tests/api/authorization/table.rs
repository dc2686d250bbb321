//! The matrix itself: who calls, whose data, and for each RPC the code
//! every column must get. Adding an RPC means adding its rows here and its
//! call in `calls`.

use tonic::Code;

use Data::{Invalid, Linked, Others, Own, Unknown, Unowned};

/// Who calls: the columns of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Who {
    Anonymous,
    Athlete,
    Coach,
    Admin,
    /// An athlete with the access token they had before an admin
    /// deactivated them.
    Deactivated,
    /// An athlete with the access token of a session they revoked.
    Revoked,
    /// A former coach (now an athlete only), signed in again after the
    /// demotion, whose old athlete link and invite are still on record.
    Demoted,
}

const COLUMNS: [Who; 7] = [
    Who::Anonymous,
    Who::Athlete,
    Who::Coach,
    Who::Admin,
    Who::Deactivated,
    Who::Revoked,
    Who::Demoted,
];

/// Whose data a call touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Data {
    /// Nobody's: the RPC has no owner to choose (options, lists, creates).
    Unowned,
    /// The caller's own; an anonymous caller tries the athlete's.
    Own,
    /// The other side of the caller's link: an athlete's coach, a coach's
    /// athlete, a demoted coach's former athlete; an admin, anonymous,
    /// deactivated or revoked caller tries the linked athlete's.
    Linked,
    /// Someone the caller has no link with: the other coach's or the other
    /// athlete's, or a fresh account's.
    Others,
    /// An id or token nobody has.
    Unknown,
    /// A malformed payload, to show the order of the checks.
    Invalid,
}

/// One cell: `rpc` called by `who` on `data` must answer `expect`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cell {
    pub(super) rpc: &'static str,
    pub(super) who: Who,
    pub(super) data: Data,
    pub(super) expect: Code,
}

const OK: Option<Code> = Some(Code::Ok);
const UNAUTHENTICATED: Option<Code> = Some(Code::Unauthenticated);
const DENIED: Option<Code> = Some(Code::PermissionDenied);
const INVALID: Option<Code> = Some(Code::InvalidArgument);
const PRECONDITION: Option<Code> = Some(Code::FailedPrecondition);
const NOT_FOUND: Option<Code> = Some(Code::NotFound);
const UNIMPLEMENTED: Option<Code> = Some(Code::Unimplemented);
/// No such cell (an anonymous caller has nothing of their own to sign in with).
const NA: Option<Code> = None;

/// Rows for RPCs any live account may call on its own data: the answer for
/// every signed-in column, refusals for the anonymous and dead tokens.
const fn signed_in(code: Option<Code>) -> [Option<Code>; 7] {
    [UNAUTHENTICATED, code, code, code, UNAUTHENTICATED, UNAUTHENTICATED, code]
}
const SIGNED_IN_OK: [Option<Code>; 7] = signed_in(OK);
const SIGNED_IN_INVALID: [Option<Code>; 7] = signed_in(INVALID);
const SIGNED_IN_NOT_FOUND: [Option<Code>; 7] = signed_in(NOT_FOUND);
const SIGNED_IN_PRECONDITION: [Option<Code>; 7] = signed_in(PRECONDITION);
const SIGNED_IN_DENIED: [Option<Code>; 7] = signed_in(DENIED);

/// Rows for RPCs only coaches may call: `code` for the coach, refusals by
/// role for everyone else (the demoted coach included).
const fn coach_only(code: Option<Code>) -> [Option<Code>; 7] {
    [UNAUTHENTICATED, DENIED, code, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, DENIED]
}

/// Rows for RPCs only athletes may call: `code` for the athlete and the
/// demoted coach (an athlete now), refusals by role for coach and admin.
const fn athlete_only(code: Option<Code>) -> [Option<Code>; 7] {
    [UNAUTHENTICATED, code, DENIED, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, code]
}

/// An RPC (with a variant after `/`), whose data, and the answers for the
/// columns anonymous, athlete, coach, admin, deactivated, revoked session,
/// demoted coach.
type Row = (&'static str, Data, [Option<Code>; 7]);

/// The matrix, run top to bottom. Rows whose calls would delete or re-link
/// fixture accounts if a rule were broken, or that give the fixture new
/// roles and links, come last.
pub(super) const MATRIX: &[Row] = &[
    ("GetSignInOptions", Unowned, [OK; 7]),
    ("Login", Own, [NA, OK, OK, OK, UNAUTHENTICATED, OK, OK]),
    ("Login", Others, [OK, NA, NA, NA, OK, OK, OK]),
    ("Login", Unknown, [UNAUTHENTICATED; 7]),
    // Self-registration is off on the matrix's server.
    ("SignUp", Unowned, [PRECONDITION; 7]),
    ("SignUp", Invalid, [PRECONDITION, NA, NA, NA, PRECONDITION, PRECONDITION, PRECONDITION]),
    // Google sign-in is configured (the sandbox provider). Unowned is purpose
    // SIGN_IN, Own is LINK; a bad token is refused even where none is needed.
    ("StartGoogleSignIn", Unowned, [OK, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK]),
    ("StartGoogleSignIn", Own, [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK]),
    (
        "StartGoogleSignIn",
        Invalid,
        [INVALID, INVALID, INVALID, INVALID, UNAUTHENTICATED, UNAUTHENTICATED, INVALID],
    ),
    // A state nobody started.
    ("FinishGoogleSignIn", Unknown, [UNAUTHENTICATED; 7]),
    // With the password; Invalid sends no method.
    ("Reauthenticate", Own, [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK]),
    (
        "Reauthenticate",
        Invalid,
        [UNAUTHENTICATED, INVALID, INVALID, INVALID, UNAUTHENTICATED, UNAUTHENTICATED, INVALID],
    ),
    // Real flows through the provider, each Baton account with a Google
    // identity of its own. Own: started and finished by the caller;
    // Others: started by another user and finished by the caller.
    ("LinkGoogle", Own, [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK]),
    ("LinkGoogle", Others, [UNAUTHENTICATED; 7]),
    (
        "Reauthenticate/google",
        Own,
        [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK],
    ),
    // Own removes what LinkGoogle added; Others is a stranger with Google linked.
    ("UnlinkGoogle", Own, [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK]),
    (
        "UnlinkGoogle",
        Others,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "UnlinkGoogle",
        Unknown,
        [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "UnlinkGoogle",
        Invalid,
        [UNAUTHENTICATED, INVALID, INVALID, INVALID, UNAUTHENTICATED, UNAUTHENTICATED, INVALID],
    ),
    ("Refresh", Own, [NA, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK]),
    ("Refresh", Others, [OK, NA, NA, NA, OK, OK, OK]),
    ("Refresh", Unknown, [UNAUTHENTICATED; 7]),
    ("Logout", Own, [NA, OK, OK, OK, OK, OK, OK]),
    ("Logout", Unknown, [OK; 7]),
    ("GetInvite", Unowned, [OK; 7]),
    ("GetInvite", Unknown, [PRECONDITION; 7]),
    ("ResetPassword", Unowned, [OK; 7]),
    ("ResetPassword", Unknown, [PRECONDITION; 7]),
    ("ChangePassword", Own, [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK]),
    ("ListSessions", Own, [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK]),
    ("RevokeSession", Own, [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK]),
    (
        "RevokeSession",
        Linked,
        [UNAUTHENTICATED, DENIED, DENIED, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "RevokeSession",
        Others,
        [UNAUTHENTICATED, DENIED, DENIED, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "RevokeSession",
        Unknown,
        [UNAUTHENTICATED, DENIED, DENIED, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "RevokeSession",
        Invalid,
        [UNAUTHENTICATED, INVALID, INVALID, INVALID, UNAUTHENTICATED, UNAUTHENTICATED, INVALID],
    ),
    ("GetMe", Own, [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK]),
    ("UpdateMe", Own, [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK]),
    (
        "UpdateMe/payment_link",
        Own,
        [UNAUTHENTICATED, DENIED, OK, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "ListUsers",
        Unowned,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "ListUsers",
        Invalid,
        [UNAUTHENTICATED, DENIED, DENIED, INVALID, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "CreateUser",
        Unowned,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "CreateUser",
        Invalid,
        [UNAUTHENTICATED, DENIED, DENIED, INVALID, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "UpdateUser",
        Own,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "UpdateUser",
        Linked,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "UpdateUser",
        Others,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "UpdateUser",
        Unknown,
        [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "UpdateUser",
        Invalid,
        [UNAUTHENTICATED, DENIED, DENIED, INVALID, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "IssuePasswordReset",
        Own,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "IssuePasswordReset",
        Linked,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "IssuePasswordReset",
        Others,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "IssuePasswordReset",
        Unknown,
        [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "IssuePasswordReset",
        Invalid,
        [UNAUTHENTICATED, DENIED, DENIED, INVALID, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "InviteAthlete",
        Unowned,
        [UNAUTHENTICATED, DENIED, OK, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "InviteAthlete",
        Linked,
        [UNAUTHENTICATED, DENIED, PRECONDITION, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    // Another coach's athlete may have a second coach: the invite is made,
    // and the answer does not say whose athlete they are.
    (
        "InviteAthlete",
        Others,
        [UNAUTHENTICATED, DENIED, OK, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "InviteAthlete",
        Invalid,
        [UNAUTHENTICATED, DENIED, INVALID, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "ListInvites",
        Own,
        [UNAUTHENTICATED, DENIED, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "ListInvites",
        Others,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "ListInvites",
        Unknown,
        [UNAUTHENTICATED, DENIED, DENIED, NA, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "ListInvites",
        Invalid,
        [UNAUTHENTICATED, DENIED, INVALID, INVALID, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    // Own is the coach's invite (athletes and admins send none); the demoted
    // coach's own invite was revoked with the role, and is no longer theirs
    // to manage.
    ("RevokeInvite", Own, [UNAUTHENTICATED, NA, OK, NA, UNAUTHENTICATED, UNAUTHENTICATED, DENIED]),
    (
        "RevokeInvite",
        Others,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "RevokeInvite",
        Unknown,
        [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "RevokeInvite",
        Invalid,
        [UNAUTHENTICATED, DENIED, INVALID, INVALID, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "ListMyAthletes",
        Own,
        [UNAUTHENTICATED, DENIED, OK, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "ListMyAthletes",
        Invalid,
        [UNAUTHENTICATED, DENIED, INVALID, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "GetMyCoaches",
        Own,
        [UNAUTHENTICATED, OK, DENIED, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, OK],
    ),
    // The caller's own side of the pair is left empty; admins name both. The
    // demoted coach tries their former athlete, still linked in the roster.
    (
        "UnlinkAthlete",
        Linked,
        [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "UnlinkAthlete",
        Others,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "UnlinkAthlete",
        Unknown,
        [UNAUTHENTICATED, DENIED, DENIED, NA, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "UnlinkAthlete/both ids",
        Others,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "LinkAthlete",
        Linked,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "LinkAthlete",
        Others,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "LinkAthlete",
        Unknown,
        [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "LinkAthlete",
        Invalid,
        [UNAUTHENTICATED, DENIED, DENIED, INVALID, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "GetOverview",
        Unowned,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    ("ListAuditEvents", Own, [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK]),
    (
        "ListAuditEvents",
        Linked,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "ListAuditEvents",
        Others,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "RevokeUserSessions",
        Linked,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "RevokeUserSessions",
        Others,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "RevokeUserSessions",
        Unknown,
        [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "RevokeUserSessions",
        Invalid,
        [UNAUTHENTICATED, DENIED, DENIED, INVALID, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    // SharingService (before the Garmin rows, which disconnect the fixture's
    // Garmin links). Coaches share and revoke; athletes import and dismiss;
    // a share is seen by its coach and its athlete only. Own: the coach's
    // share to the athlete (a fresh one where the cell may use it up);
    // Linked: for a coach, the coach's workout and athlete, for an athlete,
    // their coach's share to another athlete; Others: the other coach's
    // share to the other athlete, or another coach's athlete or workout.
    ("ShareWorkouts", Linked, coach_only(OK)),
    ("ShareWorkouts", Others, coach_only(DENIED)),
    ("ShareWorkouts/others workout", Others, coach_only(DENIED)),
    ("ShareWorkouts", Unknown, coach_only(DENIED)),
    ("ShareWorkouts", Invalid, coach_only(INVALID)),
    ("ListOutgoingShares", Own, coach_only(OK)),
    ("ListOutgoingShares", Invalid, coach_only(INVALID)),
    ("ListIncomingShares", Own, athlete_only(OK)),
    ("ListIncomingShares", Invalid, athlete_only(INVALID)),
    // The admin and the demoted coach have no share of their own.
    ("GetShare", Own, [UNAUTHENTICATED, OK, OK, NA, UNAUTHENTICATED, UNAUTHENTICATED, NA]),
    ("GetShare", Linked, [UNAUTHENTICATED, DENIED, NA, NA, UNAUTHENTICATED, UNAUTHENTICATED, NA]),
    ("GetShare", Others, SIGNED_IN_DENIED),
    ("GetShare", Unknown, SIGNED_IN_DENIED),
    ("GetShare", Invalid, SIGNED_IN_INVALID),
    (
        "ImportShares",
        Own,
        [UNAUTHENTICATED, OK, DENIED, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, NA],
    ),
    ("ImportShares", Others, athlete_only(DENIED)),
    ("ImportShares", Unknown, athlete_only(DENIED)),
    ("ImportShares", Invalid, athlete_only(INVALID)),
    (
        "DismissShare",
        Own,
        [UNAUTHENTICATED, OK, DENIED, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, NA],
    ),
    ("DismissShare", Linked, athlete_only(DENIED)),
    ("DismissShare", Others, athlete_only(DENIED)),
    ("DismissShare", Unknown, athlete_only(DENIED)),
    ("DismissShare", Invalid, athlete_only(INVALID)),
    ("RevokeShare", Own, coach_only(OK)),
    ("RevokeShare", Others, coach_only(DENIED)),
    ("RevokeShare", Unknown, coach_only(DENIED)),
    ("RevokeShare", Invalid, coach_only(INVALID)),
    ("UpdateSharedCopies", Own, coach_only(OK)),
    ("UpdateSharedCopies", Others, coach_only(DENIED)),
    ("UpdateSharedCopies/unlinked athlete", Others, coach_only(DENIED)),
    ("UpdateSharedCopies", Unknown, coach_only(DENIED)),
    ("UpdateSharedCopies", Invalid, coach_only(INVALID)),
    // GarminService: any role, only ever the caller's own Garmin link. Each
    // live fixture account has a linked Garmin account with one workout.
    ("GetConnection", Unowned, SIGNED_IN_OK),
    ("ListWorkouts", Own, SIGNED_IN_OK),
    ("ListWorkouts", Invalid, SIGNED_IN_INVALID),
    ("GetWorkout", Own, SIGNED_IN_OK),
    // Nobody's workout is visible here, not even a linked coach's: athletes
    // see shared workouts through SharingService.
    ("GetWorkout", Linked, SIGNED_IN_NOT_FOUND),
    ("GetWorkout", Others, SIGNED_IN_NOT_FOUND),
    ("GetWorkout", Unknown, SIGNED_IN_NOT_FOUND),
    ("GetWorkout", Invalid, SIGNED_IN_INVALID),
    ("SyncWorkouts", Own, SIGNED_IN_OK),
    // Own: the caller's own Garmin account, linked again.
    ("Connect", Own, SIGNED_IN_OK),
    ("Connect", Invalid, SIGNED_IN_INVALID),
    ("ConnectWithTicket", Own, SIGNED_IN_OK),
    ("ConnectWithTicket", Unknown, SIGNED_IN_PRECONDITION),
    ("ConnectWithTicket", Invalid, SIGNED_IN_INVALID),
    ("ImportTokens", Own, SIGNED_IN_OK),
    ("ImportTokens", Invalid, SIGNED_IN_INVALID),
    // Others: a sign-in another user started, waiting for its MFA code.
    ("SubmitMfaCode", Others, SIGNED_IN_PRECONDITION),
    ("SubmitMfaCode", Unknown, SIGNED_IN_PRECONDITION),
    ("SubmitMfaCode", Invalid, SIGNED_IN_INVALID),
    ("Disconnect", Unowned, SIGNED_IN_OK),
    // Not built yet: these rows change when they are.
    ("ExportData", Unowned, [UNIMPLEMENTED; 7]),
    ("ImportData", Unowned, [UNIMPLEMENTED; 7]),
    ("ListNotifications", Own, [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK]),
    // Ids that are not the caller's are ignored, not refused (another
    // user's: tests/api/notifications.rs).
    (
        "MarkNotificationsRead",
        Unknown,
        [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK],
    ),
    (
        "MarkNotificationsRead",
        Invalid,
        [UNAUTHENTICATED, INVALID, INVALID, INVALID, UNAUTHENTICATED, UNAUTHENTICATED, INVALID],
    ),
    (
        "WatchNotifications",
        Own,
        [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK],
    ),
    (
        "DeleteUser",
        Own,
        [UNAUTHENTICATED, DENIED, DENIED, PRECONDITION, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "DeleteUser",
        Linked,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "DeleteUser",
        Others,
        [UNAUTHENTICATED, DENIED, DENIED, OK, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "DeleteUser",
        Unknown,
        [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "DeleteUser",
        Invalid,
        [UNAUTHENTICATED, DENIED, DENIED, INVALID, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    // With `existing_account`: Own is an invite addressed to the caller's email.
    ("AcceptInvite", Own, [UNAUTHENTICATED, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK]),
    (
        "AcceptInvite",
        Others,
        [UNAUTHENTICATED, DENIED, DENIED, DENIED, UNAUTHENTICATED, UNAUTHENTICATED, DENIED],
    ),
    (
        "AcceptInvite",
        Unknown,
        [
            UNAUTHENTICATED,
            PRECONDITION,
            PRECONDITION,
            PRECONDITION,
            UNAUTHENTICATED,
            UNAUTHENTICATED,
            PRECONDITION,
        ],
    ),
    ("AcceptInvite/new_password", Unowned, [OK, OK, OK, OK, UNAUTHENTICATED, UNAUTHENTICATED, OK]),
];

pub(super) fn cells() -> impl Iterator<Item = Cell> {
    MATRIX.iter().flat_map(|&(rpc, data, answers)| {
        COLUMNS
            .into_iter()
            .zip(answers)
            .filter_map(move |(who, expect)| expect.map(|expect| Cell { rpc, who, data, expect }))
    })
}
