/// MurmurHash3 x86_32 (Austin Appleby's public-domain reference), the hash flagd's
/// `fractional` operator buckets with.
enum MurmurHash3 {
    static func x86_32(_ bytes: some Collection<UInt8>, seed: UInt32 = 0) -> UInt32 {
        let c1: UInt32 = 0xcc9e_2d51
        let c2: UInt32 = 0x1b87_3593
        var hash = seed
        var block: UInt32 = 0
        var filled = 0
        var length = 0
        for byte in bytes {
            block |= UInt32(byte) << (8 * UInt32(filled))
            filled += 1
            length += 1
            if filled == 4 {
                var k = block &* c1
                k = (k << 15) | (k >> 17)
                k = k &* c2
                hash ^= k
                hash = (hash << 13) | (hash >> 19)
                hash = hash &* 5 &+ 0xe654_6b64
                block = 0
                filled = 0
            }
        }
        if filled > 0 {
            var k = block &* c1
            k = (k << 15) | (k >> 17)
            k = k &* c2
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
