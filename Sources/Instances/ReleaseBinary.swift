import ChildProcesses
public import Foundation

/// A release's binary and the release it is: what a local instance runs, and what an upgrade
/// moves it to.
public struct ReleaseBinary: Sendable {
    /// The binary's path.
    public let url: URL
    /// The release it is (what its `--version` prints).
    public let release: String

    /// A binary known to be `release`.
    public init(url: URL, release: String) {
        self.url = url
        self.release = release
    }

    /// This very binary, of this release.
    public static var current: ReleaseBinary {
        ReleaseBinary(url: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(), release: TenantryRelease.version)
    }

    /// A release staged at `path`: its release is what `<path> --version` prints.
    public static func staged(at path: String) async throws -> ReleaseBinary {
        let binary = URL(fileURLWithPath: path).standardizedFileURL
        let asked = try await ChildProcess.run(
            ChildProcess.Configuration(executable: binary.path, arguments: ["--version"], environment: ProcessInfo.processInfo.environment),
            timeout: .seconds(30))
        let release = asked.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        guard asked.succeeded, !release.isEmpty, !release.contains(where: \.isWhitespace) else {
            throw InstanceError.unknownRelease(binary: path, detail: asked.diagnosticTail)
        }
        return ReleaseBinary(url: binary, release: release)
    }
}
