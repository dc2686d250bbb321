//! Presentational building blocks: they render what their props say and
//! report clicks and input through callbacks. No API calls, no session, no
//! routing here; every look comes from classes in `styles/baton.css`.

pub mod button;
pub mod card;
pub mod checkbox;
pub mod coach_list;
pub mod confirm;
pub mod confirm_identity;
pub mod copy_link;
pub mod format;
pub mod garmin_status;
pub mod intensity_chart;
pub mod layout;
pub mod new_password;
pub mod notice;
pub mod progress;
pub mod radio_group;
pub mod role_picker;
pub mod select;
pub mod share_status;
pub mod stats;
pub mod table;
pub mod text_field;
pub mod workout_text;
pub mod workout_view;
