/// The `wasi:media@0.1.0-draft` contract as a table: every interface of
/// `wit/` with its free functions and resources, and every world with what
/// it imports and exports.
///
/// `wit/` must match it exactly: `WITTests` parses the package and fails on
/// any interface, function, resource member or world missing from it or
/// not listed here, so renaming an export means changing this table too.
/// A host-coverage test walks the same table to check that the host
/// implements every import (``Interface/coreImportFields``) and calls every
/// export (``Interface/coreExportNames``) under its core-module name
/// (`docs/guest-abi.md`).
public enum WITContract {
    public static let namespace = "wasi"
    public static let packageName = "media"
    public static let version = "0.1.0-draft"

    /// `wasi:media@0.1.0-draft`.
    public static var qualifiedPackageName: String { "\(namespace):\(packageName)@\(version)" }

    /// A resource: its constructor, methods and static functions, by WIT name.
    public struct Resource: Sendable, Hashable {
        public let name: String
        public let hasConstructor: Bool
        public let methods: [String]
        public let staticFunctions: [String]

        public init(_ name: String, constructor: Bool = true, methods: [String], statics: [String] = []) {
            self.name = name
            self.hasConstructor = constructor
            self.methods = methods
            self.staticFunctions = statics
        }

        /// Core-module import fields of this resource, as wit-bindgen names
        /// them: `[constructor]r`, `[method]r.m`, `[static]r.s`, `[resource-drop]r`.
        public var coreImportFields: [String] {
            (hasConstructor ? ["[constructor]\(name)"] : [])
                + methods.map { "[method]\(name).\($0)" }
                + staticFunctions.map { "[static]\(name).\($0)" }
                + ["[resource-drop]\(name)"]
        }
    }

    /// An interface: its free functions and resources, by WIT name.
    public struct Interface: Sendable, Hashable {
        public let name: String
        /// The WIT package it belongs to: `media`, or `logging` for the
        /// WASI logging interface the worlds import from `wit/deps/`.
        public let package: String
        public let functions: [String]
        public let resources: [Resource]

        public init(_ name: String, package: String = packageName, functions: [String] = [], resources: [Resource] = []) {
            self.name = name
            self.package = package
            self.functions = functions
            self.resources = resources
        }

        /// Whether it is an interface of `wasi:media` itself (not of a dependency).
        public var isOwn: Bool { package == packageName }

        /// `wasi:media/<name>@0.1.0-draft`: the core module name of its
        /// imports, and the prefix of its export names.
        public var qualifiedName: String { "\(namespace):\(package)/\(name)@\(version)" }

        /// Every core-module import field a guest importing this interface
        /// may use (module ``qualifiedName``).
        public var coreImportFields: [String] {
            functions + resources.flatMap(\.coreImportFields)
        }

        /// The core-module export names of this interface's functions when a
        /// guest exports it: `wasi:media/<name>@0.1.0-draft#<function>`.
        /// (Exported interfaces define no resources.)
        public var coreExportNames: [String] {
            functions.map { "\(qualifiedName)#\($0)" }
        }
    }

    /// A world: the interfaces it imports and exports, by name.
    public struct World: Sendable, Hashable {
        public let name: String
        public let imports: [String]
        public let exports: [String]

        public init(_ name: String, imports: [String], exports: [String]) {
            self.name = name
            self.imports = imports
            self.exports = exports
        }
    }

    public static let interfaces: [Interface] = [
        Interface("types", resources: [
            Resource("media-buffer", methods: ["size", "read", "write", "duplicate"]),
        ]),
        Interface("codec", functions: [
            "query-video-encoder-support", "query-audio-encoder-support",
            "query-video-decoder-support", "query-audio-decoder-support",
        ], resources: [
            Resource("video-encoder", methods: ["encode", "get-encoded-chunks", "flush", "decoder-config"]),
            Resource("video-decoder", methods: ["decode", "get-decoded-frames", "flush", "reset"]),
            Resource("audio-encoder", methods: ["encode", "get-encoded-chunks", "flush", "decoder-config"]),
            Resource("audio-decoder", methods: ["decode", "get-decoded-audio", "flush", "reset"]),
        ]),
        Interface("capture", functions: ["enumerate-devices"], resources: [
            Resource("media-stream", methods: ["read-video-frame", "read-audio-data", "stop"], statics: ["open"]),
            Resource("virtual-broadcaster", methods: ["write-video-frame", "write-audio-data", "stop"],
                     statics: ["create"]),
        ]),
        Interface("container", resources: [
            Resource("muxer", methods: ["add-track", "write-chunk", "get-output-bytes", "finalize"],
                     statics: ["create"]),
            Resource("demuxer", methods: [
                "append-bytes", "finish-bytes", "needs-bytes", "get-tracks",
                "read-chunk", "read-next-chunk", "seek-to-timestamp",
            ], statics: ["open"]),
        ]),
        Interface("audio-mixer", resources: [
            Resource("audio-context", methods: [
                "add-source-track", "submit-audio", "set-track-gain", "end-source-track", "read-master-output",
            ]),
        ]),
        Interface("playback", functions: ["enumerate-audio-outputs"], resources: [
            Resource("audio-player", methods: [
                "enqueue-audio", "connect-mixer", "play", "pause", "set-system-volume",
            ], statics: ["open"]),
        ]),
        Interface("clock", resources: [
            Resource("media-clock", methods: ["start", "pause", "set-rate", "seek", "now", "wait-until"]),
        ]),
        // Interfaces that guests export.
        Interface("video-processor", functions: ["configure", "accepted-formats", "process", "flush"]),
        Interface("audio-processor", functions: ["configure", "accepted-formats", "process", "flush"]),
        Interface("encoded-transformer", functions: ["start", "transform", "flush"]),
        Interface("app", functions: ["run"]),
        Interface("properties", functions: ["describe"]),
        // Dependencies (wit/deps/).
        Interface("logging", package: "logging", functions: ["log"]),
    ]

    /// The interfaces of `wasi:media` itself.
    public static var ownInterfaces: [Interface] { interfaces.filter(\.isOwn) }

    public static let worlds: [World] = [
        World("video-filter", imports: ["types", logging], exports: ["video-processor", "properties"]),
        World("audio-filter", imports: ["types", logging], exports: ["audio-processor", "properties"]),
        World("encoded-transform", imports: [logging], exports: ["encoded-transformer", "properties"]),
        World("media-app",
              imports: ["types", "codec", "capture", "container", "audio-mixer", "playback", "clock", logging],
              exports: ["app"]),
    ]

    /// How a world names the WASI logging interface it imports.
    public static let logging = "wasi:logging/logging@0.1.0-draft"

    /// An interface by its name in the package (`types`) or, for a
    /// dependency, as a world names it (`wasi:logging/logging@0.1.0-draft`).
    public static func interface(named name: String) -> Interface? {
        interfaces.first { ($0.isOwn && $0.name == name) || $0.qualifiedName == name }
    }

    public static func world(named name: String) -> World? {
        worlds.first { $0.name == name }
    }
}
