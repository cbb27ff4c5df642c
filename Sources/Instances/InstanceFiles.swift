public import Foundation
import Glibc

/// The deployment files of one instance, rendered under its directory (created 0700):
///
/// - `instance.env` (0600): what the serving process needs, for `systemd`'s `EnvironmentFile=`
///   and for a local start: the instance's own database login (never the operator's), the
///   tenant, the port, the customization's settings (`TENANTRY_SETTING_<NAME>`);
/// - `migration.env` (0600): what the migration step needs, and the serving process never
///   sees: the migration credential (the deploying operator's URL) and the tenant;
/// - `tenantry-instance@<slug>.service` and `tenantry-instance-migrate@<slug>.service`: the units
///   of `Deploy/systemd`;
/// - `kubernetes/kustomization.yaml`, `kubernetes/secret.env` and `kubernetes/migration-secret.env`
///   (0600, in a 0700 folder): a Kustomize overlay on `Deploy/kubernetes/base` with the tenant's
///   name prefix, labels, release tag and settings; the Deployment gets the first secret, the
///   migration Job the second.
///
/// Files holding a secret are created with mode 0600 from the start (a new file opened with that
/// mode, then renamed over the old one), never written first and narrowed afterwards.
public struct InstanceFiles: Sendable {
    /// The folder the files are rendered in (created 0700).
    public let directory: URL
    /// The `Deploy` folder of the release (systemd templates, Kubernetes base).
    public let deployRoot: URL

    /// The files under `directory`, rendered from the templates in `deployRoot`; both paths are standardized.
    public init(directory: URL, deployRoot: URL) {
        self.directory = directory.standardizedFileURL
        self.deployRoot = deployRoot.standardizedFileURL
    }

    /// `instance.env`: the serving process's environment (0600).
    public var environmentFile: URL { directory.appendingPathComponent("instance.env") }
    /// `migration.env`: the migration step's environment with its credential (0600).
    public var migrationEnvironmentFile: URL { directory.appendingPathComponent("migration.env") }
    /// `kubernetes/`: the Kustomize overlay to `kubectl apply -k`.
    public var overlayDirectory: URL { directory.appendingPathComponent("kubernetes") }
    /// The systemd unit that serves the instance.
    public func unitFile(slug: String) -> URL { directory.appendingPathComponent("tenantry-instance@\(slug).service") }
    /// The systemd unit that migrates the instance's database before it serves.
    public func migrationUnitFile(slug: String) -> URL { directory.appendingPathComponent("tenantry-instance-migrate@\(slug).service") }
    /// `instance.log`: the output of a local instance process.
    public var logFile: URL { directory.appendingPathComponent("instance.log") }
    /// `bin/`: the copies of each release's binary a local instance ran (for rollback).
    public var binaries: URL { directory.appendingPathComponent("bin") }
    /// `kubernetes/kustomization.yaml`: the overlay itself.
    var kustomizationFile: URL { overlayDirectory.appendingPathComponent("kustomization.yaml") }
    /// `kubernetes/secret.env`: the serving Deployment's secret variables (0600).
    var secretFile: URL { overlayDirectory.appendingPathComponent("secret.env") }
    /// `kubernetes/migration-secret.env`: the migration Job's credential (0600).
    var migrationSecretFile: URL { overlayDirectory.appendingPathComponent("migration-secret.env") }

    /// Every file `render` writes.
    func renderedFiles(slug: String) -> [URL] {
        [environmentFile, migrationEnvironmentFile, unitFile(slug: slug), migrationUnitFile(slug: slug), kustomizationFile, secretFile, migrationSecretFile]
    }

    /// Renders every file; returns their paths. `environment` is the serving process's,
    /// `migrationEnvironment` the migration step's; the variables named in `secretNames` go to
    /// the Kubernetes secrets, the others to the ConfigMap.
    @discardableResult
    public func render(
        slug: String, customization: String, release: String, environment: [String: String],
        migrationEnvironment: [String: String], secretNames: Set<String>
    ) throws -> [URL] {
        let manager = FileManager.default
        let template = deployRoot.appendingPathComponent("systemd/tenantry-instance@.service")
        let migrationTemplate = deployRoot.appendingPathComponent("systemd/tenantry-instance-migrate@.service")
        let base = deployRoot.appendingPathComponent("kubernetes/base")
        guard manager.fileExists(atPath: template.path), manager.fileExists(atPath: migrationTemplate.path),
            manager.fileExists(atPath: base.appendingPathComponent("kustomization.yaml").path)
        else {
            throw InstanceError.missingDeployFiles(deployRoot.path)
        }
        try Self.makePrivateDirectory(directory)
        try Self.makePrivateDirectory(overlayDirectory)

        try Self.write(Self.environmentText(environment), to: environmentFile, mode: 0o600)
        try Self.write(Self.environmentText(migrationEnvironment), to: migrationEnvironmentFile, mode: 0o600)
        let unit = unitFile(slug: slug)
        try Self.write(try String(contentsOf: template, encoding: .utf8), to: unit, mode: 0o644)
        let migrationUnit = migrationUnitFile(slug: slug)
        try Self.write(try String(contentsOf: migrationTemplate, encoding: .utf8), to: migrationUnit, mode: 0o644)

        let secrets = environment.filter { secretNames.contains($0.key) }
        // In a cluster the base's address and port apply, and there is no embedded PostgreSQL.
        let plain = environment.filter { !secretNames.contains($0.key) && !Self.localOnly.contains($0.key) }
        try Self.write(Self.secretText(secrets), to: secretFile, mode: 0o600)
        try Self.write(
            Self.secretText(migrationEnvironment.filter { !Self.localOnly.contains($0.key) && $0.key != "TENANTRY_INSTANCE" }),
            to: migrationSecretFile, mode: 0o600)
        try Self.write(
            Self.overlayText(slug: slug, customization: customization, release: release, base: Self.relativePath(from: overlayDirectory, to: base), literals: plain),
            to: kustomizationFile, mode: 0o644)
        return renderedFiles(slug: slug)
    }

    static func secretText(_ secrets: [String: String]) -> String {
        secrets.keys.sorted().map { "\($0)=\(secrets[$0] ?? "")" }.joined(separator: "\n") + "\n"
    }

    /// Variables of a local process only, left out of the Kubernetes overlay.
    static let localOnly: Set<String> = ["TENANTRY_HOST", "TENANTRY_PORT", "TENANTRY_HOME"]

    /// `KEY="value"` lines, quoted the way systemd's EnvironmentFile and `parseEnvironment` read them.
    static func environmentText(_ environment: [String: String]) -> String {
        environment.keys.sorted().map { key in
            let value = environment[key, default: ""].replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\(key)=\"\(value)\""
        }.joined(separator: "\n") + "\n"
    }

    /// Reads `instance.env` back.
    public func readEnvironment() throws -> [String: String] {
        let text = try String(contentsOf: environmentFile, encoding: .utf8)
        var environment: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            var value = String(line[line.index(after: equals)...])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
            }
            environment[String(line[..<equals])] = value
        }
        return environment
    }

    static func overlayText(slug: String, customization: String, release: String, base: String, literals: [String: String]) -> String {
        var lines = [
            "# Rendered by `tenantry instance deploy` for tenant \(slug): apply with `kubectl apply -k .`.",
            "apiVersion: kustomize.config.k8s.io/v1beta1",
            "kind: Kustomization",
            "namePrefix: \(slug)-",
            "resources:",
            "  - \(base)",
            "labels:",
            "  - pairs:",
            "      tenantry.dev/tenant: \(slug)",
            "      tenantry.dev/customization: \(customization)",
            "    includeSelectors: true",
            "images:",
            "  - name: tenantry",
            "    newTag: \"\(release)\"",
            "configMapGenerator:",
            "  - name: tenantry-instance",
            "    behavior: merge",
            "    literals:",
        ]
        lines += literals.keys.sorted().map { "      - \(yamlQuoted("\($0)=\(literals[$0] ?? "")"))" }
        lines += [
            "secretGenerator:",
            "  - name: tenantry-instance",
            "    envs:",
            "      - secret.env",
            "  - name: tenantry-instance-migration",
            "    envs:",
            "      - migration-secret.env",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    static func yamlQuoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func relativePath(from directory: URL, to target: URL) -> String {
        let from = directory.standardizedFileURL.pathComponents
        let to = target.standardizedFileURL.pathComponents
        var common = 0
        while common < min(from.count, to.count), from[common] == to[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        return (ups + to[common...]).joined(separator: "/")
    }

    /// Creates `directory` with mode 0700 (its parents as usual); an existing one is narrowed
    /// to 0700 (an older release made it 0755).
    static func makePrivateDirectory(_ directory: URL) throws {
        let path = directory.path
        var status = stat()
        if stat(path, &status) == 0 {
            if status.st_mode & 0o077 != 0, chmod(path, 0o700) != 0 { throw Self.posixError("chmod", path) }
            return
        }
        try FileManager.default.createDirectory(at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
        if mkdir(path, 0o700) != 0, errno != EEXIST { throw Self.posixError("mkdir", path) }
    }

    /// Writes `text` to a new file beside `url` opened with `mode` (so it is never readable by
    /// anyone else, not even for a moment), flushes it and renames it over `url`.
    static func write(_ text: String, to url: URL, mode: mode_t) throws {
        let staging = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8))")
        let descriptor = open(staging.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Self.posixError("open", staging.path) }
        do {
            defer { close(descriptor) }
            var bytes = Array(text.utf8)[...]
            while !bytes.isEmpty {
                let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Self.posixError("write", staging.path)
                }
                bytes = bytes.dropFirst(written)
            }
            guard fsync(descriptor) == 0 else { throw Self.posixError("fsync", staging.path) }
        } catch {
            unlink(staging.path)
            throw error
        }
        guard rename(staging.path, url.path) == 0 else {
            let failure = Self.posixError("rename", url.path)
            unlink(staging.path)
            throw failure
        }
    }

    private static func posixError(_ call: String, _ path: String) -> NSError {
        let code = errno
        return NSError(domain: NSPOSIXErrorDomain, code: Int(code), userInfo: [
            NSLocalizedDescriptionKey: "\(call) \(path): \(String(cString: strerror(code)))",
        ])
    }
}
