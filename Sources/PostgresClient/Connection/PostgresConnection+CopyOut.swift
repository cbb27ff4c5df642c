import CLibPQ

extension PostgresConnection {
    /// Runs a `COPY … TO STDOUT` statement and hands each row, as the bytes of one line of
    /// COPY's text format (newline included), to `row`; returns the number of rows copied.
    ///
    /// The rows stream: none is kept after `row` returns, so a result of any size costs one
    /// row's memory. The whole COPY has one deadline (`timeout`, else the configuration's
    /// `queryTimeout`) and honours task cancellation, as `query` does: the statement is
    /// cancelled on the server, the rest of its data read and dropped, and the call throws
    /// `.timedOut` or `.cancelled` with the connection still usable. When `row` throws, the
    /// COPY is cancelled the same way and its error rethrown. A connection lost mid-copy throws
    /// `.connectionLost` and is closed, so no pool hands it out again. See `CopyTextFields`
    /// for reading a line's values.
    @discardableResult
    public func copyOut(
        _ statement: String,
        timeout: Duration? = nil,
        row: (UnsafeRawBufferPointer) throws(PostgresError) -> Void
    ) throws(PostgresError) -> Int {
        let connection = try openHandle()
        var wait = StatementWait(deadline: ContinuousClock.now + (timeout ?? configuration.queryTimeout), honorsCancellation: true)
        guard PQsendQuery(connection, statement) == 1 else { throw connectionError(connection, while: "starting COPY") }
        try flush(connection, wait: &wait)
        let started = try awaitResults(of: connection, wait: &wait)
        defer { started.forEach { PQclear($0) } }
        guard let start = started.last, PQresultStatus(start) == PGRES_COPY_OUT else {
            for result in started {
                do {
                    _ = try interpret(result, of: connection)
                } catch {
                    // Cancelled (task or deadline) before the first row: as `query` reports it.
                    throw Self.copyFailure(error, cancellation: wait.cancellation)
                }
            }
            throw .misuse("copyOut needs a COPY … TO STDOUT statement")
        }

        var rowFailure: PostgresError?
        var cancelledAt: ContinuousClock.Instant?
        var copied = 0
        copying: while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(connection, &buffer, 1)
            if length > 0, let buffer {
                defer { PQfreemem(buffer) }
                // Once cancelled (by the deadline, the task or `row`), the rest is read and dropped.
                guard cancelledAt == nil else { continue }
                do {
                    try row(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
                    copied += 1
                } catch {
                    rowFailure = error
                    requestCancellation(of: connection)
                    cancelledAt = .now
                }
                continue
            }
            switch length {
            case -1:
                break copying
            case 0:
                break
            default:
                let error = connectionError(connection, while: "receiving COPY data")
                abandon(because: "it was lost in the middle of a COPY")
                throw error
            }
            // No whole row buffered: wait for the socket, within the deadline and the grace.
            let now = ContinuousClock.now
            if let cancelledAt {
                if now >= answerDeadline(afterCancellingAt: cancelledAt) {
                    throw givingUpAfterCancelling("a COPY")
                }
            } else if let reason = wait.cancellationDue(at: now) {
                wait.cancellation = reason
                requestCancellation(of: connection)
                cancelledAt = now
            }
            try waitForSocket(
                of: connection,
                until: cancelledAt.map(answerDeadline(afterCancellingAt:)) ?? min(wait.deadline, now + Self.cancellationCheckInterval))
            if PQconsumeInput(connection) == 0 {
                let error = connectionError(connection, while: "receiving COPY data")
                abandon(because: "it was lost in the middle of a COPY")
                throw error
            }
        }

        var failure: PostgresError?
        for result in try awaitResults(of: connection, wait: &wait) {
            defer { PQclear(result) }
            do {
                _ = try interpret(result, of: connection)
            } catch {
                failure = failure ?? error
            }
        }
        if let rowFailure { throw rowFailure }
        if let failure {
            if failure.kind == .connectionLost {
                abandon(because: "it was lost at the end of a COPY")
            }
            throw Self.copyFailure(failure, cancellation: wait.cancellation)
        }
        // Cancelled after the server had sent everything: rows were dropped, so not a success.
        if let reason = wait.cancellation {
            throw PostgresError(
                kind: reason == .deadline ? .timedOut : .cancelled,
                message: reason == .deadline ? "the COPY did not finish within its deadline" : "the COPY was cancelled with its task")
        }
        return copied
    }

    /// Runs a `COPY … TO STDOUT (FORMAT binary)` statement and hands each row's fields to
    /// `row`, to decode in place with `PostgresBinaryDecodable` types; returns the number of
    /// rows. Deadline, cancellation and a lost connection behave as in `copyOut`.
    @discardableResult
    public func copyOutBinary(
        _ statement: String,
        timeout: Duration? = nil,
        row: (inout BinaryRowFields) throws(PostgresError) -> Void
    ) throws(PostgresError) -> Int {
        var stream = CopyBinaryStream()
        try copyOut(statement, timeout: timeout) { message throws(PostgresError) in
            try stream.read(message, row: row)
        }
        guard stream.trailerRead else { throw .decoding("the binary COPY ended without its trailer") }
        return stream.rows
    }

    /// A COPY's error as the caller should see it: the server's "canceling statement" is
    /// `.timedOut` or `.cancelled` when this side cancelled it (deadline or task).
    private static func copyFailure(_ error: PostgresError, cancellation: StatementWait.Cancellation?) -> PostgresError {
        guard error.sqlState == .queryCanceled, let cancellation else { return error }
        var failure = error
        failure.kind = cancellation == .deadline ? .timedOut : .cancelled
        failure.message = cancellation == .deadline
            ? "the COPY did not finish within its deadline and was cancelled: \(error.message)"
            : "the COPY was cancelled with its task: \(error.message)"
        return failure
    }
}
