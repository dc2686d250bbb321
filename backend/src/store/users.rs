//! Queries on users and their roles.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::{
    entity::{user_roles, users},
    on_unique_violation,
};
use crate::{
    domain::{Email, Roles, Units, User},
    error::Result,
};

/// A user with the credential the sign-in check needs.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub user: User,
    pub password_hash: Option<String>,
}

/// What creating a user needs; everything else takes its default.
#[derive(Debug)]
pub struct NewUser<'a> {
    pub email: &'a Email,
    pub display_name: &'a str,
    pub password_hash: Option<String>,
    pub roles: &'a Roles,
    pub now: DateTime<Utc>,
}

/// The live (not deleted) user with this email, compared case-insensitively.
pub async fn find_by_email<C: ConnectionTrait>(
    db: &C,
    email: &Email,
) -> Result<Option<UserRecord>> {
    let user = users::Entity::find()
        .filter(users::Column::EmailNormalized.eq(email.normalized()))
        .filter(users::Column::DeletedAt.is_null())
        .one(db)
        .await?;
    with_roles(db, user).await
}

/// The live user with this id.
pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<UserRecord>> {
    let user =
        users::Entity::find_by_id(id).filter(users::Column::DeletedAt.is_null()).one(db).await?;
    with_roles(db, user).await
}

/// Inserts a user and their roles; ALREADY_EXISTS when the email is taken.
pub async fn insert<C: ConnectionTrait>(db: &C, new: NewUser<'_>) -> Result<UserRecord> {
    let id = Uuid::new_v4();
    users::Entity::insert(users::ActiveModel {
        id: Set(id),
        email: Set(Some(new.email.as_str().to_owned())),
        email_normalized: Set(Some(new.email.normalized().to_owned())),
        display_name: Set(new.display_name.to_owned()),
        password_hash: Set(new.password_hash),
        google_subject: Set(None),
        active: Set(true),
        deleted_at: Set(None),
        timezone: Set("UTC".to_owned()),
        units: Set("metric".to_owned()),
        avatar_url: Set(None),
        payment_link: Set(None),
        created_at: Set(new.now),
        updated_at: Set(new.now),
    })
    .exec_without_returning(db)
    .await
    .map_err(on_unique_violation("a user with this email already exists"))?;
    if new.roles.iter().next().is_some() {
        user_roles::Entity::insert_many(new.roles.iter().map(|role| user_roles::ActiveModel {
            user_id: Set(id),
            role: Set(role.as_str().to_owned()),
        }))
        .exec_without_returning(db)
        .await?;
    }
    find_by_id(db, id)
        .await?
        .ok_or_else(|| crate::error::Error::Internal("inserted user vanished".to_owned()))
}

/// Replaces a user's password hash.
pub async fn set_password_hash<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    password_hash: String,
    now: DateTime<Utc>,
) -> Result<()> {
    users::Entity::update_many()
        .col_expr(users::Column::PasswordHash, password_hash.into())
        .col_expr(users::Column::UpdatedAt, now.into())
        .filter(users::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

async fn with_roles<C: ConnectionTrait>(
    db: &C,
    user: Option<users::Model>,
) -> Result<Option<UserRecord>> {
    let Some(user) = user else { return Ok(None) };
    let roles = user_roles::Entity::find()
        .filter(user_roles::Column::UserId.eq(user.id))
        .order_by_asc(user_roles::Column::Role)
        .all(db)
        .await?;
    let roles = Roles::from_names(roles.iter().map(|row| row.role.as_str()));
    Ok(Some(UserRecord {
        password_hash: user.password_hash.clone(),
        user: User {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            roles,
            active: user.active,
            timezone: user.timezone,
            units: Units::from_name(&user.units),
            avatar_url: user.avatar_url,
            payment_link: user.payment_link,
            has_password: user.password_hash.is_some(),
            google_linked: user.google_subject.is_some(),
            created_at: user.created_at,
            updated_at: user.updated_at,
        },
    }))
}

/// Activates or deactivates a user.
pub async fn set_active<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    active: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    users::Entity::update_many()
        .col_expr(users::Column::Active, active.into())
        .col_expr(users::Column::UpdatedAt, now.into())
        .filter(users::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
