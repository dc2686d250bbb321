//! The sign-in widget's HTML: self-contained pages (inline style and
//! script, no external resources) with stable element ids for browser
//! tests: `#username`, `#password`, `#login-btn`, `#mfa-code`, `#mfa-btn`,
//! `#error` (present only after a failure), `#status` and `#ticket`.
//!
//! Their titles and markers are Garmin's, so scripted clients of the legacy
//! widget flow (GARMIN.md §2.2) read them too: `GARMIN Authentication
//! Application` with `name="_csrf" value="…"`, `Enter MFA code for login`
//! with the `var customerGuid = "…";` block, and `Success` with
//! `var response_url = "…?ticket=ST-…";`.

use serde_json::Value;

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;padding:24px;color:#222}\
main{max-width:360px;margin:auto}label{display:block;margin:12px 0 4px}\
input{width:100%;box-sizing:border-box;padding:8px;font-size:16px}\
button{margin-top:16px;width:100%;padding:10px;font-size:16px;background:#007cc3;color:#fff;border:0}\
#error{color:#b00020;margin-top:12px}code{word-break:break-all}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n",
        escape(title)
    )
}

fn error_block(error: Option<&str>) -> String {
    error
        .map(|message| format!("<p id=\"error\" role=\"alert\">{}</p>\n", escape(message)))
        .unwrap_or_default()
}

/// The email and password form, posting back to `action`.
pub(crate) fn sign_in(action: &str, csrf: &str, error: Option<&str>) -> String {
    let body = format!(
        "<h1>Sign In</h1>\n{}<form id=\"login-form\" method=\"post\" action=\"{}\">\n\
         <label for=\"username\">Email</label>\n\
         <input id=\"username\" name=\"username\" type=\"email\" autocomplete=\"username\" required>\n\
         <label for=\"password\">Password</label>\n\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\n\
         <input type=\"hidden\" name=\"embed\" value=\"true\">\n\
         <input type=\"hidden\" name=\"_csrf\" value=\"{}\">\n\
         <button id=\"login-btn\" type=\"submit\">Sign In</button>\n</form>",
        error_block(error),
        escape(action),
        escape(csrf),
    );
    page("GARMIN Authentication Application", &body)
}

/// The emailed-code form, posting to `action`.
pub(crate) fn mfa(
    action: &str,
    csrf: &str,
    guid: &str,
    sent_to: &str,
    error: Option<&str>,
) -> String {
    let body = format!(
        "<h1>Enter Security Code</h1>\n<p>We sent a code to {}.</p>\n{}\
         <form id=\"mfa-form\" method=\"post\" action=\"{}\">\n\
         <label for=\"mfa-code\">Security code</label>\n\
         <input id=\"mfa-code\" name=\"mfa-code\" inputmode=\"numeric\" autocomplete=\"one-time-code\" required>\n\
         <input type=\"hidden\" name=\"embed\" value=\"true\">\n\
         <input type=\"hidden\" name=\"_csrf\" value=\"{}\">\n\
         <input type=\"hidden\" name=\"fromPage\" value=\"setupEnterMfaCode\">\n\
         <button id=\"mfa-btn\" type=\"submit\">Verify</button>\n</form>\n\
         <script>\nvar customerGuid = {};\nvar mfaMethod = \"email\";\nvar locale = \"\";\n\
         var clientId = \"\";\nvar codeSentTo = {};\n</script>",
        escape(sent_to),
        error_block(error),
        escape(action),
        escape(csrf),
        script_string(guid),
        script_string(sent_to),
    );
    page("Enter MFA code for login", &body)
}

/// Signed in: hands `message` to the opener or parent window, and only to
/// `target_origin`.
pub(crate) fn success(response_url: &str, message: &Value, target_origin: &str) -> String {
    let body = format!(
        "<h1>Signed in</h1>\n<p id=\"status\">Signing in…</p>\n<script>\n\
         var response_url = {};\n\
         (function () {{\n\
           var message = {};\n\
           var targetOrigin = {};\n\
           var sent = false;\n\
           try {{ if (window.parent && window.parent !== window) {{ window.parent.postMessage(message, targetOrigin); sent = true; }} }} catch (e) {{}}\n\
           try {{ if (window.opener) {{ window.opener.postMessage(message, targetOrigin); sent = true; }} }} catch (e) {{}}\n\
           document.getElementById(\"status\").textContent = sent\n\
             ? \"Signed in. Returning to the app.\"\n\
             : \"Signed in, but no app window is waiting for the ticket.\";\n\
         }})();\n</script>",
        script_string(response_url).replace('/', "\\/"),
        script_json(message),
        script_string(target_origin),
    );
    page("Success", &body)
}

/// `GET /sso/embed`: the empty embed host, or (after a redirect) the ticket
/// to copy.
pub(crate) fn embed(ticket: Option<&str>) -> String {
    let body = match ticket {
        Some(ticket) => format!(
            "<h1>Signed in</h1>\n<p>Copy this page's address, or the ticket below, into the app.</p>\n\
             <p><code id=\"ticket\">{}</code></p>",
            escape(ticket)
        ),
        None => "<div id=\"gauth-widget\"></div>".to_owned(),
    };
    page("GAuth Embedded Version", &body)
}

/// An error page (bad parameters, expired form).
pub(crate) fn problem(message: &str) -> String {
    page("GARMIN Authentication Application", &error_block(Some(message)))
}

/// Text for HTML bodies and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// JSON for inside a `<script>`: no `</script>`, no HTML comment, no line
/// separators that end a JS string.
fn script_json(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

fn script_string(text: &str) -> String {
    script_json(&Value::String(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_values_cannot_close_the_script() {
        let out = script_json(&Value::String("</script><script>alert(1)</script>".into()));
        assert!(!out.contains("</"), "{out}");
    }

    #[test]
    fn the_csrf_marker_matches_the_legacy_clients_pattern() {
        let page = sign_in("/sso/signin?a=b&c=d", "abc123", None);
        assert!(page.contains("name=\"_csrf\" value=\"abc123\""));
        assert!(page.contains("action=\"/sso/signin?a=b&amp;c=d\""));
        assert!(!page.contains("id=\"error\""));
    }
}
