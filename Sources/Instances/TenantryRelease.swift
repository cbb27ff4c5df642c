/// This build's release: what an instance records it runs, and the image tag its Kubernetes
/// overlay pins.
public enum TenantryRelease {
    public static let version = "0.6.0"
}
