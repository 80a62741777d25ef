internal import MediaCore
internal import MediaFFmpeg

/// The host side of `wasi:media/capture`.
///
/// `enumerate-devices` lists the cameras and microphones this machine has
/// (``DeviceCatalog``: v4l2, ALSA, PulseAudio) that were granted to the
/// guest. Opening a device the machine lacks is `not-found` ("no such
/// device"), an ungranted one `access-denied`; streaming from a device that
/// exists and is granted is not implemented yet (`unsupported`). Virtual
/// broadcasters need a loopback device this host does not drive:
/// `create` is `unsupported`, the constructor traps.
public enum CaptureHost {
    public static let interface = "capture"

    /// A capture stream (none can be opened yet; the table keeps handle checks exact).
    final class Stream {}
    /// A virtual device (none can be created yet).
    final class Broadcaster {}

    enum Streams: InstanceStateKey {
        static func makeValue() -> HandleTable<Stream> { HandleTable(resourceName: "media-stream") }
    }
    enum Broadcasters: InstanceStateKey {
        static func makeValue() -> HandleTable<Broadcaster> { HandleTable(resourceName: "virtual-broadcaster") }
    }

    /// `device-type` case index of a catalog device.
    static func typeIndex(_ kind: DeviceCatalog.Kind) -> UInt8 {
        switch kind {
        case .camera: 0
        case .microphone, .speaker: 1
        }
    }

    /// The `wasi:media/capture@0.1.0-draft` host module.
    public static func module(devices access: DeviceAccess) -> HostModule {
        var module = HostModule(AppABI.module(interface))
        module.define("enumerate-devices", WasmSignature([.i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(0), size: 8, alignment: 4)
            let devices = DeviceCatalog.captureDevices().filter { access.allows($0.id) }
            var strings: [(id: (pointer: UInt32, length: UInt32), name: (pointer: UInt32, length: UInt32))] = []
            for device in devices { strings.append((try instance.lower(string: device.id), try instance.lower(string: device.name))) }
            let list = try AppABI.allocateList(instance, count: devices.count, size: 20, alignment: 4)
            let memory = try AppABI.memory(instance)
            for (index, device) in devices.enumerated() {
                let base = list + UInt32(index * 20)
                try memory.store(strings[index].id.pointer, at: base)
                try memory.store(strings[index].id.length, at: base + 4)
                try memory.store(strings[index].name.pointer, at: base + 8)
                try memory.store(strings[index].name.length, at: base + 12)
                try memory.store(typeIndex(device.kind), at: base + 16)
            }
            try memory.store(list, at: area)
            try memory.store(UInt32(devices.count), at: area + 4)
        }
        module.define("[constructor]media-stream", WasmSignature(Array(repeating: .i32, count: 9), [.i32])) { call in
            let id = try constraintsDevice(call)
            do {
                try openStream(id, access)
            } catch {
                throw HostRefusal("cannot open a media-stream: \(error)")
            }
        }
        module.define("[static]media-stream.open", WasmSignature(Array(repeating: .i32, count: 10))) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(9), size: 16, alignment: 4)
            let id = try constraintsDevice(call)
            try AppABI.respond(instance, area: area) {
                try openStream(id, access)
            }
        }
        module.define("[method]media-stream.read-video-frame", WasmSignature([.i32, .i32])) { call in
            _ = try AppABI.returnArea(call.instance, call.u32(1), size: 56, alignment: 8)
            _ = try call.state[Streams.self].borrow(call.u32(0))
            throw HostRefusal("media-stream \(call.u32(0)) has no device behind it")
        }
        module.define("[method]media-stream.read-audio-data", WasmSignature([.i32, .i32])) { call in
            _ = try AppABI.returnArea(call.instance, call.u32(1), size: 40, alignment: 8)
            _ = try call.state[Streams.self].borrow(call.u32(0))
            throw HostRefusal("media-stream \(call.u32(0)) has no device behind it")
        }
        module.define("[method]media-stream.stop", WasmSignature([.i32])) { call in
            _ = try call.state[Streams.self].borrow(call.u32(0))
        }
        module.define("[resource-drop]media-stream", WasmSignature([.i32])) { call in
            try call.state[Streams.self].drop(call.u32(0))
        }

        module.define("[constructor]virtual-broadcaster", WasmSignature([.i32, .i32, .i32, .i32], [.i32])) { call in
            let name = try AppABI.string(call.instance, call.u32(0), call.u32(1), what: "name")
            throw HostRefusal("cannot register virtual device '\(name)': \(noLoopback)")
        }
        module.define("[static]virtual-broadcaster.create", WasmSignature([.i32, .i32, .i32, .i32, .i32])) { call in
            let instance = call.instance
            let area = try AppABI.returnArea(instance, call.u32(4), size: 16, alignment: 4)
            let name = try AppABI.string(instance, call.u32(0), call.u32(1), what: "name")
            try AppABI.storeError(instance, AppABI.Failure(.unsupported, "cannot register virtual device '\(name)': \(noLoopback)"),
                                  area: area, payloadOffset: 4)
        }
        module.define("[method]virtual-broadcaster.write-video-frame",
                      WasmSignature([.i32, .i32, .i32, .i32, .i32, .i64, .i32, .i64, .i32])) { call in
            _ = try AppABI.returnArea(call.instance, call.u32(8), size: 16, alignment: 4)
            _ = try call.state[Broadcasters.self].borrow(call.u32(0))
            throw HostRefusal("virtual-broadcaster \(call.u32(0)) has no device behind it")
        }
        module.define("[method]virtual-broadcaster.write-audio-data", WasmSignature([.i32, .i32, .i32, .i32, .i32, .i64, .i32])) { call in
            _ = try AppABI.returnArea(call.instance, call.u32(6), size: 16, alignment: 4)
            _ = try call.state[Broadcasters.self].borrow(call.u32(0))
            throw HostRefusal("virtual-broadcaster \(call.u32(0)) has no device behind it")
        }
        module.define("[method]virtual-broadcaster.stop", WasmSignature([.i32])) { call in
            _ = try call.state[Broadcasters.self].borrow(call.u32(0))
        }
        module.define("[resource-drop]virtual-broadcaster", WasmSignature([.i32])) { call in
            try call.state[Broadcasters.self].drop(call.u32(0))
        }
        return module
    }

    static let noLoopback = "this host has no loopback device for guests to present themselves as"

    /// The `device-id` of the `video-capture-constraints` in the first 9 flat
    /// parameters (the `ideal-*` hints are checked, then ignored).
    static func constraintsDevice(_ call: borrowing HostCall) throws(GuestFault) -> String? {
        for index in [3, 5, 7] { _ = try AppABI.isSome(call.u32(index), what: "video-capture-constraints") }
        guard try AppABI.isSome(call.u32(0), what: "device-id") else { return nil }
        return try AppABI.string(call.instance, call.u32(1), call.u32(2), what: "device-id")
    }

    /// Finds the device and says why it cannot be streamed from.
    static func openStream(_ id: String?, _ access: DeviceAccess) throws(AppABI.Failure) {
        let device = try access.open(id, among: DeviceCatalog.captureDevices().filter { $0.kind == .camera || id != nil },
                                     kind: "camera")
        throw AppABI.Failure(.unsupported, "capturing from '\(device.id)' is not implemented on this host yet")
    }
}
