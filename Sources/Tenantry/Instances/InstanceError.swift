/// Why an instance operation cannot go on, in one line.
public enum InstanceError: Error, Sendable, CustomStringConvertible {
    case notDeployed(String)
    case destroyed(String)
    case missingDeployFiles(String)
    case notRunning(String)
    case notReady(slug: String, detail: String)
    case invalidTarget(String)

    public var description: String {
        switch self {
        case .notDeployed(let slug): "tenant \(slug) has no instance: deploy one with `tenantry instance deploy \(slug) --customization <id>`"
        case .destroyed(let slug): "the instance of \(slug) was destroyed"
        case .missingDeployFiles(let path): "no deployment templates at \(path) (systemd/tenantry-instance@.service, kubernetes/base): pass --deploy-root"
        case .notRunning(let slug): "the instance of \(slug) is not running"
        case let .notReady(slug, detail): "the instance of \(slug) did not become ready: \(detail)"
        case .invalidTarget(let target): "unknown target '\(target)': use local or kubernetes"
        }
    }
}
