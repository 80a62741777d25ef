import MediaCommands

WasiMediaCommand.runAsMain()
