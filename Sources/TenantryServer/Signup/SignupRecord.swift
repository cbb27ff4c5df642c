import Provisioning

/// What `SignupCoordinator` keeps of one registered signup, in memory only.
struct SignupRecord: Sendable {
    /// SHA-256 of each claim token handed out for it (one, or more after idempotent retries
    /// that outlived their request slot).
    var claimDigests: [[UInt8]]
    /// The newest state this process's own run knows: the registration, then the outcome.
    var tenant: TenantState
    /// Whether this process's run ended (with an outcome or broken off).
    var runEnded = false
    /// The first API key, until a status answer carried it.
    var apiKey: String?
    var apiKeyShown = false
    let expiresAt: ContinuousClock.Instant

    init(claimDigests: [[UInt8]], tenant: TenantState, expiresAt: ContinuousClock.Instant) {
        self.claimDigests = claimDigests
        self.tenant = tenant
        self.expiresAt = expiresAt
    }

    /// The later of two states of one tenant (the higher stream version).
    static func newer(_ candidate: TenantState?, _ known: TenantState) -> TenantState {
        guard let candidate, candidate.version > known.version else { return known }
        return candidate
    }
}

/// A signup request as `SignupCoordinator` tracks it by idempotency slot: registering (with the
/// requests waiting for it), then registered (its ticket, for retries).
struct SignupRequestSlot: Sendable {
    /// What makes two requests under one key the same signup.
    struct Fingerprint: Sendable, Hashable {
        let email: String
        let organization: String
    }

    enum Phase: Sendable {
        case registering([CheckedContinuation<SignupTicket, any Error>])
        case registered(SignupTicket)
    }

    let fingerprint: Fingerprint
    let idempotencyKey: IdempotencyKey?
    var phase: Phase
    let expiresAt: ContinuousClock.Instant
}
