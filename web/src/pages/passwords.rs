//! Checks on a new password the browser can make before asking the server
//! (which checks again, and also rejects very common passwords).

/// Fewest characters the server accepts.
pub const MIN_LEN: usize = 12;
/// Most characters the server accepts.
pub const MAX_LEN: usize = 128;

/// The hint shown under new-password fields.
pub const HINT: &str = "12 to 128 characters. A few unrelated words make a good one.";

/// Why a new password and its confirmation cannot be used yet: which field
/// to mark (`new` or `confirm`) and the words to show.
pub fn problem(password: &str, confirmation: &str) -> Option<(&'static str, &'static str)> {
    let len = password.chars().count();
    if len < MIN_LEN {
        Some(("new", "Use at least 12 characters."))
    } else if len > MAX_LEN {
        Some(("new", "Use at most 128 characters."))
    } else if password != confirmation {
        Some(("confirm", "The two passwords don't match."))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn short_passwords_are_refused_before_asking_the_server() {
        assert_eq!(problem("short", "short").map(|p| p.0), Some("new"));
    }

    #[test]
    fn a_confirmation_that_differs_is_marked() {
        assert_eq!(
            problem("correct horse battery", "correct horse battery!").map(|p| p.0),
            Some("confirm")
        );
    }

    #[test]
    fn long_enough_matching_passwords_pass() {
        assert_eq!(problem("correct horse battery", "correct horse battery"), None);
        // Counted in characters, not bytes.
        assert_eq!(problem("ééééééééééé", "ééééééééééé").map(|p| p.0), Some("new"));
    }
}
