import Extensions
import Logging

/// What the host functions of one instance see during a call: the customization's settings,
/// the bytes staged for `read_result`, the call's deadline and its log allowance. Confined to
/// the instance (one call at a time), so it needs no lock.
final class CallContext {
    /// Lines a call may log; the rest are dropped and counted.
    static let logLineLimit = 50
    static let logLineBytes = 2 * 1024

    let customization: CustomizationID
    let settings: [String: String]
    let logger: Logger
    let outbound: OutboundHTTP?
    var staged: [UInt8] = []
    var deadline: ContinuousClock.Instant = .now
    var linesLogged = 0
    var linesDropped = 0
    var requestsMade = 0

    init(customization: CustomizationID, settings: [String: String], logger: Logger, outbound: OutboundHTTP?) {
        self.customization = customization
        self.settings = settings
        self.logger = logger
        self.outbound = outbound
    }

    /// Starts a call that must end by `deadline`.
    func begin(deadline: ContinuousClock.Instant) {
        staged = []
        linesLogged = 0
        linesDropped = 0
        requestsMade = 0
        self.deadline = deadline
    }

    /// A trap once the call's budget is spent: host functions are where a module waits.
    func checkDeadline() throws(HookTrap) {
        guard ContinuousClock.now < deadline else {
            throw HookTrap(reason: "budget", detail: "it ran past its time budget")
        }
    }
}
