import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a pid recorded in a lock file is still a PostgreSQL process.
enum ProcessProbe {
    /// True for a running process named postgres.
    ///
    /// `kill(pid, 0)` is not enough: a killed postmaster whose parent never reaps it stays a zombie
    /// (and its pid may be reused), and PostgreSQL itself would then refuse to start over the
    /// "existing" server.
    static func isLivePostgres(_ pid: Int32) -> Bool {
        #if os(Linux)
        guard let stat = FileSystem.contents(of: "/proc/\(pid)/stat"),
            let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
        else { return false }
        let name = stat[stat.index(after: open)..<close]
        let state = stat[stat.index(after: close)...].first { !$0.isWhitespace }
        guard state != "Z", state != "X" else { return false }
        return name == "postgres" || name == "postmaster"
        #else
        return kill(pid, 0) == 0 || errno == EPERM
        #endif
    }

    /// Waits until `pid` is no longer a live postgres process; false on timeout.
    static func waitUntilGone(_ pid: Int32, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isLivePostgres(pid) {
            guard ContinuousClock.now < deadline else { return false }
            usleep(20_000)
        }
        return true
    }
}
