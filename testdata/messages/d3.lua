undefinedfn()
