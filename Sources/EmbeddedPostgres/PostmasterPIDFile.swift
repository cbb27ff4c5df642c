import Foundation

/// The parts of a data directory's postmaster.pid that tell whether its server is up.
struct PostmasterPIDFile: Sendable {
    let pid: Int32
    /// Line 8: "starting", "ready", "stopping" or "standby"; nil for servers older than 10.
    let state: String?

    var isReady: Bool { state == nil || state == "ready" }

    /// Parses `path`; nil when absent or not yet fully written.
    static func read(_ path: String) -> PostmasterPIDFile? {
        guard let text = FileSystem.contents(of: path) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first,
            let pid = Int32(first.trimmingCharacters(in: .whitespaces)), pid > 0
        else { return nil }
        let state = lines.count > 7 ? lines[7].trimmingCharacters(in: .whitespaces) : nil
        return PostmasterPIDFile(pid: pid, state: state?.isEmpty == true ? nil : state)
    }
}
