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
        row: (inout BinaryRowFields) throws(PostgresError) -> Void
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
            var fields = BinaryRowFields(row: message, offset: offset, count: fieldCount)
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
