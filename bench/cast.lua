-- wrk script for bench/cast.py: each connection walks delegates through the voting flow.
--
-- Run with one connection per wrk thread (wrk -t C -c C): wrk keeps one Lua state per
-- thread and its response() hook does not say which connection answered, so a thread of
-- its own is what lets a connection keep its delegate, its cookie, its CSRF token and its
-- step. Environment:
--   CAST_MODE  "flow" (GET ballot -> POST review -> POST cast) or "ceiling" (GET /)
--   CAST_DIR   folder of conn_<n>.lua files, each returning that connection's delegates
--              as { {cookie, csrf, poll, answer}, ... } (flow only)
--   CAST_OUT   file that done() writes: one line per response, then a summary line
--   CAST_UA    the User-Agent the session cookies were minted for
-- A delegate who has cast (or whose step was refused) hands over to the next one; a
-- connection that runs out of delegates stops its thread and is reported as exhausted.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]])
local ts = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
end

-- main state ---------------------------------------------------------------------------

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

-- thread state -------------------------------------------------------------------------

local mode, jobs, ua, host
local idx, step, t0 = 1, 1, 0
local n = 0
kinds, statuses, lats = {}, {}, {}
casts, exhausted = 0, 0

function init(args)
  mode = os.getenv("CAST_MODE") or "flow"
  ua = os.getenv("CAST_UA") or "congress-bench"
  host = wrk.host .. ":" .. wrk.port
  if mode == "flow" then
    jobs = dofile(os.getenv("CAST_DIR") .. "/conn_" .. id .. ".lua")
  end
end

local function form(job)
  return "poll=" .. job[3] .. "&answer=" .. job[4] .. "&csrf_token=" .. job[2]
end

function request()
  t0 = now_us()
  if mode ~= "flow" then
    return wrk.format("GET", "/", { ["Host"] = host, ["User-Agent"] = ua })
  end
  local job = jobs[idx] or jobs[#jobs]
  local headers = {
    ["Host"] = host,
    ["User-Agent"] = ua,
    ["Cookie"] = "session=" .. job[1],
  }
  if step == 1 then
    return wrk.format("GET", "/polls/" .. job[3] .. "/ballot", headers)
  end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["Referer"] = "http://" .. host .. "/polls/" .. job[3] .. "/ballot"
  local path = step == 2 and "/vote/review" or "/vote/cast"
  return wrk.format("POST", path, headers, form(job))
end

function response(status, headers, body)
  local took = now_us() - t0
  n = n + 1
  kinds[n] = mode == "flow" and step or 0
  statuses[n] = status
  lats[n] = took
  if mode ~= "flow" then
    return
  end
  if step == 3 or status ~= 200 then
    if step == 3 and status == 200 then
      casts = casts + 1
    end
    idx = idx + 1
    step = 1
    if idx > #jobs then
      exhausted = 1
      wrk.thread:stop()
    end
  else
    step = step + 1
  end
end

-- main state again: gather every thread's responses ------------------------------------

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("CAST_OUT"), "w"))
  local total_casts, total_exhausted = 0, 0
  for _, thread in ipairs(threads) do
    local k, s, l = thread:get("kinds"), thread:get("statuses"), thread:get("lats")
    for i = 1, #k do
      out:write(k[i], " ", s[i], " ", string.format("%.0f", l[i]), "\n")
    end
    total_casts = total_casts + (thread:get("casts") or 0)
    total_exhausted = total_exhausted + (thread:get("exhausted") or 0)
  end
  local e = summary.errors
  out:write(string.format(
    "summary duration_us=%d requests=%d bytes=%d connect=%d read=%d write=%d status=%d "
      .. "timeout=%d casts=%d exhausted=%d p50=%d p99=%d\n",
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, total_casts, total_exhausted, latency:percentile(50), latency:percentile(99)
  ))
  out:close()
end
