-- SPDX-License-Identifier: MIT
-- script.sql: run by the sqlite3 image from an initrd (tests/apps/sqlite.sh) on a database in
-- /tmp; its output must equal script.expected (made by Debian's sqlite3 3.40.1 on Linux).
.headers on
.mode list
CREATE TABLE city(id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT, pop INTEGER);
CREATE INDEX city_country ON city(country);
BEGIN;
INSERT INTO city(name, country, pop) VALUES
  ('Lyon', 'FR', 522250), ('Nantes', 'FR', 320732), ('Porto', 'PT', 231962),
  ('Braga', 'PT', 193333), ('Graz', 'AT', 291072), ('Linz', 'AT', 206595),
  ('Bergen', 'NO', 285911);
COMMIT;
SELECT country, count(*) AS n, sum(pop) AS total FROM city GROUP BY country ORDER BY total DESC;
BEGIN;
DELETE FROM city WHERE country = 'FR';
ROLLBACK;
SELECT count(*) AS after_rollback FROM city;
UPDATE city SET pop = pop + 1000 WHERE name LIKE 'B%';
.mode column
SELECT name, pop, rank() OVER (PARTITION BY country ORDER BY pop DESC) AS r FROM city ORDER BY country, r;
.mode list
WITH RECURSIVE fib(i, a, b) AS (SELECT 1, 0, 1 UNION ALL SELECT i + 1, b, a + b FROM fib WHERE i < 20)
SELECT group_concat(a, ',') AS fib FROM fib;
SELECT printf('%08.3f|%-6s|%x', 3.14159, 'ab', 255) AS fmt, upper('mote') AS up, length(x'00ff10') AS blob_len;
SELECT date('2024-02-28', '+1 day') AS leap, strftime('%Y-%j', '2023-12-31') AS doy,
  julianday('2000-01-01') AS jd;
SELECT json_extract('{"a":[1,2,{"b":"c"}]}', '$.a[2].b') AS j, json_array_length('[1,2,3]') AS jl;
CREATE TABLE big AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5000)
  SELECT x, hex(randomblob(8)) AS r, x * x AS sq FROM n;
SELECT count(*) AS rows, sum(sq) AS sum_sq, max(length(r)) AS hexlen FROM big;
DELETE FROM big WHERE x % 3 = 0;
VACUUM;
SELECT count(*) AS left_after_delete FROM big;
SELECT typeof(1), typeof(1.5), typeof('s'), typeof(x'01'), typeof(NULL);
SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name;
PRAGMA integrity_check;
