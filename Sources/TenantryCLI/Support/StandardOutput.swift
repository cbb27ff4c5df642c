import Foundation

/// Writes to stdout without buffering surprises: each call reaches a pipe at once, which is
/// what `events tail --follow` consumers need.
enum StandardOutput {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func line(_ text: String = "") {
        write(text + "\n")
    }
}
