import MediaCommands

WasiMediaCommand.main()
