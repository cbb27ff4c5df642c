/// What a validator throws to refuse a command; `reason` is shown to the caller as it is, so it
/// should say what to do instead ("use an @acme.example address").
public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
