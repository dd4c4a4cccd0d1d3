-- kp-journal-schema-3.sql
--
-- Copyright 2026 The KakaoPay POS authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Journal schema, step 3: refunds, closed days and their amendments, and
-- the indexes behind history search and the day report.
--
-- Days are local dates as text ("2026-11-25"), like sales.created_day.
-- Times written by triggers (amendments made outside the journal) are UTC
-- with an explicit "+00:00"; every other time has the local offset.

-- One row per refund request (a KakaoPay cancel), journaled before the call.
-- refund_id is "{partner_order_id}-R{seq}"; seq counts the sale's requests,
-- failed ones included, and is never reused. A refund belongs to the day it
-- completed (completed_day); created_day is the day it was asked for.
CREATE TABLE refunds (
  id                      INTEGER PRIMARY KEY,
  sale_id                 INTEGER NOT NULL REFERENCES sales (id),
  seq                     INTEGER NOT NULL CHECK (seq >= 1),
  refund_id               TEXT NOT NULL UNIQUE,
  state                   TEXT NOT NULL
                          CHECK (state IN ('REFUND_SENT', 'REFUNDED', 'REFUND_FAILED')),
  cancel_amount           INTEGER NOT NULL CHECK (cancel_amount >= 1),
  cancel_tax_free_amount  INTEGER NOT NULL
                          CHECK (cancel_tax_free_amount BETWEEN 0 AND cancel_amount),
  cancel_vat_amount       INTEGER NOT NULL
                          CHECK (cancel_vat_amount BETWEEN 0
                                 AND cancel_amount - cancel_tax_free_amount),
  cancel_available_amount INTEGER NOT NULL CHECK (cancel_available_amount >= cancel_amount),
  lines_json              TEXT CHECK (lines_json IS NULL OR json_valid (lines_json)),
  aid                     TEXT,
  created_at              TEXT NOT NULL,
  created_day             TEXT NOT NULL,
  completed_at            TEXT,
  completed_day           TEXT,
  canceled_at             TEXT,
  detail                  TEXT,
  UNIQUE (sale_id, seq),
  CHECK ((state = 'REFUND_SENT') = (completed_at IS NULL)),
  CHECK ((completed_at IS NULL) = (completed_day IS NULL))
);

-- One refund in flight per sale: the guard KakaoPay's
-- cancel_available_amount assumes. Also the reconciler's list.
CREATE UNIQUE INDEX refunds_in_flight ON refunds (sale_id) WHERE state = 'REFUND_SENT';
CREATE INDEX refunds_by_completed_day ON refunds (completed_day);
CREATE INDEX refunds_by_created_day ON refunds (created_day);

-- History search: exact and prefix lookups by tid (case-insensitive, as
-- cashiers type), lookups by amount; partner_order_id has its UNIQUE index
-- and the day its sales_by_day. Both keep the rowid, so "newest first"
-- needs no sort.
CREATE INDEX sales_by_tid ON sales (tid COLLATE NOCASE);
CREATE INDEX sales_by_amount ON sales (total_amount);

-- The day report reads the figures of a day's sales from this index alone,
-- and finds its unfinished ones (by state) without reading the others.
CREATE INDEX sales_by_day_totals ON sales (created_day, state, payment_method_type,
                                           total_amount, vat_amount, tax_free_amount);

-- Item and line names, each distinct name once, with a trigram index for
-- substring search, and which sales carry which name. A shop sells the same
-- few hundred names over and over: the names stay small, and the mapping
-- costs a few bytes per line.
CREATE TABLE search_names (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

CREATE VIRTUAL TABLE search_names_fts USING fts5 (
  name,
  tokenize = 'trigram',
  content = 'search_names',
  content_rowid = 'id'
);

CREATE TABLE sale_names (
  name_id INTEGER NOT NULL,
  sale_id INTEGER NOT NULL,
  PRIMARY KEY (name_id, sale_id)
) WITHOUT ROWID;

-- The Z report of a closed day: its figures as JSON and the SHA-256 of a
-- canonical dump of the day's rows (kp-journal-days.c) at closing.
CREATE TABLE day_closes (
  day         TEXT PRIMARY KEY,
  closed_at   TEXT NOT NULL,
  terminal_id TEXT NOT NULL,
  report      TEXT NOT NULL CHECK (json_valid (report)),
  hash        TEXT NOT NULL
) WITHOUT ROWID;

-- Every change to a row of a closed day (a sale created that day, its lines,
-- a refund asked for or completed that day), recorded by the triggers below
-- whoever made it. The journal claims the rows its own writes caused
-- (by_journal = 1, its clock in at) and stores the day's new hash on the
-- last one; a row left with by_journal = 0 was written outside the journal.
CREATE TABLE amendments (
  id               INTEGER PRIMARY KEY,
  day              TEXT NOT NULL,
  sale_id          INTEGER,
  partner_order_id TEXT,
  refund_id        TEXT,
  what             TEXT NOT NULL,
  at               TEXT NOT NULL,
  by_journal       INTEGER NOT NULL DEFAULT 0 CHECK (by_journal IN (0, 1)),
  hash             TEXT
);

CREATE INDEX amendments_by_day ON amendments (day, id);

-- Existing rows. A refund journaled by a state transition of schema 2 has
-- no split: a full refund takes the sale's, a partial one is estimated
-- (tax-free in proportion, VAT by KakaoPay's rule, rounded half up).
INSERT INTO refunds (sale_id, seq, refund_id, state, cancel_amount, cancel_tax_free_amount,
                     cancel_vat_amount, cancel_available_amount, created_at, created_day,
                     completed_at, completed_day, detail)
SELECT id, 1, partner_order_id || '-R1', 'REFUNDED', refunded_amount, tax_free,
       CASE WHEN refunded_amount = total_amount THEN vat_amount
            ELSE min (vat_amount, (refunded_amount - tax_free + 5) / 11) END,
       total_amount, at, substr (at, 1, 10), at, substr (at, 1, 10),
       'Recorded by the migration to journal schema 3'
FROM (SELECT s.*,
             CASE WHEN refunded_amount = total_amount THEN tax_free_amount
                  ELSE (refunded_amount * tax_free_amount + total_amount / 2) / total_amount
                  END AS tax_free,
             coalesce ((SELECT t.at FROM transitions t
                        WHERE t.sale_id = s.id
                          AND t.to_state IN ('PARTIALLY_REFUNDED', 'REFUNDED')
                        ORDER BY t.id DESC LIMIT 1),
                       s.updated_at) AS at
      FROM sales s
      WHERE refunded_amount > 0)
ORDER BY id;

UPDATE sales SET created_day = substr (created_at, 1, 10) WHERE created_day IS NULL;

INSERT INTO search_names (name)
SELECT item_name FROM sales UNION SELECT name FROM sale_lines;

INSERT INTO search_names_fts (search_names_fts) VALUES ('rebuild');

INSERT INTO sale_names (name_id, sale_id)
SELECT n.id, s.id FROM sales s JOIN search_names n ON n.name = s.item_name
UNION
SELECT n.id, l.sale_id FROM sale_lines l JOIN search_names n ON n.name = l.name;

-- A sale inserted without its day (by hand, or by code older than schema 2)
-- gets it from created_at, so the day's report and hash see it.
CREATE TRIGGER sales_fill_day AFTER INSERT ON sales
WHEN NEW.created_day IS NULL
BEGIN
  UPDATE sales SET created_day = substr (NEW.created_at, 1, 10) WHERE id = NEW.id;
END;

-- The search index follows the names. Written without OR IGNORE, so an
-- outer INSERT OR REPLACE cannot turn them into replaces.
CREATE TRIGGER search_names_insert AFTER INSERT ON search_names
BEGIN
  INSERT INTO search_names_fts (rowid, name) VALUES (NEW.id, NEW.name);
END;

CREATE TRIGGER search_names_delete AFTER DELETE ON search_names
BEGIN
  INSERT INTO search_names_fts (search_names_fts, rowid, name)
  VALUES ('delete', OLD.id, OLD.name);
END;

CREATE TRIGGER search_names_update AFTER UPDATE ON search_names
BEGIN
  INSERT INTO search_names_fts (search_names_fts, rowid, name)
  VALUES ('delete', OLD.id, OLD.name);
  INSERT INTO search_names_fts (rowid, name) VALUES (NEW.id, NEW.name);
END;

CREATE TRIGGER sales_names_insert AFTER INSERT ON sales
BEGIN
  INSERT INTO search_names (name)
  SELECT NEW.item_name WHERE NOT EXISTS (SELECT 1 FROM search_names WHERE name = NEW.item_name);
  INSERT INTO sale_names (name_id, sale_id)
  SELECT n.id, NEW.id FROM search_names n
  WHERE n.name = NEW.item_name
    AND NOT EXISTS (SELECT 1 FROM sale_names WHERE name_id = n.id AND sale_id = NEW.id);
END;

CREATE TRIGGER sales_names_update AFTER UPDATE OF item_name ON sales
WHEN OLD.item_name IS NOT NEW.item_name
BEGIN
  INSERT INTO search_names (name)
  SELECT NEW.item_name WHERE NOT EXISTS (SELECT 1 FROM search_names WHERE name = NEW.item_name);
  INSERT INTO sale_names (name_id, sale_id)
  SELECT n.id, NEW.id FROM search_names n
  WHERE n.name = NEW.item_name
    AND NOT EXISTS (SELECT 1 FROM sale_names WHERE name_id = n.id AND sale_id = NEW.id);
  DELETE FROM sale_names
  WHERE sale_id = NEW.id
    AND name_id = (SELECT id FROM search_names WHERE name = OLD.item_name)
    AND NOT EXISTS (SELECT 1 FROM sale_lines WHERE sale_id = NEW.id AND name = OLD.item_name);
END;

CREATE TRIGGER sale_lines_names_insert AFTER INSERT ON sale_lines
BEGIN
  INSERT INTO search_names (name)
  SELECT NEW.name WHERE NOT EXISTS (SELECT 1 FROM search_names WHERE name = NEW.name);
  INSERT INTO sale_names (name_id, sale_id)
  SELECT n.id, NEW.sale_id FROM search_names n
  WHERE n.name = NEW.name
    AND NOT EXISTS (SELECT 1 FROM sale_names WHERE name_id = n.id AND sale_id = NEW.sale_id);
END;

CREATE TRIGGER sale_lines_names_update AFTER UPDATE OF name, sale_id ON sale_lines
BEGIN
  INSERT INTO search_names (name)
  SELECT NEW.name WHERE NOT EXISTS (SELECT 1 FROM search_names WHERE name = NEW.name);
  INSERT INTO sale_names (name_id, sale_id)
  SELECT n.id, NEW.sale_id FROM search_names n
  WHERE n.name = NEW.name
    AND NOT EXISTS (SELECT 1 FROM sale_names WHERE name_id = n.id AND sale_id = NEW.sale_id);
  DELETE FROM sale_names
  WHERE sale_id = OLD.sale_id
    AND name_id = (SELECT id FROM search_names WHERE name = OLD.name)
    AND NOT EXISTS (SELECT 1 FROM sale_lines WHERE sale_id = OLD.sale_id AND name = OLD.name)
    AND NOT EXISTS (SELECT 1 FROM sales WHERE id = OLD.sale_id AND item_name = OLD.name);
END;

CREATE TRIGGER sale_lines_names_delete AFTER DELETE ON sale_lines
BEGIN
  DELETE FROM sale_names
  WHERE sale_id = OLD.sale_id
    AND name_id = (SELECT id FROM search_names WHERE name = OLD.name)
    AND NOT EXISTS (SELECT 1 FROM sale_lines WHERE sale_id = OLD.sale_id AND name = OLD.name)
    AND NOT EXISTS (SELECT 1 FROM sales WHERE id = OLD.sale_id AND item_name = OLD.name);
END;

-- A closed day is closed: its close cannot be edited or removed, and
-- amendments are only ever added. The journal may claim a fresh amendment
-- once (by_journal 0 → 1, with its time) and seal it once (hash).
CREATE TRIGGER day_closes_no_update BEFORE UPDATE ON day_closes
BEGIN
  SELECT RAISE (ABORT, 'A closed day cannot be changed');
END;

CREATE TRIGGER day_closes_no_delete BEFORE DELETE ON day_closes
BEGIN
  SELECT RAISE (ABORT, 'A closed day cannot be reopened');
END;

CREATE TRIGGER amendments_no_delete BEFORE DELETE ON amendments
BEGIN
  SELECT RAISE (ABORT, 'An amendment cannot be removed');
END;

CREATE TRIGGER amendments_claim_only BEFORE UPDATE ON amendments
WHEN NEW.id IS NOT OLD.id
  OR NEW.day IS NOT OLD.day
  OR NEW.sale_id IS NOT OLD.sale_id
  OR NEW.partner_order_id IS NOT OLD.partner_order_id
  OR NEW.refund_id IS NOT OLD.refund_id
  OR NEW.what IS NOT OLD.what
  OR OLD.hash IS NOT NULL
  OR (OLD.by_journal = 1 AND NEW.by_journal = 0)
  OR (NEW.at IS NOT OLD.at AND NOT (OLD.by_journal = 0 AND NEW.by_journal = 1))
BEGIN
  SELECT RAISE (ABORT, 'An amendment cannot be changed');
END;

-- The recording of changes to closed days.
CREATE TRIGGER sales_amend_insert AFTER INSERT ON sales
WHEN EXISTS (SELECT 1 FROM day_closes
             WHERE day = coalesce (NEW.created_day, substr (NEW.created_at, 1, 10)))
BEGIN
  INSERT INTO amendments (day, sale_id, partner_order_id, what, at)
  VALUES (coalesce (NEW.created_day, substr (NEW.created_at, 1, 10)), NEW.id,
          NEW.partner_order_id,
          'sale ' || NEW.partner_order_id || ' added: ' || NEW.state || ', '
          || NEW.total_amount,
          strftime ('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
END;

CREATE TRIGGER sales_amend_update AFTER UPDATE ON sales
WHEN EXISTS (SELECT 1 FROM day_closes WHERE day IN (OLD.created_day, NEW.created_day))
BEGIN
  INSERT INTO amendments (day, sale_id, partner_order_id, what, at)
  SELECT d.day, NEW.id, NEW.partner_order_id,
         'sale ' || OLD.partner_order_id || ' changed:' || c.what,
         strftime ('%Y-%m-%dT%H:%M:%S+00:00', 'now')
  FROM day_closes d,
       (SELECT
          iif (OLD.id IS NOT NEW.id,
               ' id ' || quote (OLD.id) || ' → ' || quote (NEW.id) || ';', '') ||
          iif (OLD.partner_order_id IS NOT NEW.partner_order_id,
               ' partner_order_id ' || quote (OLD.partner_order_id) || ' → '
               || quote (NEW.partner_order_id) || ';', '') ||
          iif (OLD.partner_user_id IS NOT NEW.partner_user_id,
               ' partner_user_id ' || quote (OLD.partner_user_id) || ' → '
               || quote (NEW.partner_user_id) || ';', '') ||
          iif (OLD.terminal_id IS NOT NEW.terminal_id,
               ' terminal_id ' || quote (OLD.terminal_id) || ' → '
               || quote (NEW.terminal_id) || ';', '') ||
          iif (OLD.cid IS NOT NEW.cid,
               ' cid ' || quote (OLD.cid) || ' → ' || quote (NEW.cid) || ';', '') ||
          iif (OLD.dialect IS NOT NEW.dialect,
               ' dialect ' || quote (OLD.dialect) || ' → ' || quote (NEW.dialect) || ';', '') ||
          iif (OLD.state IS NOT NEW.state,
               ' state ' || quote (OLD.state) || ' → ' || quote (NEW.state) || ';', '') ||
          iif (OLD.item_name IS NOT NEW.item_name,
               ' item_name ' || quote (OLD.item_name) || ' → ' || quote (NEW.item_name) || ';',
               '') ||
          iif (OLD.quantity IS NOT NEW.quantity,
               ' quantity ' || quote (OLD.quantity) || ' → ' || quote (NEW.quantity) || ';', '') ||
          iif (OLD.total_amount IS NOT NEW.total_amount,
               ' total_amount ' || quote (OLD.total_amount) || ' → '
               || quote (NEW.total_amount) || ';', '') ||
          iif (OLD.tax_free_amount IS NOT NEW.tax_free_amount,
               ' tax_free_amount ' || quote (OLD.tax_free_amount) || ' → '
               || quote (NEW.tax_free_amount) || ';', '') ||
          iif (OLD.vat_amount IS NOT NEW.vat_amount,
               ' vat_amount ' || quote (OLD.vat_amount) || ' → ' || quote (NEW.vat_amount) || ';',
               '') ||
          iif (OLD.tid IS NOT NEW.tid,
               ' tid ' || quote (OLD.tid) || ' → ' || quote (NEW.tid) || ';', '') ||
          iif (OLD.aid IS NOT NEW.aid,
               ' aid ' || quote (OLD.aid) || ' → ' || quote (NEW.aid) || ';', '') ||
          iif (OLD.pg_token IS NOT NEW.pg_token,
               ' pg_token ' || quote (OLD.pg_token) || ' → ' || quote (NEW.pg_token) || ';', '') ||
          iif (OLD.nonce IS NOT NEW.nonce,
               ' nonce ' || quote (OLD.nonce) || ' → ' || quote (NEW.nonce) || ';', '') ||
          iif (OLD.payment_method_type IS NOT NEW.payment_method_type,
               ' payment_method_type ' || quote (OLD.payment_method_type) || ' → '
               || quote (NEW.payment_method_type) || ';', '') ||
          iif (OLD.card_info IS NOT NEW.card_info,
               ' card_info ' || quote (OLD.card_info) || ' → ' || quote (NEW.card_info) || ';',
               '') ||
          iif (OLD.created_at IS NOT NEW.created_at,
               ' created_at ' || quote (OLD.created_at) || ' → ' || quote (NEW.created_at) || ';',
               '') ||
          iif (OLD.approved_at IS NOT NEW.approved_at,
               ' approved_at ' || quote (OLD.approved_at) || ' → '
               || quote (NEW.approved_at) || ';', '') ||
          iif (OLD.expires_at IS NOT NEW.expires_at,
               ' expires_at ' || quote (OLD.expires_at) || ' → ' || quote (NEW.expires_at) || ';',
               '') ||
          iif (OLD.refunded_amount IS NOT NEW.refunded_amount,
               ' refunded_amount ' || quote (OLD.refunded_amount) || ' → '
               || quote (NEW.refunded_amount) || ';', '') ||
          iif (OLD.created_day IS NOT NEW.created_day,
               ' created_day ' || quote (OLD.created_day) || ' → '
               || quote (NEW.created_day) || ';', '') ||
          iif (OLD.updated_at IS NOT NEW.updated_at,
               ' updated_at ' || quote (OLD.updated_at) || ' → ' || quote (NEW.updated_at) || ';',
               '')
          AS what) c
  WHERE d.day IN (OLD.created_day, NEW.created_day) AND c.what <> '';
END;

CREATE TRIGGER sales_amend_delete AFTER DELETE ON sales
WHEN EXISTS (SELECT 1 FROM day_closes WHERE day = OLD.created_day)
BEGIN
  INSERT INTO amendments (day, sale_id, partner_order_id, what, at)
  VALUES (OLD.created_day, OLD.id, OLD.partner_order_id,
          'sale ' || OLD.partner_order_id || ' deleted',
          strftime ('%Y-%m-%dT%H:%M:%S+00:00', 'now'));
END;

-- The lines a sale is created with are part of its creation; a line added
-- to a sale that already has a history is a change.
CREATE TRIGGER sale_lines_amend_insert AFTER INSERT ON sale_lines
WHEN EXISTS (SELECT 1 FROM sales s JOIN day_closes d ON d.day = s.created_day
             WHERE s.id = NEW.sale_id)
  AND EXISTS (SELECT 1 FROM transitions WHERE sale_id = NEW.sale_id)
BEGIN
  INSERT INTO amendments (day, sale_id, partner_order_id, what, at)
  SELECT s.created_day, s.id, s.partner_order_id,
         'sale ' || s.partner_order_id || ': line ' || NEW.position || ' added: '
         || quote (NEW.name) || ' × ' || NEW.quantity || ' at ' || NEW.unit_price,
         strftime ('%Y-%m-%dT%H:%M:%S+00:00', 'now')
  FROM sales s WHERE s.id = NEW.sale_id;
END;

CREATE TRIGGER sale_lines_amend_update AFTER UPDATE ON sale_lines
WHEN EXISTS (SELECT 1 FROM sales s JOIN day_closes d ON d.day = s.created_day
             WHERE s.id IN (OLD.sale_id, NEW.sale_id))
BEGIN
  INSERT INTO amendments (day, sale_id, partner_order_id, what, at)
  SELECT s.created_day, s.id, s.partner_order_id,
         'sale ' || s.partner_order_id || ': line ' || OLD.position || ' changed: '
         || quote (OLD.name) || ' × ' || OLD.quantity || ' at ' || OLD.unit_price
         || iif (OLD.tax_free, ' tax-free', '') || ' = ' || OLD.amount || ' → '
         || quote (NEW.name) || ' × ' || NEW.quantity || ' at ' || NEW.unit_price
         || iif (NEW.tax_free, ' tax-free', '') || ' = ' || NEW.amount,
         strftime ('%Y-%m-%dT%H:%M:%S+00:00', 'now')
  FROM sales s JOIN day_closes d ON d.day = s.created_day
  WHERE s.id IN (OLD.sale_id, NEW.sale_id);
END;

CREATE TRIGGER sale_lines_amend_delete AFTER DELETE ON sale_lines
WHEN EXISTS (SELECT 1 FROM sales s JOIN day_closes d ON d.day = s.created_day
             WHERE s.id = OLD.sale_id)
BEGIN
  INSERT INTO amendments (day, sale_id, partner_order_id, what, at)
  SELECT s.created_day, s.id, s.partner_order_id,
         'sale ' || s.partner_order_id || ': line ' || OLD.position || ' deleted: '
         || quote (OLD.name) || ' × ' || OLD.quantity || ' at ' || OLD.unit_price,
         strftime ('%Y-%m-%dT%H:%M:%S+00:00', 'now')
  FROM sales s WHERE s.id = OLD.sale_id;
END;

CREATE TRIGGER refunds_amend_insert AFTER INSERT ON refunds
WHEN EXISTS (SELECT 1 FROM day_closes WHERE day IN (NEW.created_day, NEW.completed_day))
BEGIN
  INSERT INTO amendments (day, sale_id, partner_order_id, refund_id, what, at)
  SELECT d.day, NEW.sale_id, (SELECT partner_order_id FROM sales WHERE id = NEW.sale_id),
         NEW.refund_id,
         'refund ' || NEW.refund_id || ' added: ' || NEW.state || ', ' || NEW.cancel_amount,
         strftime ('%Y-%m-%dT%H:%M:%S+00:00', 'now')
  FROM day_closes d WHERE d.day IN (NEW.created_day, NEW.completed_day);
END;

CREATE TRIGGER refunds_amend_update AFTER UPDATE ON refunds
WHEN EXISTS (SELECT 1 FROM day_closes
             WHERE day IN (OLD.created_day, OLD.completed_day,
                           NEW.created_day, NEW.completed_day))
BEGIN
  INSERT INTO amendments (day, sale_id, partner_order_id, refund_id, what, at)
  SELECT d.day, NEW.sale_id, (SELECT partner_order_id FROM sales WHERE id = NEW.sale_id),
         NEW.refund_id,
         'refund ' || OLD.refund_id || ' changed:' || c.what,
         strftime ('%Y-%m-%dT%H:%M:%S+00:00', 'now')
  FROM day_closes d,
       (SELECT
          iif (OLD.id IS NOT NEW.id,
               ' id ' || quote (OLD.id) || ' → ' || quote (NEW.id) || ';', '') ||
          iif (OLD.sale_id IS NOT NEW.sale_id,
               ' sale_id ' || quote (OLD.sale_id) || ' → ' || quote (NEW.sale_id) || ';', '') ||
          iif (OLD.seq IS NOT NEW.seq,
               ' seq ' || quote (OLD.seq) || ' → ' || quote (NEW.seq) || ';', '') ||
          iif (OLD.refund_id IS NOT NEW.refund_id,
               ' refund_id ' || quote (OLD.refund_id) || ' → ' || quote (NEW.refund_id) || ';',
               '') ||
          iif (OLD.state IS NOT NEW.state,
               ' state ' || quote (OLD.state) || ' → ' || quote (NEW.state) || ';', '') ||
          iif (OLD.cancel_amount IS NOT NEW.cancel_amount,
               ' cancel_amount ' || quote (OLD.cancel_amount) || ' → '
               || quote (NEW.cancel_amount) || ';', '') ||
          iif (OLD.cancel_tax_free_amount IS NOT NEW.cancel_tax_free_amount,
               ' cancel_tax_free_amount ' || quote (OLD.cancel_tax_free_amount) || ' → '
               || quote (NEW.cancel_tax_free_amount) || ';', '') ||
          iif (OLD.cancel_vat_amount IS NOT NEW.cancel_vat_amount,
               ' cancel_vat_amount ' || quote (OLD.cancel_vat_amount) || ' → '
               || quote (NEW.cancel_vat_amount) || ';', '') ||
          iif (OLD.cancel_available_amount IS NOT NEW.cancel_available_amount,
               ' cancel_available_amount ' || quote (OLD.cancel_available_amount) || ' → '
               || quote (NEW.cancel_available_amount) || ';', '') ||
          iif (OLD.lines_json IS NOT NEW.lines_json,
               ' lines_json ' || quote (OLD.lines_json) || ' → ' || quote (NEW.lines_json) || ';',
               '') ||
          iif (OLD.aid IS NOT NEW.aid,
               ' aid ' || quote (OLD.aid) || ' → ' || quote (NEW.aid) || ';', '') ||
          iif (OLD.created_at IS NOT NEW.created_at,
               ' created_at ' || quote (OLD.created_at) || ' → ' || quote (NEW.created_at) || ';',
               '') ||
          iif (OLD.created_day IS NOT NEW.created_day,
               ' created_day ' || quote (OLD.created_day) || ' → '
               || quote (NEW.created_day) || ';', '') ||
          iif (OLD.completed_at IS NOT NEW.completed_at,
               ' completed_at ' || quote (OLD.completed_at) || ' → '
               || quote (NEW.completed_at) || ';', '') ||
          iif (OLD.completed_day IS NOT NEW.completed_day,
               ' completed_day ' || quote (OLD.completed_day) || ' → '
               || quote (NEW.completed_day) || ';', '') ||
          iif (OLD.canceled_at IS NOT NEW.canceled_at,
               ' canceled_at ' || quote (OLD.canceled_at) || ' → '
               || quote (NEW.canceled_at) || ';', '') ||
          iif (OLD.detail IS NOT NEW.detail,
               ' detail ' || quote (OLD.detail) || ' → ' || quote (NEW.detail) || ';', '')
          AS what) c
  WHERE d.day IN (OLD.created_day, OLD.completed_day, NEW.created_day, NEW.completed_day)
    AND c.what <> '';
END;

CREATE TRIGGER refunds_amend_delete AFTER DELETE ON refunds
WHEN EXISTS (SELECT 1 FROM day_closes WHERE day IN (OLD.created_day, OLD.completed_day))
BEGIN
  INSERT INTO amendments (day, sale_id, partner_order_id, refund_id, what, at)
  SELECT d.day, OLD.sale_id, (SELECT partner_order_id FROM sales WHERE id = OLD.sale_id),
         OLD.refund_id, 'refund ' || OLD.refund_id || ' deleted',
         strftime ('%Y-%m-%dT%H:%M:%S+00:00', 'now')
  FROM day_closes d WHERE d.day IN (OLD.created_day, OLD.completed_day);
END;
