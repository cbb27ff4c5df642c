/// A caller attribute's name with a hash of its bytes computed once: a compiled rule holds one,
/// and so does a context for each of its attributes, so that finding an attribute among a
/// context's few compares integers instead of hashing the name on every evaluation.
///
/// Only ASCII names are hashed: two ASCII strings are equal exactly when their bytes are, while
/// other names can be equal (canonically equivalent) with different bytes and are looked up by
/// `String` equality instead.
struct AttributeName: Sendable {
    let text: String
    /// FNV-1a (64 bits) of the name's bytes; nil for a name that is not ASCII.
    let hash: UInt64?

    init(_ text: String) {
        self.text = text
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            guard byte < 0x80 else {
                self.hash = nil
                return
            }
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        self.hash = hash
    }
}
