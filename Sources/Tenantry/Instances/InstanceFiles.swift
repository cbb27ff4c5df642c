public import Foundation

/// The deployment files of one instance, rendered under its directory:
///
/// - `instance.env` (mode 0600): what the process needs, for `systemd`'s `EnvironmentFile=` and
///   for a local start: the database, the tenant, the port, the customization's settings
///   (`TENANTRY_SETTING_<NAME>`);
/// - `tenantry-instance@<slug>.service`: the unit of `Deploy/systemd/tenantry-instance@.service`;
/// - `kubernetes/kustomization.yaml` and `kubernetes/secret.env` (0600): a Kustomize overlay on
///   `Deploy/kubernetes/base` with the tenant's name prefix, labels, release tag and settings.
public struct InstanceFiles: Sendable {
    public let directory: URL
    /// The `Deploy` folder of the release (systemd template, Kubernetes base).
    public let deployRoot: URL

    public init(directory: URL, deployRoot: URL) {
        self.directory = directory.standardizedFileURL
        self.deployRoot = deployRoot.standardizedFileURL
    }

    public var environmentFile: URL { directory.appendingPathComponent("instance.env") }
    public var overlayDirectory: URL { directory.appendingPathComponent("kubernetes") }
    public func unitFile(slug: String) -> URL { directory.appendingPathComponent("tenantry-instance@\(slug).service") }
    public var logFile: URL { directory.appendingPathComponent("instance.log") }
    public var binaries: URL { directory.appendingPathComponent("bin") }

    /// Renders every file; returns their paths.
    @discardableResult
    public func render(
        slug: String, customization: String, release: String, environment: [String: String], secretNames: Set<String>
    ) throws -> [URL] {
        let manager = FileManager.default
        try manager.createDirectory(at: overlayDirectory, withIntermediateDirectories: true)
        let template = deployRoot.appendingPathComponent("systemd/tenantry-instance@.service")
        let base = deployRoot.appendingPathComponent("kubernetes/base")
        guard manager.fileExists(atPath: template.path), manager.fileExists(atPath: base.appendingPathComponent("kustomization.yaml").path) else {
            throw InstanceError.missingDeployFiles(deployRoot.path)
        }

        try Self.write(Self.environmentText(environment), to: environmentFile, mode: 0o600)
        let unit = unitFile(slug: slug)
        try Self.write(try String(contentsOf: template, encoding: .utf8), to: unit, mode: 0o644)

        let secrets = environment.filter { secretNames.contains($0.key) }
        // In a cluster the base's address and port apply, and there is no embedded PostgreSQL.
        let plain = environment.filter { !secretNames.contains($0.key) && !Self.localOnly.contains($0.key) }
        let secretFile = overlayDirectory.appendingPathComponent("secret.env")
        try Self.write(secrets.keys.sorted().map { "\($0)=\(secrets[$0] ?? "")" }.joined(separator: "\n") + "\n", to: secretFile, mode: 0o600)
        let kustomization = overlayDirectory.appendingPathComponent("kustomization.yaml")
        try Self.write(
            Self.overlayText(slug: slug, customization: customization, release: release, base: Self.relativePath(from: overlayDirectory, to: base), literals: plain),
            to: kustomization, mode: 0o644)
        return [environmentFile, unit, kustomization, secretFile]
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

    private static func write(_ text: String, to url: URL, mode: Int) throws {
        try Data(text.utf8).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }
}
