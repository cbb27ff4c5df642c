import Foundation

extension Data {
    /// Base64url without padding (RFC 4648 §5): what tokens in URLs and headers use.
    func base64URLEncodedString() -> String {
        // Byte by byte rather than three `replacingOccurrences`: a bulk evaluation issues a
        // token per request, and Foundation's string replacing cost more than its HMAC.
        let base64 = base64EncodedString()
        var encoded: [UInt8] = []
        encoded.reserveCapacity(base64.utf8.count)
        for byte in base64.utf8 {
            switch byte {
            case UInt8(ascii: "+"): encoded.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): encoded.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): continue
            default: encoded.append(byte)
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// Decodes base64url, with or without padding; nil when it is not base64url.
    init?(base64URLEncoded text: some StringProtocol) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
