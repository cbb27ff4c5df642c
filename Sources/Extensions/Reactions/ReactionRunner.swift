import DequeModule
public import EventStore
public import Foundation
import Logging

/// Delivers one reaction's events: follows the feed from the reaction's own checkpoint, hands
/// each matching event to a lane per tenant, and moves the checkpoint past an event only once it
/// and every event before it were delivered.
///
/// - **At least once, in order per tenant.** A lane delivers its tenant's events one at a time;
///   an attempt that throws or overruns its budget is retried with exponential back-off (from
///   `RetryPolicy.first` to `.longest`) until it succeeds. After a restart, events after the
///   checkpoint are delivered again, so a receiver should deduplicate by event id.
/// - **Never blocks other tenants.** Only the failing tenant's lane waits; the others go on.
///   The checkpoint cannot pass the stuck event, which is what makes a restart lossless.
/// - **Bounded.** At most `maximumInFlight` events are held; past that the feed waits.
/// - **Never stops by itself.** A failed read of the feed (lost connections are the
///   subscription's own to retry) is logged and retried with the same back-off, from the last
///   event handed to a lane, until the task is cancelled.
public struct ReactionRunner: Sendable {
    public struct RetryPolicy: Sendable {
        public var first: Duration
        public var longest: Duration

        public init(first: Duration = .milliseconds(100), longest: Duration = .seconds(30)) {
            self.first = first
            self.longest = longest
        }
    }

    public let host: CustomizationHost
    public let reaction: Reaction
    public let store: EventLog
    /// The events of this tenant only (a single-tenant instance's), or every tenant's when nil.
    public let tenantID: UUID?
    public let retry: RetryPolicy
    public let maximumInFlight: Int

    public init(host: CustomizationHost, reaction: Reaction, store: EventLog, tenantID: UUID?, retry: RetryPolicy = RetryPolicy(), maximumInFlight: Int = 10_000) {
        self.host = host
        self.reaction = reaction
        self.store = store
        self.tenantID = tenantID
        self.retry = retry
        self.maximumInFlight = maximumInFlight
    }

    /// `reaction:<customization>:<reaction>`.
    public var checkpointName: String { "reaction:\(host.id):\(reaction.name)" }

    /// The stored checkpoint: everything up to it was delivered.
    public func checkpoint() async throws -> GlobalCursor? {
        try await CheckpointStore(pool: store.pool).load(checkpointName)
    }

    /// Runs until cancelled; the checkpoint is saved as deliveries complete and once more on the
    /// way out.
    public func run() async throws {
        let checkpoints = CheckpointStore(pool: store.pool)
        let start = try await checkpoints.load(checkpointName) ?? .start
        let lanes = ReactionLanes(runner: self, checkpoints: checkpoints, start: start)
        let subscription = EventSubscription(
            store: store,
            filter: EventFilter(tenantID: tenantID, categories: reaction.selection.categories),
            logger: host.logger)
        await withTaskCancellationHandler {
            var resumeAfter = start
            var pause = retry.first
            while !Task.isCancelled {
                do {
                    try await subscription.run(from: resumeAfter) { events in
                        for event in events where reaction.selection.matches(event) {
                            try await lanes.enqueue(event)
                        }
                    }
                    return
                } catch is CancellationError {
                    return
                } catch {
                    host.logger.error(
                        "reaction could not read the feed; retrying",
                        metadata: ["reaction": "\(reaction.name)", "error": "\(error)", "retry_in": "\(pause)"])
                    resumeAfter = await lanes.lastEnqueued
                    do { try await Task.sleep(for: pause) } catch { return }
                    pause = min(pause * 2, retry.longest)
                }
            }
        } onCancel: {
            Task { await lanes.stop() }
        }
        await lanes.stop()
        await lanes.saveCheckpoint()
    }

    /// One delivery with retries; returns once delivered (or parked after the reaction's
    /// `maximumAttempts`), or false when the task is cancelled.
    func deliverWithRetries(_ event: RecordedEvent) async -> Bool {
        var pause = retry.first
        var attempt = 1
        while !Task.isCancelled {
            do {
                try await host.deliver(event, to: reaction)
                return true
            } catch is CancellationError {
                return false
            } catch {
                // Only a sandbox's trap is parked: the same input traps the same way again. A
                // failure or a time-out may be the receiver's, and is retried until delivered.
                if let maximum = reaction.maximumAttempts, attempt >= maximum, (error as? CustomizationError)?.kind == .trapped {
                    if await park(event, attempts: attempt, error: error) { return true }
                }
                host.logger.warning(
                    "reaction delivery failed; retrying",
                    metadata: ["reaction": "\(reaction.name)", "event": "\(event.id)", "tenant": "\(event.tenantID)", "attempt": "\(attempt)", "error": "\(error)", "retry_in": "\(pause)"])
                do { try await Task.sleep(for: pause) } catch { return false }
                pause = min(pause * 2, retry.longest)
                attempt += 1
            }
        }
        return false
    }
}

extension ReactionRunner {
    /// Records that `event` was given up on, in its tenant's `reactionparked-` stream, so the
    /// checkpoint can pass it; false (and the event is retried) when that cannot be written.
    func park(_ event: RecordedEvent, attempts: Int, error: any Error) async -> Bool {
        let parked = ReactionDeliveryParked(
            customization: host.id.rawValue, reaction: reaction.name, eventID: event.id, eventType: event.type,
            stream: event.stream, position: event.position, attempts: attempts, error: String("\(error)".prefix(1000)))
        do {
            try await store.append(
                [try NewEvent(type: ReactionDeliveryParked.type, data: parked)],
                to: try StreamName(category: ReactionDeliveryParked.category, id: "\(host.id).\(reaction.name)"),
                tenant: event.tenantID)
            host.logger.error(
                "reaction delivery parked after its last attempt; later events go on",
                metadata: ["reaction": "\(reaction.name)", "event": "\(event.id)", "tenant": "\(event.tenantID)", "attempts": "\(attempts)", "error": "\(error)"])
            return true
        } catch {
            host.logger.error("could not park a reaction delivery; retrying it", metadata: ["reaction": "\(reaction.name)", "event": "\(event.id)", "error": "\(error)"])
            return false
        }
    }
}

/// The per-tenant lanes of one `ReactionRunner` and its delivery frontier.
actor ReactionLanes {
    private let runner: ReactionRunner
    private let checkpoints: CheckpointStore
    /// Every event handed to a lane and not yet behind the checkpoint, in feed order.
    private var frontier = Deque<(cursor: GlobalCursor, delivered: Bool)>()
    private var index: [GlobalCursor: Int] = [:]
    /// Index of `frontier.first` among every event ever enqueued, so `index` stays valid.
    private var frontierBase = 0
    private var enqueued = 0
    private var queues: [UUID: Deque<RecordedEvent>] = [:]
    private var workers: [UUID: Task<Void, Never>] = [:]
    private var delivered: GlobalCursor
    private var saved: GlobalCursor
    private var roomWaiters: [CheckedContinuation<Void, Never>] = []
    private var stopped = false

    init(runner: ReactionRunner, checkpoints: CheckpointStore, start: GlobalCursor) {
        self.runner = runner
        self.checkpoints = checkpoints
        self.delivered = start
        self.saved = start
    }

    /// The cursor of the last event handed to a lane (where reading the feed resumes after a
    /// failure), or of the last delivered when none is in flight.
    var lastEnqueued: GlobalCursor {
        frontier.last?.cursor ?? delivered
    }

    func enqueue(_ event: RecordedEvent) async throws {
        while frontier.count >= runner.maximumInFlight, !stopped {
            await withCheckedContinuation { roomWaiters.append($0) }
        }
        try Task.checkCancellation()
        frontier.append((event.cursor, false))
        index[event.cursor] = enqueued
        enqueued += 1
        queues[event.tenantID, default: []].append(event)
        if workers[event.tenantID] == nil {
            let tenant = event.tenantID
            workers[tenant] = Task { await self.drain(tenant) }
        }
    }

    /// A lane: its tenant's events one after the other.
    private func drain(_ tenant: UUID) async {
        while let event = queues[tenant]?.popFirst() {
            guard await runner.deliverWithRetries(event) else { break }
            await markDelivered(event.cursor)
        }
        workers[tenant] = nil
        if queues[tenant]?.isEmpty == true { queues[tenant] = nil }
    }

    private func markDelivered(_ cursor: GlobalCursor) async {
        guard let position = index.removeValue(forKey: cursor) else { return }
        frontier[position - frontierBase].delivered = true
        var advanced = false
        while let first = frontier.first, first.delivered {
            delivered = first.cursor
            frontier.removeFirst()
            frontierBase += 1
            advanced = true
        }
        guard advanced else { return }
        let waiters = roomWaiters
        roomWaiters.removeAll()
        waiters.forEach { $0.resume() }
        await saveCheckpoint()
    }

    /// Stores the frontier if it moved; a failure is logged and retried on the next delivery.
    func saveCheckpoint() async {
        guard delivered > saved else { return }
        let target = delivered
        do {
            try await checkpoints.save(runner.checkpointName, target)
            saved = max(saved, target)
        } catch {
            runner.host.logger.warning("could not save a reaction checkpoint", metadata: ["reaction": "\(runner.reaction.name)", "error": "\(error)"])
        }
    }

    func stop() {
        stopped = true
        workers.values.forEach { $0.cancel() }
        let waiters = roomWaiters
        roomWaiters.removeAll()
        waiters.forEach { $0.resume() }
    }
}
