import Crypto
public import MediaCore

/// SFrame (RFC 9605) end-to-end encryption of encoded frames, done by the host:
/// the key is a property of the host element, so no guest transform in the
/// same pipeline ever sees it (the browser's built-in transformer that gives
/// JavaScript no key access, in the insertable-streams design).
///
/// Layout and key schedule follow RFC 9605 with cipher suite
/// AES_128_GCM_SHA256_128 (0x0004):
/// - header: one config byte `X KKK Y CCC` (K: key id if < 8 and X = 0, else
///   X = 1 and K + 1 bytes of key id follow; C likewise for the counter),
///   then the key id and counter bytes, big-endian, shortest form;
/// - `secret = HKDF-Extract(salt: "", base key)`;
///   `key = HKDF-Expand(secret, "SFrame 1.0 Secret key " ‖ KID(8) ‖ suite(2), 16)`;
///   `salt = HKDF-Expand(secret, "SFrame 1.0 Secret salt " ‖ KID(8) ‖ suite(2), 12)`;
/// - nonce = salt XOR counter (right-aligned in 12 bytes); the additional
///   authenticated data is header ‖ metadata; the output is
///   header ‖ ciphertext ‖ 16-byte tag.
///
/// Checked byte for byte against the RFC's test vectors for this suite
/// (Appendix C.1 headers; C.3 key schedule, nonce, AAD, ciphertext and
/// decryption: `SFrameVectorTests`), so frames should interoperate with other
/// RFC 9605 implementations using the same base key and KID. The elements
/// hold one KID each, use no metadata (the AAD is the header alone) and
/// count frames from 0; `encrypt`/`decrypt` below take metadata too.
enum SFrame {
    static let suite: UInt16 = 0x0004
    static let tagBytes = 16

    struct Keys {
        let key: SymmetricKey
        let salt: [UInt8]

        var keyBytes: [UInt8] { key.withUnsafeBytes { Array($0) } }
    }

    /// `sframe_secret = HKDF-Extract("", base_key)` (RFC 9605, section 4.4.2).
    static func secret(baseKey: [UInt8]) -> [UInt8] {
        HKDF<SHA256>.extract(inputKeyMaterial: SymmetricKey(data: baseKey), salt: [UInt8]()).withUnsafeBytes { Array($0) }
    }

    /// The HKDF-Expand info: `prefix ‖ KID (8 bytes, big-endian) ‖ cipher suite (2 bytes)`.
    static func label(_ prefix: String, keyId: UInt64) -> [UInt8] {
        Array(prefix.utf8) + (0..<8).reversed().map { UInt8(truncatingIfNeeded: keyId >> (8 * UInt64($0))) } + [UInt8(suite >> 8), UInt8(suite & 0xff)]
    }

    static let keyLabel = "SFrame 1.0 Secret key "
    static let saltLabel = "SFrame 1.0 Secret salt "

    static func derive(baseKey: [UInt8], keyId: UInt64) -> Keys {
        let prk = secret(baseKey: baseKey)
        let key = HKDF<SHA256>.expand(pseudoRandomKey: prk, info: label(keyLabel, keyId: keyId), outputByteCount: 16)
        let salt = HKDF<SHA256>.expand(pseudoRandomKey: prk, info: label(saltLabel, keyId: keyId), outputByteCount: 12)
        return Keys(key: key, salt: salt.withUnsafeBytes { Array($0) })
    }

    /// Big-endian bytes of `value`, shortest form (at least one byte).
    static func minimalBytes(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        var v = value
        repeat { bytes.insert(UInt8(v & 0xff), at: 0); v >>= 8 } while v > 0
        return bytes
    }

    static func header(keyId: UInt64, counter: UInt64) -> [UInt8] {
        var config: UInt8 = 0
        var tail: [UInt8] = []
        if keyId < 8 { config |= UInt8(keyId) << 4 } else {
            let k = minimalBytes(keyId)
            config |= 0x80 | UInt8(k.count - 1) << 4
            tail += k
        }
        if counter < 8 { config |= UInt8(counter) } else {
            let c = minimalBytes(counter)
            config |= 0x08 | UInt8(c.count - 1)
            tail += c
        }
        return [config] + tail
    }

    /// Reads a header; nil when the bytes are too short for what the config byte announces.
    static func parseHeader(_ data: [UInt8]) -> (keyId: UInt64, counter: UInt64, length: Int)? {
        guard let config = data.first else { return nil }
        var at = 1
        func read(_ count: Int) -> UInt64? {
            guard at + count <= data.count else { return nil }
            defer { at += count }
            return data[at..<(at + count)].reduce(0) { $0 << 8 | UInt64($1) }
        }
        let k = (config >> 4) & 0x07, c = config & 0x07
        guard let keyId = config & 0x80 != 0 ? read(Int(k) + 1) : UInt64(k),
              let counter = config & 0x08 != 0 ? read(Int(c) + 1) : UInt64(c) else { return nil }
        return (keyId, counter, at)
    }

    /// `sframe_salt XOR CTR`, the counter right-aligned in the 12 bytes.
    static func nonceBytes(_ salt: [UInt8], counter: UInt64) -> [UInt8] {
        var n = salt
        for i in 0..<8 { n[11 - i] ^= UInt8(truncatingIfNeeded: counter >> (8 * UInt64(i))) }
        return n
    }

    static func nonce(_ salt: [UInt8], counter: UInt64) throws -> AES.GCM.Nonce {
        try AES.GCM.Nonce(data: nonceBytes(salt, counter: counter))
    }

    static func aad(header: some Collection<UInt8>, metadata: [UInt8]) -> [UInt8] {
        Array(header) + metadata
    }

    /// `header ‖ CT ‖ tag`, with AAD = `header ‖ metadata` (RFC 9605, section 4.4.3).
    static func seal(_ plaintext: [UInt8], keyId: UInt64, counter: UInt64, metadata: [UInt8] = [], keys: Keys) throws -> [UInt8] {
        let head = header(keyId: keyId, counter: counter)
        let sealed = try AES.GCM.seal(plaintext, using: keys.key, nonce: nonce(keys.salt, counter: counter), authenticating: aad(header: head, metadata: metadata))
        return head + Array(sealed.ciphertext) + Array(sealed.tag)
    }

    /// The plaintext of `frame`, whose header (`headerLength` bytes, already
    /// parsed) carries `counter`; throws when the tag does not check out.
    static func open(_ frame: [UInt8], headerLength: Int, counter: UInt64, metadata: [UInt8] = [], keys: Keys) throws -> [UInt8] {
        let body = frame[headerLength..<(frame.count - tagBytes)]
        let tag = frame[(frame.count - tagBytes)...]
        let box = try AES.GCM.SealedBox(nonce: nonce(keys.salt, counter: counter), ciphertext: body, tag: tag)
        return Array(try AES.GCM.open(box, using: keys.key, authenticating: aad(header: frame[..<headerLength], metadata: metadata)))
    }

    enum OpenError: Error { case malformed }

    /// RFC 9605 section 4.4.3 `encrypt(CTR, KID, metadata, plaintext)` with
    /// a context holding `baseKey` for `kid`.
    static func encrypt(kid: UInt64, ctr: UInt64, metadata: [UInt8], plaintext: [UInt8], baseKey: [UInt8]) throws -> [UInt8] {
        try seal(plaintext, keyId: kid, counter: ctr, metadata: metadata, keys: derive(baseKey: baseKey, keyId: kid))
    }

    /// RFC 9605 section 4.4.4 `decrypt(metadata, sframe_ciphertext)`, the
    /// key derived from `baseKey` for the KID the header names.
    static func decrypt(metadata: [UInt8], ciphertext: [UInt8], baseKey: [UInt8]) throws -> [UInt8] {
        guard let (kid, counter, length) = parseHeader(ciphertext), ciphertext.count >= length + tagBytes else { throw OpenError.malformed }
        return try open(ciphertext, headerLength: length, counter: counter, metadata: metadata, keys: derive(baseKey: baseKey, keyId: kid))
    }

    /// Parses `key=` (32 hex digits: 16 bytes).
    static func baseKey(_ text: String?) throws(PipelineError) -> [UInt8] {
        guard let text else { throw PipelineError(.failed, "key is not set (32 hex digits)") }
        let digits = Array(text.utf8)
        var bytes: [UInt8] = []
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var i = 0
        while i + 1 < digits.count, let hi = value(digits[i]), let lo = value(digits[i + 1]) {
            bytes.append(hi << 4 | lo)
            i += 2
        }
        guard i == digits.count, bytes.count == 16 else {
            throw PipelineError(.failed, "key must be 32 hex digits (16 bytes); got \(digits.count) characters")
        }
        return bytes
    }
}
