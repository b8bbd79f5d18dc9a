-- The realistic mix (bench/mix.py writes the addresses): every request picks one of them at
-- random, as a full page or, where the file says "htmx", with the header htmx sends.
--   wrk --threads=N … --script bench/mix.lua URL -- FILE random|walk N
-- "walk" asks for every address once in file order (shared out among wrk's N threads) and then
-- starts over: the benchmark's way to fill the page cache before the steady state.
-- Reports one line "BENCH_JSON {...}" like bench/wrk.lua, plus the answers by X-Cache and status.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk.lua") -- bench_json()

local threads = {}
local counter = 1

setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local paths, htmx = {}, {}
local walk, position, step = false, 0, 1
local page_headers, htmx_headers = {}, {}
hits, misses, uncached, failed = 0, 0, 0, 0

init = function(args)
  for line in io.lines(args[1]) do
    local mode, path = line:match("^(%S+)\t(.+)$")
    if path then
      table.insert(paths, path)
      table.insert(htmx, mode == "htmx")
    end
  end
  walk = args[2] == "walk"
  step = tonumber(args[3]) or 1
  position = id - 1
  math.randomseed(id * 7919 + os.time())
  for name, value in pairs(wrk.headers) do
    page_headers[name] = value
    htmx_headers[name] = value
  end
  htmx_headers["HX-Request"] = "true"
end

request = function()
  local index
  if walk then
    index = position % #paths + 1
    position = position + step
  else
    index = math.random(#paths)
  end
  return wrk.format("GET", paths[index], htmx[index] and htmx_headers or page_headers)
end

response = function(status, headers, body)
  if status ~= 200 then
    failed = failed + 1
  end
  local cache = headers["X-Cache"] or headers["x-cache"]
  if cache == "hit" then
    hits = hits + 1
  elseif cache == "miss" then
    misses = misses + 1
  else
    uncached = uncached + 1
  end
end

done = function(summary, latency, requests)
  local counts = { hits = 0, misses = 0, uncached = 0, failed = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(counts) do
      counts[name] = counts[name] + (tonumber(thread:get(name)) or 0)
    end
  end
  bench_json(summary, latency, string.format(', "cache": {"hit": %d, "miss": %d, "none": %d}, "not_200": %d',
    counts.hits, counts.misses, counts.uncached, counts.failed))
end
