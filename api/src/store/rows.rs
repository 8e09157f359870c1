//! Many rows of parameters for one statement (a batch's INSERT, the keys
//! of a batch's lookup), kept column by column and bound in each engine's
//! best form:
//!
//! - SQLite: row by row into a multi-row `VALUES ($1, $2), ($3, $4), …`.
//!   Its text depends on the number of rows, which costs SQLite little: a
//!   statement compiles in microseconds.
//! - PostgreSQL: each column as one array, unnested back into rows in their
//!   order. The text is the same for any number of rows, so each connection
//!   parses and plans it once. With `VALUES`, every batch size was a new
//!   statement (parsed, then planned afresh for its first five runs) on each
//!   of the pool's connections: in the load bench most ledger batches paid
//!   for a plan (docs/benchmarks.md, part 7).

use sqlx::postgres::PgArguments;
use sqlx::sqlite::SqliteArguments;
use sqlx::Arguments;

use super::{values, Engine};
use crate::error::{Error, Result};

/// One column's values, one per row.
#[derive(Debug, Clone)]
enum Column<'a> {
    Text(Vec<&'a str>),
    MaybeText(Vec<Option<&'a str>>),
    Int(Vec<i64>),
}

impl Column<'_> {
    fn len(&self) -> usize {
        match self {
            Column::Text(v) => v.len(),
            Column::MaybeText(v) => v.len(),
            Column::Int(v) => v.len(),
        }
    }

    /// Its PostgreSQL array type.
    fn pg_array(&self) -> &'static str {
        match self {
            Column::Text(_) | Column::MaybeText(_) => "text[]",
            Column::Int(_) => "bigint[]",
        }
    }
}

/// See the module documentation. Columns are added in the order the
/// statement names them; every column has one value per row.
#[derive(Debug, Clone, Default)]
pub struct Rows<'a> {
    columns: Vec<Column<'a>>,
}

fn bind_error(e: sqlx::error::BoxDynError) -> Error {
    Error::Internal(format!("binding a parameter: {e}"))
}

impl<'a> Rows<'a> {
    /// No columns yet.
    pub fn new() -> Self {
        Rows::default()
    }

    /// Adds a text column.
    pub fn text(mut self, values: impl IntoIterator<Item = &'a str>) -> Self {
        self.columns
            .push(Column::Text(values.into_iter().collect()));
        self
    }

    /// Adds a text column that may hold NULLs.
    pub fn maybe_text(mut self, values: impl IntoIterator<Item = Option<&'a str>>) -> Self {
        self.columns
            .push(Column::MaybeText(values.into_iter().collect()));
        self
    }

    /// Adds an integer column.
    pub fn int(mut self, values: impl IntoIterator<Item = i64>) -> Self {
        self.columns.push(Column::Int(values.into_iter().collect()));
        self
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.columns.first().map_or(0, Column::len)
    }

    /// Whether there is no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A query giving the rows, in order, with one column per column added,
    /// for a CTE (`WITH k(a, b) AS (…)`) or an `INSERT INTO t (a, b) …`:
    /// `VALUES ($1, $2), ($3, $4)` on SQLite, and on PostgreSQL
    /// `SELECT r.c1, r.c2 FROM unnest($1::text[], $2::text[]) WITH
    /// ORDINALITY AS r(c1, c2, n) ORDER BY r.n`.
    pub fn source(&self, engine: Engine) -> String {
        debug_assert!(self.columns.iter().all(|c| c.len() == self.len()));
        match engine {
            Engine::Sqlite => format!("VALUES {}", values(self.len(), self.columns.len(), 1)),
            Engine::Postgres => {
                let names: Vec<String> =
                    (1..=self.columns.len()).map(|i| format!("c{i}")).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let picked: Vec<String> = names.iter().map(|n| format!("r.{n}")).collect();
                format!(
                    "SELECT {} FROM {} ORDER BY r.n",
                    picked.join(", "),
                    self.unnest(&names)
                )
            }
        }
    }

    /// PostgreSQL only: the rows as a table `r` with the columns `names`
    /// and their order `n` (from 1): `unnest($1::text[], $2::bigint[]) WITH
    /// ORDINALITY AS r(a, b, n)`, for a statement that uses them twice.
    pub fn unnest(&self, names: &[&str]) -> String {
        debug_assert_eq!(names.len(), self.columns.len());
        let arrays: Vec<String> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("${}::{}", i + 1, c.pg_array()))
            .collect();
        format!(
            "unnest({}) WITH ORDINALITY AS r({}, n)",
            arrays.join(", "),
            names.join(", ")
        )
    }

    /// The parameters of [`Rows::source`] on SQLite, row by row.
    pub fn sqlite_args(&self) -> Result<SqliteArguments<'a>> {
        let mut args = SqliteArguments::default();
        for row in 0..self.len() {
            for column in &self.columns {
                match column {
                    Column::Text(v) => args.add(v[row]),
                    Column::MaybeText(v) => args.add(v[row]),
                    Column::Int(v) => args.add(v[row]),
                }
                .map_err(bind_error)?;
            }
        }
        Ok(args)
    }

    /// The parameters of [`Rows::source`] on PostgreSQL: one array a column.
    pub fn pg_args(&self) -> Result<PgArguments> {
        let mut args = PgArguments::default();
        for column in &self.columns {
            match column {
                Column::Text(v) => args.add(v.clone()),
                Column::MaybeText(v) => args.add(v.clone()),
                Column::Int(v) => args.add(v.clone()),
            }
            .map_err(bind_error)?;
        }
        Ok(args)
    }
}

/// [`crate::store::on!`] for a statement whose parameters are a [`Rows`]:
/// runs `$body` with `$c` bound to the engine's connection and `$args` to
/// the rows' parameters in that engine's form (for `sqlx::query_with`).
/// The statement's text comes from [`Rows::source`] for the same engine.
#[macro_export]
macro_rules! on_rows {
    ($conn:expr, $rows:expr, $c:ident, $args:ident => $body:expr) => {
        match $crate::store::AsConn::conn($conn) {
            $crate::store::Conn::Sqlite($c) => {
                let $args = $rows.sqlite_args()?;
                $body
            }
            $crate::store::Conn::Pg($c) => {
                let $args = $rows.pg_args()?;
                $body
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_binds_rows_and_postgresql_binds_one_array_a_column() {
        let rows = Rows::new()
            .text(["a", "b"])
            .int([1, 2])
            .maybe_text([None, Some("x")]);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows.source(Engine::Sqlite),
            "VALUES ($1, $2, $3), ($4, $5, $6)"
        );
        assert_eq!(
            rows.source(Engine::Postgres),
            "SELECT r.c1, r.c2, r.c3 FROM unnest($1::text[], $2::bigint[], $3::text[]) \
             WITH ORDINALITY AS r(c1, c2, c3, n) ORDER BY r.n"
        );
        assert_eq!(rows.sqlite_args().unwrap().len(), 6);
        assert_eq!(rows.pg_args().unwrap().len(), 3);
    }
}
