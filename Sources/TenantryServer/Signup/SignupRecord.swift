import Foundation
import Provisioning

/// What `SignupCoordinator` keeps of one registered signup, in memory only.
struct SignupRecord: Sendable {
    /// SHA-256 of the one claim token handed out for it.
    let claimDigest: [UInt8]
    /// The signup's admission (`SignupAdmissions`), marked claimed once its key is shown.
    let admissionID: UUID?
    /// The newest state this process's own run knows: the registration, then the outcome.
    var tenant: TenantState
    /// Whether this process's run ended (with an outcome or broken off).
    var runEnded = false
    /// The first API key, until a status answer carried it.
    var apiKey: String?
    var apiKeyShown = false
    let expiresAt: ContinuousClock.Instant

    init(claimDigest: [UInt8], admissionID: UUID?, tenant: TenantState, expiresAt: ContinuousClock.Instant) {
        self.claimDigest = claimDigest
        self.admissionID = admissionID
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
    /// The admission this request was counted under, if limits apply.
    let admissionID: UUID?
    var phase: Phase
    let expiresAt: ContinuousClock.Instant
}
