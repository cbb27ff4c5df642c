#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which open file a descriptor number refers to: the device and inode `fstat(2)` reports.
///
/// A descriptor number is only a name. When other code in the process closes a number it does
/// not own (a double close, or `dup2` onto a number in use), the next `open`, `pipe` or
/// `socket` reuses it, and a connection that still holds the number talks to a stranger. The
/// identity taken when the descriptor was opened tells the two apart.
struct DescriptorIdentity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64

    /// The identity of the file open as `descriptor` now, or nil when nothing is open there.
    init?(of descriptor: Int32) {
        guard descriptor >= 0 else { return nil }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }
}
