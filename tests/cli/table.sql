CREATE DATABASE tbl;
CREATE TABLE tbl.t (id INT PRIMARY KEY, name VARCHAR(20), price DECIMAL(8,2), born DATE);
INSERT INTO tbl.t VALUES (1, 'short', 1.50, '2000-01-01'), (2, 'a longer name', NULL, NULL), (10, '', 1234.00, '1999-12-31');
SELECT * FROM tbl.t ORDER BY id;
SELECT COUNT(*), MAX(price) FROM tbl.t;
