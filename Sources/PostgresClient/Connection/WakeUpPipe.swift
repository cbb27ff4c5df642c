import Foundation

/// A self-pipe that wakes a thread blocked in `poll(2)`.
final class WakeUpPipe: Sendable {
    let readDescriptor: Int32
    private let writeDescriptor: Int32
    /// What both ends are, to notice other code closing or replacing them.
    private let identities: [DescriptorIdentity?]

    init() throws(PostgresError) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw PostgresError(kind: .misuse, message: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        identities = descriptors.map { DescriptorIdentity(of: $0) }
    }

    /// Whether both ends are still the pipe this object created.
    var isIntact: Bool {
        [readDescriptor, writeDescriptor].map { DescriptorIdentity(of: $0) } == identities
    }

    /// Makes the read end readable. Never blocks: a full pipe already wakes the reader.
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Empties the pipe after a wake-up.
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
    }

    deinit {
        // An end whose number other code closed and reused is that code's now: leave it open.
        for (descriptor, identity) in zip([readDescriptor, writeDescriptor], identities) where DescriptorIdentity(of: descriptor) == identity {
            close(descriptor)
        }
    }
}
