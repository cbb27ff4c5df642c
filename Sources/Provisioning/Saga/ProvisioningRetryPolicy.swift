/// How long the provisioning saga keeps trying an operation that met an unavailable database
/// (the platform's own, or a dedicated tenant's cluster) before it gives up: at most
/// `maximumAttempts` attempts, backing off from `initialDelay` to `maximumDelay` (with jitter),
/// and no new attempt once `deadline` has passed since the first failure.
///
/// Giving up differs by database: the platform's own away leaves the tenant `provisioning`
/// for the provisioning runner to resume; a dedicated tenant's cluster still out of reach after
/// `maximumTenantClusterAttempts` is a failure of the step (`allocateStorage`).
public struct ProvisioningRetryPolicy: Sendable, Hashable {
    public var maximumAttempts: Int
    /// Attempts at reaching a dedicated tenant's own cluster before the step fails.
    public var maximumTenantClusterAttempts: Int
    public var initialDelay: Duration
    public var maximumDelay: Duration
    public var deadline: Duration

    public init(
        maximumAttempts: Int, maximumTenantClusterAttempts: Int = 3,
        initialDelay: Duration, maximumDelay: Duration, deadline: Duration
    ) {
        precondition(maximumAttempts > 0 && maximumTenantClusterAttempts > 0, "at least one attempt")
        self.maximumAttempts = maximumAttempts
        self.maximumTenantClusterAttempts = maximumTenantClusterAttempts
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.deadline = deadline
    }

    /// 12 attempts over at most 60 seconds, backing off from 50 ms to 5 s: rides out a
    /// restart, a failover or a PgBouncer restart. A tenant's own cluster gets 3 attempts.
    public static let standard = ProvisioningRetryPolicy(
        maximumAttempts: 12, initialDelay: .milliseconds(50), maximumDelay: .seconds(5), deadline: .seconds(60)
    )

    /// One attempt, no retry: for work a caller is waiting on and can send again itself (a
    /// signup's registration, whose client retries with its idempotency key).
    public static let singleAttempt = ProvisioningRetryPolicy(
        maximumAttempts: 1, maximumTenantClusterAttempts: 1, initialDelay: .zero, maximumDelay: .zero, deadline: .zero
    )

    /// The attempts of one operation, started at its first failure.
    struct Attempts {
        let policy: ProvisioningRetryPolicy
        private var made = 1
        private var delay: Duration
        private let deadline: ContinuousClock.Instant

        init(_ policy: ProvisioningRetryPolicy) {
            self.policy = policy
            delay = policy.initialDelay
            deadline = ContinuousClock.now + policy.deadline
        }

        /// How many attempts were made so far.
        var count: Int { made }

        /// Waits before the next attempt and returns true, or returns false when attempts or
        /// time ran out. Throws `CancellationError` when the task is cancelled while it waits.
        mutating func backOff(upTo maximum: Int? = nil) async throws -> Bool {
            guard made < min(maximum ?? policy.maximumAttempts, policy.maximumAttempts), ContinuousClock.now + delay < deadline else { return false }
            // Jitter, so runs of many processes do not retry in step.
            try await Task.sleep(for: delay * Double.random(in: 0.5...1.0))
            made += 1
            delay = min(delay * 2, policy.maximumDelay)
            return true
        }
    }
}
