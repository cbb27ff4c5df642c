import CLibPQ
import Foundation
public import Logging
import Synchronization

/// One libpq connection, running every call on a thread of its own.
///
/// The actor's executor is a `DedicatedThreadExecutor`, so the blocking libpq calls made inside
/// its methods park that thread, never a thread of Swift's cooperative pool. Statements are
/// prepared once per connection (named `tq_1`, `tq_2`, …) and reused by their SQL text.
public actor PostgresConnection {
    private static let counter = ConnectionCounter()

    /// A process-unique number, for logs.
    public nonisolated let id: Int
    public nonisolated let configuration: PostgresConfiguration
    private let executor: DedicatedThreadExecutor
    private let wakeUp: WakeUpPipe
    private let isWaiting = Atomic<Bool>(false)
    private var handle: OpaquePointer?
    /// What the socket was when the connection opened (see `DescriptorIdentity`).
    private var socketIdentity: DescriptorIdentity?
    private var preparedStatements: [String: String] = [:]
    /// A cancel request sent for an earlier statement, not yet known to have reached the server.
    private var unsettledCancel: CancelRequest?
    private var logger: Logger

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    private init(configuration: PostgresConfiguration, logger: Logger) throws(PostgresError) {
        id = Self.counter.next()
        self.configuration = configuration
        executor = DedicatedThreadExecutor(name: "tenantry-pq-\(id)")
        wakeUp = try WakeUpPipe()
        var logger = logger
        logger[metadataKey: "pq.connection"] = "\(id)"
        self.logger = logger
    }

    /// Opens a connection; throws `PostgresError` with kind `.connectionFailed` and libpq's reason.
    public static func connect(
        _ configuration: PostgresConfiguration,
        logger: Logger = Logger(label: "tenantry.postgres")
    ) async throws(PostgresError) -> PostgresConnection {
        let connection = try PostgresConnection(configuration: configuration, logger: logger)
        do {
            try await connection.open()
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    /// Opens a connection for the duration of `body` and closes it afterwards.
    @discardableResult
    public static func withConnection<Value: Sendable>(
        _ configuration: PostgresConfiguration,
        logger: Logger = Logger(label: "tenantry.postgres"),
        _ body: (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        let connection = try await connect(configuration, logger: logger)
        do {
            let value = try await body(connection)
            await connection.close()
            return value
        } catch {
            await connection.close()
            throw error
        }
    }

    private func open() throws(PostgresError) {
        let parameters = try configuration.parameters()
        let connection = withCStringArray(parameters.map(\.keyword)) { keywords in
            withCStringArray(parameters.map(\.value)) { values in
                PQconnectdbParams(keywords, values, 0)
            }
        }
        guard let connection else {
            throw PostgresError(kind: .connectionFailed, message: "libpq could not allocate a connection")
        }
        handle = connection
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = String(cString: PQerrorMessage(connection)).trimmingTrailingWhitespace()
            throw PostgresError(kind: .connectionFailed, message: "cannot connect to PostgreSQL: \(reason)")
        }
        socketIdentity = DescriptorIdentity(of: PQsocket(connection))
        // Sends never block: a statement's bytes go out under its deadline (`flush`).
        guard PQsetnonblocking(connection, 1) == 0 else {
            throw PostgresError(kind: .connectionFailed, message: "libpq could not switch the connection to non-blocking mode")
        }
        // Notices (e.g. "already exists, skipping") are not errors; keep them off stderr.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        logger.trace("connected")
    }

    /// Closes the connection and lets its thread go. Later calls fail with `.connectionClosed`.
    public func close() {
        unsettledCancel = nil
        if let handle {
            finish(handle)
            self.handle = nil
        }
        preparedStatements.removeAll()
        executor.shutDown()
    }

    isolated deinit {
        if let handle { finish(handle) }
        executor.shutDown()
    }

    // MARK: Statements

    /// Runs one statement and returns its rows and command tag.
    ///
    /// The statement has a deadline (`timeout`, else the configuration's `queryTimeout`) and
    /// honours task cancellation: either cancels it on the server (`PQcancel`) and throws
    /// `.timedOut` or `.cancelled`. Cleanup that must run in a cancelled task (a ROLLBACK, an
    /// unlock) passes `honoringCancellation: false`.
    @discardableResult
    public func query(
        _ query: PostgresQuery,
        timeout: Duration? = nil,
        honoringCancellation: Bool = true
    ) throws(PostgresError) -> PostgresResult {
        let connection = try openHandle()
        var wait = StatementWait(
            deadline: ContinuousClock.now + (timeout ?? configuration.queryTimeout),
            honorsCancellation: honoringCancellation)
        let sent: Int32
        if query.isCacheable {
            let name = try preparedStatementName(for: query, on: connection, wait: &wait)
            sent = withCStringArray(query.bindings) { values in
                PQsendQueryPrepared(connection, name, Int32(query.bindings.count), values, nil, nil, 0)
            }
        } else {
            sent = withCStringArray(query.bindings) { values in
                PQsendQueryParams(connection, query.sql, Int32(query.bindings.count), nil, values, nil, nil, 0)
            }
        }
        return try outcome(ofSending: sent, on: connection, wait: &wait)
    }

    /// Runs a script of one or more statements with no parameters (migrations, DDL), within the
    /// same deadline rules as `query`.
    public func runScript(_ sql: String, timeout: Duration? = nil) throws(PostgresError) {
        let connection = try openHandle()
        var wait = StatementWait(deadline: ContinuousClock.now + (timeout ?? configuration.queryTimeout), honorsCancellation: true)
        _ = try outcome(ofSending: PQsendQuery(connection, sql), on: connection, wait: &wait)
    }

    private func preparedStatementName(
        for query: PostgresQuery, on connection: OpaquePointer, wait: inout StatementWait
    ) throws(PostgresError) -> String {
        if let name = preparedStatements[query.sql] { return name }
        let name = "tq_\(preparedStatements.count + 1)"
        let sent = PQsendPrepare(connection, name, query.sql, Int32(query.bindings.count), nil)
        _ = try outcome(ofSending: sent, on: connection, wait: &wait)
        preparedStatements[query.sql] = name
        return name
    }

    /// Waits for every result of what was just sent and interprets them: the first error wins,
    /// else the last result is the answer.
    private func outcome(ofSending sent: Int32, on connection: OpaquePointer, wait: inout StatementWait) throws(PostgresError) -> PostgresResult {
        try lastResult(ofSending: sent, on: connection, wait: &wait) { result throws(PostgresError) in
            PostgresResult(rows: rows(of: result), commandTag: String(cString: PQcmdStatus(result)))
        }
    }

    /// Waits for every result of what was just sent: the first error wins (a statement this
    /// side cancelled fails as `.timedOut` or `.cancelled`), else `read` takes the last result.
    func lastResult<Value>(
        ofSending sent: Int32,
        on connection: OpaquePointer,
        wait: inout StatementWait,
        read: (OpaquePointer) throws(PostgresError) -> Value
    ) throws(PostgresError) -> Value {
        guard sent == 1 else { throw connectionError(connection, while: "sending a statement") }
        try flush(connection, wait: &wait)
        let results = try awaitResults(of: connection, wait: &wait)
        defer { results.forEach { PQclear($0) } }
        var failure: PostgresError?
        for result in results {
            do {
                try checkStatus(of: result, on: connection)
            } catch {
                failure = failure ?? error
            }
        }
        if var failure {
            if failure.sqlState == .queryCanceled, let reason = wait.cancellation {
                failure.kind = reason == .deadline ? .timedOut : .cancelled
                failure.message = reason == .deadline
                    ? "the statement did not finish within its deadline and was cancelled: \(failure.message)"
                    : "the statement was cancelled with its task: \(failure.message)"
            }
            throw failure
        }
        guard let answer = results.last else { throw connectionError(connection, while: "running a statement") }
        return try read(answer)
    }

    /// Collects the results of the statement in flight, parking this connection's thread in
    /// `poll(2)` on the socket and the wake-up pipe, never longer than the statement's deadline.
    ///
    /// At the deadline, or when the task is cancelled, the statement is cancelled on the server
    /// and its error result awaited for a grace period; a server that does not answer even then
    /// is taken for gone: the connection is closed and the call fails with `.connectionLost`.
    /// Stops early at a COPY result, which the caller continues.
    func awaitResults(of connection: OpaquePointer, wait: inout StatementWait) throws(PostgresError) -> [OpaquePointer] {
        var results: [OpaquePointer] = []
        var cancelledAt: ContinuousClock.Instant?
        while true {
            if PQconsumeInput(connection) == 0 {
                let error = connectionError(connection, while: "waiting for an answer")
                results.forEach { PQclear($0) }
                throw error
            }
            while PQisBusy(connection) == 0 {
                guard let result = PQgetResult(connection) else { return results }
                results.append(result)
                let status = PQresultStatus(result)
                if status == PGRES_COPY_IN || status == PGRES_COPY_OUT { return results }
            }
            let now = ContinuousClock.now
            if let cancelledAt {
                if now >= answerDeadline(afterCancellingAt: cancelledAt) {
                    results.forEach { PQclear($0) }
                    throw givingUpAfterCancelling("a statement")
                }
            } else if let reason = wait.cancellationDue(at: now) {
                wait.cancellation = reason
                requestCancellation(of: connection)
                cancelledAt = now
            }
            let wakeAt = cancelledAt.map(answerDeadline(afterCancellingAt:))
                ?? min(wait.deadline, now + Self.cancellationCheckInterval)
            try waitForSocket(of: connection, until: wakeAt)
        }
    }

    /// Hands what libpq has queued to the socket, waiting for the socket to take it until the
    /// statement's deadline (or its task's cancellation). A statement cut off half-sent leaves
    /// the protocol mid-message, so the connection is closed then.
    func flush(_ connection: OpaquePointer, wait: inout StatementWait) throws(PostgresError) {
        while true {
            switch PQflush(connection) {
            case 0:
                return
            case 1:
                break
            default:
                throw connectionError(connection, while: "sending a statement")
            }
            if let reason = wait.cancellationDue(at: ContinuousClock.now) {
                abandon(because: "a statement could not be sent in time")
                throw PostgresError(
                    kind: reason == .deadline ? .timedOut : .cancelled,
                    message: reason == .deadline
                        ? "the statement could not be sent within its deadline; the connection was closed"
                        : "the statement was cancelled with its task while it was being sent; the connection was closed")
            }
            try waitForSocket(of: connection, until: min(wait.deadline, ContinuousClock.now + Self.cancellationCheckInterval), writing: true)
            // libpq asks callers waiting to write to read too: the server may be answering.
            if PQconsumeInput(connection) == 0 { throw connectionError(connection, while: "sending a statement") }
        }
    }

    /// How long a cancelled statement's server gets to answer once it has taken the cancel
    /// request, before the connection is given up (the configuration's).
    var cancellationGrace: Duration { configuration.cancellationGrace }

    /// How long a cancel request may travel before the connection is given up: the connect
    /// timeout (the connection string's `connect_timeout` where it sets one), since the request
    /// is a connection of its own. A server (or a machine) too busy to take it sooner would be
    /// as slow to take a replacement connection, and waiting gets the statement's real outcome
    /// (cancelled, or finished) where giving up would leave it unknown (`.connectionLost`).
    var cancelDeliveryLimit: Duration {
        let fromString = (try? configuration.value(of: "connect_timeout")).flatMap { $0.flatMap { Int($0) } }
        return .seconds(max(fromString ?? configuration.connectTimeoutSeconds, 1))
    }

    /// How long a pool waits for a cancel request sent on a connection whose statement has
    /// already answered, before it closes the connection rather than hand it on: closing is
    /// only a reconnect, while a connection held waiting keeps its place from every caller.
    static let settlingWait: Duration = .seconds(5)

    /// Until when a statement cancelled at `cancelledAt` waits for its answer: the grace after
    /// the request's delivery, or, while it travels, the delivery limit.
    func answerDeadline(afterCancellingAt cancelledAt: ContinuousClock.Instant) -> ContinuousClock.Instant {
        guard let request = unsettledCancel else { return cancelledAt + cancellationGrace }
        if let delivered = request.deliveryInstant { return delivered + cancellationGrace }
        return request.sentAt + cancelDeliveryLimit
    }

    /// Closes a connection whose cancelled statement (or COPY) never answered, and says why.
    func givingUpAfterCancelling(_ what: String) -> PostgresError {
        let delivered = unsettledCancel.map { $0.deliveryInstant != nil } ?? true
        abandon(because: "no answer after \(what) was cancelled")
        return PostgresError(
            kind: .connectionLost,
            message: delivered
                ? "connection to PostgreSQL lost: no answer within \(cancellationGrace) of the server taking the cancel of \(what)"
                : "connection to PostgreSQL lost: the request to cancel \(what) was not delivered within \(cancelDeliveryLimit)")
    }

    /// How often a waiting statement looks at its task's cancellation when no wake-up came.
    static let cancellationCheckInterval: Duration = .milliseconds(100)

    /// Blocks until the socket is readable (or, `writing`, writable), the wake-up pipe is
    /// signalled or `instant` passes.
    func waitForSocket(
        of connection: OpaquePointer, until instant: ContinuousClock.Instant, writing: Bool = false
    ) throws(PostgresError) {
        var descriptors = [
            pollfd(fd: PQsocket(connection), events: Int16(POLLIN) | (writing ? Int16(POLLOUT) : 0), revents: 0),
            pollfd(fd: wakeUp.readDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        let ready = poll(&descriptors, 2, Self.milliseconds(until: instant))
        if ready < 0 && errno != EINTR {
            throw PostgresError(kind: .connectionLost, message: "poll failed: \(String(cString: strerror(errno)))")
        }
        if descriptors[0].revents & Int16(POLLNVAL) != 0 {
            abandon(because: "its socket descriptor was closed by other code")
            throw PostgresError(kind: .connectionLost, message: "connection to PostgreSQL lost: its socket descriptor was closed by other code in this process")
        }
        if descriptors[1].revents != 0 { wakeUp.drain() }
    }

    static func milliseconds(until instant: ContinuousClock.Instant) -> Int32 {
        let remaining = ContinuousClock.now.duration(to: instant)
        guard remaining > .zero else { return 0 }
        return Int32(clamping: remaining.components.seconds * 1000
            + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
    }

    /// Asks the server to cancel the statement in flight, without waiting for it to answer
    /// (see `CancelRequest`). The next statement waits until the request has been delivered
    /// (`openHandle`): a request still travelling when its statement had already ended would
    /// otherwise cancel whatever statement runs next on this connection.
    func requestCancellation(of connection: OpaquePointer) {
        // One request in flight is enough: the statement is being cancelled already, and a
        // second request overwriting the first would leave the first unwaited for.
        guard unsettledCancel == nil else { return }
        unsettledCancel = CancelRequest.send(for: connection, logger: logger, signallingOnDelivery: wakeUp)
    }

    /// Whether an earlier cancel request has been delivered, waiting for it `settlingWait` at
    /// most: the pool asks before it hands the connection to the next caller, so that a caller
    /// never waits for, or fails on, a cancel that was someone else's.
    func cancellationIsSettled() -> Bool {
        guard let request = unsettledCancel else { return true }
        do {
            try settleCancellation(
                by: min(ContinuousClock.now + Self.settlingWait, request.sentAt + cancelDeliveryLimit), honoringCancellation: false)
            return true
        } catch {
            return false
        }
    }

    /// Waits, by `instant` (else the request's delivery limit), for an earlier cancel request
    /// to be delivered; a connection whose request never arrives is closed rather than risk its
    /// next statement. Unless told otherwise (a pool deciding whether to hand the connection
    /// on must finish), the wait looks at the task's cancellation every 100 ms: a cancelled
    /// caller gets `.cancelled` and the request stays awaited by the connection's next use.
    private func settleCancellation(
        by instant: ContinuousClock.Instant? = nil, honoringCancellation: Bool = true
    ) throws(PostgresError) {
        guard let request = unsettledCancel else { return }
        let giveUp = instant ?? request.sentAt + cancelDeliveryLimit
        while !request.waitUntilDelivered(by: min(giveUp, ContinuousClock.now + Self.cancellationCheckInterval)) {
            if ContinuousClock.now >= giveUp {
                abandon(because: "a cancel request sent for an earlier statement was not delivered in time")
                throw PostgresError(
                    kind: .connectionLost,
                    message: "connection to PostgreSQL lost: a cancel request for an earlier statement could not be delivered")
            }
            if honoringCancellation && Task.isCancelled {
                throw PostgresError(
                    kind: .cancelled,
                    message: "the statement was cancelled with its task while the connection waited for an earlier cancel request to arrive")
            }
        }
        unsettledCancel = nil
        // The request's wake-up is written before its delivery is signalled: drop it here, or
        // the next wait would end early for it.
        wakeUp.drain()
    }

    /// Forgets a connection that cannot be trusted any more. Its socket is closed when its
    /// number is still its own; a number other code now uses is left alone (closing it would
    /// break that code in turn), at the price of the small libpq handle.
    func abandon(because reason: String) {
        unsettledCancel = nil
        guard let handle else { return }
        logger.error("giving up a database connection: \(reason)")
        finish(handle)
        self.handle = nil
        preparedStatements.removeAll()
    }

    /// `PQfinish`, unless the socket's number now names another file: then closing it would
    /// close someone else's descriptor, so the libpq handle is left (a small leak) instead.
    /// A socket libpq already closed itself (after a lost connection) reads as -1.
    private func finish(_ handle: OpaquePointer) {
        let socket = PQsocket(handle)
        guard socket < 0 || DescriptorIdentity(of: socket) == socketIdentity else { return }
        PQfinish(handle)
    }

    // MARK: Transactions

    /// Runs `body` inside BEGIN … COMMIT on this connection; any error rolls back and is rethrown.
    @discardableResult
    public func transaction<Value: Sendable>(
        isolation: TransactionIsolation = .readCommitted,
        _ body: @Sendable (isolated PostgresConnection) async throws -> Value
    ) async throws -> Value {
        try query(isolation.beginStatement, honoringCancellation: false)
        do {
            let value = try await body(self)
            try commit()
            return value
        } catch {
            rollBackIfOpen()
            throw error
        }
    }

    /// Runs `body` in the transaction already open on this connection, or, when none is, in a
    /// transaction of its own (BEGIN … COMMIT; an error rolls it back and is rethrown): for
    /// work that needs a transaction and must join the caller's when there is one.
    @discardableResult
    public func joiningTransaction<Value>(_ body: (isolated PostgresConnection) throws -> Value) throws -> Value {
        guard !isInTransaction() else { return try body(self) }
        try query("BEGIN", honoringCancellation: false)
        do {
            let value = try body(self)
            try commit()
            return value
        } catch {
            rollBackIfOpen()
            throw error
        }
    }

    /// Commits the open transaction, or throws when nothing was committed.
    private func commit() throws(PostgresError) {
        // A statement that failed inside the transaction (and was caught there) leaves it
        // aborted; PostgreSQL then answers COMMIT with ROLLBACK, no error.
        if let handle, PQtransactionStatus(handle) == PQTRANS_INERROR {
            throw .misuse("the transaction was aborted by an earlier failed statement; nothing was committed")
        }
        // COMMIT ignores the task's cancellation (a caller that went away would leave its
        // outcome unknown); only its deadline can cut it short.
        let outcome = try query("COMMIT", honoringCancellation: false)
        guard outcome.commandTag == "COMMIT" else {
            throw .misuse("the transaction was rolled back (\(outcome.commandTag)); nothing was committed")
        }
    }

    /// Rolls back a transaction left open by a failure, on a connection still usable.
    private func rollBackIfOpen() {
        if let handle, PQstatus(handle) == CONNECTION_OK, PQtransactionStatus(handle) != PQTRANS_IDLE {
            _ = try? query("ROLLBACK", honoringCancellation: false)
        }
    }

    // MARK: COPY

    /// Streams rows into a `COPY … FROM STDIN` statement; returns the number of rows copied.
    ///
    /// `chunks` are pieces of the COPY text (or CSV) stream, e.g. one line each; see
    /// `CopyTextRow` for escaping values. The whole COPY, sending included, has one deadline
    /// (`timeout`, else the configuration's `queryTimeout`) and honours task cancellation.
    @discardableResult
    public func copyIn(_ statement: String, chunks: some Sequence<String>, timeout: Duration? = nil) throws(PostgresError) -> Int {
        let connection = try openHandle()
        var wait = StatementWait(deadline: ContinuousClock.now + (timeout ?? configuration.queryTimeout), honorsCancellation: true)
        guard PQsendQuery(connection, statement) == 1 else { throw connectionError(connection, while: "starting COPY") }
        try flush(connection, wait: &wait)
        let started = try awaitResults(of: connection, wait: &wait)
        defer { started.forEach { PQclear($0) } }
        guard let start = started.last, PQresultStatus(start) == PGRES_COPY_IN else {
            for result in started { _ = try interpret(result, of: connection) }
            throw .misuse("copyIn needs a COPY … FROM STDIN statement")
        }

        for chunk in chunks {
            var chunk = chunk
            let queued: Result<Void, PostgresError> = chunk.withUTF8 { bytes in
                bytes.withMemoryRebound(to: CChar.self) { characters in
                    Result { () throws(PostgresError) in
                        try putCopy(on: connection, wait: &wait) {
                            PQputCopyData(connection, characters.baseAddress, Int32(characters.count))
                        }
                    }
                }
            }
            try queued.get()
        }
        try putCopy(on: connection, wait: &wait) { PQputCopyEnd(connection, nil) }
        try flush(connection, wait: &wait)
        var copied = 0
        var failure: PostgresError?
        for result in try awaitResults(of: connection, wait: &wait) {
            defer { PQclear(result) }
            do {
                copied = try interpret(result, of: connection).affectedRows
            } catch {
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
        return copied
    }

    /// Queues one piece of a COPY (`put` is `PQputCopyData` or `PQputCopyEnd`), waiting for
    /// room in libpq's buffer (which only a socket that takes data makes) within the deadline.
    private func putCopy(on connection: OpaquePointer, wait: inout StatementWait, _ put: () -> Int32) throws(PostgresError) {
        while true {
            switch put() {
            case 1:
                return
            case 0:
                try flush(connection, wait: &wait)
            default:
                throw connectionError(connection, while: "sending COPY data")
            }
        }
    }

    // MARK: LISTEN / NOTIFY

    /// Subscribes this session to a channel; notifications arrive through `notifications(timeout:)`.
    public func listen(_ channel: String) throws(PostgresError) {
        try query("LISTEN \(identifier: channel)")
    }

    public func unlisten(_ channel: String) throws(PostgresError) {
        try query("UNLISTEN \(identifier: channel)")
    }

    /// Waits until at least one notification arrives, `timeout` passes, or the task is cancelled;
    /// returns what arrived (empty on timeout or cancellation).
    ///
    /// The wait blocks this connection's own thread in `poll(2)` on the socket and a wake-up pipe,
    /// so it costs nothing while idle and cancellation ends it at once.
    public func notifications(timeout: Duration) async throws(PostgresError) -> [PostgresNotification] {
        let wakeUp = self.wakeUp
        let outcome = await withTaskCancellationHandler {
            Result { () throws(PostgresError) in try waitForNotifications(timeout: timeout) }
        } onCancel: {
            wakeUp.signal()
        }
        return try outcome.get()
    }

    private func waitForNotifications(timeout: Duration) throws(PostgresError) -> [PostgresNotification] {
        let connection = try openHandle()
        isWaiting.store(true, ordering: .relaxed)
        defer { isWaiting.store(false, ordering: .relaxed) }
        let deadline = ContinuousClock.now + timeout
        while true {
            if PQconsumeInput(connection) == 0 {
                throw connectionError(connection, while: "waiting for notifications")
            }
            var received: [PostgresNotification] = []
            while let notify = PQnotifies(connection) {
                received.append(PostgresNotification(
                    channel: String(cString: notify.pointee.relname),
                    payload: String(cString: notify.pointee.extra),
                    senderProcessID: notify.pointee.be_pid
                ))
                PQfreemem(notify)
            }
            if !received.isEmpty || Task.isCancelled { return received }

            if ContinuousClock.now >= deadline { return [] }
            var descriptors = [
                pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeUp.readDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, Self.milliseconds(until: deadline))
            if ready < 0 && errno != EINTR {
                throw PostgresError(kind: .connectionLost, message: "poll failed: \(String(cString: strerror(errno)))")
            }
            if descriptors[1].revents != 0 {
                wakeUp.drain()
                return []
            }
        }
    }

    /// Whether a `notifications(timeout:)` wait is in progress (readable from any thread, for
    /// tests that must interrupt a wait that has really begun).
    nonisolated var isWaitingForNotifications: Bool {
        isWaiting.load(ordering: .relaxed)
    }

    /// Wakes a `notifications(timeout:)` wait or a statement's wait for its answer from any
    /// thread; the statement then looks at its task's cancellation at once.
    public nonisolated func interruptWait() {
        wakeUp.signal()
    }

    // MARK: Health

    /// Whether the connection is open and idle, with nothing unexpected waiting on its socket.
    ///
    /// Costs no round trip. An idle pooled connection has nothing to read; when its socket is
    /// readable, the server has sent something unasked, in practice the FATAL message and EOF
    /// of a backend that was terminated or a server that restarted, so the connection is not
    /// trusted again.
    public func isHealthy() -> Bool {
        guard let handle, PQstatus(handle) == CONNECTION_OK, PQtransactionStatus(handle) == PQTRANS_IDLE else {
            return false
        }
        guard descriptorsAreIntact() else {
            abandon(because: "its socket or wake-up pipe was closed or replaced by other code")
            return false
        }
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 0
    }

    /// Whether the socket and the wake-up pipe are still the files they were when the connection
    /// opened; false when other code in the process closed or replaced one of them.
    func descriptorsAreIntact() -> Bool {
        guard let handle, let socketIdentity else { return false }
        return DescriptorIdentity(of: PQsocket(handle)) == socketIdentity && wakeUp.isIntact
    }

    /// Forgets a wake-up that came after the last wait had ended (a task cancelled just as it
    /// gave the connection back), so that the connection's next user does not wake for it.
    func discardPendingWakeUp() {
        wakeUp.drain()
    }

    /// Whether the connection may go back to a pool: open and not inside a transaction.
    public func isReusable() -> Bool {
        guard cancellationIsSettled(), let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    /// Whether a transaction is open on the connection (begun by `transaction` or a `BEGIN`),
    /// so that work which needs one can join it rather than open its own.
    public func isInTransaction() -> Bool {
        guard let handle else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// The server backend's process id (for `pg_terminate_backend` in tests and operations).
    public func backendProcessID() throws(PostgresError) -> Int32 {
        PQbackendPID(try openHandle())
    }

    /// Whether the caller runs on this connection's own thread (to check that libpq calls
    /// never run on the cooperative pool).
    func isOnDedicatedThread() -> Bool {
        executor.isCurrentThread
    }

    // MARK: Results

    /// The libpq handle, once its socket is known to be still its own: a number other code
    /// closed and reused would take this connection's bytes and never answer.
    func openHandle() throws(PostgresError) -> OpaquePointer {
        guard handle != nil else {
            throw PostgresError(kind: .connectionClosed, message: "the connection is closed")
        }
        try settleCancellation()
        guard let handle else {
            throw PostgresError(kind: .connectionLost, message: "connection to PostgreSQL lost: a cancel request for an earlier statement could not be delivered")
        }
        // libpq closes the socket itself when it finds the connection lost: not a stolen descriptor.
        guard PQsocket(handle) >= 0 else {
            abandon(because: "it was lost (libpq closed its socket)")
            throw PostgresError(kind: .connectionLost, message: "connection to PostgreSQL lost")
        }
        guard DescriptorIdentity(of: PQsocket(handle)) == socketIdentity else {
            abandon(because: "its socket descriptor was closed or replaced by other code")
            throw PostgresError(
                kind: .connectionLost,
                message: "connection to PostgreSQL lost: its socket descriptor was closed or replaced by other code in this process")
        }
        return handle
    }

    /// The socket's descriptor number (for tests of descriptor ownership).
    func socketDescriptor() throws(PostgresError) -> Int32 {
        PQsocket(try openHandle())
    }

    func connectionError(_ connection: OpaquePointer, while activity: String) -> PostgresError {
        let reason = String(cString: PQerrorMessage(connection)).trimmingTrailingWhitespace()
        return PostgresError(kind: .connectionLost, message: "connection to PostgreSQL lost while \(activity): \(reason)")
    }

    func interpret(_ result: OpaquePointer?, of connection: OpaquePointer) throws(PostgresError) -> PostgresResult {
        guard let result else {
            throw connectionError(connection, while: "running a statement")
        }
        try checkStatus(of: result, on: connection)
        return PostgresResult(rows: rows(of: result), commandTag: String(cString: PQcmdStatus(result)))
    }

    /// Throws the error a result carries (`.connectionLost` when the connection went with it),
    /// or `.misuse` for a status no statement of ours should end in.
    func checkStatus(of result: OpaquePointer, on connection: OpaquePointer) throws(PostgresError) {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR:
            var error = serverError(result)
            if PQstatus(connection) != CONNECTION_OK {
                error.kind = .connectionLost
                error.message = "connection to PostgreSQL lost: \(error.message)"
            }
            throw error
        default:
            throw .misuse("unexpected result status \(String(cString: PQresStatus(PQresultStatus(result))))")
        }
    }

    private func rows(of result: OpaquePointer) -> [PostgresRow] {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        guard rowCount > 0 else { return [] }
        let names = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        var rows: [PostgresRow] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, row, column)))
                }
            }
            rows.append(PostgresRow(columnNames: names, values: values))
        }
        return rows
    }

    private func serverError(_ result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let ascii = code.asciiValue, let value = PQresultErrorField(result, Int32(ascii)) else { return nil }
            return String(cString: value)
        }
        let fallback = String(cString: PQresultErrorMessage(result)).trimmingTrailingWhitespace()
        return PostgresError(
            kind: .server,
            sqlState: field("C").map(SQLState.init(rawValue:)),
            message: field("M") ?? (fallback.isEmpty ? "unknown server error" : fallback),
            detail: field("D"),
            hint: field("H"),
            constraint: field("n"),
            severity: field("V")
        )
    }
}

