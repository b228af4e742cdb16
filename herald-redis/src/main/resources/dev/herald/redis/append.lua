-- Appends one batch of events to Herald's shared log, whole or not at all (a script is atomic).
-- The stream id of each entry is 0-<sequence>, so the stream id IS the event's sequence;
-- sequences are contiguous from 1, +1 per event, whichever node appends.
-- A batch appended by a hub (ARGV[1] = 0) stores an event whose id is already retained only once:
-- a publisher's retry gets the sequence of the stored event instead (idempotent publishing); a
-- batch of chosen sequences (ARGV[1] > 0) is stored as given. Returns each event's sequence.
-- KEYS[1] the stream, KEYS[2] the last sequence, KEYS[3] event id -> earliest retained sequence
-- (sorted set), KEYS[4] this batch's token (makes a batch the client sends again after a reconnect
-- a no-op), KEYS[5] the later uses of ids publishers reused (sorted set read by lex, all scores 0,
-- members "<id> NUL <sequence, 20 digits>"; ids never hold NUL)
-- ARGV[1] the first sequence expected (0: the next one), ARGV[2] the events retained (MAXLEN),
-- then 8 fields per event: id, topics, data, private, type, retry, publish time (epoch ms), and the
-- publish's W3C traceparent ('' when it is not traced: the entry then has no 'c' field).
local appended = redis.call('GET', KEYS[4])
if appended then
  local sequences = {}
  for sequence in string.gmatch(appended, '%d+') do
    sequences[#sequences + 1] = tonumber(sequence)
  end
  return sequences
end
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
local expected = tonumber(ARGV[1])
if expected > 0 and expected ~= last + 1 then
  return redis.error_reply('HERALD_SEQUENCE sequence ' .. expected .. ' appended after ' .. last)
end
local retain = tonumber(ARGV[2])
local count = (#ARGV - 2) / 8
local sequences = {}
local storedNow = {}
local stored = 0
for i = 0, count - 1 do
  local a = 2 + i * 8
  local id = ARGV[a + 1]
  local earlier = nil
  if expected == 0 then
    earlier = storedNow[id] or tonumber(redis.call('ZSCORE', KEYS[3], id))
  end
  if earlier then
    sequences[i + 1] = earlier
  else
    stored = stored + 1
    local sequence = last + stored
    sequences[i + 1] = sequence
    storedNow[id] = sequence
    if ARGV[a + 8] == '' then
      redis.call('XADD', KEYS[1], string.format('0-%d', sequence),
        'i', id, 't', ARGV[a + 2], 'd', ARGV[a + 3], 'p', ARGV[a + 4],
        'y', ARGV[a + 5], 'r', ARGV[a + 6], 'w', ARGV[a + 7])
    else
      redis.call('XADD', KEYS[1], string.format('0-%d', sequence),
        'i', id, 't', ARGV[a + 2], 'd', ARGV[a + 3], 'p', ARGV[a + 4],
        'y', ARGV[a + 5], 'r', ARGV[a + 6], 'w', ARGV[a + 7], 'c', ARGV[a + 8])
    end
    -- A reused id resolves to its earliest retained use (Mercure draft-08), so later uses wait in
    -- KEYS[5] until trimming makes one of them the earliest.
    if redis.call('ZADD', KEYS[3], 'NX', sequence, id) == 0 then
      redis.call('ZADD', KEYS[5], 0, id .. '\0' .. string.format('%020d', sequence))
    end
  end
end
local formatted = {}
for i, sequence in ipairs(sequences) do
  formatted[i] = string.format('%d', sequence)
end
local marker = table.concat(formatted, ',')
if stored == 0 then
  redis.call('SET', KEYS[4], marker, 'PX', 60000)
  return sequences
end
last = last + stored
redis.call('SET', KEYS[2], string.format('%d', last))
-- Exact trimming: the retained events are exactly the newest ARGV[2], so the ids of the trimmed
-- ones can be dropped by sequence, and a lookup never finds an event the stream no longer has.
redis.call('XTRIM', KEYS[1], 'MAXLEN', retain)
local cutoff = last - retain
if cutoff > 0 then
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', cutoff)) do
    redis.call('ZREM', KEYS[3], id)
    while true do
      local later = redis.call('ZRANGEBYLEX', KEYS[5], '[' .. id .. '\0', '(' .. id .. '\1',
        'LIMIT', 0, 1)[1]
      if not later then
        break
      end
      redis.call('ZREM', KEYS[5], later)
      local sequence = tonumber(string.sub(later, #id + 2))
      if sequence > cutoff then
        redis.call('ZADD', KEYS[3], sequence, id)
        break
      end
    end
  end
end
redis.call('SET', KEYS[4], marker, 'PX', 60000)
return sequences
