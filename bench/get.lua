-- wrk: GET one patient, a random id each request, with a bearer token.
-- usage: wrk ... -s bench/get.lua http://HOST:PORT -- IDS_FILE TOKEN
-- (IDS_FILE: one patient id per line; for Orthanc, TOKEN "-" sends no Authorization and the
--  path prefix is given as a third argument, e.g. /patients/)
local here = debug.getinfo(1, 'S').source:match('^@(.*/)') or './'
dofile(here .. 'report.lua')

local reqs = {}

function init(args)
  local ids = {}
  for line in assert(io.open(args[1])):lines() do
    if #line > 0 then ids[#ids + 1] = line end
  end
  assert(#ids > 0, 'no ids in ' .. args[1])
  local headers = {}
  if args[2] and args[2] ~= '-' then headers['Authorization'] = 'Bearer ' .. args[2] end
  local prefix = args[3] or '/api/v1/patients/'
  -- Format every request once; request() then only picks one at random.
  for i, id in ipairs(ids) do reqs[i] = wrk.format('GET', prefix .. id, headers) end
  math.randomseed(os.time() + #reqs)
end

function request()
  return reqs[math.random(#reqs)]
end
