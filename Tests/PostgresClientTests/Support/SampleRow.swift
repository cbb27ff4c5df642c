import Foundation
import PostgresClient

/// One row of every kind `PostgresBinaryDecodable` reads, for tests that compare the binary
/// format (COPY or a result) with the text format of the same query.
struct SampleRow: Equatable {
    var n: Int64
    var small: Int32
    var xid: UInt64
    var id: UUID
    var at: Date
    var flag: Bool
    var body: String?

    /// The query's columns, a NULL body every third row, timestamps from before 2000 too;
    /// `range` is the SQL of the `generate_series` arguments.
    static func select(_ range: String) -> String {
        """
        SELECT n::int8, (n % 1000)::int4, (n * 4294967296)::text::xid8,
               md5(n::text)::uuid, timestamptz '1999-12-31 23:59:59.999999+00' + n * interval '1 hour 0.000001 second',
               n % 2 = 0, CASE WHEN n % 3 = 0 THEN NULL ELSE jsonb_build_object('n', n, 'tab', E'\\t\\u00fc')::text END
        FROM generate_series(\(range)) n ORDER BY n
        """
    }

    /// The row from the text format.
    init(text row: PostgresRow) throws(PostgresError) {
        (n, small, xid, id, at, flag, body) = try row.decode((Int64, Int32, UInt64, UUID, Date, Bool, String?).self)
    }

    /// The row from the binary format, every field read.
    init(binary fields: inout BinaryRowFields) throws(PostgresError) {
        n = try fields.decodeNext()
        small = try fields.decodeNext()
        xid = try fields.decodeNext()
        id = try fields.decodeNext()
        at = try fields.decodeNext()
        flag = try fields.decodeNext()
        body = try fields.decodeNext()
    }
}
