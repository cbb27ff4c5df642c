/// Why a child could not be started or waited for, as one readable line.
public struct ChildProcessError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
