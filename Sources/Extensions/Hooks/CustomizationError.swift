/// A hook's outcome other than success, as the caller of the hooked operation sees it: always
/// naming the customization and the hook, in one line.
public struct CustomizationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The hook refused the command (a `Refusal`): the caller's input is at fault.
        case refused
        /// The hook threw something else: the customization is at fault.
        case failed
        /// The hook ran past its time budget.
        case timedOut = "timed-out"
        /// The sandbox stopped the hook: a WebAssembly module trapped, ran out of fuel or
        /// memory, or called what it was not granted. The customization is at fault.
        case trapped
    }

    public let customization: CustomizationID
    /// E.g. "signup validator", "route GET /policy", "reaction siem".
    public let hook: String
    public let kind: Kind
    /// The refusal's reason, the error thrown, or the budget.
    public let detail: String

    public init(customization: CustomizationID, hook: String, kind: Kind, detail: String) {
        self.customization = customization
        self.hook = hook
        self.kind = kind
        self.detail = detail
    }

    public var description: String {
        switch kind {
        case .refused: "refused by customization \(customization) (\(hook)): \(detail)"
        case .failed: "customization \(customization) failed in its \(hook): \(detail)"
        case .timedOut: "customization \(customization)'s \(hook) ran past its \(detail) budget"
        case .trapped: "customization \(customization)'s \(hook) was stopped by its sandbox: \(detail)"
        }
    }
}
