import Foundation

/// Progress lines on stderr, so a long run shows where it is while stdout stays the report.
enum BenchProgress {
    static func note(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
