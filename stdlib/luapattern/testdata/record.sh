#!/bin/sh
# Records what C Lua 5.1 (/usr/bin/lua5.1, 5.1.5) prints for compare.lua,
# in compare.out.gz: sh stdlib/luapattern/testdata/record.sh. The tests read
# the recording and never need lua5.1 (the fuzz test runs it when it is
# installed).
set -eu
cd "$(dirname "$0")/.."
lua5.1 testdata/compare.lua | gzip -9n >testdata/compare.out.gz
