/// A dedicated tenant's own cluster (the `clusterURL` it signed up with) could not be reached.
///
/// Unlike the platform's database being away, this is the tenant's storage failing: once the
/// saga's retries run out it fails the step that needed the cluster (`allocateStorage`).
public struct TenantClusterUnreachable: Error, Sendable, CustomStringConvertible {
    /// What the client said, e.g. `connection to server at "10.0.0.7", port 5432 failed: …`.
    public let underlying: String

    public init(underlying: any Error) {
        self.underlying = "\(underlying)"
    }

    public var description: String { "the tenant's cluster could not be reached: \(underlying)" }
}
