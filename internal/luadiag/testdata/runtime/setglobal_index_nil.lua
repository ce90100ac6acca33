cfg.name = 'x'
