import ChildProcesses
public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// A single-tenant instance as a local process: `tenantry serve --instance <tenant>` from a copy
/// of the release's binary kept beside the deployment files (so an upgrade can roll back to the
/// previous one), in a session of its own so it outlives the command that started it, logging
/// to `instance.log`.
public struct LocalInstanceProcesses: InstanceProcesses {
    /// Processes on this machine.
    public init() {}

    /// Copies `binary` to `bin/tenantry-<release>` (once) and starts it; returns once `/readyz`
    /// answers 200, or throws with the log's last lines when the process exits or `timeout` passes.
    public func start(
        files: InstanceFiles, slug: String, port: Int, release: String, binary: URL, timeout: Duration
    ) async throws -> InstanceEvent.Started {
        let manager = FileManager.default
        try manager.createDirectory(at: files.binaries, withIntermediateDirectories: true)
        let copy = files.binaries.appendingPathComponent("tenantry-\(release)")
        if !manager.fileExists(atPath: copy.path) {
            let staging = files.binaries.appendingPathComponent(".tenantry-\(release)-\(UUID().uuidString.prefix(8))")
            try manager.copyItem(at: binary, to: staging)
            try manager.moveItem(at: staging, to: copy)
        }
        var environment = try files.readEnvironment()
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        environment["TENANTRY_PORT"] = String(port)
        let child = try ChildProcess.spawn(
            ChildProcess.Configuration(
                executable: copy.path, arguments: ["serve", "--instance", slug], environment: environment,
                workingDirectory: manager.currentDirectoryPath,
                standardOutput: .appending(files.logFile.path), standardError: .standardOutput, newSession: true))
        let deadline = ContinuousClock.now + timeout
        var pause: Duration = .milliseconds(50)
        while ContinuousClock.now < deadline {
            if let status = child.exitStatus {
                throw InstanceError.notReady(slug: slug, detail: "the process exited with status \(status): \(Self.logTail(files))")
            }
            if await isReady(port: port) {
                return InstanceEvent.Started(processId: child.processIdentifier, port: port, release: release, binary: copy.path)
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(500))
        }
        child.signal(SIGTERM)
        throw InstanceError.notReady(slug: slug, detail: "/readyz did not answer 200 within \(timeout): \(Self.logTail(files))")
    }

    /// Whether `GET http://127.0.0.1:<port>/readyz` answers 200 within 2 s.
    ///
    /// Through a private ephemeral session (no cache, no cookies) and a completion handler:
    /// on the toolchain's Foundation, the async `data(for:)` can deadlock when its task is
    /// cancelled while the request fails, which is what a probe of a port that does not listen
    /// yet does. A proxy in the environment needs `NO_PROXY=127.0.0.1` (operations.md).
    public func isReady(port: Int) async -> Bool {
        guard let url = URL(string: "http://127.0.0.1:\(port)/readyz") else { return false }
        var request = URLRequest(url: url)
        request.timeoutInterval = 2
        let pending = Mutex<URLSessionDataTask?>(nil)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // The port is one this process chose for its own instance; /readyz answers a
                // few bytes.
                let task = Self.probeSession.dataTask(with: request) { _, response, _ in
                    continuation.resume(returning: (response as? HTTPURLResponse)?.statusCode == 200)
                }
                pending.withLock { $0 = task }
                task.resume()
                if Task.isCancelled { task.cancel() }
            }
        } onCancel: {
            pending.withLock { $0 }?.cancel()
        }
    }

    /// The readiness probe's session.
    private static let probeSession: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        return URLSession(configuration: configuration)
    }()

    /// Whether `processID` is a live (not zombie) `tenantry serve --instance <slug>`: a pid alone
    /// may have been reused since it was recorded.
    public func isRunning(processID: Int32, slug: String) -> Bool {
        guard let commandLine = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(processID)/cmdline")) else { return false }
        let arguments = commandLine.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard arguments.contains("serve"), arguments.contains(slug),
            let stat = try? String(contentsOfFile: "/proc/\(processID)/stat", encoding: .utf8),
            let state = stat.split(separator: ")").last?.split(separator: " ").first
        else { return false }
        return state != "Z"
    }

    /// SIGTERM (graceful: requests drained, subscriptions checkpointed), then waits up to
    /// `stopTimeout` for the process to end; SIGKILL after that.
    public func stop(processID: Int32, slug: String) async throws {
        guard isRunning(processID: processID, slug: slug) else { return }
        kill(processID, SIGTERM)
        let deadline = ContinuousClock.now + Self.stopTimeout
        while isRunning(processID: processID, slug: slug) {
            if ContinuousClock.now >= deadline {
                kill(processID, SIGKILL)
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// How long a stopped instance may take to drain before it is killed.
    static let stopTimeout: Duration = .seconds(40)

    static func logTail(_ files: InstanceFiles) -> String {
        let text = (try? String(contentsOf: files.logFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(3).joined(separator: " | ")
    }
}
