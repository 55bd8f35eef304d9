//! The statements a commit writes. On PostgreSQL each is a round trip, and at
//! tracking ingest's group sizes (16 to 32 snapshots a commit on 2 cores) the
//! writes' four statements (the views, their customers, the priors, the events)
//! took about half of a commit: there they are joined into one, each a
//! data-modifying `WITH` part, which PostgreSQL runs once and to its end on one
//! snapshot. SQLite runs them one by one (it lives in the process: no trip to save).

use super::Dialect;
use super::rows::MAX_PARAMS;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Transaction};

/// One value to bind.
#[derive(Clone, Copy)]
pub(super) enum Val<'a> {
    Text(&'a str),
    MaybeText(Option<&'a str>),
    Int(i64),
    MaybeInt(Option<i64>),
}

/// Statements to run in order, each of parts and the values they bind.
pub(super) struct Writes<'a> {
    dialect: Dialect,
    statements: Vec<Statement<'a>>,
    /// Whether the last statement takes more parts.
    open: bool,
}

#[derive(Default)]
struct Statement<'a> {
    parts: Vec<String>,
    vals: Vec<Val<'a>>,
    returning: bool,
}

impl<'a> Writes<'a> {
    pub(super) fn of(conn: &AnyConnection) -> Writes<'a> {
        Writes {
            dialect: Dialect::of_backend(conn.backend_name()),
            statements: Vec::new(),
            open: false,
        }
    }

    /// The next part starts a statement of its own: it must see what the parts
    /// before it wrote (one statement's parts all see the rows as they were
    /// before it), or a trigger it fires reads them.
    pub(super) fn apart(&mut self) {
        self.open = false;
    }

    /// Adds `head VALUES (...), (...) tail` for the rows in `vals`, `width` values
    /// each, in as many parts as the limit of values a statement takes asks.
    pub(super) fn rows(&mut self, head: &str, tail: &str, width: usize, vals: Vec<Val<'a>>) {
        let width = width.max(1);
        let mut vals = vals.into_iter().peekable();
        while vals.peek().is_some() {
            let room = MAX_PARAMS.saturating_sub(self.taken()) / width;
            let room = if room == 0 {
                self.open = false;
                MAX_PARAMS / width
            } else {
                room
            };
            let chunk: Vec<Val<'a>> = vals.by_ref().take(room.max(1) * width).collect();
            let rows = chunk.len() / width;
            self.part(chunk.len(), chunk, |sql, p| {
                sql.push_str(head);
                sql.push_str(" VALUES ");
                for r in 0..rows {
                    sql.push_str(if r > 0 { ", (" } else { "(" });
                    for c in 0..width {
                        sql.push_str(if c > 0 { ", " } else { "" });
                        p(sql);
                    }
                    sql.push(')');
                }
                sql.push(' ');
                sql.push_str(tail);
            });
        }
    }

    /// Adds a part of `n` values, `vals`, written by `write` (which calls the
    /// placeholder writer it is given once a value, in order).
    pub(super) fn part(
        &mut self,
        n: usize,
        vals: Vec<Val<'a>>,
        write: impl FnOnce(&mut String, &mut dyn FnMut(&mut String)),
    ) {
        debug_assert_eq!(n, vals.len());
        let join = self.dialect == Dialect::Postgres;
        if !(join && self.open && self.taken() + n <= MAX_PARAMS) {
            self.statements.push(Statement::default());
        }
        let dialect = self.dialect;
        let Some(statement) = self.statements.last_mut() else {
            return;
        };
        let mut next = statement.vals.len();
        let mut sql = String::new();
        write(&mut sql, &mut |sql: &mut String| {
            next += 1;
            match dialect {
                Dialect::Sqlite => sql.push('?'),
                Dialect::Postgres => {
                    use std::fmt::Write as _;
                    let _ = write!(sql, "${next}");
                }
            }
        });
        statement.parts.push(sql);
        statement.vals.extend(vals);
        self.open = true;
    }

    /// Marks the last part added as one whose rows [`Writes::run`] returns: it
    /// ends its statement (only a statement's last part returns rows).
    pub(super) fn returning(&mut self) {
        if let Some(statement) = self.statements.last_mut() {
            statement.returning = true;
        }
        self.open = false;
    }

    fn taken(&self) -> usize {
        match self.statements.last() {
            Some(s) if self.open => s.vals.len(),
            _ => 0,
        }
    }

    /// Runs the statements in order; the rows the returning parts gave.
    pub(super) async fn run(
        self,
        tx: &mut Transaction<'_, sqlx::Any>,
    ) -> Result<Vec<AnyRow>, sqlx::Error> {
        let mut out = Vec::new();
        for Statement {
            mut parts,
            vals,
            returning,
        } in self.statements
        {
            let Some(last) = parts.pop() else {
                continue;
            };
            let mut sql = String::new();
            for (i, part) in parts.iter().enumerate() {
                use std::fmt::Write as _;
                let _ = write!(
                    sql,
                    "{}w{i} AS ({part})",
                    if i == 0 { "WITH " } else { ", " }
                );
            }
            if !parts.is_empty() {
                sql.push(' ');
            }
            sql.push_str(&last);
            // Texts vary with the group's size: not worth keeping prepared.
            let query = vals
                .iter()
                .fold(sqlx::query(&sql).persistent(false), |q, v| match v {
                    Val::Text(t) => q.bind(*t),
                    Val::MaybeText(t) => q.bind(*t),
                    Val::Int(n) => q.bind(*n),
                    Val::MaybeInt(n) => q.bind(*n),
                });
            if returning {
                out.extend(query.fetch_all(&mut **tx).await?);
            } else {
                query.execute(&mut **tx).await?;
            }
        }
        Ok(out)
    }
}
