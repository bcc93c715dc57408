//! Prints SQLite's query plan and time for a statement against a database file, with the
//! bundled SQLite the server uses (the system's `sqlite3` may plan differently).
//! usage: cargo run --release -p yishen-store --example plan -- FILE "SQL"
#![allow(clippy::print_stdout)] // a command-line tool: its output is the point

use diesel::prelude::*;
use diesel::sql_types::Text;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    detail: String,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (file, sql) = (&args[1], &args[2]);
    let mut conn = SqliteConnection::establish(file)?;
    let plan: Vec<Line> = diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}")).load(&mut conn)?;
    for l in plan {
        println!("{}", l.detail);
    }
    let started = std::time::Instant::now();
    // Every row read, as the server reads them.
    let rows: Vec<Count> =
        diesel::sql_query(format!("SELECT count(*) AS n FROM ({sql})")).load(&mut conn)?;
    let n = rows.first().map_or(0, |c| c.n);
    println!("{n} rows in {:?}", started.elapsed());
    Ok(())
}
