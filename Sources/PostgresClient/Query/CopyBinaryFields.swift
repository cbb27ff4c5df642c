/// The fields of one row of `COPY … TO STDOUT (FORMAT binary)`, read in place, one after
/// another, as `copyOutBinary` hands them out.
///
/// Each field is a length and the value's bytes in PostgreSQL's binary format; decode it
/// with a `PostgresBinaryDecodable` type of the column's exact type (`int8` as `Int64`, `xid8`
/// as `UInt64`, `timestamptz` as `Date`, `text` as `String`; cast `jsonb` to `text`). The
/// fields borrow the row's bytes: use them only inside the closure that handed them out.
public struct CopyBinaryFields {
    private let row: UnsafeRawBufferPointer
    private var offset: Int
    /// How many fields the row holds.
    public let count: Int
    /// How many fields have been read (or skipped) so far.
    public private(set) var fieldsRead = 0

    init(row: UnsafeRawBufferPointer, offset: Int, count: Int) {
        self.row = row
        self.offset = offset
        self.count = count
    }

    /// Whether every field has been read.
    public var isAtEnd: Bool { fieldsRead == count }

    /// Where the row's bytes end once every field has been passed over.
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
            throw .decoding("the COPY row has \(count) fields; field \(fieldsRead + 1) was asked for")
        }
        guard row.count - offset >= 4 else { throw .decoding("a binary COPY row ends inside field \(fieldsRead + 1)'s length") }
        let length = Int(Int32(bigEndian: row.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        offset += 4
        fieldsRead += 1
        if length == -1 { return nil }
        guard length >= 0, row.count - offset >= length else {
            throw .decoding("a binary COPY row ends inside field \(fieldsRead) (\(length) bytes)")
        }
        defer { offset += length }
        return UnsafeRawBufferPointer(rebasing: row[offset..<(offset + length)])
    }
}

/// The binary COPY stream as the messages `PQgetCopyData` returns: the header, then rows, then
/// the trailer. PostgreSQL sends the header and each row as a message of its own, but a
/// message holding several is read correctly too; a row is never split across messages.
struct CopyBinaryStream {
    /// `PGCOPY\n\377\r\n\0`, then 32-bit flags and the length of a header extension.
    private static let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]

    private var headerRead = false
    private(set) var trailerRead = false
    private(set) var rows = 0

    /// Hands each row of `message` to `row`.
    mutating func read(
        _ message: UnsafeRawBufferPointer,
        row: (inout CopyBinaryFields) throws(PostgresError) -> Void
    ) throws(PostgresError) {
        var offset = 0
        if !headerRead {
            offset = try Self.headerLength(of: message)
            headerRead = true
        }
        while offset < message.count {
            guard !trailerRead else { throw .decoding("binary COPY data after its trailer") }
            guard message.count - offset >= 2 else { throw .decoding("a binary COPY row ends inside its field count") }
            let fieldCount = Int(Int16(bigEndian: message.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
            offset += 2
            if fieldCount == -1 {
                trailerRead = true
                continue
            }
            var fields = CopyBinaryFields(row: message, offset: offset, count: fieldCount)
            try row(&fields)
            try fields.skipRest()
            offset = fields.end
            rows += 1
        }
    }

    private static func headerLength(of message: UnsafeRawBufferPointer) throws(PostgresError) -> Int {
        let fixed = signature.count + 8
        guard message.count >= fixed, message.prefix(signature.count).elementsEqual(signature) else {
            throw .decoding("the COPY data does not start with the binary format's signature")
        }
        let extensionLength = Int(UInt32(bigEndian: message.loadUnaligned(fromByteOffset: signature.count + 4, as: UInt32.self)))
        guard message.count - fixed >= extensionLength else { throw .decoding("the binary COPY header ends early") }
        return fixed + extensionLength
    }
}
