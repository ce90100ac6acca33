local fly = {machines = {}}
fly.machine.list()
