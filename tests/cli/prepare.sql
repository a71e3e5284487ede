-- SQL-level prepared statements as a script would use them: PREPARE from a
-- literal and from a variable, EXECUTE with and without USING, re-PREPARE,
-- the errors (--force continues past them), DEALLOCATE / DROP PREPARE.
CREATE DATABASE clips;
USE clips;
CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, qty INT NOT NULL);
PREPARE add_item FROM 'INSERT INTO items VALUES (?, ?, ?)';
SET @id = 1, @name = 'bolt', @qty = 40;
EXECUTE add_item USING @id, @name, @qty;
SET @id = 2, @name = 'nut', @qty = 75;
EXECUTE add_item USING @id, @name, @qty;
SET @id = 3, @name = 'washer', @qty = 0;
EXECUTE ADD_ITEM USING @id, @name, @qty;
EXECUTE add_item USING @id, @name, @qty;
EXECUTE add_item USING @id, @name;
SET @sql = 'SELECT id, name, qty FROM items WHERE qty >= ? ORDER BY id';
PREPARE in_stock FROM @sql;
SET @min = 1;
EXECUTE in_stock USING @min;
SET @min = 50;
EXECUTE in_stock USING @min;
PREPARE in_stock FROM 'SELECT COUNT(*) AS n FROM items';
EXECUTE in_stock;
PREPARE broken FROM 'SELECT 1; SELECT 2';
PREPARE nested FROM 'EXECUTE in_stock';
DEALLOCATE PREPARE add_item;
EXECUTE add_item USING @id, @name, @qty;
DROP PREPARE in_stock;
DROP PREPARE in_stock;
DROP DATABASE clips;
