import ArgumentParser
import EventStore

/// `--expected-version`: `any`, `no-stream`, `exists`, or a version number (0 = no stream).
struct ExpectedVersionArgument: ExpressibleByArgument {
    let value: ExpectedVersion

    init?(argument: String) {
        switch argument.lowercased() {
        case "any": value = .any
        case "no-stream", "none": value = .noStream
        case "exists", "stream-exists": value = .streamExists
        default:
            guard let version = Int64(argument), version >= 0 else { return nil }
            value = .exact(version)
        }
    }

    static var defaultCompletionKind: CompletionKind { .list(["any", "no-stream", "exists"]) }
}
