/// How pgbench and psql reach the benchmark database as the superuser: connection options plus
/// the database, which is either a plain name or a whole libpq connection string.
///
/// Kept apart because the two tools take the database differently: psql as `-d <db>`, pgbench
/// as its trailing argument (its `-d` means `--debug`).
struct ClientConnectionArguments: Sendable {
    /// E.g. `-h <socket directory> -p 5432 -U postgres`; empty when `database` says it all.
    let options: [String]
    /// A database name, or a URL or keyword string (both tools expand one given as the database).
    let database: String
}
