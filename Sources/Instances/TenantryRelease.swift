/// This build's release: what an instance records it runs, and the image tag its Kubernetes
/// overlay pins.
public enum TenantryRelease {
    /// This build's release, recorded on each deployment and start.
    public static let version = "0.6.0"
}
