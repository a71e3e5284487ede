-- A script as a person or a dump tool would write it: executable comments,
-- DDL with keys, multi-row inserts, a multi-statement query (one COM_QUERY
-- holding two statements, sent because of the custom delimiter), a
-- transaction, an error that --force continues after, and cleanup.
/*!40101 SET NAMES utf8mb4 */;
/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;
CREATE DATABASE cli;
USE cli;
CREATE TABLE accounts (
  id INT NOT NULL AUTO_INCREMENT,
  owner VARCHAR(40) NOT NULL,
  balance DECIMAL(12,2) NOT NULL DEFAULT 0.00,
  opened DATE,
  PRIMARY KEY (id),
  KEY owner_idx (owner)
) /*!50100 ENGINE=InnoDB */;
INSERT INTO accounts (owner, balance, opened) VALUES
  ('alice', 100.00, '2024-01-15'),
  ('bob', 250.50, '2023-12-01'),
  ('carol', 0.00, NULL),
  ('dörte', 42.42, '2024-02-29');
SELECT * FROM accounts ORDER BY id;
UPDATE accounts SET balance = balance + 10 WHERE owner IN ('alice', 'carol');
SELECT ROW_COUNT();
DELIMITER //
SELECT COUNT(*) AS n FROM accounts; SELECT SUM(balance) AS total FROM accounts //
DELIMITER ;
SELECT owner, balance FROM accounts WHERE balance > 50 ORDER BY balance DESC;
SELECT id, owner FROM accounts WHERE opened IS NULL;
START TRANSACTION;
DELETE FROM accounts WHERE owner = 'bob';
SELECT COUNT(*) AS inside FROM accounts;
ROLLBACK;
SELECT COUNT(*) AS after_rollback FROM accounts;
INSERT INTO accounts (owner) VALUES ('eve');
SELECT LAST_INSERT_ID();
SELECT owner, balance, opened FROM accounts WHERE id = LAST_INSERT_ID();
SELECT 1 + 1 AS two, 'tab	here' AS with_tab, NULL AS nothing, 'Grüße 😀' AS utf8;
SELECT * FROM nosuch;
SELEC 'typo';
SELECT 'after the error' AS still_running;
/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;
DROP TABLE accounts;
DROP DATABASE cli;
SHOW DATABASES LIKE 'cli';
