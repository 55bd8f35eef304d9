//! The content area's calls: the card, content and their analytics.

use crate::api::ApiFuture;
use crate::api::http::HttpBackend;
use crate::split::split_fn;
use lianjie_core::analytics::{CardAnalytics, ContentAnalytics, ContentStats, Ranking};
use lianjie_core::content::Content;
use lianjie_core::people::Card;

split_fn!(
    content,
    pub fn card(api: HttpBackend, id: String) -> ApiFuture<Card> {
        api.get(format!("/cards/{id}"))
    }
);

split_fn!(
    content,
    pub fn save_card(api: HttpBackend, card: Card) -> ApiFuture<Card> {
        let path = format!("/cards/{}", card.id);
        api.write("PUT", path, card, None)
    }
);

split_fn!(
    content,
    pub fn card_analytics(api: HttpBackend, card_id: String) -> ApiFuture<CardAnalytics> {
        api.get(format!("/cards/{card_id}/analytics"))
    }
);

split_fn!(
    content,
    pub fn save_content(api: HttpBackend, content: Content) -> ApiFuture<Content> {
        // Saving the same document twice is harmless, so it may be retried.
        let key = format!(
            "content-{}-{}",
            content.id,
            content.updated_at.timestamp_millis()
        );
        api.write(
            "PUT",
            format!("/contents/{}", content.id),
            content,
            Some(key),
        )
    }
);

split_fn!(
    content,
    pub fn content_analytics(api: HttpBackend, content_id: String) -> ApiFuture<ContentAnalytics> {
        api.get(format!("/contents/{content_id}/analytics"))
    }
);

split_fn!(
    content,
    pub fn content_ranking(api: HttpBackend, by: Ranking) -> ApiFuture<Vec<ContentStats>> {
        let by = match by {
            Ranking::MostRead => "most_read",
            Ranking::LongestRead => "longest_read",
            Ranking::MostForwarded => "most_forwarded",
        };
        api.get(format!("/contents/ranking?by={by}"))
    }
);
