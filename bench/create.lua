-- wrk: register a patient (POST /api/v1/patients), a unique MRN per request.
-- usage: wrk ... -s bench/create.lua http://HOST:PORT -- TOKEN
-- MRNs are C<random>-<wrk thread>-<counter>: the random part is read from the kernel once per
-- wrk thread, so reruns (and the warm-up run before the measured one) never collide. Names and
-- birth dates repeat, so each body says confirm_new (else the duplicate check answers 409).
local here = debug.getinfo(1, 'S').source:match('^@(.*/)') or './'
dofile(here .. 'report.lua')

local counter = 0
local threads = 0
local headers
local prefix

function setup(thread)
  threads = threads + 1
  thread:set('thread_no', threads)
end

function init(args)
  headers = {['Authorization'] = 'Bearer ' .. args[1], ['Content-Type'] = 'application/json'}
  local f = assert(io.open('/proc/sys/kernel/random/uuid'))
  local run = f:read('*l'):gsub('-', ''):sub(1, 12)
  f:close()
  prefix = 'C' .. run .. '-' .. tostring(thread_no or 1) .. '-'
end

function request()
  counter = counter + 1
  local body = '{"mrn":"' .. prefix .. counter .. '","family_name":"Benchmark",' ..
    '"given_name":"Casey","birth_date":"1970-01-0' .. (counter % 9 + 1) .. '",' ..
    '"sex_at_birth":"female","phone":"+15550001111","confirm_new":true}'
  return wrk.format('POST', '/api/v1/patients', headers, body)
end
