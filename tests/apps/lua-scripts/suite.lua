-- SPDX-License-Identifier: MIT
-- suite.lua: the Lua port's own checks (tests/apps/lua.sh boots lua with this script from an
-- initrd): strings, tables, coroutines, closures, math, os.time and os.clock, io on files,
-- errors with tracebacks. Prints "N passed, M failed" and exits with 1 on a failure.
local passed, failed = 0, 0
local function check(name, ok)
  if ok then passed = passed + 1 else failed = failed + 1; print("FAIL " .. name) end
end

-- strings
check("format", string.format("%5.2f|%d|%s", 3.14159, 42, "x") == " 3.14|42|x")
check("gsub", (("hello world"):gsub("o", "0")) == "hell0 w0rld")
check("find", select(1, ("key=value"):find("=", 1, true)) == 4)
check("match", ("2026-12-06"):match("(%d+)-(%d+)") == "2026")
check("rep/upper", ("ab"):rep(3):upper() == "ABABAB")
check("utf8", utf8.len("héllo") == 5)

-- tables
local t = {}
for i = 1, 1000 do t[i] = i * i end
check("length", #t == 1000)
table.sort(t, function(a, b) return a > b end)
check("sort", t[1] == 1000000 and t[1000] == 1)
check("concat", table.concat({1, 2, 3}, ",") == "1,2,3")
local keys = 0
for _ in pairs({a = 1, b = 2, c = 3}) do keys = keys + 1 end
check("pairs", keys == 3)
check("unpack", select("#", table.unpack({1, 2, 3})) == 3)

-- coroutines
local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end return "done" end)
check("coroutine", gen() == 1 and gen() == 2 and gen() == 3 and gen() == "done")
local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end)
local ok1, v1 = coroutine.resume(co, 1)
local ok2, v2 = coroutine.resume(co, 10)
check("resume", ok1 and v1 == 2 and ok2 and v2 == 20 and coroutine.status(co) == "dead")

-- closures
local function counter() local n = 0 return function() n = n + 1 return n end end
local c1, c2 = counter(), counter()
c1(); c1()
check("closures", c1() == 3 and c2() == 1)

-- math
check("sqrt", math.abs(math.sqrt(2) - 1.41421356) < 1e-6)
check("floor/int", math.floor(-3.5) == -4 and math.type(3) == "integer" and 7 // 2 == 3)
check("pi/sin", math.abs(math.sin(math.pi / 2) - 1) < 1e-12)
check("maxint", math.maxinteger + 1 == math.mininteger)

-- os.time and os.clock
local now = os.time()
check("os.time", now > 1600000000)
check("os.date", os.date("!%Y", 0) == "1970")
local c0 = os.clock()
local x = 0
for i = 1, 200000 do x = x + i end
check("os.clock", os.clock() >= c0 and x == 20000100000)
check("getenv", os.getenv("LUA_SUITE") == "yes")

-- io on files: the script's own folder is read-only; /tmp is ramfs
local f = io.open("/tmp/lua-test.txt", "w")
check("open for writing", f ~= nil)
f:write("line one\n", 42, "\n")
f:close()
local lines = {}
for l in io.lines("/tmp/lua-test.txt") do lines[#lines + 1] = l end
check("read back", #lines == 2 and lines[1] == "line one" and lines[2] == "42")
local g = io.open("/scripts/data.txt")
check("read from the initrd", g ~= nil and g:read("a"):find("data from the initrd", 1, true) ~= nil)
if g then g:close() end
check("missing file", io.open("/no/such/file") == nil)
check("remove", os.remove("/tmp/lua-test.txt") == true and io.open("/tmp/lua-test.txt") == nil)

-- errors with tracebacks
local okp, err = pcall(function() error({code = 7}) end)
check("pcall table error", not okp and err.code == 7)
local function deep() error("deep failure") end
local okx, tb = xpcall(function() deep() end, debug.traceback)
check("traceback", not okx and tb:find("deep failure", 1, true) and tb:find("stack traceback", 1, true) ~= nil)
check("error position", select(2, pcall(error, "msg", 0)) == "msg")

print(string.format("%d passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
