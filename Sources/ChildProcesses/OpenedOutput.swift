#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A standard stream's destination, opened in the parent for the spawn.
struct OpenedOutput {
    /// What the child's stream is dup'ed from; nil means "same as standard output".
    let descriptor: Int32?
    /// Set for `.capture`, which keeps its file open after the spawn to read it back.
    let capture: OutputCapture?
    /// Whether `descriptor` is ours to close once the child has its copy.
    private let ownsDescriptor: Bool

    init(_ output: ChildProcess.Output, purpose: String) throws {
        switch output {
        case .discard:
            (descriptor, capture, ownsDescriptor) = (try Self.openFile("/dev/null", O_WRONLY, purpose), nil, true)
        case .capture:
            let capture = try OutputCapture()
            (descriptor, self.capture, ownsDescriptor) = (capture.descriptor, capture, false)
        case .file(let path):
            (descriptor, capture, ownsDescriptor) = (try Self.openFile(path, O_WRONLY | O_CREAT | O_TRUNC, purpose), nil, true)
        case .appending(let path):
            (descriptor, capture, ownsDescriptor) = (try Self.openFile(path, O_WRONLY | O_CREAT | O_APPEND, purpose), nil, true)
        case .standardOutput:
            (descriptor, capture, ownsDescriptor) = (nil, nil, false)
        }
    }

    func closeParentCopy() {
        if ownsDescriptor, let descriptor { close(descriptor) }
    }

    private static func openFile(_ path: String, _ flags: Int32, _ purpose: String) throws -> Int32 {
        let descriptor = open(path, flags | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ChildProcessError("could not open \(path) for \(purpose): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }
}
