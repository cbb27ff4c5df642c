public import EventStore
import Extensions
public import Foundation
public import Logging
public import Provisioning

/// The self-serve signups of this server process: starts each one's registration and
/// provisioning, answers as soon as the tenant is registered, and keeps (in memory only) what
/// its client may still see.
///
/// ```swift
/// let coordinator = SignupCoordinator(saga: runtime.tenants.saga, directory: views.directory)
/// let (ticket, _) = try await coordinator.start(request, idempotencyKey: key)   // 202
/// let progress = await coordinator.progress(of: ticket.tenantID, claimToken: ticket.claimToken, revealingKey: true)
/// ```
///
/// - **One run per signup, owned here.** The saga runs in a task of the coordinator, with the
///   tenant's provisioning lock taken before the registration commits
///   (`ProvisioningSaga.registerAndRun`), so the first API key is issued by this run and can be
///   shown to this client. `drain()` (on graceful shutdown, `SignupWorker`) waits for the runs.
/// - **Idempotent, claimed once.** Requests with the same `Idempotency-Key` and the same email
///   and organisation share one registration and get the same tenant; concurrent ones wait for
///   the first. Only the first answer carries the claim token: a retry or duplicate, here or on
///   another server, gets the ticket without it, so a replayed key never hands out the one-time
///   API key. Another email or organisation under a used key is refused (422); the registry
///   refuses that across processes too.
/// - **Limited per client.** With `admissions`, each new signup is first admitted under the
///   per-client limits shared by every server (429 `signup-rate-limited` beyond them), and a
///   signup counts as unclaimed until its key was shown.
/// - **Shown once, forgotten after an hour.** Per signup only the claim token's SHA-256 is kept,
///   and the first API key until one status answer carried it. Entries expire after `lifetime`;
///   a restart forgets them all (the tenant is provisioned all the same). An expired entry is
///   absent, even before it is purged: a retry that outlives it gets a fresh one.
/// - **Bounded.** At most `maximumEntries` signups and request slots are kept; above that a
///   new signup is refused with 503 `signup-unavailable` until entries expire.
public actor SignupCoordinator {
    /// The `actor` recorded on web signups' registration events.
    public static let eventActor = "signup:web"

    public let saga: ProvisioningSaga
    /// The per-client abuse limits; nil admits every signup.
    public let admissions: SignupAdmissions?
    /// The live tenant directory: provisioning progress, and what API calls authenticate against.
    public let directory: LiveView<TenantDirectory>
    /// How long a signup's claim and unshown key are kept.
    public let lifetime: Duration
    /// The most signups (and idempotency slots) kept at once; a new signup beyond it is 503.
    public let maximumEntries: Int
    /// How often expired entries are dropped (lookups check expiry themselves).
    public let purgeInterval: Duration
    /// The clock expiry is measured on (tests move it on).
    private let now: @Sendable () -> ContinuousClock.Instant
    private let logger: Logger

    private var signups: [UUID: SignupRecord] = [:]
    /// Requests by idempotency slot: `key:<Idempotency-Key>`, or a one-off slot without one.
    private var requests: [String: SignupRequestSlot] = [:]
    private var runs: [UUID: Task<Void, Never>] = [:]
    private var isAccepting = true
    private var nextPurge: ContinuousClock.Instant

    /// The default `maximumEntries`: 10,000 signups in the last hour (a few MiB of memory).
    public static let defaultMaximumEntries = 10_000

    /// A coordinator running `saga` and reading `directory`; entries are kept for `lifetime`,
    /// at most `maximumEntries` of them, expired ones dropped every `purgeInterval`, as `now`
    /// tells time.
    public init(
        saga: ProvisioningSaga,
        directory: LiveView<TenantDirectory>,
        admissions: SignupAdmissions? = nil,
        lifetime: Duration = .seconds(3600),
        maximumEntries: Int = SignupCoordinator.defaultMaximumEntries,
        purgeInterval: Duration = .seconds(10),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        logger: Logger = Logger(label: "tenantry.signup")
    ) {
        precondition(maximumEntries > 0, "a coordinator keeps at least one signup")
        self.saga = saga
        self.directory = directory
        self.admissions = admissions
        self.lifetime = lifetime
        self.maximumEntries = maximumEntries
        self.purgeInterval = purgeInterval
        self.now = now
        self.nextPurge = now()
        self.logger = logger
    }

    // MARK: Starting

    /// Registers a signup and starts provisioning it in the background; returns once the tenant
    /// is registered, with its ticket and status (`provisioning`, or the outcome when an
    /// idempotent retry arrives after the run ended).
    ///
    /// Throws `ProblemDetails`: 422 idempotency-key-reused, 400 when no slug is free, 429 when
    /// `client` reached a limit, 503 while shutting down or while `maximumEntries` are kept;
    /// other errors are the registry's or the database's.
    public func start(
        _ request: SignupRequest, idempotencyKey: IdempotencyKey?, client: SignupClient = .unknown
    ) async throws -> (ticket: SignupTicket, status: String) {
        purgeIfDue()
        let fingerprint = SignupRequestSlot.Fingerprint(email: request.email, organization: request.organization)
        let slot = idempotencyKey.map { "key:" + $0.value } ?? "once:" + UUID().uuidString
        if let retried = try await retry(of: slot, fingerprint: fingerprint, idempotencyKey: idempotencyKey) { return retried }
        guard isAccepting else { throw ProblemDetails.signupUnavailable() }
        var admissionID: UUID?
        if let admissions {
            switch try await admissions.admit(client) {
            case .admitted(let id):
                admissionID = id
            case .refused(let limit, let retryAfter):
                logger.notice("signup refused by a limit", metadata: ["limit": "\(limit.rawValue)", "client": "\(client)"])
                throw ProblemDetails.signupRateLimited(limit, policy: admissions.policy, retryAfterSeconds: retryAfter)
            }
            // Another request with this key may have started while the admission was counted.
            if let retried = try await retry(of: slot, fingerprint: fingerprint, idempotencyKey: idempotencyKey) {
                await release(admissionID)
                return retried
            }
            guard isAccepting else {
                await release(admissionID)
                throw ProblemDetails.signupUnavailable()
            }
        }
        let now = now()
        if isFull {
            purge()
            guard !isFull else {
                logger.warning("signup refused: too many signups kept", metadata: ["maximum": "\(maximumEntries)"])
                throw ProblemDetails.signupUnavailable(
                    detail: "the server is holding as many recent signups as it may; try again later", retryAfterSeconds: 60
                )
            }
        }
        requests[slot] = SignupRequestSlot(
            fingerprint: fingerprint, idempotencyKey: idempotencyKey, admissionID: admissionID,
            phase: .registering([]), expiresAt: now + lifetime
        )
        let runID = UUID()
        // The task is isolated to this actor, so it cannot start (nor remove itself) before
        // this method has recorded it and suspended.
        runs[runID] = Task {
            await self.provision(request, slot: slot)
            self.runs[runID] = nil
        }
        let ticket = try await ticket(of: slot)
        return (ticket, status(of: ticket.tenantID))
    }

    /// The answer to a request whose slot is already taken by a live earlier request: its
    /// ticket without the claim (the first answer carried it), or 422 for other data; nil when
    /// the slot is free.
    private func retry(
        of slot: String, fingerprint: SignupRequestSlot.Fingerprint, idempotencyKey: IdempotencyKey?
    ) async throws -> (ticket: SignupTicket, status: String)? {
        guard let earlier = requests[slot], earlier.expiresAt > now() else { return nil }
        guard earlier.fingerprint == fingerprint else {
            throw ProblemDetails.idempotencyKeyReused(idempotencyKey?.value ?? "")
        }
        let ticket = try await ticket(of: slot).withoutClaim
        return (ticket, status(of: ticket.tenantID))
    }

    /// Gives back an admission that registered nothing; a failure only leaves it counted until
    /// its window ends.
    private func release(_ admissionID: UUID?) async {
        guard let admissions, let admissionID else { return }
        do {
            try await admissions.release(admissionID)
        } catch {
            logger.warning("could not release a signup admission", metadata: ["error": "\(error)"])
        }
    }

    /// The slot's ticket: at once when registered, else once the registration is.
    private func ticket(of slot: String) async throws -> SignupTicket {
        if case .registered(let ticket)? = requests[slot]?.phase { return ticket }
        return try await withCheckedThrowingContinuation { continuation in
            guard case .registering(let waiters)? = requests[slot]?.phase else {
                // Cannot happen: the caller saw the slot registering and has not suspended.
                continuation.resume(throwing: ProblemDetails.internalError())
                return
            }
            requests[slot]?.phase = .registering(waiters + [continuation])
        }
    }

    /// One signup's run: registration, then the saga to its end. Every path resolves the slot's
    /// waiters, so no request waits forever.
    private func provision(_ request: SignupRequest, slot: String) async {
        do {
            let (registration, outcome) = try await saga.registerAndRun(
                request, actor: Self.eventActor,
                registered: { registration in await self.registered(registration, slot: slot) }
            )
            finished(registration.tenant.id, outcome: outcome)
        } catch {
            failed(slot: slot, error: error)
        }
    }

    /// The registration committed: a claim for a new tenant, and the waiting requests answered.
    /// A registration the registry already had (a retry that outlived its slot here, or sent
    /// to another server) gets no claim: the first answer carried it.
    private func registered(_ registration: TenantService.Registration, slot: String) {
        let tenant = registration.tenant
        var claimToken: String?
        if registration.isNew {
            let token = ClaimToken.generate()
            claimToken = token.value
            signups[tenant.id] = SignupRecord(
                claimDigest: token.digest, admissionID: requests[slot]?.admissionID, tenant: tenant, expiresAt: now() + lifetime
            )
        }
        var logger = logger
        logger[metadataKey: "tenant"] = .string(tenant.slug)
        logger.info("signup registered", metadata: ["new": "\(registration.isNew)"])
        let ticket = SignupTicket(tenantID: tenant.id, slug: tenant.slug, claimToken: claimToken)
        guard case .registering(let waiters)? = requests[slot]?.phase else { return }
        requests[slot]?.phase = .registered(ticket)
        for waiter in waiters { waiter.resume(returning: ticket) }
    }

    private func finished(_ tenantID: UUID, outcome: ProvisioningSaga.Outcome) {
        guard var record = signups[tenantID] else { return }
        record.tenant = SignupRecord.newer(record.tenant, outcome.tenant)
        record.runEnded = true
        // The key must work the moment the client has it, and API calls authenticate against
        // the directory: it serves the state the run committed before the feed delivers it.
        directory.amend { $0.adopt(outcome.tenant) }
        if let key = outcome.apiKey, outcome.tenant.status == .active, !record.apiKeyShown { record.apiKey = key.secret }
        signups[tenantID] = record
        var logger = logger
        logger[metadataKey: "tenant"] = .string(outcome.tenant.slug)
        logger.info("signup provisioned", metadata: ["state": "\(outcome.tenant.status)"])
    }

    private func failed(slot: String, error: any Error) {
        switch requests[slot]?.phase {
        case .registering(let waiters)?:
            // Nothing registered: forget the slot, so the same key may be used once corrected,
            // and give the client its admission back.
            let refusal = Self.problem(for: error, idempotencyKey: requests[slot]?.idempotencyKey)
            let admissionID = requests[slot]?.admissionID
            requests[slot] = nil
            if let admissionID { Task { await self.release(admissionID) } }
            for waiter in waiters { waiter.resume(throwing: refusal) }
        case .registered(let ticket)?:
            // Registered, then the run broke off (lost connection, shutdown): the tenant's
            // provisioning runner resumes it from its events; this client sees the outcome in
            // the directory, without a key to show.
            signups[ticket.tenantID]?.runEnded = true
            logger.warning("signup provisioning ended early", metadata: ["tenant": "\(ticket.slug)", "error": "\(error)"])
        case nil:
            logger.warning("signup failed", metadata: ["error": "\(error)"])
        }
    }

    /// What a failed registration tells the client.
    static func problem(for error: any Error, idempotencyKey: IdempotencyKey?) -> any Error {
        if let refusal = error as? CustomizationError { return ProblemDetails.customization(refusal) }
        guard case TenantLifecycleError.invalidInput(let message)? = error as? TenantLifecycleError else {
            return error
        }
        // The registry refuses a key used for other data in these words (TenantService.register);
        // the key was validated here, so no other refusal of it can reach this point.
        if let idempotencyKey, message.hasPrefix("idempotency key") {
            return ProblemDetails.idempotencyKeyReused(idempotencyKey.value)
        }
        // What else the registry refuses after validation: no free slug for the name.
        return ProblemDetails.invalidRequest(message, field: "organization")
    }

    // MARK: Progress

    /// The signup's progress for the client holding `claimToken`, or nil when there is no such
    /// signup, the token is not its, or it expired (the caller answers 404 alike).
    ///
    /// With `revealingKey` (not for HEAD), the first answer after the signup is active carries
    /// its API key, and the key is forgotten.
    public func progress(of tenantID: UUID, claimToken: String, revealingKey: Bool) async -> SignupProgress? {
        purgeIfDue()
        guard var current = claimed(tenantID, claimToken) else { return nil }
        let tenant = SignupRecord.newer(directory.state.tenant(tenantID), current.tenant)
        var shown: String?
        if revealingKey, current.runEnded, tenant.status == .active, let key = current.apiKey {
            shown = key
            current.apiKey = nil
            current.apiKeyShown = true
            signups[tenantID] = current
            if let admissions, let admissionID = current.admissionID {
                do {
                    try await admissions.claimed(admissionID)
                } catch {
                    // The signup goes on counting as unclaimed until its window ends: no harm.
                    logger.warning("could not mark a signup claimed", metadata: ["tenant": "\(tenant.slug)", "error": "\(error)"])
                }
            }
        }
        return SignupProgress(tenant: tenant, runEnded: current.runEnded, apiKey: shown, apiKeyShown: current.apiKeyShown)
    }

    /// The record of a live signup whose claim `token` is.
    private func claimed(_ tenantID: UUID, _ token: String) -> SignupRecord? {
        guard let record = signups[tenantID], record.expiresAt > now() else { return nil }
        return ClaimToken.equal(record.claimDigest, ClaimToken.digest(of: token)) ? record : nil
    }

    private func status(of tenantID: UUID) -> String {
        if let record = signups[tenantID] {
            return record.runEnded ? record.tenant.status.rawValue : TenantStatus.provisioning.rawValue
        }
        // Registered by another server, or by a run this process no longer remembers.
        return directory.state.tenant(tenantID)?.status.rawValue ?? TenantStatus.provisioning.rawValue
    }

    // MARK: Lifetime

    /// Starts no more signups and waits for the runs in flight; cancelling the caller cancels
    /// them (a cancelled run is resumed from its events by the provisioning runner later).
    public func drain() async {
        isAccepting = false
        while let (id, run) = runs.first {
            await withTaskCancellationHandler {
                await run.value
            } onCancel: {
                run.cancel()
            }
            runs[id] = nil
        }
    }

    /// How many runs are in flight.
    public var runningCount: Int { runs.count }

    /// Whether `drain()` was called: no new signup starts.
    public var isDraining: Bool { !isAccepting }

    /// How many signups and request slots are kept (expired ones until purged).
    public var entryCount: (signups: Int, requests: Int) { (signups.count, requests.count) }

    private var isFull: Bool { signups.count >= maximumEntries || requests.count >= maximumEntries }

    /// Drops expired entries, at most every `purgeInterval` (lookups check expiry themselves).
    private func purgeIfDue() {
        guard now() >= nextPurge else { return }
        purge()
    }

    /// Drops expired entries now.
    private func purge() {
        let now = now()
        nextPurge = now + purgeInterval
        signups = signups.filter { $0.value.expiresAt > now }
        requests = requests.filter { entry in
            if case .registering = entry.value.phase { return true }
            return entry.value.expiresAt > now
        }
    }
}
