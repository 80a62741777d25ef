import Testing
import MediaCore
import MediaTestWatchdog

/// The code of the `MediaError` thrown by `body`, or nil when it does not throw.
private func errorCode(_ body: () throws(MediaError) -> Void) -> MediaError.Code? {
    do throws(MediaError) {
        try body()
        return nil
    } catch {
        return error.code
    }
}

@Suite("MediaBuffer", .watchdog)
struct MediaBufferTests {
    static let layout = [PlaneLayout(offset: 0, stride: 4, rows: 2), PlaneLayout(offset: 8, stride: 2, rows: 1)]

    static func sample() -> MediaBuffer {
        MediaBuffer(bytes: Array(0..<10), planes: layout)!
    }

    @Test func readsInsideTheBuffer() {
        let b = Self.sample()
        #expect(b.size == 10)
        #expect(b.read(offset: 0, count: 10).map(Array.init) == Array(0..<10))
        #expect(b.read(offset: 3, count: 4).map(Array.init) == [3, 4, 5, 6])
        #expect(b.read(offset: 9, count: 1).map(Array.init) == [9])
        #expect(b.read(offset: 10, count: 0).map(Array.init) == [])
        #expect(b.read(offset: 0, count: 0).map(Array.init) == [])
    }

    @Test(arguments: [(-1, 1), (-1, 0), (10, 1), (11, 0), (0, 11), (5, 6), (9, 2), (2, -1), (Int.max, 1), (1, Int.max),
                      (Int.max, Int.max), (Int.min, 1), (0, Int.min)])
    func outOfRangeReadsReturnNil(offset: Int, count: Int) {
        #expect(Self.sample().read(offset: offset, count: count) == nil)
    }

    @Test func writesInsideTheBuffer() {
        var b = Self.sample()
        let first = b.write(offset: 2, [0xAA, 0xBB])
        #expect(first)
        #expect(b.bytes == [0, 1, 0xAA, 0xBB, 4, 5, 6, 7, 8, 9])
        let toEnd = b.write(offset: 8, [0xCC, 0xDD])     // exactly to the end
        #expect(toEnd)
        #expect(b.bytes.suffix(2) == [0xCC, 0xDD])
        let empty = b.write(offset: 10, [UInt8]())       // empty write at the end
        #expect(empty)
        #expect(b.size == 10)
        #expect(b.plane(1) == [0xCC, 0xDD])
    }

    @Test(arguments: [(-1, 1), (9, 2), (10, 1), (0, 11), (Int.max, 1), (Int.min, 1), (-1, 0), (11, 0)])
    func outOfRangeWritesReturnFalseAndChangeNothing(offset: Int, count: Int) {
        var b = Self.sample()
        let before = b
        let written = b.write(offset: offset, [UInt8](repeating: 0xFF, count: count))
        #expect(!written)
        #expect(b == before)
        #expect(b.bytes == Array(0..<10))
    }

    @Test func copiesAreIndependent() {
        let a = Self.sample()
        var b = a
        let written = b.write(offset: 0, [0xFF])
        #expect(written)
        #expect(a.bytes[0] == 0)
        #expect(b.bytes[0] == 0xFF)
        #expect(a != b)
    }

    @Test func planesSliceTheirBytes() {
        let b = Self.sample()
        #expect(b.planes == Self.layout)
        #expect(Array(b.plane(0)) == Array(0..<8))
        #expect(Array(b.plane(1)) == [8, 9])
    }

    @Test func zeroedAllocation() {
        let b = MediaBuffer(count: 6, planes: [PlaneLayout(offset: 0, stride: 3, rows: 2)])
        #expect(b.bytes == [0, 0, 0, 0, 0, 0])
        #expect(b.size == 6)
    }

    @Test func planesThatFitAreAccepted() {
        #expect(MediaBuffer(bytes: Array(repeating: 0, count: 10), planes: [PlaneLayout(offset: 0, stride: 5, rows: 2)]) != nil)
        #expect(MediaBuffer(bytes: [], planes: []) != nil)
        #expect(MediaBuffer(bytes: [], planes: [PlaneLayout(offset: 0, stride: 0, rows: 0)]) != nil)
        #expect(MediaBuffer(bytes: [1, 2, 3], planes: [PlaneLayout(offset: 3, stride: 0, rows: 5)]) != nil)   // empty plane at the end
    }

    @Test(arguments: [
        PlaneLayout(offset: 0, stride: 5, rows: 3),    // 15 > 10
        PlaneLayout(offset: 1, stride: 10, rows: 1),   // ends at 11
        PlaneLayout(offset: 10, stride: 1, rows: 1),   // starts at the end
        PlaneLayout(offset: -1, stride: 1, rows: 1),   // before the start
        PlaneLayout(offset: 0, stride: -2, rows: 2),   // negative stride
        PlaneLayout(offset: 0, stride: 2, rows: -1),   // negative rows
        PlaneLayout(offset: 4, stride: -2, rows: -2),  // negative stride and rows whose product is positive
        PlaneLayout(offset: 20, stride: 0, rows: 0),   // empty but outside
    ])
    func planesOutsideTheBufferAreRejected(plane: PlaneLayout) {
        let bytes = [UInt8](repeating: 7, count: 10)
        #expect(MediaBuffer(bytes: bytes, planes: [plane]) == nil)
        // One good plane does not rescue a bad one.
        #expect(MediaBuffer(bytes: bytes, planes: [PlaneLayout(offset: 0, stride: 1, rows: 1), plane]) == nil)
    }

    @Test
    func overflowingPlanesAreRejectedNotTrapped() {
        let bytes = [UInt8](repeating: 0, count: 16)
        #expect(MediaBuffer(bytes: bytes, planes: [PlaneLayout(offset: 0, stride: Int.max, rows: 2)]) == nil)
        #expect(MediaBuffer(bytes: bytes, planes: [PlaneLayout(offset: Int.max, stride: 1, rows: 1)]) == nil)
        #expect(MediaBuffer(bytes: bytes, planes: [PlaneLayout(offset: 8, stride: Int.max / 2 + 1, rows: 2)]) == nil)
    }
}

@Suite("VideoFrame", .watchdog)
struct VideoFrameTests {
    static let badSizes: [(Int, Int)] = [(0, 10), (10, 0), (0, 0), (-2, 10), (10, -1), (Int.min, 10),
                                         (16385, 10), (10, 16385), (Int.max, 1), (1, Int.max)]

    @Test(arguments: badSizes)
    func zeroFilledInitRejectsBadSizes(width: Int, height: Int) {
        for format in PixelFormat.allCases {
            #expect(errorCode { () throws(MediaError) in
                _ = try VideoFrame(format: format, width: width, height: height, timestampUs: 0)
            } == .invalidArgument, "\(format) \(width)x\(height)")
        }
    }

    @Test(arguments: badSizes)
    func bytesInitRejectsBadSizes(width: Int, height: Int) {
        #expect(errorCode { () throws(MediaError) in
            _ = try VideoFrame(bytes: [0, 0, 0, 0], format: .rgba8888, width: width, height: height, timestampUs: 0)
        } == .invalidArgument)
    }

    @Test(arguments: badSizes)
    func initializingInitRejectsBadSizesWithoutCallingTheInitializer(width: Int, height: Int) {
        var called = false
        #expect(errorCode { () throws(MediaError) in
            _ = try VideoFrame(format: .yuv420p, width: width, height: height, timestampUs: 0) { (_, _) throws(MediaError) in called = true }
        } == .invalidArgument)
        #expect(!called)
    }

    @Test func sizeErrorNamesTheSizeAndTheLimit() throws {
        let error = try #require(throws: MediaError.self) {
            try VideoFrame(format: .yuv420p, width: 16385, height: 2, timestampUs: 0)
        }
        #expect(error.code == .invalidArgument)
        #expect(error.description.contains("16385x2"))
        #expect(error.description.contains("16384"))
    }

    @Test func largestAndSmallestSizesAreAccepted() throws {
        let big = try VideoFrame(format: .rgba8888, width: 16384, height: 1, timestampUs: 0)
        #expect(big.buffer.size == 16384 * 4)
        let tall = try VideoFrame(format: .nv12, width: 1, height: 16384, timestampUs: 0)
        #expect(tall.buffer.size == 16384 + 2 * 8192)
        let tiny = try VideoFrame(format: .yuv420p, width: 1, height: 1, timestampUs: -5, durationUs: 40)
        #expect(tiny.buffer.bytes == [0, 0, 0])
        #expect(tiny.timestampUs == -5 && tiny.durationUs == 40)
    }

    @Test(arguments: PixelFormat.allCases)
    func wrongByteCountsAreRejected(format: PixelFormat) throws {
        let expected = format.byteCount(width: 5, height: 3)
        for count in [0, 1, expected - 1, expected + 1, expected * 2] {
            let error = try #require(throws: MediaError.self) {
                try VideoFrame(bytes: [UInt8](repeating: 1, count: count), format: format, width: 5, height: 3, timestampUs: 0)
            }
            #expect(error.code == .invalidArgument)
            #expect(error.description.contains("\(expected)"), "\(error)")
            #expect(error.description.contains("got \(count)"), "\(error)")
        }
        let ok = try VideoFrame(bytes: [UInt8](repeating: 1, count: expected), format: format, width: 5, height: 3, timestampUs: 0)
        #expect(ok.buffer.planes == format.planes(width: 5, height: 3))
    }

    @Test func initializerSeesTheCanonicalPlanes() throws {
        let frame = try VideoFrame(format: .yuv420p, width: 5, height: 3, timestampUs: 0) { (raw, planes) throws(MediaError) in
            #expect(raw.count == 27)
            #expect(planes == PixelFormat.yuv420p.planes(width: 5, height: 3))
            for i in 0..<raw.count { raw[i] = UInt8(i) }
        }
        #expect(frame.buffer.bytes == (0..<27).map(UInt8.init))
        #expect(Array(frame.buffer.plane(2)) == (21..<27).map(UInt8.init))
    }

    @Test func initializerErrorsPropagate() {
        let failure = MediaError(.failed, operation: "fill", message: "boom")
        #expect(throws: failure) {
            try VideoFrame(format: .rgba8888, width: 2, height: 2, timestampUs: 0) { (_, _) throws(MediaError) in throw failure }
        }
    }
}

@Suite("AudioData", .watchdog)
struct AudioDataTests {
    @Test(arguments: [(0, 2, 10), (-1, 2, 10), (768_001, 2, 10), (Int.min, 1, 1), (48_000, 0, 10), (48_000, -1, 10),
                      (48_000, 256, 10), (48_000, 2, -1)])
    func silenceInitValidates(sampleRate: Int, channels: Int, frames: Int) {
        for format in SampleFormat.allCases {
            #expect(errorCode { () throws(MediaError) in
                _ = try AudioData(format: format, sampleRate: sampleRate, channels: channels, frameCount: frames, timestampUs: 0)
            } == .invalidArgument, "\(format) \(sampleRate) Hz \(channels) ch \(frames) frames")
        }
    }

    @Test func validationMessagesNameTheProblem() throws {
        let rate = try #require(throws: MediaError.self) {
            try AudioData(format: .f32Planar, sampleRate: 0, channels: 2, frameCount: 1, timestampUs: 0)
        }
        #expect(rate.description.contains("sample rate 0"))
        let channels = try #require(throws: MediaError.self) {
            try AudioData(format: .f32Planar, sampleRate: 48_000, channels: 256, frameCount: 1, timestampUs: 0)
        }
        #expect(channels.description.contains("channel count 256"))
        #expect(channels.description.contains("255"))
    }

    @Test func limitsAreInclusive() throws {
        let a = try AudioData(format: .s16Interleaved, sampleRate: 768_000, channels: 255, frameCount: 2, timestampUs: 0)
        #expect(a.buffer.size == 2 * 255 * 2)
        let b = try AudioData(format: .f32Planar, sampleRate: 1, channels: 1, frameCount: 0, timestampUs: 0)
        #expect(b.buffer.size == 0)
        #expect(b.durationUs == 0)
    }

    @Test func silenceHasTheFormatsLayout() throws {
        let planar = try AudioData(format: .f32Planar, sampleRate: 48_000, channels: 3, frameCount: 7, timestampUs: 11)
        #expect(planar.buffer.planes == SampleFormat.f32Planar.planes(channels: 3, frames: 7))
        #expect(planar.buffer.size == 84)
        #expect(planar.buffer.bytes.allSatisfy { $0 == 0 })
        #expect(planar.samples(channel: 2) == [Float](repeating: 0, count: 7))
        let interleaved = try AudioData(format: .s16Interleaved, sampleRate: 48_000, channels: 3, frameCount: 7, timestampUs: 11)
        #expect(interleaved.buffer.planes == [PlaneLayout(offset: 0, stride: 42, rows: 1)])
        #expect(interleaved.samples(channel: 1) == [Float](repeating: 0, count: 7))
    }

    @Test func bytesInitRejectsPartialSamples() throws {
        // 6 bytes is one and a half stereo s16 frames; 3 bytes is not one f32 sample.
        let cases: [(Int, SampleFormat, Int)] = [(6, .s16Interleaved, 2), (3, .f32Planar, 1), (4, .f32Planar, 2), (5, .s16Interleaved, 1)]
        for (count, format, channels) in cases {
            let error = try #require(throws: MediaError.self) {
                try AudioData(bytes: [UInt8](repeating: 0, count: count), format: format, sampleRate: 48_000, channels: channels, timestampUs: 0)
            }
            #expect(error.code == .invalidArgument)
            #expect(error.description.contains("\(count) bytes"), "\(error)")
        }
        #expect(errorCode { () throws(MediaError) in
            _ = try AudioData(bytes: [0, 0], format: .s16Interleaved, sampleRate: 48_000, channels: 0, timestampUs: 0)
        } == .invalidArgument)
        #expect(errorCode { () throws(MediaError) in
            _ = try AudioData(bytes: [0, 0], format: .s16Interleaved, sampleRate: 0, channels: 1, timestampUs: 0)
        } == .invalidArgument)
    }

    @Test func planarInitRejectsRaggedChannels() throws {
        let error = try #require(throws: MediaError.self) {
            try AudioData(planar: [[0, 0, 0], [0, 0]], sampleRate: 48_000, timestampUs: 0)
        }
        #expect(error.code == .invalidArgument)
        #expect(error.description.contains("length"))
        #expect(errorCode { () throws(MediaError) in
            _ = try AudioData(planar: [], sampleRate: 48_000, timestampUs: 0)
        } == .invalidArgument)
    }

    @Test func f32PlanarSamplesPerChannel() throws {
        let a = try AudioData(planar: [[0.5, -0.25, 1], [-1, 0, 0.125]], sampleRate: 44_100, timestampUs: 1_000)
        #expect(a.format == .f32Planar)
        #expect(a.channels == 2 && a.frameCount == 3 && a.sampleRate == 44_100 && a.timestampUs == 1_000)
        #expect(a.samples(channel: 0) == [0.5, -0.25, 1])
        #expect(a.samples(channel: 1) == [-1, 0, 0.125])
        #expect(a.buffer.planes == SampleFormat.f32Planar.planes(channels: 2, frames: 3))
    }

    @Test func s16InterleavedSamplesPerChannel() throws {
        let values: [Int16] = [16_384, -32_768, 0, 32_767, -1, 8_192]   // L R L R L R
        let bytes = values.flatMap { v -> [UInt8] in let u = UInt16(bitPattern: v); return [UInt8(u & 0xFF), UInt8(u >> 8)] }
        let a = try AudioData(bytes: bytes, format: .s16Interleaved, sampleRate: 8_000, channels: 2, timestampUs: 0)
        #expect(a.frameCount == 3)
        #expect(a.samples(channel: 0) == [0.5, 0, -1.0 / 32_768])
        #expect(a.samples(channel: 1) == [-1, 32_767.0 / 32_768, 0.25])
    }

    @Test func bytesInitRoundTripsPlanarBytes() throws {
        let a = try AudioData(planar: [[0.5, 0.25], [-0.5, -0.25]], sampleRate: 48_000, timestampUs: 0)
        let b = try AudioData(bytes: a.buffer.bytes, format: .f32Planar, sampleRate: 48_000, channels: 2, timestampUs: 0)
        #expect(a == b)
        #expect(b.samples(channel: 1) == [-0.5, -0.25])
    }

    @Test func emptyAudioHasNoSamples() throws {
        let a = try AudioData(planar: [[], []], sampleRate: 48_000, timestampUs: 0)
        #expect(a.frameCount == 0)
        #expect(a.samples(channel: 1).isEmpty)
        let b = try AudioData(bytes: [], format: .s16Interleaved, sampleRate: 48_000, channels: 2, timestampUs: 0)
        #expect(b.samples(channel: 0).isEmpty)
    }

    @Test func durationRoundsDown() throws {
        #expect(try AudioData(format: .f32Planar, sampleRate: 48_000, channels: 1, frameCount: 48_000, timestampUs: 0).durationUs == 1_000_000)
        #expect(try AudioData(format: .f32Planar, sampleRate: 44_100, channels: 1, frameCount: 1, timestampUs: 0).durationUs == 22)   // 22.68
        #expect(try AudioData(format: .s16Interleaved, sampleRate: 44_100, channels: 2, frameCount: 1024, timestampUs: 0).durationUs == 23_219)   // 23 219.95
    }
}
