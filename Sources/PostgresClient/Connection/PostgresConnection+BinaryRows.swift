import CLibPQ

extension PostgresConnection {
    /// Runs `query` with its result in PostgreSQL's binary format and hands each row's fields
    /// to `row`, to decode in place with `PostgresBinaryDecodable` types as `copyOutBinary`'s
    /// rows are; returns the number of rows. Deadline, cancellation and a lost connection
    /// behave as in `query`.
    ///
    /// For large reads whose plan depends on their values: the statement is never prepared
    /// (each run is planned with its values, where a prepared statement may switch to a
    /// generic plan), and neither side formats or parses text. Unlike a COPY, it takes
    /// parameters, and a set-returning SQL function in it can be inlined into the query rather
    /// than collected whole first.
    @discardableResult
    public func queryBinary(
        _ query: PostgresQuery,
        timeout: Duration? = nil,
        row: (inout BinaryRowFields) throws(PostgresError) -> Void
    ) throws(PostgresError) -> Int {
        let connection = try openHandle()
        var wait = StatementWait(deadline: ContinuousClock.now + (timeout ?? configuration.queryTimeout), honorsCancellation: true)
        let sent = withCStringArray(query.bindings) { values in
            PQsendQueryParams(connection, query.sql, Int32(query.bindings.count), nil, values, nil, nil, 1)
        }
        return try lastResult(ofSending: sent, on: connection, wait: &wait) { result throws(PostgresError) in
            try Self.forEachBinaryRow(of: result, row)
        }
    }

    /// Hands each row's fields of `result` to `row`, read in place.
    private static func forEachBinaryRow(
        of result: OpaquePointer,
        _ row: (inout BinaryRowFields) throws(PostgresError) -> Void
    ) throws(PostgresError) -> Int {
        let rowCount = PQntuples(result)
        let columnCount = Int(PQnfields(result))
        for index in 0..<rowCount {
            var fields = BinaryRowFields(result: result, row: index, count: columnCount)
            try row(&fields)
        }
        return Int(rowCount)
    }
}
