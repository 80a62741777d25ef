import Testing
import MediaCore
import MediaTestWatchdog

@Suite("PixelFormat and SampleFormat layouts", .watchdog)
struct FormatLayoutTests {
    // MARK: - PixelFormat

    @Test(arguments: [(1, 1), (2, 2), (5, 3), (7, 1), (1, 9), (320, 240), (641, 481), (16384, 3)])
    func yuv420pPlanesUseRoundedUpChroma(width: Int, height: Int) {
        let cw = (width + 1) / 2, ch = (height + 1) / 2
        let planes = PixelFormat.yuv420p.planes(width: width, height: height)
        #expect(planes == [
            PlaneLayout(offset: 0, stride: width, rows: height),
            PlaneLayout(offset: width * height, stride: cw, rows: ch),
            PlaneLayout(offset: width * height + cw * ch, stride: cw, rows: ch),
        ])
        #expect(PixelFormat.yuv420p.byteCount(width: width, height: height) == width * height + 2 * cw * ch)
        #expect(PixelFormat.yuv420p.rowBytes(plane: 0, width: width) == width)
        #expect(PixelFormat.yuv420p.rowBytes(plane: 1, width: width) == cw)
        #expect(PixelFormat.yuv420p.rowBytes(plane: 2, width: width) == cw)
    }

    @Test(arguments: [(1, 1), (5, 3), (7, 1), (641, 481), (320, 240)])
    func nv12PlanesInterleaveRoundedUpChroma(width: Int, height: Int) {
        let cw = (width + 1) / 2, ch = (height + 1) / 2
        let planes = PixelFormat.nv12.planes(width: width, height: height)
        #expect(planes == [
            PlaneLayout(offset: 0, stride: width, rows: height),
            PlaneLayout(offset: width * height, stride: cw * 2, rows: ch),
        ])
        #expect(PixelFormat.nv12.byteCount(width: width, height: height) == width * height + cw * 2 * ch)
        #expect(PixelFormat.nv12.rowBytes(plane: 1, width: width) == cw * 2)
        // Same bytes as yuv420p: both are 4:2:0.
        #expect(PixelFormat.nv12.byteCount(width: width, height: height) == PixelFormat.yuv420p.byteCount(width: width, height: height))
    }

    @Test(arguments: [PixelFormat.rgba8888, .bgra8888], [(1, 1), (5, 3), (641, 481)])
    func packedRGBHasOnePlaneOfFourBytesPerPixel(format: PixelFormat, size: (Int, Int)) {
        let (w, h) = size
        #expect(format.planes(width: w, height: h) == [PlaneLayout(offset: 0, stride: w * 4, rows: h)])
        #expect(format.byteCount(width: w, height: h) == w * h * 4)
        #expect(format.rowBytes(plane: 0, width: w) == w * 4)
    }

    @Test func oddSizeExampleByHand() {
        // 5x3 yuv420p: 15 luma bytes, then 3x2 U and 3x2 V = 27 bytes.
        let p = PixelFormat.yuv420p.planes(width: 5, height: 3)
        #expect(p.map(\.offset) == [0, 15, 21])
        #expect(p.map(\.byteCount) == [15, 6, 6])
        #expect(PixelFormat.yuv420p.byteCount(width: 5, height: 3) == 27)
        #expect(PixelFormat.nv12.planes(width: 5, height: 3).map(\.byteCount) == [15, 12])
    }

    @Test func pixelFormatNamesAndAliases() {
        #expect(PixelFormat.allCases.map(\.witName) == ["rgba8888", "bgra8888", "yuv420p", "nv12"])
        for format in PixelFormat.allCases {
            #expect(PixelFormat(name: format.witName) == format)
            #expect(PixelFormat(name: format.witName.uppercased()) == format)
            #expect(PixelFormat(rawValue: format.witName) == format)
        }
        let aliases: [(String, PixelFormat)] = [("rgba", .rgba8888), ("RGBA", .rgba8888), ("bgra", .bgra8888),
                                                ("i420", .yuv420p), ("I420", .yuv420p), ("Nv12", .nv12)]
        for (name, format) in aliases { #expect(PixelFormat(name: name) == format, "\(name)") }
        for bad in ["", "yuv420", "yuv422p", "rgb", "rgba8888 ", "argb", "nv21"] {
            #expect(PixelFormat(name: bad) == nil, "'\(bad)'")
        }
        #expect(PixelFormat.yuv420p.isSubsampled420 && PixelFormat.nv12.isSubsampled420)
        #expect(!PixelFormat.rgba8888.isSubsampled420 && !PixelFormat.bgra8888.isSubsampled420)
    }

    // MARK: - SampleFormat

    @Test func f32PlanarHasOnePlanePerChannel() {
        let planes = SampleFormat.f32Planar.planes(channels: 3, frames: 10)
        #expect(planes == [
            PlaneLayout(offset: 0, stride: 40, rows: 1),
            PlaneLayout(offset: 40, stride: 40, rows: 1),
            PlaneLayout(offset: 80, stride: 40, rows: 1),
        ])
        #expect(SampleFormat.f32Planar.bytesPerSample == 4)
        #expect(SampleFormat.f32Planar.isPlanar)
    }

    @Test func s16InterleavedHasOnePlane() {
        #expect(SampleFormat.s16Interleaved.planes(channels: 3, frames: 10) == [PlaneLayout(offset: 0, stride: 60, rows: 1)])
        #expect(SampleFormat.s16Interleaved.planes(channels: 1, frames: 1) == [PlaneLayout(offset: 0, stride: 2, rows: 1)])
        #expect(SampleFormat.s16Interleaved.bytesPerSample == 2)
        #expect(!SampleFormat.s16Interleaved.isPlanar)
    }

    @Test func zeroFramesGiveEmptyPlanes() {
        #expect(SampleFormat.f32Planar.planes(channels: 2, frames: 0).map(\.byteCount) == [0, 0])
        #expect(SampleFormat.s16Interleaved.planes(channels: 2, frames: 0).map(\.byteCount) == [0])
    }

    @Test func sampleFormatNamesAndAliases() {
        #expect(SampleFormat.allCases.map(\.witName) == ["f32-planar", "s16-interleaved"])
        let names: [(String, SampleFormat)] = [("f32-planar", .f32Planar), ("fltp", .f32Planar), ("F32P", .f32Planar),
                                               ("s16-interleaved", .s16Interleaved), ("s16", .s16Interleaved), ("S16", .s16Interleaved)]
        for (name, format) in names { #expect(SampleFormat(name: name) == format, "\(name)") }
        for bad in ["", "f32", "flt", "s16p", "s32", "float"] { #expect(SampleFormat(name: bad) == nil, "'\(bad)'") }
    }
}
