//! The two engines' schemas stay in step (issue #13): the SQLite migrations
//! (`api/migrations/`) and their PostgreSQL twins (`api/migrations-pg/`)
//! have the same numbers and build the same tables with the same columns,
//! and PostgreSQL's guards refuse what SQLite's triggers refuse. The
//! PostgreSQL side runs on a throwaway cluster (`common::pg`).

mod common;

use privacy_center_api::store::Store;
use sqlx::postgres::PgPoolOptions;
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

type Columns = BTreeMap<String, BTreeSet<String>>;

fn add(columns: &mut Columns, table: String, column: String) {
    if table != "_sqlx_migrations" {
        columns.entry(table).or_default().insert(column);
    }
}

async fn sqlite_columns() -> Columns {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).await.unwrap();
    let rows: Vec<(String, String)> = privacy_center_api::on_db!(store.pool(), c => sqlx::query_as(
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(c)
    .await)
    .unwrap();
    let mut columns = Columns::new();
    for (table, column) in rows {
        add(&mut columns, table, column);
    }
    columns
}

async fn postgres() -> sqlx::PgPool {
    let url = common::pg::cluster().fresh_database();
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect(&url)
        .await
        .unwrap();
    sqlx::migrate!("./migrations-pg").run(&pool).await.unwrap();
    pool
}

#[tokio::test]
async fn both_engines_have_the_same_migrations_tables_and_columns() {
    let versions = |m: sqlx::migrate::Migrator| m.iter().map(|m| m.version).collect::<Vec<_>>();
    assert_eq!(
        versions(sqlx::migrate!("./migrations")),
        versions(sqlx::migrate!("./migrations-pg")),
        "every migration has its PostgreSQL twin, with the same number"
    );
    let pool = postgres().await;
    let rows = sqlx::query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut pg = Columns::new();
    for row in rows {
        add(&mut pg, row.get(0), row.get(1));
    }
    let sqlite = sqlite_columns().await;
    assert!(
        sqlite.contains_key("consents") && sqlite.len() > 10,
        "{sqlite:?}"
    );
    assert_eq!(sqlite, pg);
}

#[tokio::test]
async fn postgres_keeps_the_ledger_and_the_feed_append_only() {
    let pool = postgres().await;
    let h = "a".repeat(64);
    sqlx::query(
        "INSERT INTO consents (record_id, app, user_id, version, sha256, action, channel, \
         recorded_at, prev_hash, hash, format, subject) \
         VALUES ($1, 'vchat', 'u', 'v', $2, 'accept', 'browser', 't', $2, $3, 2, $4)",
    )
    .bind("r".repeat(32))
    .bind(&h)
    .bind("b".repeat(64))
    .bind("s".repeat(32))
    .execute(&pool)
    .await
    .unwrap();
    for refused in [
        "UPDATE consents SET version = 'x'",
        "UPDATE consents SET user_id = 'someone-else'",
        "DELETE FROM consents",
        "TRUNCATE consents",
    ] {
        let err = sqlx::query(refused).execute(&pool).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{refused}: {err}");
    }
    // Cancellation's one update: the user id becomes the row's own subject.
    sqlx::query("UPDATE consents SET user_id = subject")
        .execute(&pool)
        .await
        .unwrap();

    sqlx::query("INSERT INTO changes (app, user_id, kind, at, data) VALUES ('vchat', 'u', 'push', 't', '{}')")
        .execute(&pool)
        .await
        .unwrap();
    for refused in ["UPDATE changes SET data = '[]'", "DELETE FROM changes"] {
        let err = sqlx::query(refused).execute(&pool).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{refused}: {err}");
    }
}
