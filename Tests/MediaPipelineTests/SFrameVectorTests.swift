import Testing
@testable import MediaPipeline
import MediaTestWatchdog

/// The test vectors of RFC 9605 (SFrame), Appendix C, for the cipher suite
/// the elements use, AES_128_GCM_SHA256_128 (0x0004). Byte values are the
/// RFC's; line breaks inside values in the RFC are removed here.
@Suite(.watchdog) struct SFrameVectorTests {
    static func hex(_ text: String) -> [UInt8] {
        let digits = Array(text.utf8).filter { $0 != 32 }
        func value(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
        return stride(from: 0, to: digits.count, by: 2).map { value(digits[$0]) << 4 | value(digits[$0 + 1]) }
    }

    /// RFC 9605, Appendix C.1 (Header Encoding/Decoding): every KID length
    /// with CTR 0, every CTR length with KID 0 (0 and 1 fit in the config
    /// byte; 0xff takes one byte, up to 0xffffffffffffffff's eight), and
    /// mixed cases up to both values at their largest.
    static let headers: [(kid: UInt64, ctr: UInt64, header: String)] = [
        (0x0000000000000000, 0x0000000000000000, "00"),
        (0x0000000000000000, 0x0000000000000001, "01"),
        (0x0000000000000000, 0x00000000000000ff, "08ff"),
        (0x0000000000000000, 0x0000000000000100, "090100"),
        (0x0000000000000000, 0x000000000000ffff, "09ffff"),
        (0x0000000000000000, 0x0000000000010000, "0a010000"),
        (0x0000000000000000, 0x0000000000ffffff, "0affffff"),
        (0x0000000000000000, 0x0000000001000000, "0b01000000"),
        (0x0000000000000000, 0x00000000ffffffff, "0bffffffff"),
        (0x0000000000000000, 0x0000000100000000, "0c0100000000"),
        (0x0000000000000000, 0x000000ffffffffff, "0cffffffffff"),
        (0x0000000000000000, 0x0000010000000000, "0d010000000000"),
        (0x0000000000000000, 0x0000ffffffffffff, "0dffffffffffff"),
        (0x0000000000000000, 0x0001000000000000, "0e01000000000000"),
        (0x0000000000000000, 0x00ffffffffffffff, "0effffffffffffff"),
        (0x0000000000000000, 0x0100000000000000, "0f0100000000000000"),
        (0x0000000000000000, 0xffffffffffffffff, "0fffffffffffffffff"),
        (0x0000000000000001, 0x0000000000000000, "10"),
        (0x00000000000000ff, 0x0000000000000000, "80ff"),
        (0x0000000000000100, 0x0000000000000000, "900100"),
        (0x000000000000ffff, 0x0000000000000000, "90ffff"),
        (0x0000000000010000, 0x0000000000000000, "a0010000"),
        (0x0000000000ffffff, 0x0000000000000000, "a0ffffff"),
        (0x0000000001000000, 0x0000000000000000, "b001000000"),
        (0x00000000ffffffff, 0x0000000000000000, "b0ffffffff"),
        (0x0000000100000000, 0x0000000000000000, "c00100000000"),
        (0x000000ffffffffff, 0x0000000000000000, "c0ffffffffff"),
        (0x0000010000000000, 0x0000000000000000, "d0010000000000"),
        (0x0000ffffffffffff, 0x0000000000000000, "d0ffffffffffff"),
        (0x0001000000000000, 0x0000000000000000, "e001000000000000"),
        (0x00ffffffffffffff, 0x0000000000000000, "e0ffffffffffffff"),
        (0x0100000000000000, 0x0000000000000000, "f00100000000000000"),
        (0xffffffffffffffff, 0x0000000000000000, "f0ffffffffffffffff"),
        (0x0000000000000001, 0x0000000000000001, "11"),
        (0x00000000000000ff, 0x00000000000000ff, "88ffff"),
        (0x0000000000000100, 0x000000000000ffff, "990100ffff"),
        (0x000000000000ffff, 0x0000000000000100, "99ffff0100"),
        (0x0000000000010000, 0x00000000ffffffff, "ab010000ffffffff"),
        (0xffffffffffffffff, 0x0000000000000001, "f1ffffffffffffffff"),
        (0x0000000000000001, 0xffffffffffffffff, "1fffffffffffffffff"),
        (0xffffffffffffffff, 0x0100000000000000, "ffffffffffffffffff0100000000000000"),
        (0xffffffffffffffff, 0xffffffffffffffff, "ffffffffffffffffffffffffffffffffff"),
    ]

    @Test func headerEncodingAndDecodingMatchAppendixC1() {
        for (kid, ctr, header) in Self.headers {
            let expected = Self.hex(header)
            #expect(SFrame.header(keyId: kid, counter: ctr) == expected, "encode kid \(kid) ctr \(ctr)")
            let parsed = SFrame.parseHeader(expected + [0xaa, 0xbb])
            #expect(parsed?.keyId == kid && parsed?.counter == ctr && parsed?.length == expected.count, "decode \(header)")
            #expect(SFrame.parseHeader(Array(expected.dropLast())) == nil, "truncated \(header)")
        }
    }

    /// RFC 9605, Appendix C.3 (SFrame Encryption/Decryption), cipher_suite 0x0004.
    enum C3 {
        static let kid: UInt64 = 0x0000000000000123
        static let ctr: UInt64 = 0x0000000000004567
        static let baseKey = hex("000102030405060708090a0b0c0d0e0f")
        static let keyLabel = hex("534672616d6520312e30205365637265 74206b65792000000000000001230004")
        static let saltLabel = hex("534672616d6520312e30205365637265 742073616c7420000000000000012300 04")
        static let secret = hex("d926952ca8b7ec4a95941d1ada3a5203 ceff8cceee34f574d23909eb314c40c0")
        static let key = hex("d34f547f4ca4f9a7447006fe7fcbf768")
        static let salt = hex("75234edefe07819026751816")
        static let metadata = hex("4945544620534672616d65205747")
        static let nonce = hex("75234edefe07819026755d71")
        static let aad = hex("99012345674945544620534672616d65 205747")
        static let pt = hex("64726166742d696574662d736672616d 652d656e63")
        static let ct = hex("9901234567b7412c2513a1b66dbb4884 1bbaf17f598751176ad847681a69c6d0 b091c07018ce4adb34eb")
    }

    @Test func keyScheduleMatchesAppendixC3() {
        #expect(SFrame.suite == 0x0004)
        #expect(SFrame.label(SFrame.keyLabel, keyId: C3.kid) == C3.keyLabel)
        #expect(SFrame.label(SFrame.saltLabel, keyId: C3.kid) == C3.saltLabel)
        #expect(SFrame.secret(baseKey: C3.baseKey) == C3.secret)
        let keys = SFrame.derive(baseKey: C3.baseKey, keyId: C3.kid)
        #expect(keys.keyBytes == C3.key)
        #expect(keys.salt == C3.salt)
    }

    @Test func nonceAndAADMatchAppendixC3() {
        #expect(SFrame.nonceBytes(C3.salt, counter: C3.ctr) == C3.nonce)
        let header = SFrame.header(keyId: C3.kid, counter: C3.ctr)
        #expect(SFrame.aad(header: header, metadata: C3.metadata) == C3.aad)
    }

    @Test func encryptionGivesAppendixC3Ciphertext() throws {
        let ct = try SFrame.encrypt(kid: C3.kid, ctr: C3.ctr, metadata: C3.metadata, plaintext: C3.pt, baseKey: C3.baseKey)
        #expect(ct == C3.ct)
        #expect(ct.count == 5 + C3.pt.count + SFrame.tagBytes, "header, ciphertext, 16-byte tag")
    }

    @Test func decryptionOfAppendixC3CiphertextGivesPlaintext() throws {
        #expect(try SFrame.decrypt(metadata: C3.metadata, ciphertext: C3.ct, baseKey: C3.baseKey) == C3.pt)
        // The metadata is authenticated: without it, or with one byte changed, the frame is refused.
        #expect(throws: (any Error).self) { try SFrame.decrypt(metadata: [], ciphertext: C3.ct, baseKey: C3.baseKey) }
        var altered = C3.ct
        altered[7] ^= 0x01
        #expect(throws: (any Error).self) { try SFrame.decrypt(metadata: C3.metadata, ciphertext: altered, baseKey: C3.baseKey) }
    }
}
