@testable import FeatureFlags
import Testing

/// Bucketing checked against published values rather than a re-statement of the formula:
/// MurmurHash3 reference vectors, and the expected assignments of flagd's own conformance
/// suite (open-feature/flagd-testbed, `evaluator/gherkin/fractional.feature`, `@fractional-v2`).
@Suite("Bucketing reference values")
struct FlagBucketingReferenceTests {
    @Test("MurmurHash3 x86_32 with seed 0 gives the reference hashes")
    func murmurReferenceVectors() {
        #expect(MurmurHash3.x86_32(Array("".utf8)) == 0)
        #expect(MurmurHash3.x86_32(Array("hello".utf8)) == 0x248B_FA47)
        #expect(MurmurHash3.x86_32(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x2E4F_F723)
    }

    @Test("MurmurHash3 handles every tail length and honours the seed")
    func murmurTailsAndSeed() {
        // Appleby's SMHasher verification values for MurmurHash3_x86_32.
        #expect(MurmurHash3.x86_32([UInt8](), seed: 1) == 0x514E_28B7)
        #expect(MurmurHash3.x86_32([UInt8](), seed: 0xFFFF_FFFF) == 0x81F1_6F39)
        #expect(MurmurHash3.x86_32([0x21, 0x43, 0x65, 0x87]) == 0xF55B_516B)
        #expect(MurmurHash3.x86_32([0x21, 0x43, 0x65]) == 0x7E4A_8634)
        #expect(MurmurHash3.x86_32([0x21, 0x43]) == 0xA0F7_B07A)
        #expect(MurmurHash3.x86_32([0x21]) == 0x7266_1CF4)
        #expect(MurmurHash3.x86_32([0, 0, 0, 0]) == 0x2362_F9DE)
    }

    @Test("hashing text four bytes at a time, split anywhere, gives the hash of the whole")
    func murmurStreamingOverText() {
        let text = "flag-key-ünïcode-7f3c2a10-9b1e-4c55-8d2e-0a1b2c3d4e5f"
        let whole = MurmurHash3.x86_32(Array(text.utf8))
        for split in text.indices {
            var streaming = MurmurHash3.Streaming()
            streaming.combine(String(text[..<split]))
            streaming.combine(String(text[split...]))
            #expect(streaming.finalize() == whole, "split at \(text.distance(from: text.startIndex, to: split))")
        }
        // A string not stored contiguously (bridged or a substring's copy) takes the byte path.
        var bytewise = MurmurHash3.Streaming()
        bytewise.combine(Array(text.utf8))
        #expect(bytewise.finalize() == whole)
    }

    @Test(
        "flagd's hash edge vectors land on the same side of a 50/50 split",
        arguments: [("ejOoVL", 0), ("bY9fO-", 0), ("SI7p-", 0), ("6LvT0", 1), ("ceQdGm", 1)]
    )
    func hashEdgeVectors(key: String, side: Int) {
        // flagd buckets {"var": "targetingKey"} alone here, i.e. an empty flag-key prefix.
        #expect(FlagBucketing.bucket(flagKey: "", value: key, totalWeight: 100) / 50 == side)
    }

    @Test(
        "flagd's shared-seed vectors land in the same quarter",
        arguments: [("seven", 2), ("eight", 1), ("nine", 0), ("two", 3)]
    )
    func sharedSeedVectors(name: String, quarter: Int) {
        // {"cat": ["shared-seed", {"var": "user.name"}]} over clubs, diamonds, hearts, spades at 25 each.
        #expect(FlagBucketing.bucket(flagKey: "shared-seed", value: name, totalWeight: 100) / 25 == quarter)
    }

    @Test("the bucket is (hash × total) >> 32, so it stays below the total weight for extreme hashes")
    func bucketRange() {
        for total in [1, 2, 3, 100, 1_000_000] {
            for value in ["", "a", "hello", "ejOoVL", "6LvT0"] {
                let bucket = FlagBucketing.bucket(flagKey: "k", value: value, totalWeight: total)
                #expect((0..<total).contains(bucket))
                let hash = MurmurHash3.x86_32(Array(("k" + value).utf8))
                #expect(bucket == Int((UInt64(hash) * UInt64(total)) >> 32))
            }
        }
    }
}
