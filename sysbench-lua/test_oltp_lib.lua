-- Unit tests for oltp_lib.lua, run by sysbench itself (no server needed):
--   sysbench sysbench-lua/test_oltp_lib.lua test
-- Prints "N passed, M failed" and exits non-zero when a check fails.

do
   local script = sysbench.cmdline.script_path or ""
   local dir = script:match("^(.*)/[^/]*$") or "."
   package.path = dir .. "/?.lua;" .. package.path
end
local lib = require("oltp_lib")

local passed, failed = 0, 0

local function check(name, cond, detail)
   if cond then
      passed = passed + 1
   else
      failed = failed + 1
      print("FAILED: " .. name .. (detail and (": " .. tostring(detail)) or ""))
   end
end

local function opts(extra)
   local o = { use_filter = false, create_secondary = true,
               mysql_storage_engine = "", use_in_statement = 0 }
   for k, v in pairs(extra or {}) do
      o[k] = v
   end
   return o
end

local function run_tests()
   -- Schema
   local plain = lib.create_table_sql(3, opts())
   check("stock layout has no filter_col", not plain:find("filter_col"), plain)
   check("secondary index on k", plain:find("KEY k_3 %(k%)") ~= nil, plain)
   check("primary key on id", plain:find("PRIMARY KEY %(id%)") ~= nil, plain)
   local filtered = lib.create_table_sql(1, opts({ use_filter = true,
                                                  create_secondary = false,
                                                  mysql_storage_engine = "InnoDB" }))
   check("filter_col column",
         filtered:find("filter_col INTEGER NOT NULL DEFAULT 0", 1, true) ~= nil, filtered)
   check("no secondary index when disabled", not filtered:find("KEY k_"), filtered)
   check("engine clause", filtered:find("%) ENGINE = InnoDB$") ~= nil, filtered)

   -- Statements
   local defs = lib.statement_defs(opts())
   check("point select", defs.point_selects[1] == "SELECT c FROM %s WHERE id = ?")
   check("point select has one param", #defs.point_selects[2] == 1)
   check("range has two params", #defs.simple_ranges[2] == 2)
   check("insert without filter_col", #defs.inserts[2] == 4)

   local in3 = lib.statement_defs(opts({ use_in_statement = 3 }))
   check("IN list", in3.point_selects[1] == "SELECT c FROM %s WHERE id IN (?, ?, ?)",
         in3.point_selects[1])
   check("IN list params", #in3.point_selects[2] == 3)

   local f = lib.statement_defs(opts({ use_filter = true }))
   check("filtered DISTINCT range",
         f.distinct_ranges[1] == "SELECT DISTINCT c FROM %s WHERE id BETWEEN ? AND ?"
            .. " AND filter_col = ? ORDER BY c", f.distinct_ranges[1])
   check("filtered SUM range",
         f.sum_ranges[1] == "SELECT SUM(k) FROM %s WHERE id BETWEEN ? AND ? AND filter_col = ?",
         f.sum_ranges[1])
   check("filtered range has three params", #f.order_ranges[2] == 3)
   check("insert sets filter_col", f.inserts[1]:find("filter_col") ~= nil
            and #f.inserts[2] == 5)

   -- Rows: the same table number gives the same rows; shapes like sysbench's.
   local a, b, other = lib.row_generator(1, 1000), lib.row_generator(1, 1000),
      lib.row_generator(2, 1000)
   local same, differs, shapes_ok, k_in_range = true, false, true, true
   for _ = 1, 200 do
      local k1, c1, p1 = a()
      local k2, c2, p2 = b()
      local k3, c3 = other()
      same = same and k1 == k2 and c1 == c2 and p1 == p2
      differs = differs or c1 ~= c3 or k1 ~= k3
      shapes_ok = shapes_ok and #c1 == 119 and #p1 == 59
         and c1:match("^%d+%-%d+%-%d+%-%d+%-%d+%-%d+%-%d+%-%d+%-%d+%-%d+$") ~= nil
         and p1:match("^%d%d%d%d%d%d%d%d%d%d%d%-") ~= nil
      k_in_range = k_in_range and k1 >= 1 and k1 <= 1000
   end
   check("rows are reproducible", same)
   check("tables differ", differs)
   check("c and pad have sysbench's shape", shapes_ok)
   check("k within 1..table_size", k_in_range)

   print(string.format("%d passed, %d failed", passed, failed))
   if failed > 0 then
      os.exit(1)
   end
end

sysbench.cmdline.commands = { test = { run_tests } }
