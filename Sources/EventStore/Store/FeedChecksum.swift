import Foundation

/// An order-independent checksum of a set of events: the sum, modulo 2^63, of each event's
/// position XOR the first 48 bits of its id; `VerificationStatements.feedContents` computes the
/// same in SQL.
struct FeedChecksum {
    private(set) var sum: UInt64 = 0

    mutating func add(_ event: RecordedEvent) {
        add(position: event.position, id: event.id)
    }

    mutating func add(position: Int64, id: UUID) {
        let bytes = id.uuid
        let prefix = [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        sum = sum &+ (prefix ^ UInt64(bitPattern: position))
    }

    /// The sum modulo 2^63, as PostgreSQL's bigint holds it.
    var value: Int64 { Int64(bitPattern: sum & (UInt64.max >> 1)) }
}
