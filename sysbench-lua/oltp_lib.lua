-- Schema, data loading and statement texts for sysbench-lua/oltp.lua.
--
-- Kept apart from oltp.lua so that the workload (what a transaction does) reads
-- on its own, and so that the table layout is defined once for prepare, run
-- and cleanup. Loaded with require("oltp_lib") after oltp.lua has put its own
-- directory first on package.path.

local M = {}

-- Random-digit templates, the shape sysbench's own tables use: c is ten
-- 11-digit groups (119 characters in a CHAR(120)), pad five (59 in CHAR(60)).
M.c_template = string.rep("###########", 10, "-")
M.pad_template = string.rep("###########", 5, "-")

function M.table_name(n)
   return "sbtest" .. n
end

-- CREATE TABLE for table n. filter_col exists only with --use-filter, so a
-- table prepared without it is exactly the stock sysbench layout and the stock
-- oltp_*.lua scripts run against it too.
function M.create_table_sql(n, opt)
   local cols = {
      "id INTEGER NOT NULL",
      "k INTEGER NOT NULL DEFAULT 0",
      "c CHAR(120) NOT NULL DEFAULT ''",
      "pad CHAR(60) NOT NULL DEFAULT ''",
   }
   if opt.use_filter then
      cols[#cols + 1] = "filter_col INTEGER NOT NULL DEFAULT 0"
   end
   cols[#cols + 1] = "PRIMARY KEY (id)"
   if opt.create_secondary then
      cols[#cols + 1] = string.format("KEY k_%d (k)", n)
   end
   local engine = ""
   if opt.mysql_storage_engine ~= nil and opt.mysql_storage_engine ~= "" then
      engine = " ENGINE = " .. opt.mysql_storage_engine
   end
   return string.format("CREATE TABLE %s (\n  %s\n)%s", M.table_name(n),
                        table.concat(cols, ",\n  "), engine)
end

-- Deterministic rows: a Park-Miller generator (exact in doubles) seeded by
-- the table number. sysbench's own generator is not reproducible for prepare
-- (its --rand-seed does not fix what worker threads draw), and a comparison
-- needs the same rows in both servers.
local PM_MODULUS = 2147483647
local PM_MULTIPLIER = 48271

function M.row_generator(n, table_size)
   local state = (1000003 * n) % PM_MODULUS
   local function draw()
      state = (state * PM_MULTIPLIER) % PM_MODULUS
      return state
   end
   -- groups 11-digit groups joined by '-', like the templates above.
   local function digits(groups)
      local parts = {}
      for i = 1, groups do
         parts[i] = string.format("%05d%06d", draw() % 100000, draw() % 1000000)
      end
      return table.concat(parts, "-")
   end
   return function()
      return draw() % table_size + 1, digits(10), digits(5)
   end
end

-- Creates table n and fills it with ids 1..table_size. Ids are explicit
-- (no AUTO_INCREMENT) so that filter_col can equal id in the same INSERT.
function M.load_table(con, n, opt)
   print(string.format("Creating table '%s'...", M.table_name(n)))
   con:query(M.create_table_sql(n, opt))

   if opt.table_size <= 0 then
      return
   end
   print(string.format("Inserting %d rows into '%s'", opt.table_size,
                       M.table_name(n)))
   local columns = opt.use_filter and "(id, k, c, pad, filter_col)"
      or "(id, k, c, pad)"
   con:bulk_insert_init(string.format("INSERT INTO %s %s VALUES",
                                      M.table_name(n), columns))
   local next_row = M.row_generator(n, opt.table_size)
   for id = 1, opt.table_size do
      local k, c, pad = next_row()
      local row
      if opt.use_filter then
         row = string.format("(%d, %d, '%s', '%s', %d)", id, k, c, pad, id)
      else
         row = string.format("(%d, %d, '%s', '%s')", id, k, c, pad)
      end
      con:bulk_insert_next(row)
   end
   con:bulk_insert_done()
end

-- "?, ?, …" with n placeholders.
local function placeholders(n)
   return string.rep("?", n, ", ")
end

-- Statement kinds: SQL text for table n and the parameter types, in order.
-- A parameter type is a sysbench.sql.type, or {type, max_len} for strings.
function M.statement_defs(opt)
   local t = sysbench.sql.type
   local filter = opt.use_filter and " AND filter_col = ?" or ""
   local range_params = opt.use_filter and { t.INT, t.INT, t.INT }
      or { t.INT, t.INT }

   local point
   if opt.use_in_statement > 0 then
      local params = {}
      for i = 1, opt.use_in_statement do
         params[i] = t.INT
      end
      point = { "SELECT c FROM %s WHERE id IN ("
                   .. placeholders(opt.use_in_statement) .. ")", params }
   else
      point = { "SELECT c FROM %s WHERE id = ?", { t.INT } }
   end

   local insert
   if opt.use_filter then
      insert = { "INSERT INTO %s (id, k, c, pad, filter_col) VALUES ("
                    .. placeholders(5) .. ")",
                 { t.INT, t.INT, { t.CHAR, 120 }, { t.CHAR, 60 }, t.INT } }
   else
      insert = { "INSERT INTO %s (id, k, c, pad) VALUES ("
                    .. placeholders(4) .. ")",
                 { t.INT, t.INT, { t.CHAR, 120 }, { t.CHAR, 60 } } }
   end

   return {
      point_selects = point,
      simple_ranges = {
         "SELECT c FROM %s WHERE id BETWEEN ? AND ?" .. filter, range_params },
      sum_ranges = {
         "SELECT SUM(k) FROM %s WHERE id BETWEEN ? AND ?" .. filter,
         range_params },
      order_ranges = {
         "SELECT c FROM %s WHERE id BETWEEN ? AND ?" .. filter .. " ORDER BY c",
         range_params },
      distinct_ranges = {
         "SELECT DISTINCT c FROM %s WHERE id BETWEEN ? AND ?" .. filter
            .. " ORDER BY c", range_params },
      index_updates = { "UPDATE %s SET k = k + 1 WHERE id = ?", { t.INT } },
      non_index_updates = {
         "UPDATE %s SET c = ? WHERE id = ?", { { t.CHAR, 120 }, t.INT } },
      deletes = { "DELETE FROM %s WHERE id = ?", { t.INT } },
      inserts = insert,
   }
end

-- Prepares one statement kind on con for table n; returns the statement and
-- its bound parameter buffers (set them, then execute).
function M.prepare(con, def, n)
   local stmt = con:prepare(string.format(def[1], M.table_name(n)))
   local binds = {}
   for i, ptype in ipairs(def[2]) do
      if type(ptype) == "table" then
         binds[i] = stmt:bind_create(ptype[1], ptype[2])
      else
         binds[i] = stmt:bind_create(ptype)
      end
   end
   if #binds > 0 then
      stmt:bind_param(unpack(binds))
   end
   return stmt, binds
end

return M
