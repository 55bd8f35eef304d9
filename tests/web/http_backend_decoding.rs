use super::*;
use gloo_net::http::Response;
use lianjie::api::http::{body_of, parse};
use lianjie::error::AppError;
use lianjie_core::people::Card;
use serde::de::DeserializeOwned;

/// A response read as the backend reads every answer: its body, then that as `T`.
async fn decode<T: DeserializeOwned>(res: Response) -> Result<T, AppError> {
    parse(&body_of(res).await?)
}

fn response(status: u16, body: &str) -> Response {
    let mut bytes = body.as_bytes().to_vec();
    // A 204 must not carry a body, so an empty one is "no body".
    let body = (!bytes.is_empty()).then_some(bytes.as_mut_slice());
    Response::builder().status(status).body(body).unwrap()
}

#[wasm_bindgen_test]
async fn malformed_or_unexpected_responses_are_typed_errors() {
    let cases: [(u16, &str); 6] = [
        (200, "{\"id\": 42"),                   // truncated JSON
        (200, "<html>proxy login page</html>"), // not JSON at all
        (200, "{\"id\": \"x\"}"),               // JSON of the wrong shape
        (200, "[]"),                            // wrong type
        (502, "<html>Bad gateway</html>"),      // error without an envelope
        (200, ""),                              // empty where a card was due
    ];
    for (status, body) in cases {
        let err = decode::<Card>(response(status, body)).await.unwrap_err();
        assert!(
            matches!(err, AppError::Decode(_)),
            "{status} {body:?} gave {err:?}"
        );
    }
}

#[wasm_bindgen_test]
async fn error_envelopes_map_to_their_meaning() {
    let envelope = |code: &str, fields: &str| {
        format!("{{\"error\":{{\"code\":\"{code}\",\"message\":\"m\",\"fields\":{fields}}}}}")
    };
    let invalid = decode::<Card>(response(
        422,
        &envelope("invalid", "[{\"field\":\"email\",\"code\":\"email\"}]"),
    ))
    .await;
    assert!(matches!(invalid, Err(AppError::Invalid(ref f)) if f.get("email").is_some()));
    let missing = decode::<Card>(response(404, &envelope("not_found", "[]"))).await;
    assert_eq!(missing.unwrap_err(), AppError::NotFound);
    let auth = decode::<Card>(response(401, &envelope("unauthorized", "[]"))).await;
    assert_eq!(auth.unwrap_err(), AppError::Unauthorized);
    let forbidden = decode::<Card>(response(403, &envelope("forbidden", "[]"))).await;
    assert_eq!(forbidden.unwrap_err(), AppError::Forbidden);
    let limited = decode::<Card>(response(429, &envelope("rate_limited", "[]"))).await;
    assert!(matches!(limited, Err(AppError::Server(429, _))));
    let ok = decode::<()>(response(204, "")).await;
    assert_eq!(ok, Ok(()));
}
