//! SQLite plans without statistics, from the indexes alone, and with several that
//! fit it may take one that walks the whole organization. The statements the single
//! writer runs for every customer must find their rows by an index on what they look
//! for (PostgreSQL plans from statistics).

use sqlx::Row as _;

/// The plan SQLite makes for `statement`, its steps' details joined.
async fn plan(pool: &sqlx::AnyPool, statement: &str) -> String {
    let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {statement}"))
        .fetch_all(pool)
        .await
        .unwrap();
    let steps: Vec<String> = rows.iter().map(|r| r.get::<String, _>(3)).collect();
    steps.join("; ")
}

#[tokio::test]
async fn a_customers_conversations_are_found_by_their_index_not_the_organizations() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plans.db").to_string_lossy().into_owned();
    // Migrated as a server opens it.
    drop(lianjie_server::storage::Storage::open(&path).await.unwrap());
    sqlx::any::install_default_drivers();
    let (url, _) = lianjie_server::storage::Dialect::of(&path);
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    // What the owner triggers run for each customer added, written to first or
    // given another owner (migrations 0015 and 0023).
    let owner = plan(
        &pool,
        "UPDATE conversations SET owner_id = 'u' WHERE contact_id = 'k' AND org_id = 'o'",
    )
    .await;
    assert!(owner.contains("contact_id=?"), "{owner}");
}
