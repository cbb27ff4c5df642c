import EventStore
import PostgresClient

/// What an error met while provisioning means for the saga.
enum ProvisioningErrorKind: Equatable {
    /// The task was cancelled, or the pool shut down (the process is stopping): stop, leave the
    /// tenant `provisioning` for a runner to resume.
    case interrupted
    /// The platform's own database is away (lost or refused connection, restart, failover) or
    /// briefly overloaded (timeout, deadlock): try again; when retries run out, leave the tenant
    /// `provisioning` for the runner. Never a failure of the step.
    case platformUnavailable
    /// The dedicated tenant's own cluster is out of reach: try again; when retries run out,
    /// the step failed.
    case tenantClusterUnreachable
    /// Someone recorded something on the tenant's stream meanwhile: reload and carry on.
    case concurrentChange
    /// The step itself failed: compensate and record the failure.
    case stepFailure

    init(_ error: any Error) {
        switch error {
        case is CancellationError:
            self = .interrupted
        case is TenantClusterUnreachable:
            self = .tenantClusterUnreachable
        case EventStoreError.wrongExpectedVersion:
            self = .concurrentChange
        default:
            guard let postgres = PostgresError(underlying: error) else {
                self = .stepFailure
                return
            }
            if postgres.kind == .cancelled || postgres.kind == .poolClosed {
                self = .interrupted
            } else if postgres.isDatabaseUnavailable || postgres.isTransient
                || postgres.kind == .timedOut || postgres.kind == .poolExhausted || postgres.kind == .connectionClosed {
                self = .platformUnavailable
            } else {
                self = .stepFailure
            }
        }
    }

    /// Worth another attempt after a back-off.
    var isRetried: Bool { self == .platformUnavailable || self == .tenantClusterUnreachable }
}
