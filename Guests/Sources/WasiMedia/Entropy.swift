/// The bytes behind Swift's random numbers and hash seeds.
///
/// Embedded Swift asks libc's `arc4random_buf` for them, which in wasi-libc
/// imports WASI's `random_get`: a guest using `Dictionary`, `Set` or
/// `Int.random(in:)` would then import WASI, and the host refuses such a
/// module. No world of `wasi:media` gives a guest a source of entropy, so
/// this definition (which the linker takes before libc's) fills the bytes
/// from a SplitMix64 sequence with a fixed seed: hashing works, and random
/// numbers are the same on every run, which keeps a filter a pure function
/// of its input.
@_cdecl("arc4random_buf")
public func wasiMediaFillRandomBytes(_ bytes: UnsafeMutableRawPointer?, _ count: Int) {
    guard let bytes else { return }
    for i in 0..<count {
        DeterministicRandom.state &+= 0x9E37_79B9_7F4A_7C15
        var z = DeterministicRandom.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        bytes.storeBytes(of: UInt8(truncatingIfNeeded: z ^ (z >> 31)), toByteOffset: i, as: UInt8.self)
    }
}

enum DeterministicRandom {
    nonisolated(unsafe) static var state: UInt64 = 0x5741_5349_4D45_4449  // "WASIMEDI"
}
