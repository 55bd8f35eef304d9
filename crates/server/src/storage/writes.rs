//! The statements a commit writes. On PostgreSQL each is a round trip, and at
//! tracking ingest's group sizes (16 to 32 snapshots a commit on 2 cores) the
//! writes' four statements (the views, their customers, the priors, the events)
//! took about half of a commit: there they are joined into one, each a
//! data-modifying `WITH` part, which PostgreSQL runs once and to its end on one
//! snapshot. A commit that writes conversations takes a second (`Writes::apart`,
//! see `rows::add_rows`). On SQLite each statement is a trip too, to sqlx's thread
//! for the connection and back (waking each side): there the parts are one text of
//! statements run one after another, 2.5-3.1 -> 1.7-1.8 ms of a group of 16
//! snapshots in `bench/ingest.sh`.

use super::Dialect;
use super::rows::{MAX_PARAMS, Placeholders};
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

impl Statement<'_> {
    /// The statement's text: on PostgreSQL its last part, after the others as
    /// `WITH` parts; on SQLite its parts one after another.
    fn text(&self, dialect: Dialect) -> Option<String> {
        let (last, with) = self.parts.split_last()?;
        if dialect == Dialect::Sqlite {
            return Some(self.parts.join("; "));
        }
        let mut sql = String::new();
        for (i, part) in with.iter().enumerate() {
            use std::fmt::Write as _;
            let _ = write!(
                sql,
                "{}w{i} AS ({part})",
                if i == 0 { "WITH " } else { ", " }
            );
        }
        if !with.is_empty() {
            sql.push(' ');
        }
        sql.push_str(last);
        Some(sql)
    }
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
        Writes::new(Dialect::of_backend(conn.backend_name()))
    }

    fn new(dialect: Dialect) -> Writes<'a> {
        Writes {
            dialect,
            statements: Vec::new(),
            open: false,
        }
    }

    /// On PostgreSQL the next part starts a statement of its own: it must see
    /// what the parts before it wrote (one statement's parts all see the rows as
    /// they were before it), or a trigger it fires reads them. SQLite runs a
    /// statement's parts one after another, each seeing the last: no need there.
    pub(super) fn apart(&mut self) {
        self.open &= self.dialect == Dialect::Sqlite;
    }

    /// Adds `head VALUES (...), (...) tail` for the rows in `vals`, `width` values
    /// each, in as many parts as the limit of values a statement takes asks.
    pub(super) fn rows(&mut self, head: &str, tail: &str, width: usize, vals: Vec<Val<'a>>) {
        self.rows_in_parts(head, tail, width, vals, false);
    }

    /// As [`Writes::rows`], for a statement whose rows (its `tail`'s `RETURNING`)
    /// [`Writes::run`] returns: on PostgreSQL each of its parts ends its
    /// statement (only a statement's last part returns rows there).
    pub(super) fn returning_rows(
        &mut self,
        head: &str,
        tail: &str,
        width: usize,
        vals: Vec<Val<'a>>,
    ) {
        self.rows_in_parts(head, tail, width, vals, true);
    }

    fn rows_in_parts(
        &mut self,
        head: &str,
        tail: &str,
        width: usize,
        vals: Vec<Val<'a>>,
        returning: bool,
    ) {
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
            self.part(chunk, |sql, p| {
                sql.push_str(head);
                sql.push_str(" VALUES ");
                p.rows(sql, rows, width);
                sql.push(' ');
                sql.push_str(tail);
            });
            if returning {
                if let Some(statement) = self.statements.last_mut() {
                    statement.returning = true;
                }
                self.apart();
            }
        }
    }

    /// Adds a part binding `vals`, written by `write` with the placeholders that
    /// follow the statement's values so far (one a value, in order).
    pub(super) fn part(
        &mut self,
        vals: Vec<Val<'a>>,
        write: impl FnOnce(&mut String, Placeholders),
    ) {
        if !(self.open && self.taken() + vals.len() <= MAX_PARAMS) {
            self.statements.push(Statement::default());
        }
        let dialect = self.dialect;
        let Some(statement) = self.statements.last_mut() else {
            return;
        };
        let mut sql = String::new();
        write(&mut sql, Placeholders::new(dialect, statement.vals.len()));
        statement.parts.push(sql);
        statement.vals.extend(vals);
        self.open = true;
    }

    /// Values the statement that takes the next part binds already.
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
        for statement in self.statements {
            let Some(sql) = statement.text(self.dialect) else {
                continue;
            };
            let Statement {
                vals, returning, ..
            } = statement;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(writes: &Writes) -> Vec<String> {
        (writes.statements.iter())
            .filter_map(|s| s.text(writes.dialect))
            .collect()
    }

    fn ints(n: usize) -> Vec<Val<'static>> {
        (0..n).map(|i| Val::Int(i as i64)).collect()
    }

    #[test]
    fn postgres_joins_parts_numbering_their_values_on() {
        let mut writes = Writes::new(Dialect::Postgres);
        writes.rows("INSERT INTO a (x, y)", "ON CONFLICT DO NOTHING", 2, ints(4));
        writes.rows("INSERT INTO b (z)", "", 1, ints(1));
        writes.returning_rows("INSERT INTO c (z)", "RETURNING id", 1, ints(1));
        writes.rows("INSERT INTO d (z)", "", 1, ints(1));
        assert_eq!(
            texts(&writes),
            [
                "WITH w0 AS (INSERT INTO a (x, y) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING), \
                 w1 AS (INSERT INTO b (z) VALUES ($5) ) INSERT INTO c (z) VALUES ($6) RETURNING id",
                // After a returning part: a statement of its own.
                "INSERT INTO d (z) VALUES ($1) ",
            ]
        );
        assert!(writes.statements[0].returning && !writes.statements[1].returning);
        assert_eq!(writes.statements[0].vals.len(), 6);
    }

    #[test]
    fn a_part_apart_and_values_past_the_limit_start_another_statement() {
        let mut writes = Writes::new(Dialect::Postgres);
        writes.rows("INSERT INTO a (z)", "", 1, ints(1));
        writes.apart();
        writes.rows("INSERT INTO b (x, y)", "", 2, ints(MAX_PARAMS + 2));
        let counts: Vec<(usize, usize)> = (writes.statements.iter())
            .map(|s| (s.parts.len(), s.vals.len()))
            .collect();
        // b's first rows fill the second statement (an even number of values), the
        // rest go on in a third.
        assert_eq!(counts, [(1, 1), (1, MAX_PARAMS), (1, 2)]);
        assert!(texts(&writes)[2].ends_with("VALUES ($1, $2) "));
    }

    #[test]
    fn sqlite_runs_parts_one_after_another_in_one_statement_up_to_the_limit() {
        let mut writes = Writes::new(Dialect::Sqlite);
        writes.rows("INSERT INTO a (z)", "", 1, ints(3));
        writes.returning_rows("INSERT INTO c (z)", "RETURNING id", 1, ints(1));
        writes.apart();
        writes.rows("INSERT INTO b (x, y)", "", 2, ints(MAX_PARAMS + 2));
        let counts: Vec<usize> = writes.statements.iter().map(|s| s.vals.len()).collect();
        // b's first rows fill what the first statement has room for (an even
        // number of values), the rest go on in a second.
        assert_eq!(counts, [MAX_PARAMS, 6]);
        assert!(writes.statements[0].returning && !writes.statements[1].returning);
        assert!(texts(&writes)[0].starts_with(
            "INSERT INTO a (z) VALUES (?), (?), (?) ; INSERT INTO c (z) VALUES (?) RETURNING id; \
             INSERT INTO b (x, y) VALUES (?, ?)"
        ));
    }
}
