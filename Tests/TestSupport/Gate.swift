/// Holds the tasks that wait at it until the test opens it, once and for good; later waits
/// pass at once. For holding work at a chosen point (a provisioning step, a running catch-up)
/// while the test sets up what must happen meanwhile.
public actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    /// Returns once the gate is open.
    public func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Whether `open()` was called.
    public var opened: Bool { isOpen }

    public func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}
