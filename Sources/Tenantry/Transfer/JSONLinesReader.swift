import Foundation

/// Reads a JSON Lines file a line at a time, a megabyte at a time, so a long export is never
/// held in memory; empty lines are skipped.
struct JSONLinesReader {
    /// The longest line accepted: an event's data is at most 1 MB (`events.data` is checked
    /// against the same bound on append), with room for its envelope.
    static let maximumLineBytes = 4 << 20

    private let handle: FileHandle
    private var buffer: [UInt8] = []
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

    /// The next non-empty line and its number, or nil at the end.
    mutating func next() throws -> (number: Int, text: Substring)? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[..<newline]
                buffer.removeSubrange(...newline)
                lineNumber += 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
                return (lineNumber, Substring(String(decoding: line, as: UTF8.self)))
            }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                let line = buffer
                buffer = []
                lineNumber += 1
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { return nil }
                return (lineNumber, Substring(String(decoding: line, as: UTF8.self)))
            }
            guard buffer.count <= Self.maximumLineBytes else {
                throw TenantTransferError("line \(lineNumber + 1): longer than \(Self.maximumLineBytes >> 20) MB")
            }
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw TenantTransferError("cannot read \(path): \((error as NSError).localizedDescription)")
            }
            if chunk.isEmpty { atEnd = true } else { buffer += chunk }
        }
    }

    func close() {
        try? handle.close()
    }
}
