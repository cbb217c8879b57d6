-- wrk script: POST signed order webhooks, each one once, and report the run as JSON.
--
--   wrk ... -s bench/deliveries.lua http://127.0.0.1:8000 -- <deliveries file> <threads>
--
-- The file has one delivery per line: topic, X-Shopify-Webhook-Id, signature,
-- X-Shopify-Triggered-At and the JSON body, separated by tabs. Thread n of N
-- sends lines n, n+N, n+2N... so no delivery goes out twice (a repeat would be
-- a duplicate the ledger skips: a cheaper request than a delivery). The file
-- is made longer than a run can send; a thread that runs out anyway stops and
-- says so, and the benchmark fails rather than report a shortened run.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  local file, thread_count = args[1], tonumber(args[2]) or 1
  prepared = {}
  local line_number = 0
  for line in io.lines(file) do
    if line_number % thread_count == thread_number - 1 then
      local topic, webhook, signature, triggered, body =
        line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)\t(.+)$")
      assert(body, "not a delivery line: " .. line:sub(1, 80))
      -- Built once here: wrk.format per request would cost wrk's CPU, which
      -- the server under test shares on a small machine.
      table.insert(prepared, wrk.format("POST", "/webhooks/shopify", {
        ["Content-Type"] = "application/json",
        ["User-Agent"] = "Shopify-Captain-Hook",
        ["X-Shopify-Topic"] = topic,
        ["X-Shopify-Hmac-Sha256"] = signature,
        ["X-Shopify-Shop-Domain"] = "fernwood.myshopify.com",
        ["X-Shopify-API-Version"] = "2026-04",
        ["X-Shopify-Webhook-Id"] = webhook,
        ["X-Shopify-Event-Id"] = "evt-" .. webhook,
        ["X-Shopify-Triggered-At"] = triggered,
      }, body))
    end
    line_number = line_number + 1
  end
  assert(#prepared > 0, "no deliveries for thread " .. thread_number .. " in " .. file)
  position = 0
  non2xx = 0
  exhausted = 0
end

function request()
  position = position + 1
  if position > #prepared then
    exhausted = 1
    wrk.thread:stop()
    position = #prepared  -- (never sent: the thread's loop ends first)
  end
  return prepared[position]
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total, exhausted_total = 0, 0
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + thread:get("non2xx")
    exhausted_total = exhausted_total + thread:get("exhausted")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "non2xx": %d, ' ..
    '"exhausted_threads": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "mean": %.1f, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes, non2xx_total, exhausted_total,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max))
end
