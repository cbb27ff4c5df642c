import Foundation

/// A benchmark that could not run or whose result cannot be trusted, in one line.
struct BenchError: Error, CustomStringConvertible, LocalizedError {
    let message: String

    init(_ message: String) {
        self.message = message
    }

    var description: String { message }
    var errorDescription: String? { message }
}
