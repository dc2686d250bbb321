//! What Garmin's sign-in widget posts to the page that frames it (GARMIN.md
//! §0.1). The real widget (`casEmbedSuccess.html` through Garmin's
//! `postmessage.js`) sends JSON, as an object or as a string, with
//! `status` "SUCCESS" and `serviceTicket` (and `serviceUrl`) once signed
//! in, other `status` values on failure, and `gauthHeight` /
//! `gauthInitHeight` to size its frame; Baton's stand-in sends
//! `{"type": "garmin-sso", "serviceTicket", "ticket", "serviceUrl"}`. A
//! bare `ST-…` string, or an address carrying `ticket=ST-…`, is read too.
//! Which origin a message may come from is the caller's check; this only
//! reads what arrived.

use js_sys::{JSON, Reflect};
use wasm_bindgen::JsValue;

/// Longest service ticket accepted (Garmin's are about 40 characters).
const MAX_TICKET_LEN: usize = 256;

/// What a message from the widget means for the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WidgetMessage {
    /// Signed in: the service ticket to redeem.
    Ticket(String),
    /// The widget wants its frame this tall (CSS pixels).
    Resize(u32),
    /// Garmin refused the sign-in; the words say why.
    Refused(&'static str),
    /// Nothing the page acts on.
    Other,
}

/// The fields of a message that matter, whatever its shape.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields {
    pub status: Option<String>,
    pub service_ticket: Option<String>,
    pub ticket: Option<String>,
    pub height: Option<f64>,
    /// A message that was a string but not JSON.
    pub text: Option<String>,
}

/// Reads a `message` event's data.
pub fn read(data: &JsValue) -> WidgetMessage {
    interpret(fields(data))
}

fn fields(data: &JsValue) -> Fields {
    let object = match data.as_string() {
        Some(text) => match JSON::parse(&text) {
            Ok(parsed) if parsed.is_object() => parsed,
            _ => return Fields { text: Some(text), ..Fields::default() },
        },
        None if data.is_object() => data.clone(),
        None => return Fields::default(),
    };
    let text = |name: &str| Reflect::get(&object, &name.into()).ok().and_then(|v| v.as_string());
    let number = |name: &str| Reflect::get(&object, &name.into()).ok().and_then(|v| v.as_f64());
    Fields {
        status: text("status"),
        service_ticket: text("serviceTicket"),
        ticket: text("ticket"),
        height: number("gauthHeight").or_else(|| number("gauthInitHeight")),
        text: None,
    }
}

/// What the fields of one message mean.
pub fn interpret(fields: Fields) -> WidgetMessage {
    let status = fields.status.as_deref().map(str::to_ascii_uppercase);
    let ticket = [fields.service_ticket, fields.ticket, fields.text]
        .into_iter()
        .flatten()
        .find_map(|value| ticket_in(&value));
    match (status.as_deref(), ticket) {
        (None | Some("SUCCESS"), Some(ticket)) => return WidgetMessage::Ticket(ticket),
        (Some("FAIL"), _) => {
            return WidgetMessage::Refused(
                "Garmin didn't accept that email and password. Try again in the form above.",
            );
        }
        (Some("ACCOUNT_LOCKED"), _) => {
            return WidgetMessage::Refused(
                "Garmin says this account is locked. Unlock it at Garmin, then try again.",
            );
        }
        (Some("ACCOUNT_DISABLED" | "ACCOUNT_PROBLEM"), _) => {
            return WidgetMessage::Refused(
                "Garmin reports a problem with this account. Sort it out at Garmin, then try again.",
            );
        }
        _ => {}
    }
    match fields.height {
        Some(height) if height.is_finite() && height > 0.0 => {
            // Room for the frame's own margin, as Garmin's script leaves.
            WidgetMessage::Resize((height.min(2000.0) as u32) + 20)
        }
        _ => WidgetMessage::Other,
    }
}

/// The service ticket in `value`: the value itself (`ST-…`), or the
/// `ticket` parameter of an address.
fn ticket_in(value: &str) -> Option<String> {
    let value = value.trim();
    let candidate = if value.starts_with("ST-") {
        value
    } else {
        let (_, query) = value.split_once('?')?;
        query.split('&').find_map(|pair| pair.strip_prefix("ticket="))?
    };
    let well_formed = candidate.starts_with("ST-")
        && candidate.len() <= MAX_TICKET_LEN
        && candidate.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    well_formed.then(|| candidate.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Option<String> {
        Some(value.to_owned())
    }

    #[test]
    fn the_stand_ins_message_carries_the_ticket() {
        let fields = Fields {
            service_ticket: text("ST-0972904-maMLPBSRdODkj7WJmO8o-sso"),
            ticket: text("ST-0972904-maMLPBSRdODkj7WJmO8o-sso"),
            ..Fields::default()
        };
        assert_eq!(
            interpret(fields),
            WidgetMessage::Ticket("ST-0972904-maMLPBSRdODkj7WJmO8o-sso".into())
        );
    }

    #[test]
    fn garmins_success_event_carries_the_ticket() {
        let fields = Fields {
            status: text("SUCCESS"),
            service_ticket: text("ST-086818-abc-cas"),
            ..Fields::default()
        };
        assert_eq!(interpret(fields), WidgetMessage::Ticket("ST-086818-abc-cas".into()));
    }

    #[test]
    fn a_bare_ticket_or_an_address_with_one_is_read() {
        let bare = Fields { text: text("ST-1-x-sso"), ..Fields::default() };
        assert_eq!(interpret(bare), WidgetMessage::Ticket("ST-1-x-sso".into()));
        let address = Fields {
            text: text("https://sso.garmin.com/sso/embed?ticket=ST-2-y-sso&x=1"),
            ..Fields::default()
        };
        assert_eq!(interpret(address), WidgetMessage::Ticket("ST-2-y-sso".into()));
    }

    #[test]
    fn a_failed_sign_in_is_refused_even_with_a_ticket_like_field() {
        let fields =
            Fields { status: text("FAIL"), service_ticket: text("ST-3-z"), ..Fields::default() };
        assert!(matches!(interpret(fields), WidgetMessage::Refused(_)));
        let locked = Fields { status: text("ACCOUNT_LOCKED"), ..Fields::default() };
        assert!(matches!(interpret(locked), WidgetMessage::Refused(_)));
    }

    #[test]
    fn sizes_are_followed_and_everything_else_ignored() {
        let size = Fields { height: Some(380.0), ..Fields::default() };
        assert_eq!(interpret(size), WidgetMessage::Resize(400));
        assert_eq!(interpret(Fields::default()), WidgetMessage::Other);
        let junk = Fields { service_ticket: text("ST-<script>"), ..Fields::default() };
        assert_eq!(interpret(junk), WidgetMessage::Other);
        let not_a_ticket = Fields { ticket: text("TGT-123"), ..Fields::default() };
        assert_eq!(interpret(not_a_ticket), WidgetMessage::Other);
    }
}
