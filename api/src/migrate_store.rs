//! `privacy-center migrate-store`: copies the SQLite store of a data
//! directory into an empty PostgreSQL database, every table and column,
//! with the same ids and hashes (issue #13).
//!
//! The source is read in one read transaction, so the copy is one
//! consistent snapshot, write-ahead log included; the target is written in
//! one transaction, so a failure leaves it as it was. Tables and column
//! types come from the catalogs of both engines, never from a list here: a
//! table added by a later migration is copied without changing this file.
//! Nothing outside the database is copied (`keys/`, `checkpoints.log`).

use futures_util::TryStreamExt;
use sqlx::postgres::PgArguments;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::query::Query;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteRow};
use sqlx::{Connection, Postgres, Row};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::store::DB_FILE;

/// sqlx's own bookkeeping: each engine has run its own migrations.
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// Tables whose rows the migrations themselves insert (on both engines, so
/// the source has them too): they do not make a target non-empty, and the
/// copy replaces the target's rows with the source's.
const SEEDED_BY_MIGRATIONS: &[&str] = &["ledger_checkpoint_lease"];

/// Most rows per INSERT statement (PostgreSQL takes at most 65,535 bound
/// values in one statement; fewer for wide tables).
const ROWS_PER_INSERT: usize = 1000;

/// What was copied into one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// The table.
    pub table: String,
    /// Rows copied.
    pub rows: u64,
}

/// How a column's values travel: read from SQLite as the PostgreSQL
/// column's type requires, bound to PostgreSQL as that type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// BOOLEAN, stored by SQLite as the integers 0 and 1.
    Bool,
    /// SMALLINT, INTEGER, BIGINT.
    Int,
    /// REAL, DOUBLE PRECISION.
    Real,
    /// TEXT, VARCHAR, CHAR.
    Text,
    /// BYTEA, stored by SQLite as a BLOB.
    Bytes,
}

impl Kind {
    /// The kind of a PostgreSQL column by its `information_schema` type.
    fn of(data_type: &str) -> Option<Kind> {
        Some(match data_type {
            "boolean" => Kind::Bool,
            "smallint" | "integer" | "bigint" => Kind::Int,
            "real" | "double precision" => Kind::Real,
            "text" | "character varying" | "character" => Kind::Text,
            "bytea" => Kind::Bytes,
            _ => return None,
        })
    }
}

/// One value on its way; `None` is NULL (bound with the column's type).
#[derive(Debug)]
enum Cell {
    Bool(Option<bool>),
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

impl Cell {
    /// Reads column `i` of a SQLite row as `kind`; the error says why not.
    fn read(row: &SqliteRow, i: usize, kind: Kind) -> std::result::Result<Cell, String> {
        let e = |e: sqlx::Error| e.to_string();
        Ok(match kind {
            Kind::Bool => Cell::Bool(match row.try_get::<Option<i64>, _>(i).map_err(e)? {
                None => None,
                Some(0) => Some(false),
                Some(1) => Some(true),
                Some(n) => return Err(format!("{n} is not a boolean (0 or 1)")),
            }),
            Kind::Int => Cell::Int(row.try_get(i).map_err(e)?),
            Kind::Real => Cell::Real(row.try_get(i).map_err(e)?),
            Kind::Text => Cell::Text(row.try_get(i).map_err(e)?),
            Kind::Bytes => Cell::Bytes(row.try_get(i).map_err(e)?),
        })
    }

    /// Binds the value to the next parameter, typed as its column.
    fn bind(self, q: Query<'_, Postgres, PgArguments>) -> Query<'_, Postgres, PgArguments> {
        match self {
            Cell::Bool(v) => q.bind(v),
            Cell::Int(v) => q.bind(v),
            Cell::Real(v) => q.bind(v),
            Cell::Text(v) => q.bind(v),
            Cell::Bytes(v) => q.bind(v),
        }
    }
}

/// A table as PostgreSQL defines it.
#[derive(Debug)]
struct Table {
    name: String,
    /// (name, kind), in the table's order.
    columns: Vec<(String, Kind)>,
}

/// `"name"`, quoted for either engine.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// An error about one table.
fn in_table(table: &str, problem: impl std::fmt::Display) -> Error {
    Error::StoreCopy(format!("{table}: {problem}"))
}

/// Copies the store of `data_dir` into the PostgreSQL database at `url`
/// (see the module's documentation); answers what it copied, table by
/// table in the order copied. On any error the target keeps nothing of the
/// copy (only the migrations, when they had not run there before).
pub async fn migrate_store(data_dir: &Path, url: &str) -> Result<Vec<Copied>> {
    let mut source = open_source(data_dir).await?;
    let not_postgres = |why: String| {
        Error::Config(format!(
            "--to is not a PostgreSQL URL (postgres://user@host:port/database){why}"
        ))
    };
    if !["postgres://", "postgresql://"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
    {
        return Err(not_postgres(String::new()));
    }
    let options = PgConnectOptions::from_str(url).map_err(|e| not_postgres(format!(": {e}")))?;
    let mut target =
        PgConnection::connect_with(&options.application_name("privacy-center migrate-store"))
            .await
            .map_err(|e| {
                Error::Config(format!("cannot reach the PostgreSQL database (--to): {e}"))
            })?;
    // Checked before the migrations too, so a store in use is not even migrated.
    refuse_rows(&mut target).await?;
    sqlx::migrate!("./migrations-pg").run(&mut target).await?;

    // One read transaction: every table from the same snapshot, including
    // what a running server has committed to the write-ahead log.
    let mut snapshot = source.begin().await?;
    check_migrations(&mut snapshot).await?;
    let sqlite_tables = sqlite_tables(&mut snapshot).await?;

    let mut tx = target.begin().await?;
    let tables = postgres_tables(&mut tx).await?;
    compare_schemas(&tables, &sqlite_tables)?;
    let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    // No other writer between the check and the commit (a second
    // migrate-store waits here, then finds the rows of the first).
    sqlx::query(&format!(
        "LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE",
        names
            .iter()
            .map(|n| quote(n))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .execute(&mut *tx)
    .await?;
    refuse_rows(&mut tx).await?;

    let mut copied = Vec::new();
    for table in order_by_foreign_keys(&mut tx, tables).await? {
        let copy = async {
            let rows = copy_table(&mut snapshot, &mut tx, &table).await?;
            move_sequences(&mut tx, &table.name).await?;
            Ok::<_, Error>(rows)
        };
        let rows = copy.await.map_err(|e| {
            let why = match e {
                Error::StoreCopy(why) => why,
                other => in_table(&table.name, other).to_string(),
            };
            Error::StoreCopy(format!(
                "{why}\nnothing was copied (the transaction was rolled back)"
            ))
        })?;
        copied.push(Copied {
            table: table.name,
            rows,
        });
    }
    tx.commit().await?;
    snapshot.rollback().await?;
    Ok(copied)
}

/// The SQLite database of `data_dir`, opened read-only (never created,
/// never migrated: a copy takes the store as it is).
async fn open_source(data_dir: &Path) -> Result<SqliteConnection> {
    let path = data_dir.join(DB_FILE);
    if !path.is_file() {
        return Err(Error::NotFound(format!(
            "no SQLite store at {}",
            path.display()
        )));
    }
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .read_only(true)
        .busy_timeout(Duration::from_secs(5));
    SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| Error::Config(format!("cannot open {}: {e}", path.display())))
}

/// The source must be at exactly this binary's migrations, so its tables
/// and columns are the ones the PostgreSQL twins describe.
async fn check_migrations(source: &mut SqliteConnection) -> Result<()> {
    let applied: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT version FROM {MIGRATIONS_TABLE} WHERE success ORDER BY version"
    ))
    .fetch_all(&mut *source)
    .await?;
    let known: Vec<i64> = sqlx::migrate!("./migrations")
        .iter()
        .map(|m| m.version)
        .collect();
    if applied == known {
        return Ok(());
    }
    let newer: Vec<i64> = applied
        .iter()
        .filter(|v| !known.contains(v))
        .copied()
        .collect();
    Err(Error::StoreCopy(if newer.is_empty() {
        format!(
            "the SQLite store has migrations {applied:?}, this binary {known:?}: start this \
             version's `serve` on it once (it migrates the store), stop it, then copy"
        )
    } else {
        format!(
            "the SQLite store was written by a newer version (migrations {newer:?} are unknown \
             here): copy it with that version"
        )
    }))
}

/// The source's tables (but sqlx's own) and each one's columns.
async fn sqlite_tables(
    source: &mut SqliteConnection,
) -> Result<BTreeMap<String, BTreeSet<String>>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name <> ?",
    )
    .bind(MIGRATIONS_TABLE)
    .fetch_all(&mut *source)
    .await?;
    let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (table, column) in rows {
        tables.entry(table).or_default().insert(column);
    }
    Ok(tables)
}

/// The target's tables in the current schema (but sqlx's own), with their
/// columns' kinds read from the catalog.
async fn postgres_tables(target: &mut PgConnection) -> Result<Vec<Table>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text \
         FROM information_schema.columns c JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
           AND c.table_name <> $1 \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .bind(MIGRATIONS_TABLE)
    .fetch_all(&mut *target)
    .await?;
    let mut tables: Vec<Table> = Vec::new();
    for (table, column, data_type) in rows {
        let kind = Kind::of(&data_type).ok_or_else(|| {
            in_table(
                &table,
                format!("column {column} is {data_type}, which migrate-store cannot copy"),
            )
        })?;
        match tables.last_mut() {
            Some(t) if t.name == table => t.columns.push((column, kind)),
            _ => tables.push(Table {
                name: table,
                columns: vec![(column, kind)],
            }),
        }
    }
    Ok(tables)
}

/// Both engines have the same tables with the same columns.
fn compare_schemas(pg: &[Table], sqlite: &BTreeMap<String, BTreeSet<String>>) -> Result<()> {
    let mut problems = Vec::new();
    for table in pg {
        let Some(columns) = sqlite.get(&table.name) else {
            problems.push(format!("{}: exists in PostgreSQL only", table.name));
            continue;
        };
        let pg_columns: BTreeSet<&str> = table.columns.iter().map(|(c, _)| c.as_str()).collect();
        for (side, only) in [
            (
                "PostgreSQL",
                pg_columns
                    .iter()
                    .filter(|c| !columns.contains(**c))
                    .copied()
                    .collect::<Vec<_>>(),
            ),
            (
                "SQLite",
                columns
                    .iter()
                    .map(String::as_str)
                    .filter(|c| !pg_columns.contains(c))
                    .collect(),
            ),
        ] {
            if !only.is_empty() {
                problems.push(format!(
                    "{}: column(s) {} exist in {side} only",
                    table.name,
                    only.join(", ")
                ));
            }
        }
    }
    for name in sqlite.keys() {
        if !pg.iter().any(|t| &t.name == name) {
            problems.push(format!("{name}: exists in SQLite only"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::StoreCopy(format!(
            "the two stores' schemas differ; nothing was copied:\n{}",
            problems.join("\n")
        )))
    }
}

/// Refuses a target with any row in any table (but the migrations' own).
async fn refuse_rows(target: &mut PgConnection) -> Result<()> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
           AND table_name <> $1 ORDER BY table_name",
    )
    .bind(MIGRATIONS_TABLE)
    .fetch_all(&mut *target)
    .await?;
    let mut holding = Vec::new();
    for table in tables {
        if SEEDED_BY_MIGRATIONS.contains(&table.as_str()) {
            continue;
        }
        let any: bool =
            sqlx::query_scalar(&format!("SELECT EXISTS (SELECT 1 FROM {})", quote(&table)))
                .fetch_one(&mut *target)
                .await?;
        if any {
            holding.push(table);
        }
    }
    if holding.is_empty() {
        Ok(())
    } else {
        Err(Error::StoreCopy(format!(
            "the PostgreSQL database is not empty ({} hold rows); migrate-store copies into an \
             empty database only, and wrote nothing",
            holding.join(", ")
        )))
    }
}

/// The tables with every table a foreign key refers to before the table
/// that refers to it (alphabetical otherwise); a cycle is an error.
async fn order_by_foreign_keys(
    target: &mut PgConnection,
    tables: Vec<Table>,
) -> Result<Vec<Table>> {
    let edges: Vec<(String, String)> = sqlx::query_as(
        "SELECT child.relname::text, parent.relname::text FROM pg_constraint k \
         JOIN pg_class child ON child.oid = k.conrelid \
         JOIN pg_class parent ON parent.oid = k.confrelid \
         JOIN pg_namespace n ON n.oid = child.relnamespace \
         WHERE k.contype = 'f' AND n.nspname = current_schema() AND k.conrelid <> k.confrelid",
    )
    .fetch_all(&mut *target)
    .await?;
    let mut waiting: BTreeMap<String, Table> =
        tables.into_iter().map(|t| (t.name.clone(), t)).collect();
    let mut ordered = Vec::with_capacity(waiting.len());
    while !waiting.is_empty() {
        let ready: Vec<String> = waiting
            .keys()
            .filter(|name| {
                !edges
                    .iter()
                    .any(|(child, parent)| child == *name && waiting.contains_key(parent))
            })
            .cloned()
            .collect();
        if ready.is_empty() {
            return Err(Error::StoreCopy(format!(
                "the foreign keys of {} refer to each other in a cycle",
                waiting.keys().cloned().collect::<Vec<_>>().join(", ")
            )));
        }
        for name in ready {
            ordered.extend(waiting.remove(&name));
        }
    }
    Ok(ordered)
}

/// Copies one table's rows, streamed from the snapshot in chunks of
/// multi-row INSERTs; answers how many.
async fn copy_table(
    snapshot: &mut SqliteConnection,
    target: &mut PgConnection,
    table: &Table,
) -> Result<u64> {
    let name = &table.name;
    if SEEDED_BY_MIGRATIONS.contains(&name.as_str()) {
        sqlx::query(&format!("DELETE FROM {}", quote(name)))
            .execute(&mut *target)
            .await?;
    }
    let columns: Vec<String> = table.columns.iter().map(|(c, _)| quote(c)).collect();
    let select = format!("SELECT {} FROM {}", columns.join(", "), quote(name));
    let per_insert = ROWS_PER_INSERT.min(65_535 / columns.len().max(1));
    let mut rows = sqlx::query(&select).fetch(&mut *snapshot);
    let (mut chunk, mut copied) = (Vec::with_capacity(per_insert), 0u64);
    loop {
        let row = rows.try_next().await?;
        if let Some(row) = &row {
            let mut cells = Vec::with_capacity(columns.len());
            for (i, (column, kind)) in table.columns.iter().enumerate() {
                cells.push(Cell::read(row, i, *kind).map_err(|why| {
                    in_table(
                        name,
                        format!(
                            "column {column} of row {}: {why}",
                            copied + chunk.len() as u64 + 1
                        ),
                    )
                })?);
            }
            chunk.push(cells);
        }
        if chunk.len() == per_insert || (row.is_none() && !chunk.is_empty()) {
            copied += insert(target, name, &columns, std::mem::take(&mut chunk)).await?;
        }
        if row.is_none() {
            return Ok(copied);
        }
    }
}

/// One multi-row INSERT, ids included (`OVERRIDING SYSTEM VALUE`: also
/// into a `GENERATED ALWAYS` identity column). Triggers stay in force.
async fn insert(
    target: &mut PgConnection,
    table: &str,
    columns: &[String],
    rows: Vec<Vec<Cell>>,
) -> Result<u64> {
    let width = columns.len();
    let values: Vec<String> = (0..rows.len())
        .map(|r| {
            let params: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", params.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE VALUES {}",
        quote(table),
        columns.join(", "),
        values.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for cell in rows.into_iter().flatten() {
        query = cell.bind(query);
    }
    Ok(query.execute(&mut *target).await?.rows_affected())
}

/// Moves each identity or serial sequence of `table` past the highest id
/// copied, so rows written later get fresh ids.
async fn move_sequences(target: &mut PgConnection, table: &str) -> Result<()> {
    let sequences: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, seq FROM ( \
           SELECT column_name, pg_get_serial_sequence( \
             quote_ident(current_schema()) || '.' || quote_ident(table_name), column_name) AS seq \
           FROM information_schema.columns \
           WHERE table_schema = current_schema() AND table_name = $1) s \
         WHERE seq IS NOT NULL",
    )
    .bind(table)
    .fetch_all(&mut *target)
    .await?;
    for (column, sequence) in sequences {
        sqlx::query(&format!(
            "SELECT setval($1::regclass, m) FROM (SELECT max({}) AS m FROM {}) s WHERE m IS NOT NULL",
            quote(&column),
            quote(table)
        ))
        .bind(&sequence)
        .execute(&mut *target)
        .await?;
    }
    Ok(())
}
