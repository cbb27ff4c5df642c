public import Foundation

/// A Swift type that can be read from a value in PostgreSQL's binary format (the format of
/// `COPY … (FORMAT binary)`): fixed-width big-endian numbers, uuids as 16 bytes, timestamps as
/// microseconds since 2000-01-01, text as its UTF-8 bytes. Reading them costs no parsing on
/// either side, which is why the feed's catch-up read uses it.
/// Every such type also reads the text format, and SQL NULL as `PostgresDecodable` does.
public protocol PostgresBinaryDecodable: PostgresDecodable {
    /// Decodes a non-NULL value from its bytes.
    init(postgresBinary bytes: UnsafeRawBufferPointer) throws(PostgresError)
}

extension Optional: PostgresBinaryDecodable where Wrapped: PostgresBinaryDecodable {
    public init(postgresBinary bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        self = .some(try Wrapped(postgresBinary: bytes))
    }
}

/// A big-endian integer of exactly its own width (`int8`, `int4`, `xid8`, …).
private func decodeBigEndian<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer) throws(PostgresError) -> T {
    guard bytes.count == MemoryLayout<T>.size else {
        throw .decoding("\(bytes.count) bytes are not a binary \(T.self) (\(MemoryLayout<T>.size) bytes)")
    }
    return T(bigEndian: bytes.loadUnaligned(as: T.self))
}

extension Int64: PostgresBinaryDecodable {
    public init(postgresBinary bytes: UnsafeRawBufferPointer) throws(PostgresError) { self = try decodeBigEndian(bytes) }
}

extension Int32: PostgresBinaryDecodable {
    public init(postgresBinary bytes: UnsafeRawBufferPointer) throws(PostgresError) { self = try decodeBigEndian(bytes) }
}

/// `xid8` is an unsigned 64-bit integer.
extension UInt64: PostgresBinaryDecodable {
    public init(postgresBinary bytes: UnsafeRawBufferPointer) throws(PostgresError) { self = try decodeBigEndian(bytes) }
}

extension Bool: PostgresBinaryDecodable {
    public init(postgresBinary bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        guard bytes.count == 1 else { throw .decoding("\(bytes.count) bytes are not a binary boolean") }
        self = bytes[0] != 0
    }
}

/// `text`, `varchar` and `name`; `jsonb` must be cast to `text` first (its binary form
/// starts with a version byte).
extension String: PostgresBinaryDecodable {
    public init(postgresBinary bytes: UnsafeRawBufferPointer) {
        self = String(decoding: bytes, as: UTF8.self)
    }
}

extension UUID: PostgresBinaryDecodable {
    public init(postgresBinary bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        guard bytes.count == 16 else { throw .decoding("\(bytes.count) bytes are not a binary uuid") }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &raw) { $0.copyMemory(from: bytes) }
        self = UUID(uuid: raw)
    }
}

/// `timestamptz` (and `timestamp`, read as UTC): microseconds since 2000-01-01 00:00:00 UTC.
extension Date: PostgresBinaryDecodable {
    public init(postgresBinary bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        let sincePostgresEpoch: Int64 = try decodeBigEndian(bytes)
        guard sincePostgresEpoch != .max, sincePostgresEpoch != .min else {
            throw .decoding("infinite timestamps have no Date")
        }
        self = PostgresTimestamp.date(microsecondsSince2000: sincePostgresEpoch)
    }
}
