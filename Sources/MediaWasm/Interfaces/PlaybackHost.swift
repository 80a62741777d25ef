internal import MediaCore
internal import MediaFFmpeg

/// The host side of `wasi:media/playback`.
///
/// `enumerate-audio-outputs` lists the ALSA and PulseAudio outputs this
/// machine has (``DeviceCatalog``) that were granted to the guest. Opening
/// an output the machine lacks is `not-found` ("no such device"), an
/// ungranted one `access-denied`; playing to an output that exists and is
/// granted is not implemented yet (`unsupported`), so no `audio-player`
/// handle is ever issued and its methods trap on any handle.
public enum PlaybackHost {
    public static let interface = "playback"

    final class Player {}

    enum Players: InstanceStateKey {
        static func makeValue() -> HandleTable<Player> { HandleTable(resourceName: "audio-player") }
    }

    /// The `wasi:media/playback@0.1.0-draft` host module.
    public static func module(devices access: DeviceAccess) -> HostModule {
        var module = HostModule(AppABI.module(interface))
        module.define("enumerate-audio-outputs", WasmSignature([.i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(0), size: 8, alignment: 4)
            let outputs = DeviceCatalog.audioOutputs().filter { access.allows($0.id) }
            var strings: [(id: (pointer: UInt32, length: UInt32), name: (pointer: UInt32, length: UInt32))] = []
            for output in outputs { strings.append((try instance.lower(string: output.id), try instance.lower(string: output.name))) }
            let list = try AppABI.allocateList(instance, count: outputs.count, size: 16, alignment: 4)
            let memory = try AppABI.memory(instance)
            for index in outputs.indices {
                let base = list + UInt32(index * 16)
                try memory.store(strings[index].id.pointer, at: base)
                try memory.store(strings[index].id.length, at: base + 4)
                try memory.store(strings[index].name.pointer, at: base + 8)
                try memory.store(strings[index].name.length, at: base + 12)
            }
            try memory.store(list, at: area)
            try memory.store(UInt32(outputs.count), at: area + 4)
        }
        module.define("[constructor]audio-player", WasmSignature([.i32, .i32, .i32], [.i32])) { call in
            let id = try deviceID(call)
            do { try openPlayer(id, access) } catch {
                throw HostRefusal("cannot open an audio-player: \(error)")
            }
        }
        module.define("[static]audio-player.open", WasmSignature([.i32, .i32, .i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(3), size: 16, alignment: 4)
            let id = try deviceID(call)
            try AppABI.respond(instance, area: area) { try openPlayer(id, access) }
        }
        module.define("[method]audio-player.enqueue-audio", WasmSignature([.i32, .i32, .i32, .i32, .i32, .i64, .i32])) { call in
            _ = try AppABI.returnArea(call.instance, call.u32(6), size: 16, alignment: 4)
            _ = try call.state[Players.self].borrow(call.u32(0))
            throw HostRefusal("audio-player \(call.u32(0)) has no device behind it")
        }
        module.define("[method]audio-player.connect-mixer", WasmSignature([.i32, .i32])) { call in
            _ = try call.state[Players.self].borrow(call.u32(0))
            _ = try call.state[AudioMixerHost.Contexts.self].borrow(call.u32(1))
        }
        module.define("[method]audio-player.play", WasmSignature([.i32])) { call in
            _ = try call.state[Players.self].borrow(call.u32(0))
        }
        module.define("[method]audio-player.pause", WasmSignature([.i32])) { call in
            _ = try call.state[Players.self].borrow(call.u32(0))
        }
        module.define("[method]audio-player.set-system-volume", WasmSignature([.i32, .f32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(2), size: 16, alignment: 4)
            _ = try call.state[Players.self].borrow(call.u32(0))
            let level = call.f32(1)
            try AppABI.respond(instance, area: area) {
                guard level >= 0, level <= 1 else {
                    throw AppABI.Failure(.invalidArgument, "set-system-volume: \(level) is outside 0.0...1.0")
                }
                try AppABI.storeOk(instance, area: area)
            }
        }
        module.define("[resource-drop]audio-player", WasmSignature([.i32])) { call in
            try call.state[Players.self].drop(call.u32(0))
        }
        return module
    }

    /// The `option<string>` device id in the first 3 flat parameters.
    static func deviceID(_ call: borrowing HostCall) throws(GuestFault) -> String? {
        guard try AppABI.isSome(call.u32(0), what: "device-id") else { return nil }
        return try AppABI.string(call.instance, call.u32(1), call.u32(2), what: "device-id")
    }

    static func openPlayer(_ id: String?, _ access: DeviceAccess) throws(AppABI.Failure) {
        let device = try access.open(id, among: DeviceCatalog.audioOutputs(), kind: "audio output")
        throw AppABI.Failure(.unsupported, "playing to '\(device.id)' is not implemented on this host yet")
    }
}
