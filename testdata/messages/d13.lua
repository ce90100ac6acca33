local m = fly.machine.list()
