/// One row of a result, with its values in PostgreSQL's text format.
///
/// ```swift
/// let (id, name, version) = try row.decode((UUID, String, Int64).self)
/// ```
public struct PostgresRow: Sendable {
    /// The column names, shared by every row of one result.
    public let columnNames: [String]
    /// The values; `nil` is SQL NULL.
    public let values: [String?]

    public init(columnNames: [String], values: [String?]) {
        self.columnNames = columnNames
        self.values = values
    }

    /// Decodes the first columns, in order, into the given types.
    public func decode<each Column: PostgresDecodable>(
        _ types: (repeat each Column).Type
    ) throws(PostgresError) -> (repeat each Column) {
        var index = 0
        func next<Value: PostgresDecodable>(_: Value.Type) throws(PostgresError) -> Value {
            defer { index += 1 }
            return try decode(column: index, as: Value.self)
        }
        return (repeat try next((each Column).self))
    }

    /// Decodes the first column: `try row.decode(Int.self)`.
    public func decode<Value: PostgresDecodable>(_ type: Value.Type) throws(PostgresError) -> Value {
        try decode(column: 0, as: type)
    }

    /// Decodes the column at `index`.
    public func decode<Value: PostgresDecodable>(column index: Int, as _: Value.Type = Value.self) throws(PostgresError) -> Value {
        guard values.indices.contains(index) else {
            throw .decoding("column \(index) does not exist; the row has \(values.count) columns")
        }
        do {
            guard let text = values[index] else { return try Value.decodeNull() }
            return try Value(postgresText: text)
        } catch {
            throw .decoding("column \(columnNames[index]): \(error.message)")
        }
    }

    /// Decodes the column with the given name.
    public func decode<Value: PostgresDecodable>(column name: String, as type: Value.Type = Value.self) throws(PostgresError) -> Value {
        guard let index = columnNames.firstIndex(of: name) else {
            throw .decoding("no column named \(name); the row has \(columnNames.joined(separator: ", "))")
        }
        return try decode(column: index, as: type)
    }
}

/// The outcome of one statement: its rows (possibly none) and the command tag.
public struct PostgresResult: Sendable {
    public let rows: [PostgresRow]
    /// E.g. `INSERT 0 3`.
    public let commandTag: String

    public init(rows: [PostgresRow], commandTag: String) {
        self.rows = rows
        self.commandTag = commandTag
    }

    /// The number of rows the command touched, from the command tag.
    public var affectedRows: Int {
        commandTag.split(separator: " ").last.flatMap { Int($0) } ?? rows.count
    }
}
