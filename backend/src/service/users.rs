//! Profile and user-administration use cases.

use super::Caller;
use crate::{
    domain::User,
    error::{Error, Result},
    store::{Db, users},
};

/// User use cases.
#[derive(Clone)]
pub struct UserService {
    db: Db,
}

impl UserService {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// The signed-in user. A user deleted since their token was issued is
    /// no longer anybody.
    pub async fn get_me(&self, caller: &Caller) -> Result<User> {
        users::find_by_id(self.db.reader(), caller.user_id)
            .await?
            .map(|record| record.user)
            .ok_or(Error::Unauthenticated)
    }
}
