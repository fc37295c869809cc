-- wrk: search patients by a name prefix (GET /api/v1/patients?q=<prefix>, default page of 50).
-- usage: wrk ... -s bench/search.lua http://HOST:PORT -- TOKEN
-- The prefixes are the first two or three letters of the family names bench/load.mjs uses, so
-- each matches a few hundred of the 10,000 patients and returns a full page.
local here = debug.getinfo(1, 'S').source:match('^@(.*/)') or './'
dofile(here .. 'report.lua')

local PREFIXES = {'Sm', 'Joh', 'Wil', 'Bro', 'Jon', 'Gar', 'Mil', 'Dav', 'Rod', 'Mar', 'Her',
  'Lop', 'Gon', 'And', 'Tho', 'Tay', 'Moo', 'Jac', 'Lee', 'Per', 'Whi', 'Har', 'San', 'Cla',
  'Ram', 'Lew', 'Rob', 'Wal', 'You', 'All', 'Kin', 'Wri', 'Sco', 'Tor', 'Ngu', 'Hil', 'Flo'}
local reqs = {}

function init(args)
  local headers = {['Authorization'] = 'Bearer ' .. args[1]}
  for i, p in ipairs(PREFIXES) do reqs[i] = wrk.format('GET', '/api/v1/patients?q=' .. p, headers) end
  math.randomseed(os.time() + 7)
end

function request()
  return reqs[math.random(#reqs)]
end
