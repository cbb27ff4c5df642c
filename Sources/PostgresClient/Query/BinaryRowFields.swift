import CLibPQ

/// The fields of one row in PostgreSQL's binary format, read in place, one after another, as
/// `copyOutBinary` (a row of `COPY … TO STDOUT (FORMAT binary)`) and `queryBinary` (a row of a
/// result in the binary format) hand them out.
///
/// Each field is a length and the value's bytes in PostgreSQL's binary format; decode it
/// with a `PostgresBinaryDecodable` type of the column's exact type (`int8` as `Int64`, `xid8`
/// as `UInt64`, `timestamptz` as `Date`, `text` as `String`; cast `jsonb` to `text`). The
/// fields borrow the row's bytes: use them only inside the closure that handed them out.
public struct BinaryRowFields {
    /// Where the row's bytes are.
    private enum Storage {
        /// Laid out as a binary COPY row: per field a 32-bit length (-1 for NULL), then the bytes.
        case packed(UnsafeRawBufferPointer)
        /// A row of a libpq result in the binary format, read where libpq holds each value
        /// (copying a row into the packed layout first cost more than decoding it).
        case result(OpaquePointer, row: Int32)
    }

    private let storage: Storage
    private var offset: Int
    /// How many fields the row holds.
    public let count: Int
    /// How many fields have been read (or skipped) so far.
    public private(set) var fieldsRead = 0

    init(row: UnsafeRawBufferPointer, offset: Int, count: Int) {
        storage = .packed(row)
        self.offset = offset
        self.count = count
    }

    /// The fields of row `row` of `result`, which must outlive every use of them.
    init(result: OpaquePointer, row: Int32, count: Int) {
        storage = .result(result, row: row)
        offset = 0
        self.count = count
    }

    /// Whether every field has been read.
    public var isAtEnd: Bool { fieldsRead == count }

    /// Where a packed row's bytes end once every field has been passed over.
    var end: Int { offset }

    /// Decodes the next field.
    public mutating func decodeNext<Value: PostgresBinaryDecodable>(_: Value.Type = Value.self) throws(PostgresError) -> Value {
        let field = try nextField()
        do {
            guard let field else { return try Value.decodeNull() }
            return try Value(postgresBinary: field)
        } catch {
            throw .decoding("field \(fieldsRead): \(error.message)")
        }
    }

    /// Passes over the next field without decoding it.
    public mutating func skip() throws(PostgresError) {
        _ = try nextField()
    }

    /// Passes over every field not read yet.
    mutating func skipRest() throws(PostgresError) {
        while !isAtEnd { try skip() }
    }

    /// The next field's bytes, `nil` for SQL NULL.
    private mutating func nextField() throws(PostgresError) -> UnsafeRawBufferPointer? {
        guard fieldsRead < count else {
            throw .decoding("the row has \(count) fields; field \(fieldsRead + 1) was asked for")
        }
        switch storage {
        case let .packed(row): return try nextPackedField(of: row)
        case let .result(result, row): return nextResultField(of: result, row: row)
        }
    }

    private mutating func nextResultField(of result: OpaquePointer, row: Int32) -> UnsafeRawBufferPointer? {
        let column = Int32(fieldsRead)
        fieldsRead += 1
        if PQgetisnull(result, row, column) == 1 { return nil }
        return UnsafeRawBufferPointer(
            start: PQgetvalue(result, row, column).map(UnsafeRawPointer.init), count: Int(PQgetlength(result, row, column))
        )
    }

    private mutating func nextPackedField(of row: UnsafeRawBufferPointer) throws(PostgresError) -> UnsafeRawBufferPointer? {
        guard row.count - offset >= 4 else { throw .decoding("a binary row ends inside field \(fieldsRead + 1)'s length") }
        let length = Int(Int32(bigEndian: row.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        offset += 4
        fieldsRead += 1
        if length == -1 { return nil }
        guard length >= 0, row.count - offset >= length else {
            throw .decoding("a binary row ends inside field \(fieldsRead) (\(length) bytes)")
        }
        defer { offset += length }
        return UnsafeRawBufferPointer(rebasing: row[offset..<(offset + length)])
    }
}
