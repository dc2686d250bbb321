//! Protobuf ↔ domain conversions, in one place.

use baton_proto::{auth::v1 as auth_pb, user::v1 as user_pb};
use chrono::{DateTime, Utc};
use prost_types::Timestamp;

use crate::{
    domain::{Role, Units, User},
    service::IssuedTokens,
};

pub fn timestamp(time: DateTime<Utc>) -> Timestamp {
    Timestamp {
        seconds: time.timestamp(),
        nanos: i32::try_from(time.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

pub fn role(role: Role) -> user_pb::Role {
    match role {
        Role::Athlete => user_pb::Role::Athlete,
        Role::Coach => user_pb::Role::Coach,
        Role::Admin => user_pb::Role::Admin,
    }
}

pub fn units(units: Units) -> user_pb::Units {
    match units {
        Units::Metric => user_pb::Units::Metric,
        Units::Imperial => user_pb::Units::Imperial,
    }
}

pub fn user(user: User) -> user_pb::User {
    user_pb::User {
        id: user.id.to_string(),
        email: user.email.unwrap_or_default(),
        display_name: user.display_name,
        roles: user.roles.iter().map(|r| role(r) as i32).collect(),
        active: user.active,
        timezone: user.timezone,
        units: units(user.units) as i32,
        avatar_url: user.avatar_url.unwrap_or_default(),
        payment_link: user.payment_link.unwrap_or_default(),
        has_password: user.has_password,
        google_linked: user.google_linked,
        create_time: Some(timestamp(user.created_at)),
        update_time: Some(timestamp(user.updated_at)),
        last_sign_in_time: None,
    }
}

pub fn token_pair(tokens: IssuedTokens) -> auth_pb::TokenPair {
    auth_pb::TokenPair {
        access_token: tokens.access_token,
        access_token_expire_time: Some(timestamp(tokens.access_token_expires_at)),
        refresh_token: tokens.refresh_token,
        refresh_token_expire_time: Some(timestamp(tokens.refresh_token_expires_at)),
    }
}
