print(cfg.x)
