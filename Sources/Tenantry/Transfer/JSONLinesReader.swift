import Foundation

/// Reads a JSON Lines file a line at a time, a megabyte at a time, so a long export is never
/// held in memory; empty lines are skipped.
struct JSONLinesReader {
    /// The longest line accepted: an event's data is at most 1 MB (`events.data` is checked
    /// against the same bound on append), with room for its envelope.
    static let maximumLineBytes = 4 << 20

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    /// Where the next line starts in `buffer`.
    private var start = 0
    private var atEnd = false
    private(set) var lineNumber = 0

    private let path: String

    init(path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw TenantTransferError("cannot read \(path): it is a directory, not an export")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw TenantTransferError("cannot read \(path): no such file, or not readable")
        }
        self.handle = handle
        self.path = path
    }

    /// The next non-empty line and its number, or nil at the end. A line longer than
    /// `maximumLineBytes`, or not UTF-8, is refused naming its number.
    mutating func next() throws -> (number: Int, text: Substring)? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                let line = buffer[start..<newline]
                start = newline + 1
                lineNumber += 1
                if let text = try Self.text(of: line, number: lineNumber) { return (lineNumber, text) }
                continue
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                lineNumber += 1
                guard let text = try Self.text(of: line, number: lineNumber) else { return nil }
                return (lineNumber, text)
            }
            guard buffer.count - start <= Self.maximumLineBytes else {
                throw TenantTransferError("line \(lineNumber + 1): longer than \(Self.maximumLineBytes >> 20) MB")
            }
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw TenantTransferError("cannot read \(path): \((error as NSError).localizedDescription)")
            }
            // What was handed out goes before the buffer grows.
            buffer.removeSubrange(..<start)
            start = 0
            if chunk.isEmpty { atEnd = true } else { buffer += chunk }
        }
    }

    /// A line's text; nil when it is blank.
    private static func text(of line: ArraySlice<UInt8>, number: Int) throws -> Substring? {
        guard line.count <= maximumLineBytes else {
            throw TenantTransferError("line \(number): longer than \(maximumLineBytes >> 20) MB")
        }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { return nil }
        guard let text = String(validating: line, as: UTF8.self) else {
            throw TenantTransferError("line \(number): is not UTF-8 text")
        }
        return Substring(text)
    }

    func close() {
        try? handle.close()
    }
}
