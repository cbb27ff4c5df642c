import Foundation

/// A JSON option's value: given inline, as `@FILE`, or as `-` for standard input, so payloads
/// larger than a command line can hold still get in.
enum JSONArgument {
    static func read(_ value: String, option: String) throws -> String {
        if value == "-" {
            return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        guard value.hasPrefix("@") else { return value }
        let path = String(value.dropFirst())
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UserInputError(message: "\(option) \(value): cannot read file \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
