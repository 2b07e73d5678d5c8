-- wrk script for bench/load.sh: every connection sends one kind of request, LOAD_KIND:
--   form     GET /form
--   submit   POST /submit, the JavaScript-off form as a browser sends it: the form token (LOAD_TOKEN), a testimony
--            in Korean and one attachment of LOAD_ATTACHMENT_BYTES, multipart/form-data with a Content-Length
--   robots   GET /robots.txt, the anchor: the smallest page of the same server
-- No request starts after LOAD_SECONDS: wrk runs longer (-d), so the requests still under way finish and every
-- answer is counted (a submission stored but cut off from its answer would look lost). done() prints "figure" lines.

local kind = os.getenv("LOAD_KIND")
local seconds = tonumber(os.getenv("LOAD_SECONDS"))
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function submission()
  local boundary = "----LoadBenchBoundary5eT1yQ0bXc"
  local testimony = string.rep("저는 러시아의 벌목장에서 일했습니다. 여권을 빼앗겼습니다. ", 40)
  local attachment = string.rep("x", tonumber(os.getenv("LOAD_ATTACHMENT_BYTES")))
  local body = table.concat({
    "--" .. boundary, 'Content-Disposition: form-data; name="form-token"', "", os.getenv("LOAD_TOKEN"),
    "--" .. boundary, 'Content-Disposition: form-data; name="testimony"', "", testimony,
    "--" .. boundary, 'Content-Disposition: form-data; name="attachments"; filename="notes.txt"',
    "Content-Type: text/plain", "", attachment,
    "--" .. boundary .. "--", ""
  }, "\r\n")
  return wrk.format("POST", "/submit", { ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }, body)
end

function init(args)
  deadline = os.time() + seconds
  statuses = {}
  if kind == "submit" then
    prepared = submission()
  elseif kind == "form" then
    prepared = wrk.format("GET", "/form")
  else
    prepared = wrk.format("GET", "/robots.txt")
  end
end

function delay()
  return os.time() < deadline and 0 or 3600000
end

function request()
  return prepared
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local ok, server_errors, other = 0, 0, 0
  for status, n in pairs(counts) do
    if status == 200 then
      ok = ok + n
    elseif status >= 500 then
      server_errors = server_errors + n
    else
      other = other + n
    end
  end
  local e = summary.errors
  io.write(string.format("figure requests %d\n", summary.requests))
  io.write(string.format("figure per_second %.1f\n", summary.requests / seconds))
  io.write(string.format("figure p50_ms %.1f\n", latency:percentile(50) / 1000))
  io.write(string.format("figure p99_ms %.1f\n", latency:percentile(99) / 1000))
  io.write(string.format("figure status_200 %d\n", ok))
  io.write(string.format("figure status_5xx %d\n", server_errors))
  io.write(string.format("figure status_other %d\n", other))
  io.write(string.format("figure socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
end
