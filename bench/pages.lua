-- wrk script: cycle through (path, cookie) pairs and report the run as JSON.
--
--   wrk ... -s bench/pages.lua http://127.0.0.1:8000 -- <targets file> <threads>
--
-- The targets file has one "path<TAB>cookie" line per page (the cookie may be
-- empty). Every thread walks the whole list, starting at its own offset so the
-- threads do not ask for the same page at the same moment.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  local file, thread_count = args[1], tonumber(args[2]) or 1
  prepared = {}
  for line in io.lines(file) do
    local path, cookie = line:match("^([^\t]+)\t?(.*)$")
    if path then
      -- A browser's User-Agent: the storefront counts these visits in the
      -- creator funnels as it would a shopper's (it leaves tools and bots out).
      -- And a browser's Accept-Encoding: pages go out compressed, as to shoppers.
      local headers = {
        ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Firefox/130.0",
        ["Accept-Encoding"] = "gzip, br",
      }
      if cookie ~= "" then headers["Cookie"] = cookie end
      -- Built once here: wrk.format per request would cost wrk's CPU, which
      -- the server under test shares on a small machine.
      table.insert(prepared, wrk.format("GET", path, headers))
    end
  end
  assert(#prepared > 0, "no targets in " .. file)
  position = math.floor((thread_number - 1) * #prepared / thread_count)
end

function request()
  position = position % #prepared + 1
  return prepared[position]
end

-- No response() here: with one defined, wrk copies every answer's headers and
-- body into Lua, which costs it about 20 us more per 12 KB page than per "ok"
-- (measured), on the cores the server under test shares. wrk counts statuses
-- above 399 itself; a target that answers a redirect is caught by the runner's
-- warm-up pass, which checks every target's status first.

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "non2xx": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "mean": %.1f, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes, e.status,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max))
end
