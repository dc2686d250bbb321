//! When a session last proved who its user is (sign-in or re-authentication,
//! not refresh), so credential changes can ask for a recent sign-in; and a
//! user's last activity on the user row, so reading a user takes one query.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(timestamp_with_time_zone_null(Sessions::SignedInAt))
                    .to_owned(),
            )
            .await?;
        // Existing sessions were signed in when they were created.
        manager
            .exec_stmt(
                Query::update()
                    .table(Sessions::Table)
                    .value(Sessions::SignedInAt, Expr::col(Sessions::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(timestamp_with_time_zone_null(Users::LastSeenAt))
                    .to_owned(),
            )
            .await?;
        let latest = Query::select()
            .expr(Expr::col((Sessions::Table, Sessions::LastUsedAt)).max())
            .from(Sessions::Table)
            .and_where(
                Expr::col((Sessions::Table, Sessions::UserId)).equals((Users::Table, Users::Id)),
            )
            .to_owned();
        manager
            .exec_stmt(
                Query::update()
                    .table(Users::Table)
                    .value(Users::LastSeenAt, SimpleExpr::SubQuery(None, Box::new(latest.into())))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Users::Table).drop_column(Users::LastSeenAt).to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter().table(Sessions::Table).drop_column(Sessions::SignedInAt).to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    UserId,
    CreatedAt,
    LastUsedAt,
    SignedInAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    LastSeenAt,
}
