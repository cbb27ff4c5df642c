/// Holds each arriving task until `parties` have arrived, once; later arrivals pass at once.
/// Counts every arrival, so a test can tell how often the guarded point was reached.
public actor Barrier {
    public let parties: Int
    public private(set) var arrivals = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(parties: Int) {
        self.parties = parties
    }

    public func arrive() async {
        arrivals += 1
        guard arrivals <= parties else { return }
        if arrivals == parties {
            for continuation in waiting { continuation.resume() }
            waiting = []
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}
