/// MurmurHash3 x86_32 (Austin Appleby's public-domain reference), the hash flagd's
/// `fractional` operator buckets with.
enum MurmurHash3 {
    static func x86_32(_ bytes: some Sequence<UInt8>, seed: UInt32 = 0) -> UInt32 {
        var state = Streaming(seed: seed)
        state.combine(bytes)
        return state.finalize()
    }

    /// The hash of several byte sequences one after the other, as of their concatenation,
    /// without building it (a flag key followed by a targeting key, on every rollout).
    struct Streaming {
        private var hash: UInt32
        private var block: UInt32 = 0
        private var filled = 0
        private var length = 0
        private static let c1: UInt32 = 0xcc9e_2d51
        private static let c2: UInt32 = 0x1b87_3593

        init(seed: UInt32 = 0) {
            hash = seed
        }

        mutating func combine(_ bytes: some Sequence<UInt8>) {
            for byte in bytes { append(byte) }
        }

        /// The UTF-8 of `text`, read four bytes at a time where the string is stored contiguously.
        mutating func combine(_ text: String) {
            let combined: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
                var index = 0
                // Complete a block left partly filled by what came before.
                while filled != 0, index < bytes.count {
                    append(bytes[index])
                    index += 1
                }
                while bytes.count - index >= 4 {
                    let block = UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16
                        | UInt32(bytes[index + 3]) << 24
                    mix(block)
                    length += 4
                    index += 4
                }
                while index < bytes.count {
                    append(bytes[index])
                    index += 1
                }
            }
            if combined == nil { combine(text.utf8) }
        }

        private mutating func append(_ byte: UInt8) {
            block |= UInt32(byte) << (8 * UInt32(filled))
            filled += 1
            length += 1
            if filled == 4 {
                mix(block)
                block = 0
                filled = 0
            }
        }

        private mutating func mix(_ block: UInt32) {
            var k = block &* Self.c1
            k = (k << 15) | (k >> 17)
            k = k &* Self.c2
            hash ^= k
            hash = (hash << 13) | (hash >> 19)
            hash = hash &* 5 &+ 0xe654_6b64
        }

        func finalize() -> UInt32 {
            var hash = self.hash
            if filled > 0 {
                var k = block &* Self.c1
                k = (k << 15) | (k >> 17)
                k = k &* Self.c2
                hash ^= k
            }
            hash ^= UInt32(truncatingIfNeeded: length)
            hash ^= hash >> 16
            hash = hash &* 0x85eb_ca6b
            hash ^= hash >> 13
            hash = hash &* 0xc2b2_ae35
            hash ^= hash >> 16
            return hash
        }
    }
}
