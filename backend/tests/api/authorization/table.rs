//! The matrix itself: who calls, whose data, and for each RPC the code
//! every column must get. Adding an RPC means adding its rows here and its
//! call in `calls`.

use tonic::Code;

use Data::{Invalid, Linked, Others, Own, Unknown, Unowned};

/// Who calls: the four columns of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Who {
    Anonymous,
    Athlete,
    Coach,
    Admin,
}

const COLUMNS: [Who; 4] = [Who::Anonymous, Who::Athlete, Who::Coach, Who::Admin];

/// Whose data a call touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Data {
    /// Nobody's: the RPC has no owner to choose (options, lists, creates).
    Unowned,
    /// The caller's own; an anonymous caller tries the athlete's.
    Own,
    /// The other side of the caller's link: an athlete's coach, a coach's
    /// athlete; an admin or anonymous caller tries the linked athlete's.
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

/// An RPC (with a variant after `/`), whose data, and the answers for the
/// columns anonymous, athlete, coach, admin.
type Row = (&'static str, Data, [Option<Code>; 4]);

/// The matrix, run top to bottom. Rows whose calls would delete or re-link
/// fixture accounts if a rule were broken, or that give the fixture new
/// roles and links, come last.
pub(super) const MATRIX: &[Row] = &[
    ("GetSignInOptions", Unowned, [OK; 4]),
    ("Login", Own, [NA, OK, OK, OK]),
    ("Login", Others, [OK, NA, NA, NA]),
    ("Login", Unknown, [UNAUTHENTICATED; 4]),
    // Self-registration is off on the matrix's server.
    ("SignUp", Unowned, [PRECONDITION; 4]),
    ("SignUp", Invalid, [PRECONDITION, NA, NA, NA]),
    // Google sign-in is not configured; Unowned is purpose SIGN_IN, Own is LINK.
    ("StartGoogleSignIn", Unowned, [PRECONDITION; 4]),
    ("StartGoogleSignIn", Own, [UNAUTHENTICATED, PRECONDITION, PRECONDITION, PRECONDITION]),
    ("FinishGoogleSignIn", Unowned, [PRECONDITION; 4]),
    ("LinkGoogle", Own, [UNAUTHENTICATED, PRECONDITION, PRECONDITION, PRECONDITION]),
    ("Refresh", Own, [NA, OK, OK, OK]),
    ("Refresh", Others, [OK, NA, NA, NA]),
    ("Refresh", Unknown, [UNAUTHENTICATED; 4]),
    ("Logout", Own, [NA, OK, OK, OK]),
    ("Logout", Unknown, [OK; 4]),
    ("GetInvite", Unowned, [OK; 4]),
    ("GetInvite", Unknown, [PRECONDITION; 4]),
    ("ResetPassword", Unowned, [OK; 4]),
    ("ResetPassword", Unknown, [PRECONDITION; 4]),
    ("ChangePassword", Own, [UNAUTHENTICATED, OK, OK, OK]),
    ("ListSessions", Own, [UNAUTHENTICATED, OK, OK, OK]),
    ("RevokeSession", Own, [UNAUTHENTICATED, OK, OK, OK]),
    ("RevokeSession", Linked, [UNAUTHENTICATED, DENIED, DENIED, DENIED]),
    ("RevokeSession", Others, [UNAUTHENTICATED, DENIED, DENIED, DENIED]),
    ("RevokeSession", Unknown, [UNAUTHENTICATED, DENIED, DENIED, DENIED]),
    ("RevokeSession", Invalid, [UNAUTHENTICATED, INVALID, INVALID, INVALID]),
    ("GetMe", Own, [UNAUTHENTICATED, OK, OK, OK]),
    ("UpdateMe", Own, [UNAUTHENTICATED, OK, OK, OK]),
    ("UpdateMe/payment_link", Own, [UNAUTHENTICATED, DENIED, OK, DENIED]),
    ("ListUsers", Unowned, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("ListUsers", Invalid, [UNAUTHENTICATED, DENIED, DENIED, INVALID]),
    ("CreateUser", Unowned, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("CreateUser", Invalid, [UNAUTHENTICATED, DENIED, DENIED, INVALID]),
    ("UpdateUser", Own, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("UpdateUser", Linked, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("UpdateUser", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("UpdateUser", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND]),
    ("UpdateUser", Invalid, [UNAUTHENTICATED, DENIED, DENIED, INVALID]),
    ("IssuePasswordReset", Own, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("IssuePasswordReset", Linked, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("IssuePasswordReset", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("IssuePasswordReset", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND]),
    ("IssuePasswordReset", Invalid, [UNAUTHENTICATED, DENIED, DENIED, INVALID]),
    ("InviteAthlete", Unowned, [UNAUTHENTICATED, DENIED, OK, DENIED]),
    ("InviteAthlete", Linked, [UNAUTHENTICATED, DENIED, PRECONDITION, DENIED]),
    ("InviteAthlete", Invalid, [UNAUTHENTICATED, DENIED, INVALID, DENIED]),
    ("ListInvites", Own, [UNAUTHENTICATED, DENIED, OK, OK]),
    ("ListInvites", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("ListInvites", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NA]),
    ("ListInvites", Invalid, [UNAUTHENTICATED, DENIED, INVALID, INVALID]),
    // Own is the coach's invite: athletes and admins send none.
    ("RevokeInvite", Own, [UNAUTHENTICATED, NA, OK, NA]),
    ("RevokeInvite", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("RevokeInvite", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND]),
    ("RevokeInvite", Invalid, [UNAUTHENTICATED, DENIED, INVALID, INVALID]),
    ("ListMyAthletes", Own, [UNAUTHENTICATED, DENIED, OK, DENIED]),
    ("ListMyAthletes", Invalid, [UNAUTHENTICATED, DENIED, INVALID, DENIED]),
    ("GetMyCoaches", Own, [UNAUTHENTICATED, OK, DENIED, DENIED]),
    // The caller's own side of the pair is left empty; admins name both.
    ("UnlinkAthlete", Linked, [UNAUTHENTICATED, OK, OK, OK]),
    ("UnlinkAthlete", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("UnlinkAthlete", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NA]),
    ("UnlinkAthlete/both ids", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("LinkAthlete", Linked, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("LinkAthlete", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("LinkAthlete", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND]),
    ("LinkAthlete", Invalid, [UNAUTHENTICATED, DENIED, DENIED, INVALID]),
    ("GetOverview", Unowned, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("ListAuditEvents", Own, [UNAUTHENTICATED, OK, OK, OK]),
    ("ListAuditEvents", Linked, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("ListAuditEvents", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("RevokeUserSessions", Linked, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("RevokeUserSessions", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("RevokeUserSessions", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND]),
    ("RevokeUserSessions", Invalid, [UNAUTHENTICATED, DENIED, DENIED, INVALID]),
    // Not built yet: these rows change when they are.
    ("ExportData", Unowned, [UNIMPLEMENTED; 4]),
    ("ImportData", Unowned, [UNIMPLEMENTED; 4]),
    ("ListNotifications", Unowned, [UNIMPLEMENTED; 4]),
    ("MarkNotificationsRead", Unowned, [UNIMPLEMENTED; 4]),
    ("GarminService.GetConnection", Unowned, [NA, UNIMPLEMENTED, NA, NA]),
    ("SharingService.ListOutgoingShares", Unowned, [NA, NA, UNIMPLEMENTED, NA]),
    ("DeleteUser", Own, [UNAUTHENTICATED, DENIED, DENIED, PRECONDITION]),
    ("DeleteUser", Linked, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("DeleteUser", Others, [UNAUTHENTICATED, DENIED, DENIED, OK]),
    ("DeleteUser", Unknown, [UNAUTHENTICATED, DENIED, DENIED, NOT_FOUND]),
    ("DeleteUser", Invalid, [UNAUTHENTICATED, DENIED, DENIED, INVALID]),
    // With `existing_account`: Own is an invite addressed to the caller's email.
    ("AcceptInvite", Own, [UNAUTHENTICATED, OK, OK, OK]),
    ("AcceptInvite", Others, [UNAUTHENTICATED, DENIED, DENIED, DENIED]),
    ("AcceptInvite", Unknown, [UNAUTHENTICATED, PRECONDITION, PRECONDITION, PRECONDITION]),
    ("AcceptInvite/new_password", Unowned, [OK; 4]),
];

pub(super) fn cells() -> impl Iterator<Item = Cell> {
    MATRIX.iter().flat_map(|&(rpc, data, answers)| {
        COLUMNS
            .into_iter()
            .zip(answers)
            .filter_map(move |(who, expect)| expect.map(|expect| Cell { rpc, who, data, expect }))
    })
}
