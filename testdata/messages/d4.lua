local cfg = {}
print(cfg.metadata.role)
