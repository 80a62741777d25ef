internal import CFFmpeg
public import MediaCore

/// Capture and playback devices this machine has, as FFmpeg's device
/// layer (libavdevice) lists them.
///
/// Cameras come from `v4l2`, microphones and speakers from `alsa` and
/// `pulse`. A device layer that lists nothing, or fails to (no sound
/// server running, no `/dev/video*`), contributes nothing: an empty list is
/// a valid answer. Thread-safe; every call asks the system afresh.
public enum DeviceCatalog {
    public enum Kind: String, Sendable, Hashable {
        case camera, microphone, speaker
    }

    /// One device: its id is `<layer>:<device name>` (`v4l2:/dev/video0`,
    /// `pulse:alsa_output.pci-0000_00_1f.3.analog-stereo`).
    public struct Device: Sendable, Hashable {
        public var id: String
        public var name: String
        public var kind: Kind
        /// The FFmpeg device layer (`v4l2`, `alsa`, `pulse`).
        public var layer: String
        public var deviceName: String
    }

    /// Every capture device (cameras and microphones).
    public static func captureDevices() -> [Device] {
        _ = LibavSetup.once
        return inputs("v4l2", .camera) + inputs("alsa", .microphone) + inputs("pulse", .microphone)
    }

    /// Every audio output.
    public static func audioOutputs() -> [Device] {
        _ = LibavSetup.once
        return outputs("alsa") + outputs("pulse")
    }

    private static func inputs(_ layer: String, _ kind: Kind) -> [Device] {
        guard let format = av_find_input_format(layer) else { return [] }
        var list: UnsafeMutablePointer<AVDeviceInfoList>? = nil
        let status = avdevice_list_input_sources(format, nil, nil, &list)
        defer { if list != nil { avdevice_free_list_devices(&list) } }
        guard status >= 0, let found = list else { return [] }
        return devices(found, layer, kind)
    }

    private static func outputs(_ layer: String) -> [Device] {
        guard let format = av_guess_format(layer, nil, nil) else { return [] }
        var list: UnsafeMutablePointer<AVDeviceInfoList>? = nil
        let status = avdevice_list_output_sinks(format, nil, nil, &list)
        defer { if list != nil { avdevice_free_list_devices(&list) } }
        guard status >= 0, let found = list else { return [] }
        return devices(found, layer, .speaker)
    }

    private static func devices(_ list: UnsafeMutablePointer<AVDeviceInfoList>, _ layer: String, _ kind: Kind) -> [Device] {
        var found: [Device] = []
        for index in 0..<Int(list.pointee.nb_devices) {
            guard let info = list.pointee.devices[index], let namePointer = info.pointee.device_name else { continue }
            let name = String(cString: namePointer)
            let description = info.pointee.device_description.map { String(cString: $0) } ?? name
            found.append(Device(id: "\(layer):\(name)", name: description, kind: kind, layer: layer, deviceName: name))
        }
        return found
    }
}
