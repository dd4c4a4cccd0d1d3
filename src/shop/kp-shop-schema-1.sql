-- kp-shop-schema-1.sql
--
-- Copyright 2026 The KakaoPay POS authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The shop database (PostgreSQL), step 1. Each terminal's journal stays
-- the source of truth; this is where the journals of all the shop's
-- terminals meet. Run in one transaction by kp-shop-db.c, which then
-- records the step in shop_schema_version. A shipped step never changes.
--
-- terminal_id is the id of the terminal whose journal sent the row; a sale
-- is named by its partner_order_id. Times keep the offset they were
-- journaled with; days are the terminals' local days.

-- The terminals that ever sent, with how far their outbox has come: the
-- last change applied here and the terminal's own last change when it sent
-- it (equal when it had caught up). origin is the journal file's identity.
CREATE TABLE terminals (
  terminal_id    text PRIMARY KEY,
  origin         text NOT NULL,
  replicated_seq bigint NOT NULL DEFAULT 0,
  journal_seq    bigint NOT NULL DEFAULT 0,
  last_seen      timestamptz NOT NULL DEFAULT now ()
);

-- Every change as sent, once: (terminal_id, seq) is what makes a batch
-- sent twice (a terminal killed between this commit and its own) harmless.
CREATE TABLE changes (
  terminal_id text NOT NULL,
  seq         bigint NOT NULL,
  kind        text NOT NULL,
  payload     jsonb NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now (),
  PRIMARY KEY (terminal_id, seq)
);

-- The rows as they are now, from the changes applied in order. Column
-- names are the journal's payload keys (kp-journal-schema-6.sql).
CREATE TABLE sales (
  terminal_id         text NOT NULL,
  partner_order_id    text NOT NULL,
  partner_user_id     text,
  cid                 text,
  dialect             text,
  state               text NOT NULL,
  item_name           text,
  quantity            bigint,
  total_amount        bigint NOT NULL,
  tax_free_amount     bigint NOT NULL,
  vat_amount          bigint NOT NULL,
  tid                 text,
  aid                 text,
  payment_method_type text,
  card_info           jsonb,
  created_at          timestamptz NOT NULL,
  created_day         date NOT NULL,
  updated_at          timestamptz,
  approved_at         timestamptz,
  expires_at          timestamptz,
  refunded_amount     bigint NOT NULL DEFAULT 0,
  retry_of            text,
  PRIMARY KEY (terminal_id, partner_order_id)
);

CREATE INDEX sales_by_day ON sales (created_day, state);
CREATE INDEX sales_by_created ON sales (created_at DESC);
CREATE INDEX sales_by_tid ON sales (lower (tid));

CREATE TABLE sale_lines (
  terminal_id      text NOT NULL,
  partner_order_id text NOT NULL,
  position         integer NOT NULL,
  name             text NOT NULL,
  quantity         bigint NOT NULL,
  unit_price       bigint NOT NULL,
  tax_free         smallint NOT NULL,
  amount           bigint NOT NULL,
  PRIMARY KEY (terminal_id, partner_order_id, position)
);

CREATE TABLE transitions (
  terminal_id      text NOT NULL,
  id               bigint NOT NULL,
  partner_order_id text NOT NULL,
  from_state       text,
  to_state         text NOT NULL,
  at               timestamptz NOT NULL,
  detail           text,
  PRIMARY KEY (terminal_id, id)
);

CREATE INDEX transitions_by_sale ON transitions (terminal_id, partner_order_id, id);

CREATE TABLE refunds (
  terminal_id             text NOT NULL,
  refund_id               text NOT NULL,
  partner_order_id        text NOT NULL,
  seq                     integer NOT NULL,
  state                   text NOT NULL,
  cancel_amount           bigint NOT NULL,
  cancel_tax_free_amount  bigint NOT NULL,
  cancel_vat_amount       bigint NOT NULL,
  cancel_available_amount bigint NOT NULL,
  lines                   jsonb,
  aid                     text,
  created_at              timestamptz NOT NULL,
  created_day             date NOT NULL,
  completed_at            timestamptz,
  completed_day           date,
  canceled_at             timestamptz,
  detail                  text,
  PRIMARY KEY (terminal_id, refund_id)
);

CREATE INDEX refunds_by_completed_day ON refunds (completed_day, state);
CREATE INDEX refunds_by_sale ON refunds (terminal_id, partner_order_id);

CREATE TABLE print_attempts (
  terminal_id      text NOT NULL,
  id               bigint NOT NULL,
  partner_order_id text NOT NULL,
  refund_id        text,
  kind             text NOT NULL,
  printed          smallint NOT NULL,
  at               timestamptz NOT NULL,
  reason           text,
  PRIMARY KEY (terminal_id, id)
);

-- Each terminal's own Z reports.
CREATE TABLE day_closes (
  terminal_id text NOT NULL,
  day         date NOT NULL,
  closed_at   timestamptz NOT NULL,
  closed_by   text NOT NULL,
  report      jsonb NOT NULL,
  hash        text NOT NULL,
  PRIMARY KEY (terminal_id, day)
);

-- The shop's day closes: the figures of all terminals, and which terminals
-- they include with how far each had replicated (caught_up false: changes
-- of that terminal may be missing from the figures).
CREATE TABLE shop_day_closes (
  day       date PRIMARY KEY,
  closed_at timestamptz NOT NULL DEFAULT now (),
  closed_by text NOT NULL,
  report    jsonb NOT NULL,
  terminals jsonb NOT NULL
);

-- One change applied to the rows above. A kind this version does not know
-- (sent by a newer terminal) is kept in changes only.
CREATE FUNCTION shop_apply_change (p_terminal text, p_kind text, p jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  keyed jsonb := p || jsonb_build_object ('terminal_id', p_terminal);
BEGIN
  CASE p_kind
  WHEN 'sale' THEN
    DELETE FROM sales WHERE terminal_id = p_terminal
                        AND partner_order_id = p->>'partner_order_id';
    INSERT INTO sales SELECT (jsonb_populate_record (NULL::sales, keyed)).*;
  WHEN 'sale-delete' THEN
    DELETE FROM sales WHERE terminal_id = p_terminal
                        AND partner_order_id = p->>'partner_order_id';
    DELETE FROM sale_lines WHERE terminal_id = p_terminal
                             AND partner_order_id = p->>'partner_order_id';
    DELETE FROM transitions WHERE terminal_id = p_terminal
                              AND partner_order_id = p->>'partner_order_id';
    DELETE FROM print_attempts WHERE terminal_id = p_terminal
                                 AND partner_order_id = p->>'partner_order_id';
  WHEN 'line', 'line-delete' THEN
    DELETE FROM sale_lines WHERE terminal_id = p_terminal
                             AND partner_order_id = p->>'partner_order_id'
                             AND position = (p->>'position')::integer;
    IF p_kind = 'line' THEN
      INSERT INTO sale_lines SELECT (jsonb_populate_record (NULL::sale_lines, keyed)).*;
    END IF;
  WHEN 'transition', 'transition-delete' THEN
    DELETE FROM transitions WHERE terminal_id = p_terminal AND id = (p->>'id')::bigint;
    IF p_kind = 'transition' THEN
      INSERT INTO transitions SELECT (jsonb_populate_record (NULL::transitions, keyed)).*;
    END IF;
  WHEN 'refund', 'refund-delete' THEN
    DELETE FROM refunds WHERE terminal_id = p_terminal AND refund_id = p->>'refund_id';
    IF p_kind = 'refund' THEN
      INSERT INTO refunds SELECT (jsonb_populate_record (NULL::refunds, keyed)).*;
    END IF;
  WHEN 'print', 'print-delete' THEN
    DELETE FROM print_attempts WHERE terminal_id = p_terminal AND id = (p->>'id')::bigint;
    IF p_kind = 'print' THEN
      INSERT INTO print_attempts
      SELECT (jsonb_populate_record (NULL::print_attempts, keyed)).*;
    END IF;
  WHEN 'day-close' THEN
    INSERT INTO day_closes (terminal_id, day, closed_at, closed_by, report, hash)
    VALUES (p_terminal, (p->>'day')::date, (p->>'closed_at')::timestamptz,
            p->>'terminal_id', p->'report', p->>'hash')
    ON CONFLICT DO NOTHING;
  ELSE
    NULL;
  END CASE;
END;
$$;

-- A batch of one terminal's outbox, in one transaction (the statement's):
-- p_changes is a JSON array of {seq, kind, payload}. A change already here
-- is skipped; the others are applied in seq order. p_journal_seq is the
-- terminal's last change when it read the batch. Returns how many changes
-- were new.
CREATE FUNCTION shop_apply_batch (p_terminal text, p_origin text, p_journal_seq bigint,
                                  p_changes jsonb)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  c record;
  known text;
  applied bigint := 0;
  last bigint := 0;
BEGIN
  INSERT INTO terminals (terminal_id, origin) VALUES (p_terminal, p_origin)
  ON CONFLICT DO NOTHING;
  SELECT origin INTO known FROM terminals WHERE terminal_id = p_terminal FOR UPDATE;
  IF known <> p_origin THEN
    RAISE EXCEPTION 'The terminal id % is already used by another terminal''s journal',
      p_terminal USING ERRCODE = 'unique_violation';
  END IF;

  FOR c IN SELECT (e->>'seq')::bigint AS seq, e->>'kind' AS kind, e->'payload' AS payload
           FROM jsonb_array_elements (p_changes) AS e ORDER BY 1
  LOOP
    INSERT INTO changes (terminal_id, seq, kind, payload)
    VALUES (p_terminal, c.seq, c.kind, c.payload)
    ON CONFLICT DO NOTHING;
    IF FOUND THEN
      PERFORM shop_apply_change (p_terminal, c.kind, c.payload);
      applied := applied + 1;
    END IF;
    last := greatest (last, c.seq);
  END LOOP;

  UPDATE terminals
  SET replicated_seq = greatest (replicated_seq, last),
      journal_seq = greatest (journal_seq, p_journal_seq, last),
      last_seen = now ()
  WHERE terminal_id = p_terminal;

  RETURN applied;
END;
$$;
