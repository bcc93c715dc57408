#!/usr/bin/env python3
"""Fails when backend/store/src/schema.rs disagrees with either migration tree.

schema.rs is one shape for both backends, kept by hand. This runs each tree's migrations into
an empty database with the diesel CLI (SQLite in a temporary file, PostgreSQL in a scratch
database on the server given), prints the schema diesel sees (`diesel print-schema`) and
compares it with schema.rs table by table: the same tables, primary keys, columns, SQL types
and nullability. Type names that are one type under two names are the same (`Int8` is
`BigInt`); on SQLite, `Integer` and `BigInt` are the same (SQLite stores every integer in
64 bits; schema.rs says `BigInt` so that both backends read an i64).

Usage: schema_check.py DIESEL POSTGRES_URL   (POSTGRES_URL without a database name)
Prints each difference and exits 1.
"""
import pathlib
import re
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "backend/store/src/schema.rs"
ALIASES = {
    "Int8": "BigInt",
    "Int4": "Integer",
    "Int2": "SmallInt",
    "Float8": "Double",
    "Float4": "Float",
    "Varchar": "Text",
    "VarChar": "Text",
    "Bytea": "Binary",
}
# Columns the migrations have and schema.rs leaves out on purpose: the queue's generated sort
# and filter columns, whose types differ between the backends (SQLite: TEXT and INTEGER,
# PostgreSQL: DATE and BOOLEAN) and which the store reads only through its indexes and SQL
# fragments (backend/store/src/models/case.rs, `queue`).
NOT_MAPPED = {("cases", "due_sort"), ("cases", "active")}

TABLE = re.compile(r"table!\s*\{\s*(?:use[^;]*;\s*)*(\w+)\s*\(([^)]*)\)\s*\{(.*?)\}\s*\}", re.S)
COLUMN = re.compile(r"^\s*(?:#\[[^\]]*\]\s*)*(\w+)\s*->\s*([^,]+),", re.M)


def parse(text: str) -> dict:
    tables = {}
    for name, pk, body in TABLE.findall(text):
        body = "\n".join(l for l in body.splitlines() if not l.strip().startswith("///"))
        cols = {}
        for col, ty in COLUMN.findall(body):
            ty = ty.strip()
            nullable = ty.startswith("Nullable<")
            if nullable:
                ty = ty[len("Nullable<") : -1]
            cols[col] = (ALIASES.get(ty, ty), nullable)
        tables[name] = (tuple(p.strip() for p in pk.split(",")), cols)
    return tables


def nullable_key(backend: str, pk: tuple, col: str, ty: str) -> bool:
    """SQLite reports an INTEGER PRIMARY KEY as nullable, but it is the rowid: never NULL."""
    return backend == "sqlite" and pk == (col,) and ty in ("Integer", "BigInt")


def same_type(a: str, b: str, backend: str) -> bool:
    if a == b:
        return True
    return backend == "sqlite" and {a, b} == {"Integer", "BigInt"}


def compare(ours: dict, theirs: dict, backend: str) -> list[str]:
    out = []
    for t in sorted(set(ours) | set(theirs)):
        if t not in theirs:
            out.append(f"{backend}: schema.rs has table {t}, the migrations do not")
            continue
        if t not in ours:
            out.append(f"{backend}: the migrations create table {t}, schema.rs lacks it")
            continue
        (pk_a, cols_a), (pk_b, cols_b) = ours[t], theirs[t]
        if pk_a != pk_b:
            out.append(f"{backend}: {t} primary key {pk_a} in schema.rs, {pk_b} in the migrations")
        for c in sorted(set(cols_a) | set(cols_b)):
            if (t, c) in NOT_MAPPED and c not in cols_a:
                continue
            if c not in cols_b:
                out.append(f"{backend}: {t}.{c} is in schema.rs, not in the migrations")
            elif c not in cols_a:
                out.append(f"{backend}: {t}.{c} is in the migrations, not in schema.rs")
            else:
                (ta, na), (tb, nb) = cols_a[c], cols_b[c]
                if not same_type(ta, tb, backend):
                    out.append(f"{backend}: {t}.{c} is {ta} in schema.rs, {tb} in the migrations")
                if na != nb and not (nb and nullable_key(backend, pk_b, c, tb)):
                    say = lambda n: "nullable" if n else "not null"
                    out.append(
                        f"{backend}: {t}.{c} is {say(na)} in schema.rs, {say(nb)} in the migrations"
                    )
    return out


def printed(diesel: str, url: str, migrations: pathlib.Path) -> str:
    run = lambda *args: subprocess.run(
        [diesel, *args, "--database-url", url], check=True, capture_output=True, text=True
    )
    run("migration", "run", "--migration-dir", str(migrations))
    return run("print-schema").stdout


def main() -> int:
    diesel, pg = sys.argv[1], sys.argv[2].rstrip("/")
    ours = parse(SCHEMA.read_text(encoding="utf-8"))
    problems = []
    with tempfile.TemporaryDirectory() as d:
        sqlite = printed(diesel, str(pathlib.Path(d) / "check.db"), ROOT / "migrations/sqlite")
    problems += compare(ours, parse(sqlite), "sqlite")
    db = "yishen_schema_check"
    admin = ["psql", f"{pg}/postgres", "-q", "-v", "ON_ERROR_STOP=1"]
    subprocess.run([*admin, "-c", f"DROP DATABASE IF EXISTS {db}"], check=True)
    subprocess.run([*admin, "-c", f"CREATE DATABASE {db}"], check=True)
    try:
        postgres = printed(diesel, f"{pg}/{db}", ROOT / "migrations/postgres")
    finally:
        subprocess.run([*admin, "-c", f"DROP DATABASE IF EXISTS {db}"], check=True)
    problems += compare(ours, parse(postgres), "postgres")
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} differences between schema.rs and the migrations", file=sys.stderr)
        return 1
    print(f"schema.rs agrees with both migration trees ({len(ours)} tables)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
