import Foundation

/// Who runs this command, for the events' metadata: `operator:<unix user>`.
enum Operator {
    static var actor: String {
        let user = ProcessInfo.processInfo.environment["USER"]
            ?? getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) }
            ?? "unknown"
        return "operator:\(user)"
    }
}
