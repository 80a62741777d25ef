internal import MediaCore

/// The host side of `wasi:media/audio-mixer`: each `audio-context` is an
/// ``AudioMix`` (MediaFFmpeg's resampler per track, gains, summing),
/// charged to the instance's ``HostBudget``: the context when made (the
/// constructor traps when it does not fit), each track, and the resampled
/// audio waiting to be mixed (`submit-audio` returns `out-of-bounds` before
/// resampling what would not fit).
public enum AudioMixerHost {
    public static let interface = "audio-mixer"

    enum Contexts: InstanceStateKey {
        static func makeValue() -> HandleTable<AudioMix> { HandleTable(resourceName: "audio-context") }
    }

    /// The `wasi:media/audio-mixer@0.1.0-draft` host module.
    public static func module() -> HostModule {
        var module = HostModule(AppABI.module(interface))
        module.define("[constructor]audio-context", WasmSignature([.i32, .i32], [.i32])) { call in
            let rate = call.u32(0), channels = UInt8(truncatingIfNeeded: call.u32(1))
            guard (1...768_000).contains(rate), channels > 0 else {
                throw HostRefusal("an audio-context of \(rate) Hz and \(channels) channels cannot be made")
            }
            let budget = call.instance.hostBudget
            let charge = try budget.charge(HostCosts.audioContext, for: "an audio-context", by: call.name.field,
                                           advice: "drop an audio-context first")
            let mix = AudioMix(sampleRate: Int(rate), channels: Int(channels), budget: budget, charge: charge)
            call.setResult(try call.state[Contexts.self].insert(mix))
        }
        defineTrackMethod(&module, "[method]audio-context.add-source-track") { try $0.addTrack($1, by: $2) }
        defineTrackMethod(&module, "[method]audio-context.end-source-track") { mix, track, _ in try mix.end(track) }
        module.define("[method]audio-context.submit-audio", WasmSignature([.i32, .i32, .i32, .i32, .i32, .i32, .i64, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(7), size: 16, alignment: 4)
            let mix = try call.state[Contexts.self].borrow(call.u32(0))
            let track = call.u32(1)
            let audio = try AppFrames.takeAudioData(call, from: 2)
            let operation = call.name.field
            try AppABI.respond(instance, area: area) {
                try mix.submit(track, audio, by: operation)
                try AppABI.storeOk(instance, area: area)
            }
        }
        module.define("[method]audio-context.set-track-gain", WasmSignature([.i32, .i32, .f32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(3), size: 16, alignment: 4)
            let mix = try call.state[Contexts.self].borrow(call.u32(0))
            let track = call.u32(1), gain = call.f32(2)
            try AppABI.respond(instance, area: area) {
                try mix.setGain(track, gain)
                try AppABI.storeOk(instance, area: area)
            }
        }
        module.define("[method]audio-context.read-master-output", WasmSignature([.i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(1), size: 32, alignment: 8)
            let mix = try call.state[Contexts.self].borrow(call.u32(0))
            let audio = mix.read()
            try AppABI.memory(instance).store(UInt8(audio == nil ? 0 : 1), at: area)
            if let audio { try AppFrames.storeAudioData(instance, audio, at: area + 8) }
        }
        module.define("[resource-drop]audio-context", WasmSignature([.i32])) { call in
            try call.state[Contexts.self].drop(call.u32(0))
        }
        return module
    }

    /// `(self, track-id, retptr)` returning `result<_, media-error>`.
    static func defineTrackMethod(_ module: inout HostModule, _ field: String,
                                  _ body: @escaping @Sendable (AudioMix, UInt32, String) throws -> Void) {
        module.define(field, WasmSignature([.i32, .i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(2), size: 16, alignment: 4)
            let mix = try call.state[Contexts.self].borrow(call.u32(0))
            let track = call.u32(1)
            let operation = call.name.field
            try AppABI.respond(instance, area: area) {
                try body(mix, track, operation)
                try AppABI.storeOk(instance, area: area)
            }
        }
    }
}
