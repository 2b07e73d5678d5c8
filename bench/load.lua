-- wrk script for bench/load.sh: every connection sends one kind of request, LOAD_KIND:
--   form     GET /form
--   submit   POST /submit, the JavaScript-off form as a browser sends it: the form token (LOAD_TOKEN), a testimony
--            in Korean and one attachment of LOAD_ATTACHMENT_BYTES, multipart/form-data with a Content-Length
--   resumable  the JavaScript-on path of FORMAT.md 7.1, three requests in turn: POST /api/uploads (the form token),
--            POST /api/uploads/<id>?offset=0 with a real OpenPGP message to the office key (LOAD_CIPHERTEXT, made
--            by gpg), and the finishing POST /api/submissions/uploaded naming it as the testimony; a connection's
--            state lives in its thread's Lua state, so this kind runs one connection per wrk thread
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

local function finishing(upload)
  local boundary = "----LoadBenchBoundary5eT1yQ0bXc"
  local body = table.concat({
    "--" .. boundary, 'Content-Disposition: form-data; name="form-token"', "", os.getenv("LOAD_TOKEN"),
    "--" .. boundary, 'Content-Disposition: form-data; name="testimony"', "", upload,
    "--" .. boundary .. "--", ""
  }, "\r\n")
  return wrk.format("POST", "/api/submissions/uploaded",
    { ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }, body)
end

-- The resumable path's next request, by the answer to the last one: create, append, finish, and again.
local step, upload, ciphertext = "create", nil, nil

local function resumable()
  if step == "append" then
    return wrk.format("POST", "/api/uploads/" .. upload .. "?offset=0",
      { ["Content-Type"] = "application/octet-stream" }, ciphertext)
  elseif step == "finish" then
    return finishing(upload)
  end
  return wrk.format("POST", "/api/uploads", { ["Content-Type"] = "application/x-www-form-urlencoded" },
    "form-token=" .. os.getenv("LOAD_TOKEN"))
end

local function advance(status, body)
  if step == "create" and status == 201 then
    upload, step = body:match('"id":"(%x+)"'), "append"
  elseif step == "append" and status == 200 then
    step = "finish"
  else
    step = "create" -- finished (counted by its status), or refused: a new upload
  end
end

function init(args)
  deadline = os.time() + seconds
  statuses = {}
  finished = 0
  if kind == "resumable" then
    local file = assert(io.open(os.getenv("LOAD_CIPHERTEXT"), "rb"))
    ciphertext = file:read("a")
    file:close()
  elseif kind == "submit" then
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
  return kind == "resumable" and resumable() or prepared
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if kind == "resumable" then
    if step == "finish" and status == 200 then
      finished = finished + 1
    end
    advance(status, body)
  end
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local ok, server_errors, other, submissions = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    submissions = submissions + thread:get("finished")
  end
  for status, n in pairs(counts) do
    if status == 200 or status == 201 then
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
  io.write(string.format("figure submissions %d\n", kind == "resumable" and submissions or ok))
  io.write(string.format("figure status_5xx %d\n", server_errors))
  io.write(string.format("figure status_other %d\n", other))
  io.write(string.format("figure socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
end
