-- wrk: record a concomitant medicine for a random patient (POST /api/v1/patients/{id}/medications),
-- the record layer's create path: field validation, the drug-list rule, INSERT with its audit record.
-- usage: wrk ... -s bench/record-create.lua http://HOST:PORT -- IDS_FILE TOKEN
local here = debug.getinfo(1, 'S').source:match('^@(.*/)') or './'
dofile(here .. 'report.lua')

local reqs = {}

function init(args)
  local headers = {['Authorization'] = 'Bearer ' .. args[2], ['Content-Type'] = 'application/json'}
  local body = '{"drug":"pregabalin","dose_value":150,"dose_unit":"mg","frequency":"twice daily",' ..
    '"start_date":"2025-02-01","notes":"bench"}'
  for line in assert(io.open(args[1])):lines() do
    if #line > 0 then
      reqs[#reqs + 1] = wrk.format('POST', '/api/v1/patients/' .. line .. '/medications', headers, body)
    end
  end
  assert(#reqs > 0, 'no ids in ' .. args[1])
  math.randomseed(os.time() + #reqs)
end

function request()
  return reqs[math.random(#reqs)]
end
