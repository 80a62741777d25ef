import MediaCommands

await WasiMediaCommand.runAsMain()
