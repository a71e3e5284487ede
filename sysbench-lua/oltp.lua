#!/usr/bin/env sysbench
-- The standard sysbench OLTP transaction, with RonDB's variants, for sqld and
-- MariaDB alike:
--
--   sysbench sysbench-lua/oltp.lua --tables=4 --table-size=100000 prepare
--   sysbench sysbench-lua/oltp.lua --threads=16 --time=60 run
--   sysbench sysbench-lua/oltp.lua --use-in-statement=100 --read-only run
--   sysbench sysbench-lua/oltp.lua --use-filter prepare|run|cleanup
--   sysbench sysbench-lua/oltp.lua help            (lists these options)
--
-- One transaction (one sysbench event): BEGIN; point selects; simple, SUM,
-- ORDER BY and DISTINCT ranges; index updates; non-index updates; DELETE +
-- INSERT of the same id; COMMIT. Every statement is a server-side prepared
-- statement, prepared once per connection, as in sysbench's own scripts.

if sysbench.cmdline.command == nil then
   error("Command is required. Supported commands: prepare, run, cleanup, help")
end

-- Find oltp_lib.lua next to this script, wherever sysbench is started from.
do
   local script = sysbench.cmdline.script_path or ""
   local dir = script:match("^(.*)/[^/]*$") or "."
   package.path = dir .. "/?.lua;" .. package.path
end
local lib = require("oltp_lib")

sysbench.cmdline.options = {
   tables = { "Number of tables", 1 },
   table_size = { "Number of rows per table", 10000 },
   range_size = { "Rows in each range SELECT", 100 },
   point_selects = { "Point SELECTs per transaction", 10 },
   simple_ranges = { "Simple range SELECTs per transaction", 1 },
   sum_ranges = { "SELECT SUM() ranges per transaction", 1 },
   order_ranges = { "SELECT ... ORDER BY ranges per transaction", 1 },
   distinct_ranges = { "SELECT DISTINCT ranges per transaction", 1 },
   index_updates = { "UPDATEs of the indexed column k per transaction", 1 },
   non_index_updates = { "UPDATEs of the non-indexed column c per transaction",
                         1 },
   delete_inserts = { "DELETE + INSERT pairs (same id) per transaction", 1 },
   read_only = { "Read-only transactions (oltp_ro): no UPDATE, DELETE, INSERT",
                 false },
   skip_trx = { "No BEGIN/COMMIT: every statement in autocommit mode", false },
   use_in_statement = {
      "Each point select reads N consecutive ids with WHERE id IN (?, ...); " ..
         "0 keeps WHERE id = ?", 0 },
   use_filter = {
      "Tables get filter_col (= id) and every range adds AND filter_col = ? " ..
         "(the range's upper bound): each range scans --range-size rows and " ..
         "returns one. Use the same setting for prepare and run", false },
   create_secondary = { "Create the secondary index on k", true },
   mysql_storage_engine = {
      "Storage engine for CREATE TABLE; empty = the server's default", "" },
}

-- prepare: tables are spread over --threads, like sysbench's own scripts.
local function cmd_prepare()
   local drv = sysbench.sql.driver()
   local con = drv:connect()
   for n = sysbench.tid % sysbench.opt.threads + 1, sysbench.opt.tables,
      sysbench.opt.threads do
      lib.load_table(con, n, sysbench.opt)
   end
   con:disconnect()
end

sysbench.cmdline.commands = {
   prepare = { cmd_prepare, sysbench.cmdline.PARALLEL_COMMAND },
}

-- cleanup: sysbench calls the global cleanup() once, after run or as the
-- "cleanup" command.
function cleanup()
   if sysbench.cmdline.command ~= "cleanup" then
      return
   end
   local drv = sysbench.sql.driver()
   local con = drv:connect()
   for n = 1, sysbench.opt.tables do
      print(string.format("Dropping table '%s'...", lib.table_name(n)))
      con:query("DROP TABLE IF EXISTS " .. lib.table_name(n))
   end
   con:disconnect()
end

-- Per-thread state: connection, prepared statements and their parameters.
local con
local stmts      -- stmts[n][kind] = statement for table n
local binds      -- binds[n][kind] = its parameter buffers
local trx_stmts  -- BEGIN and COMMIT, also prepared
local in_trx = false
local reinserting = false  -- executing the INSERT of a DELETE + INSERT pair

-- Statement kinds this run needs, from the options.
local function needed_kinds()
   local o = sysbench.opt
   local kinds = {}
   local function want(kind, count)
      if count > 0 then
         kinds[#kinds + 1] = kind
      end
   end
   want("point_selects", o.point_selects)
   want("simple_ranges", o.simple_ranges)
   want("sum_ranges", o.sum_ranges)
   want("order_ranges", o.order_ranges)
   want("distinct_ranges", o.distinct_ranges)
   if not o.read_only then
      want("index_updates", o.index_updates)
      want("non_index_updates", o.non_index_updates)
      want("deletes", o.delete_inserts)
      want("inserts", o.delete_inserts)
   end
   return kinds
end

local function prepare_statements()
   local defs = lib.statement_defs(sysbench.opt)
   stmts, binds = {}, {}
   for n = 1, sysbench.opt.tables do
      stmts[n], binds[n] = {}, {}
      for _, kind in ipairs(needed_kinds()) do
         stmts[n][kind], binds[n][kind] = lib.prepare(con, defs[kind], n)
      end
   end
   trx_stmts = {}
   if not sysbench.opt.skip_trx then
      trx_stmts.begin = con:prepare("BEGIN")
      trx_stmts.commit = con:prepare("COMMIT")
   end
end

local function close_statements()
   for n = 1, #stmts do
      for _, stmt in pairs(stmts[n]) do
         stmt:close()
      end
   end
   for _, stmt in pairs(trx_stmts) do
      stmt:close()
   end
   stmts, binds, trx_stmts = {}, {}, {}
end

function thread_init()
   local o = sysbench.opt
   assert(o.tables >= 1, "--tables must be at least 1")
   assert(o.table_size >= 1, "--table-size must be at least 1")
   assert(o.use_in_statement >= 0, "--use-in-statement must be >= 0")
   con = sysbench.sql.driver():connect()
   prepare_statements()
end

function thread_done()
   close_statements()
   con:disconnect()
end

local function random_table()
   return sysbench.rand.uniform(1, sysbench.opt.tables)
end

-- A random first id such that `span` consecutive ids stay inside the table,
-- so an IN list or a range never runs past the last row (with --use-filter
-- every range then returns exactly one row).
local function random_start(span)
   local last = sysbench.opt.table_size - span + 1
   if last < 1 then
      last = 1
   end
   return sysbench.rand.default(1, last)
end

local function point_selects(n)
   local stmt, params = stmts[n].point_selects, binds[n].point_selects
   local width = sysbench.opt.use_in_statement
   for _ = 1, sysbench.opt.point_selects do
      if width > 0 then
         local first = random_start(width)
         for i = 1, width do
            params[i]:set(first + i - 1)
         end
      else
         params[1]:set(random_start(1))
      end
      stmt:execute()
   end
end

local function ranges(n, kind)
   local stmt, params = stmts[n][kind], binds[n][kind]
   local size = sysbench.opt.range_size
   for _ = 1, sysbench.opt[kind] do
      local first = random_start(size)
      local last = first + size - 1
      params[1]:set(first)
      params[2]:set(last)
      if sysbench.opt.use_filter then
         params[3]:set(last)
      end
      stmt:execute()
   end
end

local function index_updates(n)
   local stmt, params = stmts[n].index_updates, binds[n].index_updates
   for _ = 1, sysbench.opt.index_updates do
      params[1]:set(random_start(1))
      stmt:execute()
   end
end

local function non_index_updates(n)
   local stmt, params = stmts[n].non_index_updates, binds[n].non_index_updates
   for _ = 1, sysbench.opt.non_index_updates do
      params[1]:set_rand_str(lib.c_template)
      params[2]:set(random_start(1))
      stmt:execute()
   end
end

-- Deletes a row and inserts it back under the same id, so the table keeps its
-- size and, with --use-filter, filter_col keeps equal to id.
local function delete_inserts(n)
   local del, del_params = stmts[n].deletes, binds[n].deletes
   local ins, ins_params = stmts[n].inserts, binds[n].inserts
   for _ = 1, sysbench.opt.delete_inserts do
      local id = random_start(1)
      del_params[1]:set(id)
      ins_params[1]:set(id)
      ins_params[2]:set(sysbench.rand.default(1, sysbench.opt.table_size))
      ins_params[3]:set_rand_str(lib.c_template)
      ins_params[4]:set_rand_str(lib.pad_template)
      if sysbench.opt.use_filter then
         ins_params[5]:set(id)
      end
      del:execute()
      reinserting = true
      ins:execute()
      reinserting = false
   end
end

function event()
   local o = sysbench.opt
   if not o.skip_trx then
      trx_stmts.begin:execute()
      in_trx = true
   end

   if o.point_selects > 0 then
      point_selects(random_table())
   end
   for _, kind in ipairs({ "simple_ranges", "sum_ranges", "order_ranges",
                           "distinct_ranges" }) do
      if o[kind] > 0 then
         ranges(random_table(), kind)
      end
   end
   if not o.read_only then
      if o.index_updates > 0 then
         index_updates(random_table())
      end
      if o.non_index_updates > 0 then
         non_index_updates(random_table())
      end
      if o.delete_inserts > 0 then
         delete_inserts(random_table())
      end
   end

   if not o.skip_trx then
      trx_stmts.commit:execute()
      in_trx = false
   end
end

-- Errors listed in --mysql-ignore-errors (sysbench's default: 1213 deadlock,
-- 1020 record changed, 1205 lock wait timeout) abort the event: sysbench
-- counts an "ignored error" and runs event() again. Before that, roll back:
-- after a deadlock the server has already rolled back, but after a lock wait
-- timeout only the failed statement was, and the retry's BEGIN would
-- otherwise commit the half-done transaction.
local RETRYABLE = { [1213] = true, [1020] = true, [1205] = true }
-- Client errors after which the driver reconnects: statements are gone.
local RECONNECTED = { [2006] = true, [2011] = true, [2013] = true,
                      [2055] = true }

-- Without transactions (--skip-trx) two threads can delete the same id and
-- both insert it back; the second INSERT then fails with 1062. The row is
-- there either way, so that is a lost race, not a failure: ignore and retry.
local ER_DUP_ENTRY = 1062

function sysbench.hooks.sql_error_ignorable(err)
   return sysbench.opt.skip_trx and reinserting
      and err.sql_errno == ER_DUP_ENTRY
end

function sysbench.hooks.before_restart_event(err)
   reinserting = false
   if RECONNECTED[err.sql_errno] then
      in_trx = false
      close_statements()
      prepare_statements()
   elseif in_trx and RETRYABLE[err.sql_errno] then
      in_trx = false
      -- A failing ROLLBACK (connection lost meanwhile) must not end the
      -- thread: the retried event reports whatever is really wrong.
      pcall(con.query, con, "ROLLBACK")
   end
end
