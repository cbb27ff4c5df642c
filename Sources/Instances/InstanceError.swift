/// Why an instance operation cannot go on, in one line.
public enum InstanceError: Error, Sendable, CustomStringConvertible {
    case notDeployed(String)
    case destroyed(String)
    case missingDeployFiles(String)
    case notRunning(String)
    case notReady(slug: String, detail: String)
    case invalidTarget(String)
    /// A dedicated database whose name gives no instance login.
    case noLogin(database: String)
    /// `serve --instance` was given a login that is not the instance's own.
    case notInstanceLogin(String)
    /// The tenant's dedicated database has migrations this release needs still to apply.
    case dedicatedNotMigrated(slug: String, pending: Int)
    /// No free local port could be found for a local instance.
    case noFreePort(String)
    /// `destroy` was asked to write its export inside the files it removes.
    case exportInsideFiles(export: String, directory: String)
    /// A release binary to upgrade to that does not say which release it is.
    case unknownRelease(binary: String, detail: String)
    /// The customization an instance's record names cannot run: unknown, not the bytes
    /// recorded, not the module the environment names, or not accepting its settings.
    case customizationUnavailable(slug: String, customization: String, detail: String)
    /// A customization change whose settings the new customization does not accept; refused
    /// before anything stopped or was recorded.
    case customizationSettings(slug: String, customization: String, detail: String)

    /// The reason, with what to do about it where there is something to do.
    public var description: String {
        switch self {
        case .notDeployed(let slug): "tenant \(slug) has no instance: deploy one with `tenantry instance deploy \(slug) --customization <id>`"
        case .destroyed(let slug): "the instance of \(slug) was destroyed"
        case .missingDeployFiles(let path): "no deployment templates at \(path) (systemd/tenantry-instance@.service, kubernetes/base): pass --deploy-root"
        case .notRunning(let slug): "the instance of \(slug) is not running"
        case let .notReady(slug, detail): "the instance of \(slug) did not become ready: \(detail)"
        case .invalidTarget(let target): "unknown target '\(target)': use local or kubernetes"
        case .noLogin(let database): "database \(database) is not a dedicated database (tenantry_t_<name>): no instance login for it"
        case .notInstanceLogin(let detail): "serve --instance runs with the instance's own login (TENANTRY_DATABASE_URL in the instance.env `tenantry instance deploy` rendered): \(detail)"
        case let .dedicatedNotMigrated(slug, pending):
            "the database of \(slug) has \(pending) migration(s) pending: run `tenantry instance migrate \(slug)` with the migration credential first"
        case .noFreePort(let detail): "no free local port for the instance: \(detail)"
        case let .exportInsideFiles(export, directory):
            "--export \(export) is inside the instance's files (\(directory)), which destroy removes: write it elsewhere"
        case let .unknownRelease(binary, detail): "--binary \(binary): `--version` did not print a release (\(detail))"
        case let .customizationUnavailable(slug, customization, detail):
            "the instance of \(slug) cannot run its customization \(customization): \(detail)"
        case let .customizationSettings(slug, customization, detail):
            "the instance of \(slug) cannot switch to \(customization), nothing was changed: \(detail) "
                + "(give --setting name=value for what it needs, --unset name for what it does not take)"
        }
    }
}
