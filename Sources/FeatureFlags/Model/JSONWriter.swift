import EventStore

/// Writes a `JSONValue` as JSON text with sorted keys: the same value always gives the same
/// bytes, which is what an ETag computed from a body needs and what makes an exported flagd
/// document diff well under version control. It writes every JSON value the package produces
/// (HTTP bodies, flagd exports, the CLI's `--json` output); strings are escaped by the event
/// store's `JSONString`. The one exception is `JSONValue.compactJSON`, a frozen format kept
/// byte for byte because flag bucketing hashes it.
///
/// Unlike `JSONEncoder`, a double is always written as a double (`1.0`, not `1`): flagd infers a
/// flag's type from its variants, and an OpenFeature client asking for a float flag must get a
/// float from its JSON parser, not an integer that fails its type check.
public enum JSONWriter {
    /// The UTF-8 bytes of `value` as compact JSON (no whitespace).
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(value, indentation: nil, to: &output)
        return output
    }

    /// Appends `value` as compact JSON to `output`: for a writer that puts a document together
    /// piece by piece (an OFREP bulk response) rather than building a `JSONValue` of it first.
    public static func append(_ value: JSONValue, to output: inout [UInt8]) {
        write(value, indentation: nil, to: &output)
    }

    /// `value` as compact JSON text (no whitespace), one line: what a `--json` command prints.
    public static func compact(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    /// Two-space indented JSON. Arrays of scalars stay on one line so flagd's
    /// `["variant", weight]` pairs read as they do in flagd's documentation.
    public static func pretty(_ value: JSONValue) -> String {
        var output: [UInt8] = []
        write(value, indentation: "", to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// `indentation` nil writes compact JSON; otherwise the current level's indentation.
    private static func write(_ value: JSONValue, indentation: String?, to output: inout [UInt8]) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let integer):
            output.append(contentsOf: String(integer).utf8)
        case .double(let double):
            // JSON has no NaN or infinity; JSON input cannot produce them either. Swift spells
            // every finite double with a '.' or an exponent ("1.0", "1e-07"), so it reads back
            // as a double.
            output.append(contentsOf: (double.isFinite ? double.description : "null").utf8)
        case .string(let text):
            JSONString.append(text, to: &output)
        case .array(let elements):
            guard let indentation, !elements.isEmpty, !elements.allSatisfy(\.isScalar) else {
                writeInline(elements, pretty: indentation != nil, to: &output)
                return
            }
            let inner = indentation + "  "
            output.append(contentsOf: "[\n".utf8)
            for (offset, element) in elements.enumerated() {
                output.append(contentsOf: inner.utf8)
                write(element, indentation: inner, to: &output)
                output.append(contentsOf: (offset == elements.count - 1 ? "\n" : ",\n").utf8)
            }
            output.append(contentsOf: indentation.utf8)
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            let sorted = members.sorted { $0.key < $1.key }
            guard let indentation, !sorted.isEmpty else {
                output.append(UInt8(ascii: "{"))
                for (offset, member) in sorted.enumerated() {
                    if offset > 0 { output.append(UInt8(ascii: ",")) }
                    JSONString.append(member.key, to: &output)
                    output.append(UInt8(ascii: ":"))
                    write(member.value, indentation: nil, to: &output)
                }
                output.append(UInt8(ascii: "}"))
                return
            }
            let inner = indentation + "  "
            output.append(contentsOf: "{\n".utf8)
            for (offset, member) in sorted.enumerated() {
                output.append(contentsOf: inner.utf8)
                JSONString.append(member.key, to: &output)
                output.append(contentsOf: ": ".utf8)
                write(member.value, indentation: inner, to: &output)
                output.append(contentsOf: (offset == sorted.count - 1 ? "\n" : ",\n").utf8)
            }
            output.append(contentsOf: indentation.utf8)
            output.append(UInt8(ascii: "}"))
        }
    }

    /// An array on one line: `[a,b]` compact, `[a, b]` pretty (its elements are scalars).
    private static func writeInline(_ elements: [JSONValue], pretty: Bool, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "["))
        for (offset, element) in elements.enumerated() {
            if offset > 0 { output.append(contentsOf: (pretty ? ", " : ",").utf8) }
            write(element, indentation: nil, to: &output)
        }
        output.append(UInt8(ascii: "]"))
    }
}
