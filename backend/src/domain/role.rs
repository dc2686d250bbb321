use std::collections::BTreeSet;

/// What a user may do. A user holds a set of roles: a coach may also be an
/// athlete, and an admin may also coach.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Athlete,
    Coach,
    Admin,
}

impl Role {
    /// The stable name stored in the database and in access-token claims.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Athlete => "athlete",
            Role::Coach => "coach",
            Role::Admin => "admin",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "athlete" => Some(Role::Athlete),
            "coach" => Some(Role::Coach),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A set of roles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roles(BTreeSet<Role>);

impl Roles {
    pub fn contains(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    pub fn names(&self) -> Vec<String> {
        self.iter().map(|role| role.as_str().to_owned()).collect()
    }

    /// Reads role names, ignoring any this version does not know.
    pub fn from_names<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Self {
        names.into_iter().filter_map(|name| Role::from_name(name.as_ref())).collect()
    }
}

impl FromIterator<Role> for Roles {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::{Role, Roles};

    #[test]
    fn role_names_round_trip() {
        for role in [Role::Athlete, Role::Coach, Role::Admin] {
            assert_eq!(Role::from_name(role.as_str()), Some(role));
        }
        assert_eq!(Role::from_name("root"), None);
    }

    #[test]
    fn roles_form_a_set() {
        let roles: Roles = [Role::Coach, Role::Admin, Role::Coach].into_iter().collect();
        assert_eq!(roles.names(), vec!["coach", "admin"]);
        assert!(roles.contains(Role::Admin));
        assert!(!roles.contains(Role::Athlete));
    }
}
