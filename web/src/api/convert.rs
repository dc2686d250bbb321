//! Protobuf → the plain data pages work with. Pages never see proto types.

use baton_proto::user::v1 as pb;

/// What a user may be; a user can hold several roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Athlete,
    Coach,
    Admin,
}

impl Role {
    /// The role's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Athlete => "Athlete",
            Self::Coach => "Coach",
            Self::Admin => "Admin",
        }
    }
}

/// The signed-in user, as the home page shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Me {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<Role>,
}

impl From<pb::User> for Me {
    fn from(user: pb::User) -> Self {
        let roles = user
            .roles
            .iter()
            .filter_map(|&raw| match pb::Role::try_from(raw) {
                Ok(pb::Role::Athlete) => Some(Role::Athlete),
                Ok(pb::Role::Coach) => Some(Role::Coach),
                Ok(pb::Role::Admin) => Some(Role::Admin),
                _ => None,
            })
            .collect();
        Self { id: user.id, email: user.email, display_name: user.display_name, roles }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_keep_their_order_and_unknown_ones_are_dropped() {
        let user = pb::User {
            display_name: "Ada Admin".into(),
            roles: vec![pb::Role::Admin as i32, 99, pb::Role::Coach as i32],
            ..Default::default()
        };
        let me = Me::from(user);
        assert_eq!(me.roles, vec![Role::Admin, Role::Coach]);
        assert_eq!(me.display_name, "Ada Admin");
    }
}
