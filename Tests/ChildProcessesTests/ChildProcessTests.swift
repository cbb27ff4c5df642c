import ChildProcesses
import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Child processes: spawned with posix_spawn, watched until they exit")
struct ChildProcessTests {
    private func shell(_ script: String, environment: [String: String] = ["PATH": "/usr/bin:/bin"], _ configure: (inout ChildProcess.Configuration) -> Void = { _ in }) -> ChildProcess.Configuration {
        var configuration = ChildProcess.Configuration(executable: "/bin/sh", arguments: ["-c", script], environment: environment)
        configure(&configuration)
        return configuration
    }

    @Test("stdout and stderr are captured apart, with the exit code")
    func capturesOutputAndStatus() async throws {
        let done = try await ChildProcess.run(shell("echo out; echo err >&2; exit 3"), timeout: .seconds(30))
        #expect(done.status == 3)
        #expect(done.standardOutput == "out\n")
        #expect(done.standardError == "err\n")
        #expect(!done.succeeded)
    }

    @Test("stderr joined to stdout keeps the order they were written in")
    func joinsStandardError() async throws {
        let done = try await ChildProcess.run(shell("echo one; echo two >&2; echo three") { $0.standardError = .standardOutput }, timeout: .seconds(30))
        #expect(done.standardOutput == "one\ntwo\nthree\n")
        #expect(done.standardError.isEmpty)
    }

    @Test("the child gets exactly the environment and working directory given")
    func environmentAndDirectory() async throws {
        let done = try await ChildProcess.run(
            shell("pwd; env | sort", environment: ["PATH": "/usr/bin:/bin", "ONLY": "this"]) { $0.workingDirectory = "/tmp" },
            timeout: .seconds(30))
        let lines = done.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == "/tmp")
        #expect(lines.contains("ONLY=this"))
        #expect(!lines.contains { $0.hasPrefix("HOME=") })
    }

    @Test("a missing executable is an error naming it")
    func missingExecutable() throws {
        let error = #expect(throws: ChildProcessError.self) {
            try ChildProcess.spawn(ChildProcess.Configuration(executable: "/nonexistent/tool", environment: [:]))
        }
        #expect(error?.description.contains("/nonexistent/tool") == true)
    }

    @Test("a signal ends it with 128 + the signal; once reaped, signalling does nothing")
    func signals() async throws {
        let child = try ChildProcess.spawn(shell("exec sleep 60"))
        #expect(child.isRunning)
        child.signal(SIGTERM)
        #expect(try await child.exitStatus(timeout: .seconds(30)) == 128 + SIGTERM)
        #expect(!child.isRunning)
        child.signal(SIGKILL)
        #expect(child.exitStatus == 128 + SIGTERM)
    }

    @Test("the child starts with no signal blocked or ignored, whatever the spawning thread blocks")
    func signalMaskAndDispositions() async throws {
        var blocked = sigset_t()
        var previous = sigset_t()
        sigfillset(&blocked)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        let child = try ChildProcess.spawn(shell("grep -E '^Sig(Blk|Ign)' /proc/self/status"))
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        #expect(try await child.exitStatus(timeout: .seconds(30)) == 0)
        let masks = Dictionary(
            uniqueKeysWithValues: child.standardOutput.split(separator: "\n").map { line in
                let parts = line.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
                return (parts[0], UInt64(parts[1], radix: 16) ?? .max)
            })
        #expect(masks["SigBlk"] == 0)
        for signal in [SIGTERM, SIGINT, SIGALRM, SIGPIPE, SIGHUP] {
            #expect((masks["SigIgn"] ?? .max) & (1 << UInt64(signal - 1)) == 0, "signal \(signal) ignored")
        }
    }

    @Test("a descendant left holding its output does not keep the caller waiting")
    func descendantKeepsOutputOpen() async throws {
        let child = try ChildProcess.spawn(shell("sleep 60 & echo $!"))
        #expect(try await child.exitStatus(timeout: .seconds(30)) == 0)
        let descendant = try #require(Int32(child.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(descendant, 0) == 0, "the descendant still runs, holding the output file")
        kill(descendant, SIGKILL)
    }

    @Test("a descriptor the parent leaves inheritable does not reach the child")
    func descriptorsDoNotLeak() async throws {
        let leaked = try InheritableDescriptor()
        let done = try await ChildProcess.run(shell("ls /proc/$$/fd"), timeout: .seconds(30))
        let descriptors = Set(done.standardOutput.split(separator: "\n").compactMap { Int32($0) })
        #expect(descriptors.contains(1))
        #expect(!descriptors.contains(leaked.number))
    }

    /// The cause of a test run that hung for minutes: the test above used `dup2(…, 200)`, which
    /// closes whatever descriptor 200 was (in the shared test process, a PostgreSQL connection's
    /// socket) and puts a pipe in its place.
    @Test("the inheritable descriptor of the test above never takes a number another owner holds")
    func inheritableDescriptorTakesAFreeNumber() throws {
        var held: [Int32] = []
        defer { held.forEach { close($0) } }
        for _ in 0..<8 {
            var pair: [Int32] = [-1, -1]
            try #require(pipe(&pair) == 0)
            held += pair
        }
        let before = held.map { DescriptorFile(of: $0) }
        // Ask for a number this test itself holds: only a helper that takes a free one passes.
        let leaked = try InheritableDescriptor(atLeast: held[held.count - 4])
        #expect(!held.contains(leaked.number))
        #expect(held.map { DescriptorFile(of: $0) } == before, "a descriptor someone else held was replaced")
    }

    @Test("a new session: the child leads its own, apart from the caller's terminal")
    func newSession() async throws {
        let child = try ChildProcess.spawn(shell("cut -d' ' -f6 /proc/self/stat") { $0.newSession = true })
        #expect(try await child.exitStatus(timeout: .seconds(30)) == 0)
        #expect(child.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "\(child.processIdentifier)")
    }

    @Test("the blocking wait and the async wait agree")
    func blockingWait() async throws {
        let child = try ChildProcess.spawn(shell("exit 7"))
        #expect(child.waitUntilExit() == 7)
        #expect(try await child.exitStatus(timeout: .seconds(5)) == 7)
        #expect(child.elapsed != nil)
    }

    @Test("a deadline that passes is an error naming the command; the child is killed by run")
    func deadline() async throws {
        let child = try ChildProcess.spawn(shell("exec sleep 60"))
        let error = await #expect(throws: ChildProcessError.self) { try await child.exitStatus(timeout: .milliseconds(50)) }
        #expect(error?.description.contains("sleep 60") == true)
        child.signal(SIGKILL)
        #expect(try await child.exitStatus(timeout: .seconds(30)) == 128 + SIGKILL)
    }

    /// The race that crashed Foundation's `Process.run()` in the test process: many spawns at
    /// once on every worker thread while other threads open and close descriptors.
    @Test("200 spawns racing each other and descriptor churn: each child runs, exits and reports its own output")
    func concurrentSpawns() async throws {
        let churning = ManagedAtomicFlag()
        let churn = Thread {
            var pair: [Int32] = [0, 0]
            while !churning.isSet {
                if pipe(&pair) == 0 {
                    close(pair[0])
                    close(pair[1])
                }
            }
        }
        churn.start()
        defer { churning.set() }
        try await withThrowingTaskGroup(of: (Int, ChildProcess.Completion).self) { group in
            for index in 0..<200 {
                group.addTask {
                    (index, try await ChildProcess.run(self.shell("echo \(index)"), timeout: .seconds(120)))
                }
            }
            var seen = Set<Int>()
            for try await (index, done) in group {
                #expect(done.status == 0)
                #expect(done.standardOutput == "\(index)\n")
                seen.insert(index)
            }
            #expect(seen.count == 200)
        }
    }
}

/// A one-way flag shared with a plain thread.
private final class ManagedAtomicFlag: Sendable {
    private let flag = Mutex(false)
    var isSet: Bool { flag.withLock { $0 } }
    func set() { flag.withLock { $0 = true } }
}

/// Which file a descriptor number refers to (device and inode), to see it replaced.
private struct DescriptorFile: Equatable {
    let device: UInt64
    let inode: UInt64

    init?(of descriptor: Int32) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }
}
