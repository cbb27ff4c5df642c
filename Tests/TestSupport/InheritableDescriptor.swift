import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A pipe end left inheritable (no close-on-exec) at a high descriptor number, as careless
/// library code leaves descriptors, for tests that check a child does not receive it.
///
/// The number is the lowest *free* one at or above `lowest` (`F_DUPFD`). Tests share one
/// process, so a fixed number taken with `dup2` would silently close whatever another test had
/// open there: that is how a test once replaced a live PostgreSQL connection's socket with a
/// pipe, and the connection's next query waited on the pipe for minutes.
public final class InheritableDescriptor: Sendable {
    /// The inheritable descriptor.
    public let number: Int32
    private let pipeEnds: [Int32]

    public init(atLeast lowest: Int32 = 200) throws {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw InheritableDescriptorError("pipe failed: \(String(cString: strerror(errno)))") }
        let number = fcntl(ends[1], F_DUPFD, lowest)
        guard number >= 0 else {
            ends.forEach { close($0) }
            throw InheritableDescriptorError("F_DUPFD failed: \(String(cString: strerror(errno)))")
        }
        self.number = number
        pipeEnds = ends
    }

    deinit {
        close(number)
        pipeEnds.forEach { close($0) }
    }
}

/// Why an `InheritableDescriptor` could not be made.
public struct InheritableDescriptorError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
