-- Runs an Argo CD health check on one object as Argo CD does, and prints its result as JSON.
--   lua5.1 argocd-harness.lua <health.lua> <object.json>
-- Argo CD drops JSON nulls (they reach the script as nil) and runs the script with only the
-- base, string, table and math libraries; so does this harness.
local cjson = require("cjson")

local function withoutNulls(value)
  if value == cjson.null then
    return nil
  end
  if type(value) == "table" then
    for key, item in pairs(value) do
      value[key] = withoutNulls(item)
    end
  end
  return value
end

local function read(path)
  local file = assert(io.open(path, "r"))
  local content = file:read("*a")
  file:close()
  return content
end

local check = assert(loadfile(arg[1]))
local sandbox = {
  obj = withoutNulls(cjson.decode(read(arg[2]))),
  assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, pcall = pcall,
  select = select, tonumber = tonumber, tostring = tostring, type = type, unpack = unpack,
  string = string, table = table, math = math,
}
setfenv(check, sandbox)
local hs = check()
assert(type(hs) == "table", "the health check must return a table")
print(cjson.encode({status = hs.status, message = hs.message}))
