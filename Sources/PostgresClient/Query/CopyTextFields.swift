/// Reads one line of PostgreSQL's COPY text format (what `copyOut` hands over): the values
/// between tabs, `\N` as NULL, the backslash escapes undone. The counterpart of `CopyTextRow`.
public enum CopyTextFields {
    /// The values of `line`, in order; a trailing newline is ignored.
    public static func values(of line: UnsafeRawBufferPointer) -> [String?] {
        var end = line.count
        if end > 0 && line[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        var values: [String?] = []
        var start = 0
        var index = 0
        var escaped = false
        while index <= end {
            if index == end || line[index] == UInt8(ascii: "\t") {
                values.append(value(UnsafeRawBufferPointer(rebasing: line[start..<index]), escaped: escaped))
                start = index + 1
                escaped = false
            } else if line[index] == UInt8(ascii: "\\") {
                escaped = true
                index += 1 // the escaped byte is never a separator
            }
            index += 1
        }
        return values
    }

    private static func value(_ field: UnsafeRawBufferPointer, escaped: Bool) -> String? {
        guard escaped else { return String(decoding: field, as: UTF8.self) }
        if field.count == 2 && field[0] == UInt8(ascii: "\\") && field[1] == UInt8(ascii: "N") { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(field.count)
        var index = 0
        while index < field.count {
            let byte = field[index]
            index += 1
            guard byte == UInt8(ascii: "\\"), index < field.count else {
                bytes.append(byte)
                continue
            }
            let code = field[index]
            index += 1
            switch code {
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "v"): bytes.append(0x0B)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                // Up to three octal digits.
                var value = Int(code - UInt8(ascii: "0"))
                var digits = 1
                while digits < 3, index < field.count, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(field[index]) {
                    value = value * 8 + Int(field[index] - UInt8(ascii: "0"))
                    index += 1
                    digits += 1
                }
                bytes.append(UInt8(truncatingIfNeeded: value))
            case UInt8(ascii: "x") where index < field.count && hexValue(field[index]) != nil:
                var value = hexValue(field[index]) ?? 0
                index += 1
                if index < field.count, let low = hexValue(field[index]) {
                    value = value * 16 + low
                    index += 1
                }
                bytes.append(value)
            default:
                bytes.append(code)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
