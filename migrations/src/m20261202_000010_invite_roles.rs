//! The roles an invite grants, as a join table like users' roles (they were
//! a comma-separated column): roles are stored one way.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::ConnectionTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OneTimeTokenRoles::Table)
                    .col(uuid(OneTimeTokenRoles::TokenId))
                    .col(string_len(OneTimeTokenRoles::Role, 32))
                    .primary_key(
                        Index::create()
                            .col(OneTimeTokenRoles::TokenId)
                            .col(OneTimeTokenRoles::Role),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("one_time_token_roles_token_id_fkey")
                            .from(OneTimeTokenRoles::Table, OneTimeTokenRoles::TokenId)
                            .to(OneTimeTokens::Table, OneTimeTokens::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        // Move every stored role name over, then drop the old column.
        let db = manager.get_connection();
        let select = Query::select()
            .columns([OneTimeTokens::Id, OneTimeTokens::Roles])
            .from(OneTimeTokens::Table)
            .and_where(Expr::col(OneTimeTokens::Roles).ne(""))
            .to_owned();
        let rows = db.query_all(&select).await?;
        for row in rows {
            let id: sea_orm_migration::sea_orm::prelude::Uuid = row.try_get("", "id")?;
            let names: String = row.try_get("", "roles")?;
            for name in names.split(',').map(str::trim).filter(|name| !name.is_empty()) {
                let insert = Query::insert()
                    .into_table(OneTimeTokenRoles::Table)
                    .columns([OneTimeTokenRoles::TokenId, OneTimeTokenRoles::Role])
                    .values_panic([id.into(), name.into()])
                    .to_owned();
                db.execute(&insert).await?;
            }
        }
        manager
            .alter_table(
                Table::alter()
                    .table(OneTimeTokens::Table)
                    .drop_column(OneTimeTokens::Roles)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(OneTimeTokens::Table)
                    .add_column(string_len(OneTimeTokens::Roles, 64).default(""))
                    .to_owned(),
            )
            .await?;
        manager.drop_table(Table::drop().table(OneTimeTokenRoles::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum OneTimeTokens {
    Table,
    Id,
    Roles,
}

#[derive(DeriveIden)]
enum OneTimeTokenRoles {
    Table,
    TokenId,
    Role,
}
