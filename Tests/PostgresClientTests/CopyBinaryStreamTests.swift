@testable import PostgresClient
import Testing

@Suite("Binary COPY messages read whole, whatever they hold")
struct CopyBinaryStreamTests {
    private static let header: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]
    private static let trailer: [UInt8] = [0xFF, 0xFF]

    /// A row of int8 values (nil for NULL) in the binary format.
    private static func row(_ values: [Int64?]) -> [UInt8] {
        var bytes: [UInt8] = withUnsafeBytes(of: Int16(values.count).bigEndian, Array.init)
        for value in values {
            guard let value else {
                bytes += withUnsafeBytes(of: Int32(-1).bigEndian, Array.init)
                continue
            }
            bytes += withUnsafeBytes(of: Int32(8).bigEndian, Array.init)
            bytes += withUnsafeBytes(of: value.bigEndian, Array.init)
        }
        return bytes
    }

    private static func read(_ messages: [[UInt8]]) throws -> (rows: [[Int64?]], trailerRead: Bool) {
        var stream = CopyBinaryStream()
        var rows: [[Int64?]] = []
        for message in messages {
            try message.withUnsafeBytes { bytes in
                try stream.read(bytes) { fields throws(PostgresError) in
                    var values: [Int64?] = []
                    while !fields.isAtEnd { values.append(try fields.decodeNext(Int64?.self)) }
                    rows.append(values)
                }
            }
        }
        return (rows, stream.trailerRead)
    }

    @Test("the header with the first row, several rows in one message, NULLs, the trailer apart")
    func severalRowsInOneMessage() throws {
        let read = try Self.read([Self.header + Self.row([1, nil]), Self.row([2, 3]) + Self.row([-4, 5]), Self.trailer])
        #expect(read.rows == [[1, nil], [2, 3], [-4, 5]])
        #expect(read.trailerRead)
        // An empty result: the header and the trailer in one message.
        let empty = try Self.read([Self.header + Self.trailer])
        #expect(empty.rows.isEmpty && empty.trailerRead)
    }

    @Test("a message cut inside a length or a value, a negative length, data after the trailer or a bad signature is refused", arguments: [
        [header + Array(row([7]).dropLast(3))],
        [header + Array(row([7]).prefix(4))],
        [header + [0, 1, 0xFF, 0xFF, 0xFF, 0xFE]],
        [header + row([1]), trailer + row([2])],
        [Array(header.dropFirst()) + row([1])],
    ])
    func refusesMalformedMessages(messages: [[UInt8]]) {
        #expect(throws: PostgresError.self) { try Self.read(messages) }
    }
}
