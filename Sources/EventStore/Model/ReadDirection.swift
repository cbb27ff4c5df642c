/// Which way a stream is read.
public enum ReadDirection: Sendable, Hashable {
    case forward
    case backward
}
