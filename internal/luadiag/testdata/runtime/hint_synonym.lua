local volumes = { create = function() end, destroy = function() end, list = function() end }
volumes.delete("vol_123")
