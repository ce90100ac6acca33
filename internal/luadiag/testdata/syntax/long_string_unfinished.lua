s = [[abc
