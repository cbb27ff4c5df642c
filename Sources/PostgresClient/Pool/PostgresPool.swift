import DequeModule
public import Logging

/// A bounded pool of connections with async checkout.
///
/// At most `maximumConnections` are open; a caller beyond that waits (up to `checkoutTimeout`)
/// for one to come back. A connection is checked on checkout (no round trip: see
/// `PostgresConnection.isHealthy()`), so after a server restart the dead ones are dropped and
/// fresh ones opened; calls that were in flight at the restart fail with `.connectionLost`.
///
/// ```swift
/// let pool = PostgresPool(configuration: .init(connectionString: url), maximumConnections: 8)
/// let count = try await pool.query("SELECT count(*) FROM tenantry.events").rows[0].decode(Int.self)
/// try await pool.transaction { connection in
///     try connection.query("INSERT …")
/// }
/// ```
public actor PostgresPool {
    public nonisolated let configuration: PostgresConfiguration
    public nonisolated let maximumConnections: Int
    public nonisolated let checkoutTimeout: Duration
    private let logger: Logger

    private var idle: [PostgresConnection] = []
    private var openCount = 0
    private var waiters: Deque<Waiter> = []
    private var nextWaiterID = 0
    private var isClosed = false

    /// A caller waiting for a connection. It is resumed with a connection handed over directly,
    /// or with `nil` when a slot freed up and it should open one itself.
    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<PostgresConnection?, any Error>
    }

    public init(
        configuration: PostgresConfiguration,
        maximumConnections: Int = 8,
        checkoutTimeout: Duration = .seconds(30),
        logger: Logger = Logger(label: "tenantry.postgres.pool")
    ) {
        precondition(maximumConnections > 0, "a pool needs at least one connection")
        self.configuration = configuration
        self.maximumConnections = maximumConnections
        self.checkoutTimeout = checkoutTimeout
        self.logger = logger
    }

    // MARK: Using a connection

    /// Checks out a connection for the duration of `body`, then returns it to the pool.
    ///
    /// `body` runs on the connection's own thread, together with the pool's checks of the
    /// connection, so a call costs one switch to that thread and back. Cancelling the task
    /// cancels the statement in flight on the server at once; the call then throws
    /// `CancellationError`.
    public nonisolated func withConnection<Value: Sendable>(
        _ body: @Sendable (isolated PostgresConnection) async throws -> Value
    ) async throws -> Value {
        while true {
            let (connection, wasIdle) = try await lease()
            // A statement in flight when the task is cancelled wakes at once and is cancelled
            // on the server, instead of at its next look at the task.
            let visit = await withTaskCancellationHandler {
                await connection.visit(checkingHealth: wasIdle, body)
            } onCancel: {
                connection.interruptWait()
            }
            switch visit {
            case .broken:
                logger.debug("dropping a broken idle connection", metadata: ["pq.connection": "\(connection.id)"])
                await discard(connection)
            case .ran(let result, let reusable):
                await checkin(connection, reusable: reusable)
                switch result {
                case .success(let value):
                    return value
                case .failure(let error as PostgresError) where error.kind == .cancelled:
                    // A statement cancelled with its task ends the way cancelled Swift work
                    // ends, so the caller's `catch is CancellationError` sees its own cancellation.
                    throw CancellationError()
                case .failure(let error):
                    throw error
                }
            }
        }
    }

    /// Checks out a connection for the duration of `body`, which runs off the connection's
    /// thread: for a caller that holds the connection (a session lock, say) while it does other
    /// work between statements. Prefer `withConnection` for statements alone. Cancellation as
    /// there.
    public nonisolated func withCheckedOutConnection<Value: Sendable>(
        _ body: (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let connection = try await checkout()
        do {
            let value = try await withTaskCancellationHandler {
                try await body(connection)
            } onCancel: {
                connection.interruptWait()
            }
            await checkin(connection)
            return value
        } catch let error as PostgresError where error.kind == .cancelled {
            await checkin(connection)
            throw CancellationError()
        } catch {
            await checkin(connection)
            throw error
        }
    }

    /// Runs one statement on any connection.
    @discardableResult
    public nonisolated func query(_ query: PostgresQuery) async throws -> PostgresResult {
        try await withConnection { connection in try connection.query(query) }
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    @discardableResult
    public nonisolated func transaction<Value: Sendable>(
        isolation: TransactionIsolation = .readCommitted,
        _ body: @Sendable (isolated PostgresConnection) async throws -> Value
    ) async throws -> Value {
        try await withConnection { connection in
            try await connection.transaction(isolation: isolation, body)
        }
    }

    // MARK: Checkout and checkin

    /// Hands out a healthy connection, opening one if the pool has room, else waiting for one.
    /// Give it back with `checkin`.
    public func checkout() async throws -> PostgresConnection {
        while true {
            let (connection, wasIdle) = try await lease()
            if !wasIdle { return connection }
            if await connection.isHealthy() { return connection }
            logger.debug("dropping a broken idle connection", metadata: ["pq.connection": "\(connection.id)"])
            await discard(connection)
        }
    }

    /// Takes a connection back: kept when reusable, closed (freeing its slot) otherwise.
    public func checkin(_ connection: PostgresConnection) async {
        let reusable = await connection.isReusable()
        if reusable { await connection.discardPendingWakeUp() }
        await checkin(connection, reusable: reusable)
    }

    /// A connection for one caller: an idle one (`wasIdle`, to be checked before use), a new
    /// one if the pool has room, else one handed over by `checkin` (in use until then).
    private func lease() async throws -> (PostgresConnection, wasIdle: Bool) {
        let deadline = ContinuousClock.now + checkoutTimeout
        while true {
            guard !isClosed else { throw PostgresError(kind: .poolClosed, message: "the connection pool is closed") }
            if let connection = idle.popLast() {
                return (connection, true)
            }
            if openCount < maximumConnections {
                openCount += 1
                do {
                    return (try await PostgresConnection.connect(configuration, logger: logger), false)
                } catch {
                    openCount -= 1
                    wakeNextWaiter()
                    throw error
                }
            }
            if let connection = try await waitForConnection(until: deadline) {
                return (connection, false)
            }
        }
    }

    /// Takes a connection back whose reuse was decided on its own thread.
    private func checkin(_ connection: PostgresConnection, reusable: Bool) async {
        // The pool may have closed while the connection was out.
        guard reusable, !isClosed else {
            await discard(connection)
            return
        }
        if let waiter = waiters.popFirst() {
            waiter.continuation.resume(returning: connection)
        } else {
            idle.append(connection)
        }
    }

    /// Closes every idle connection and refuses new checkouts; connections in use are closed
    /// when they come back.
    public func close() async {
        isClosed = true
        let failing = waiters
        waiters.removeAll()
        for waiter in failing {
            waiter.continuation.resume(throwing: PostgresError(kind: .poolClosed, message: "the connection pool is closed"))
        }
        let closing = idle
        idle.removeAll()
        for connection in closing {
            await connection.close()
            openCount -= 1
        }
    }

    /// The number of open connections, idle or in use (for tests and metrics).
    public var openConnectionCount: Int { openCount }

    /// The number of callers waiting for a connection (for tests and metrics).
    public var waitingCount: Int { waiters.count }

    private func discard(_ connection: PostgresConnection) async {
        await connection.close()
        openCount -= 1
        wakeNextWaiter()
    }

    private func wakeNextWaiter() {
        waiters.popFirst()?.continuation.resume(returning: nil)
    }

    private func waitForConnection(until deadline: ContinuousClock.Instant) async throws -> PostgresConnection? {
        let id = nextWaiterID
        nextWaiterID += 1
        let timeout = Task { [weak self] in
            try await Task.sleep(until: deadline)
            await self?.expireWaiter(id)
        }
        defer { timeout.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters.append(Waiter(id: id, continuation: continuation))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func expireWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.continuation.resume(throwing: PostgresError(
            kind: .poolExhausted,
            message: "no database connection became free within \(checkoutTimeout) (pool of \(maximumConnections))"
        ))
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}
