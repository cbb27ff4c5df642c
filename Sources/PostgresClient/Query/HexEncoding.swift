extension Sequence<UInt8> {
    /// The bytes as lowercase hexadecimal, two digits each: PostgreSQL's `bytea` hex output, and
    /// how Tenantry writes every digest it stores or compares (key hashes, fingerprints).
    ///
    /// Written straight into the string's storage: an API key's hash is taken on every
    /// authenticated request, where formatting each byte (`String(format:)`) cost more than
    /// the request's own work.
    public var hexadecimal: String {
        let bytes = Array(self)
        return String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            let digits: StaticString = "0123456789abcdef"
            digits.withUTF8Buffer { digits in
                for (index, byte) in bytes.enumerated() {
                    buffer[index * 2] = digits[Int(byte >> 4)]
                    buffer[index * 2 + 1] = digits[Int(byte & 0x0F)]
                }
            }
            return bytes.count * 2
        }
    }
}
