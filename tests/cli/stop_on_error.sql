CREATE DATABASE stop;
CREATE TABLE stop.t (id INT PRIMARY KEY, v VARCHAR(10));
INSERT INTO stop.t VALUES (1, 'one'), (2, 'two');
INSERT INTO stop.t VALUES (2, 'again');
SELECT 'never printed';
