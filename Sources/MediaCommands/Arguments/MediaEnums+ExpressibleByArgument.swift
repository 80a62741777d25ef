public import ArgumentParser
import MediaCore
import MediaWasm

// Options naming a codec, a container or an engine parse into the enums the
// libraries use: a wrong value is refused by the parser, which lists the
// valid ones (their WIT names, from `allCases`).

extension VideoCodec: ExpressibleByArgument {}
extension AudioCodec: ExpressibleByArgument {}
extension ContainerFormat: ExpressibleByArgument {}
extension EngineChoice: ExpressibleByArgument {}
