/// The pixel kernel of the Grayscale guest. `wasi-media bench guest` compiles
/// this very file natively (Sources/MediaCommands/GrayscaleKernel.swift is a
/// symbolic link to it), so the guest is compared with the same code, not
/// with a different loop.
///
/// Each pixel is one little-endian 32-bit word: byte 0 is the lowest lane.
/// Its luma is `(77 R + 150 G + 29 B + 128) >> 8` (BT.601's weights in
/// integers, adding up to 256, so the result fits a byte); R, G and B
/// become it and alpha (byte 3) is kept. One load and one store per pixel,
/// and a loop the compiler turns into SIMD where the target has it.
///
/// - Parameters:
///   - words: the pixels, `count` of them.
///   - redFirst: true for RGBA (R in byte 0), false for BGRA (B in byte 0).
func grayscalePixels(_ words: UnsafeMutablePointer<UInt32>, count: Int, redFirst: Bool) {
    if redFirst {
        grayscalePixels(words, count: count, lane0Weight: 77, lane2Weight: 29)
    } else {
        grayscalePixels(words, count: count, lane0Weight: 29, lane2Weight: 77)
    }
}

/// The loop, with the weights of lanes 0 and 2 (lane 1 is always G).
/// Inlined into each call above, so the weights are constants in the loop.
@inline(__always)
private func grayscalePixels(_ words: UnsafeMutablePointer<UInt32>, count: Int, lane0Weight: UInt32, lane2Weight: UInt32) {
    var i = 0
    while i < count {
        let v = words[i]
        let y = (lane0Weight &* (v & 0xff) &+ 150 &* ((v &>> 8) & 0xff) &+ lane2Weight &* ((v &>> 16) & 0xff) &+ 128) &>> 8
        words[i] = (v & 0xff00_0000) | y | y &<< 8 | y &<< 16
        i &+= 1
    }
}
