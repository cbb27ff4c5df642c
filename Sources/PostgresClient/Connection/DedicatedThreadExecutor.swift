import DequeModule
import Foundation

/// A serial executor that runs every job on one thread of its own.
///
/// libpq calls block until the server answers. Running them on Swift's cooperative pool would
/// starve it (there are only as many threads as cores), so every connection actor runs on a
/// dedicated thread through this executor: a blocking call parks that thread only.
final class DedicatedThreadExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked Sendable: `jobs`, `isShutDown`, `hasExited` and `threadID` are read and
    // written only while `condition` is locked; `fallback` is a serial DispatchQueue, itself
    // thread-safe. Jobs go to `fallback` only once the thread has exited, so at most one
    // thread runs this executor's jobs at any time, as a serial executor must.
    private let condition = NSCondition()
    private var jobs: Deque<UnownedJob> = []
    private var isShutDown = false
    private var hasExited = false
    private var threadID: pthread_t?
    private let fallback: DispatchQueue
    private let name: String

    init(name: String) {
        self.name = name
        self.fallback = DispatchQueue(label: "\(name).closed")
        let thread = Thread { [self] in self.runLoop() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        if hasExited {
            condition.unlock()
            // The thread has gone; jobs of a closed connection do no blocking work, so a serial
            // queue keeps them ordered and lets them fail fast instead of never running.
            fallback.async { [self] in job.runSynchronously(on: asUnownedSerialExecutor()) }
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets the thread finish the jobs already queued and exit; later jobs run on `fallback`.
    func shutDown() {
        condition.lock()
        isShutDown = true
        condition.signal()
        condition.unlock()
    }

    /// Whether the calling thread is this executor's thread.
    var isCurrentThread: Bool {
        condition.lock()
        defer { condition.unlock() }
        guard let threadID else { return false }
        return pthread_equal(threadID, pthread_self()) != 0
    }

    private func runLoop() {
        condition.lock()
        threadID = pthread_self()
        condition.unlock()
        while true {
            condition.lock()
            while jobs.isEmpty && !isShutDown {
                condition.wait()
            }
            guard let job = jobs.popFirst() else {
                hasExited = true
                condition.unlock()
                return
            }
            condition.unlock()
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }
}
