//! Queries on users and their roles.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
    sea_query::{Expr, ExprTrait, Func, LikeExpr, Query},
};
use uuid::Uuid;

use super::{
    entity::{user_roles, users},
    on_unique_violation,
};
use crate::{
    domain::{Email, Page, Party, Role, Roles, Units, User, UserFilter},
    error::{Reason, Result},
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
    pub google_subject: Option<String>,
    pub timezone: &'a str,
    pub roles: &'a Roles,
    pub now: DateTime<Utc>,
}

/// What a password sign-in needs to know about an email, in one query.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user_id: Uuid,
    pub active: bool,
    pub password_hash: Option<String>,
}

/// The live (not deleted) user with this email, compared case-insensitively.
pub async fn find_by_email<C: ConnectionTrait>(
    db: &C,
    email: &Email,
) -> Result<Option<UserRecord>> {
    find_one(db, users::Column::EmailNormalized.eq(email.normalized())).await
}

/// The sign-in credentials of the live user with this email.
pub async fn find_credentials<C: ConnectionTrait>(
    db: &C,
    email: &Email,
) -> Result<Option<Credentials>> {
    let row: Option<(Uuid, bool, Option<String>)> = users::Entity::find()
        .select_only()
        .columns([users::Column::Id, users::Column::Active, users::Column::PasswordHash])
        .filter(users::Column::EmailNormalized.eq(email.normalized()))
        .filter(users::Column::DeletedAt.is_null())
        .into_tuple()
        .one(db)
        .await?;
    Ok(row.map(|(user_id, active, password_hash)| Credentials { user_id, active, password_hash }))
}

/// The live user with this id.
pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<UserRecord>> {
    find_one(db, users::Column::Id.eq(id)).await
}

/// The one live user matching `condition`, with roles, in one query (the
/// roles come joined).
async fn find_one<C: ConnectionTrait>(
    db: &C,
    condition: sea_orm::sea_query::SimpleExpr,
) -> Result<Option<UserRecord>> {
    let found = users::Entity::find()
        .filter(condition)
        .filter(users::Column::DeletedAt.is_null())
        .find_with_related(user_roles::Entity)
        .all(db)
        .await?;
    Ok(found.into_iter().next().map(|(user, roles)| record(user, &roles)))
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
        google_subject: Set(new.google_subject),
        active: Set(true),
        deleted_at: Set(None),
        timezone: Set(new.timezone.to_owned()),
        units: Set("metric".to_owned()),
        avatar_url: Set(None),
        payment_link: Set(None),
        created_at: Set(new.now),
        updated_at: Set(new.now),
        last_seen_at: Set(None),
    })
    .exec_without_returning(db)
    .await
    .map_err(on_unique_violation(Reason::EmailTaken))?;
    set_roles(db, id, new.roles).await?;
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

/// Completes user rows with their roles: one more query however many rows,
/// in the rows' order.
async fn with_roles_many<C: ConnectionTrait>(
    db: &C,
    rows: Vec<users::Model>,
) -> Result<Vec<UserRecord>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let role_rows = user_roles::Entity::find()
        .filter(user_roles::Column::UserId.is_in(rows.iter().map(|row| row.id)))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|user| {
            let roles: Vec<&user_roles::Model> =
                role_rows.iter().filter(|row| row.user_id == user.id).collect();
            record(user, roles)
        })
        .collect())
}

fn record<'a>(
    user: users::Model,
    roles: impl IntoIterator<Item = &'a user_roles::Model>,
) -> UserRecord {
    UserRecord {
        password_hash: user.password_hash.clone(),
        user: User {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            roles: Roles::from_names(roles.into_iter().map(|row| row.role.as_str())),
            active: user.active,
            timezone: user.timezone,
            units: Units::from_name(&user.units),
            avatar_url: user.avatar_url,
            payment_link: user.payment_link,
            has_password: user.password_hash.is_some(),
            google_linked: user.google_subject.is_some(),
            created_at: user.created_at,
            updated_at: user.updated_at,
            last_sign_in_at: user.last_seen_at,
        },
    }
}

/// Replaces a user's roles.
pub async fn set_roles<C: ConnectionTrait>(db: &C, id: Uuid, roles: &Roles) -> Result<()> {
    user_roles::Entity::delete_many().filter(user_roles::Column::UserId.eq(id)).exec(db).await?;
    if roles.iter().next().is_some() {
        user_roles::Entity::insert_many(roles.iter().map(|role| user_roles::ActiveModel {
            user_id: Set(id),
            role: Set(role.as_str().to_owned()),
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Whether the user with this id is deleted; None when there is no such id
/// at all (deleting twice is not an error).
pub async fn is_deleted<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<bool>> {
    let deleted_at: Option<Option<DateTime<Utc>>> = users::Entity::find_by_id(id)
        .select_only()
        .column(users::Column::DeletedAt)
        .into_tuple()
        .one(db)
        .await?;
    Ok(deleted_at.map(|at| at.is_some()))
}

/// The live user signing in with this Google subject.
pub async fn find_by_google_subject<C: ConnectionTrait>(
    db: &C,
    subject: &str,
) -> Result<Option<UserRecord>> {
    find_one(db, users::Column::GoogleSubject.eq(subject)).await
}

/// The fields of a user an update may change; `None` leaves one alone.
#[derive(Debug, Default)]
pub struct UserChanges<'a> {
    pub email: Option<&'a Email>,
    pub display_name: Option<&'a str>,
    pub active: Option<bool>,
    pub timezone: Option<&'a str>,
    pub units: Option<Units>,
    /// `Some(None)` clears the field.
    pub avatar_url: Option<Option<&'a str>>,
    pub payment_link: Option<Option<&'a str>>,
    /// `Some(None)` removes the Google sign-in.
    pub google_subject: Option<Option<&'a str>>,
}

/// Applies `changes`; ALREADY_EXISTS when a new email or Google identity is taken.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    changes: UserChanges<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut update = users::Entity::update_many()
        .col_expr(users::Column::UpdatedAt, now.into())
        .filter(users::Column::Id.eq(id));
    if let Some(email) = changes.email {
        update = update
            .col_expr(users::Column::Email, email.as_str().into())
            .col_expr(users::Column::EmailNormalized, email.normalized().into());
    }
    if let Some(name) = changes.display_name {
        update = update.col_expr(users::Column::DisplayName, name.into());
    }
    if let Some(active) = changes.active {
        update = update.col_expr(users::Column::Active, active.into());
    }
    if let Some(timezone) = changes.timezone {
        update = update.col_expr(users::Column::Timezone, timezone.into());
    }
    if let Some(units) = changes.units {
        update = update.col_expr(users::Column::Units, units.as_str().into());
    }
    if let Some(avatar) = changes.avatar_url {
        update = update.col_expr(users::Column::AvatarUrl, avatar.map(str::to_owned).into());
    }
    if let Some(link) = changes.payment_link {
        update = update.col_expr(users::Column::PaymentLink, link.map(str::to_owned).into());
    }
    // The only unique columns an update touches: say which one clashed.
    let taken = if changes.google_subject.is_some() {
        Reason::GoogleAccountTaken
    } else {
        Reason::EmailTaken
    };
    if let Some(subject) = changes.google_subject {
        update = update.col_expr(users::Column::GoogleSubject, subject.map(str::to_owned).into());
    }
    update.exec(db).await.map_err(on_unique_violation(taken))?;
    Ok(())
}

/// Soft delete: keeps the id (audit rows and share history point at it)
/// and scrubs every piece of personal data and every credential.
pub async fn scrub<C: ConnectionTrait>(db: &C, id: Uuid, now: DateTime<Utc>) -> Result<()> {
    users::Entity::update_many()
        .col_expr(users::Column::Email, Expr::value(Option::<String>::None))
        .col_expr(users::Column::EmailNormalized, Expr::value(Option::<String>::None))
        .col_expr(users::Column::DisplayName, Expr::value("Deleted user"))
        .col_expr(users::Column::PasswordHash, Expr::value(Option::<String>::None))
        .col_expr(users::Column::GoogleSubject, Expr::value(Option::<String>::None))
        .col_expr(users::Column::AvatarUrl, Expr::value(Option::<String>::None))
        .col_expr(users::Column::PaymentLink, Expr::value(Option::<String>::None))
        .col_expr(users::Column::Active, Expr::value(false))
        .col_expr(users::Column::DeletedAt, Expr::value(now))
        .col_expr(users::Column::UpdatedAt, Expr::value(now))
        .filter(users::Column::Id.eq(id))
        .exec(db)
        .await?;
    set_roles(db, id, &Roles::default()).await
}

/// How many live, active users hold `role`.
pub async fn count_active_with_role<C: ConnectionTrait>(db: &C, role: Role) -> Result<u64> {
    Ok(users::Entity::find()
        .filter(users::Column::DeletedAt.is_null())
        .filter(users::Column::Active.eq(true))
        .filter(users::Column::Id.in_subquery(with_role(role)))
        .count(db)
        .await?)
}

/// How many live users hold `role` (active or not).
pub async fn count_with_role<C: ConnectionTrait>(db: &C, role: Role) -> Result<u64> {
    Ok(users::Entity::find()
        .filter(users::Column::DeletedAt.is_null())
        .filter(users::Column::Id.in_subquery(with_role(role)))
        .count(db)
        .await?)
}

/// One page of live users ordered by email, and how many match in all.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &UserFilter,
    page: &Page,
) -> Result<(Vec<User>, u64)> {
    let condition = condition(filter);
    let total = users::Entity::find().filter(condition.clone()).count(db).await?;
    let rows = users::Entity::find()
        .filter(condition)
        .order_by_asc(users::Column::EmailNormalized)
        .order_by_asc(users::Column::Id)
        .offset(page.offset)
        .limit(page.fetch_limit())
        .all(db)
        .await?;
    let users = with_roles_many(db, rows).await?.into_iter().map(|record| record.user).collect();
    Ok((users, total))
}

/// Several live users by id, in no particular order.
pub async fn find_many<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> Result<Vec<User>> {
    let rows =
        users::Entity::find().filter(users::Column::Id.is_in(ids.iter().copied())).all(db).await?;
    Ok(with_roles_many(db, rows).await?.into_iter().map(|record| record.user).collect())
}

/// Users by id as others see them (names only, deleted users' scrubbed
/// ones included), in no particular order.
pub async fn parties<C: ConnectionTrait>(db: &C, ids: &[Uuid]) -> Result<Vec<Party>> {
    let rows: Vec<(Uuid, String, Option<String>)> = parties_query(ids).into_tuple().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|(user_id, display_name, avatar_url)| Party { user_id, display_name, avatar_url })
        .collect())
}

/// [`parties`]' query, apart so the SQL the benchmark runs can be checked
/// against it.
pub(super) fn parties_query(ids: &[Uuid]) -> Select<users::Entity> {
    users::Entity::find()
        .select_only()
        .columns([users::Column::Id, users::Column::DisplayName, users::Column::AvatarUrl])
        .filter(users::Column::Id.is_in(ids.iter().copied()))
}

fn condition(filter: &UserFilter) -> Condition {
    let mut condition = Condition::all().add(users::Column::DeletedAt.is_null());
    if let Some(query) = filter.query.as_deref().filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", escape_like(query));
        condition = condition.add(
            Condition::any()
                .add(
                    users::Column::EmailNormalized
                        .like(LikeExpr::new(pattern.clone()).escape('\\')),
                )
                .add(
                    Expr::expr(Func::lower(Expr::col(users::Column::DisplayName)))
                        .like(LikeExpr::new(pattern).escape('\\')),
                ),
        );
    }
    if let Some(role) = filter.role {
        condition = condition.add(users::Column::Id.in_subquery(with_role(role)));
    }
    if let Some(active) = filter.active {
        condition = condition.add(users::Column::Active.eq(active));
    }
    condition
}

fn with_role(role: Role) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(user_roles::Column::UserId)
        .from(user_roles::Entity)
        .and_where(user_roles::Column::Role.eq(role.as_str()))
        .to_owned()
}

/// Escapes LIKE's wildcards so a search for "50%" means the characters.
pub(crate) fn escape_like(input: &str) -> String {
    input.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// How many live users match `filter`.
pub async fn count<C: ConnectionTrait>(db: &C, filter: &UserFilter) -> Result<u64> {
    Ok(users::Entity::find().filter(condition(filter)).count(db).await?)
}

/// Serializes changes that could remove the last admin: on PostgreSQL the
/// admin role rows are locked until the transaction ends (SQLite's single
/// writer already serializes).
pub async fn lock_admins<C: ConnectionTrait>(db: &C) -> Result<()> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        user_roles::Entity::find()
            .filter(user_roles::Column::Role.eq(Role::Admin.as_str()))
            .lock_exclusive()
            .all(db)
            .await?;
    }
    Ok(())
}
