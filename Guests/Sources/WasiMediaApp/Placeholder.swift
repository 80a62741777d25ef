@_exported import WasiMedia
