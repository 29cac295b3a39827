-- ---------------------------------------------------------------------------
-- routines.sql (applied after migration.sql, in the same transaction): the
-- inbox search's page and count without scanning every match first.
--
-- At 100,000 threads a word in 35 % of them ("meterkast") cost 90 ms per inbox
-- request: hub_search_thread_page probed the number of matches through GIN up
-- to 1,001 (a bitmap of all 34,744 matches is built before the first row comes
-- out: ~30 ms) to choose its plan, and hub_search_thread_count counted 10,001
-- matches (the same bitmap again) only to answer "more than 10,000". The
-- planner's estimate of the matches (most-common-element statistics of the
-- tsvector column, ~1 ms for EXPLAIN) now makes both choices. The web app's
-- tabs also send `snoozed: false` with a search; that condition is now part of
-- these functions (not_snoozed_at), so such a search takes the same path
-- (thread.service.ts searchOnly) instead of listing the newest 10,000 matches.
-- ---------------------------------------------------------------------------

DROP FUNCTION hub_search_thread_page(uuid, text, uuid, integer, integer);
DROP FUNCTION hub_search_thread_page_bitmap(uuid, tsquery, uuid, integer);
DROP FUNCTION hub_search_thread_count(uuid, text, integer);

-- The planner's estimates for a search (no scan; EXPLAIN of the statements):
-- org_matches = the organization's not-deleted threads matching q (not snoozed
-- at not_snoozed_at when given); fraction = the share of all threads whose
-- document matches q (0..1). Estimates only: they choose plans and answer
-- counts beyond the exact limit, never which threads are listed.
CREATE FUNCTION hub_search_estimate(organization_id uuid, q tsquery, not_snoozed_at timestamp DEFAULT NULL,
  OUT org_matches bigint, OUT fraction double precision)
LANGUAGE plpgsql VOLATILE -- EXPLAIN is not allowed in a STABLE function
AS $$
DECLARE
  plan json;
  matching double precision;
  everything double precision;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM "Thread" t WHERE t."organizationId" = $1 AND t."deletedAt" IS NULL AND t."searchDocument" @@ $2
      AND ($3::timestamp IS NULL OR t."snoozedUntil" IS NULL OR t."snoozedUntil" <= $3::timestamp)'
    INTO plan USING organization_id, q, not_snoozed_at;
  org_matches := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::bigint;
  EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM "Thread" t WHERE t."searchDocument" @@ $1' INTO plan USING q;
  matching := (plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
  EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM "Thread" t' INTO plan;
  everything := greatest((plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision, 1);
  fraction := least(matching / everything, 1);
END;
$$;

-- How many of an organization's not-deleted threads match a search (not
-- snoozed at not_snoozed_at when given): exact up to max_exact, counted through
-- the GIN index (the OFFSET 0 fence keeps the planner from filtering a scan of
-- organizationId with the tsvector instead) and stopping at the
-- (max_exact + 1)th match; beyond it, the planner's estimate, at least
-- max_exact + 1. When the planner estimates more than 3 × max_exact matches the
-- exact count is skipped and the estimate answered (exact false): building the
-- bitmap of every match costs ~1 µs per match (30 ms for 35,000 at 100,000
-- threads) only to learn "more than max_exact". The estimate would have to be
-- three times too high for an exact count up to max_exact to be missed.
CREATE FUNCTION hub_search_thread_count(organization_id uuid, search text, max_exact integer, not_snoozed_at timestamp DEFAULT NULL)
RETURNS TABLE (total bigint, exact boolean)
LANGUAGE plpgsql VOLATILE
SET enable_seqscan = off
SET enable_indexscan = off
SET max_parallel_workers_per_gather = 0
AS $$
#variable_conflict use_column
DECLARE
  q tsquery := hub_search_query(search);
  n bigint;
  est bigint;
BEGIN
  IF q IS NULL THEN RETURN QUERY SELECT 0::bigint, true; RETURN; END IF;
  SELECT e.org_matches INTO est FROM hub_search_estimate(organization_id, q, not_snoozed_at) e;
  IF est > 3 * max_exact::bigint THEN RETURN QUERY SELECT est, false; RETURN; END IF;
  SELECT count(*) INTO n FROM (
    SELECT 1 FROM (SELECT t."organizationId", t."deletedAt", t."snoozedUntil" FROM "Thread" t WHERE t."searchDocument" @@ q OFFSET 0) m
    WHERE m."organizationId" = organization_id AND m."deletedAt" IS NULL
      AND (not_snoozed_at IS NULL OR m."snoozedUntil" IS NULL OR m."snoozedUntil" <= not_snoozed_at)
    LIMIT max_exact + 1) c;
  IF n <= max_exact THEN RETURN QUERY SELECT n, true; RETURN; END IF;
  RETURN QUERY SELECT greatest(n, est), false;
END;
$$;

-- One page of a search that is the whole inbox filter (with snoozed: false:
-- not_snoozed_at given), in the default order (newest lastMessageAt first): the
-- ids of at most max_ids matching threads after the thread after_id (null: from
-- the newest). When the planner estimates that at least 1 thread in `walk`
-- matches, the newest max_ids × walk threads after after_id are walked along
-- lastMessageAt, each document tested, stopping at the page's last match
-- (~7 µs a thread at 100,000 threads: a word in 35 % of them 2 ms, in 7 % 5 ms);
-- when that walk does not fill the page (the estimate was high, or the list
-- ends), and for rarer words, the page comes from the GIN index: a bitmap of
-- the matches, sorted (~2 µs a match). The walk is bounded, so a wrong estimate
-- costs at most max_ids × walk tests.
CREATE FUNCTION hub_search_thread_page(organization_id uuid, search text, after_id uuid, max_ids integer, not_snoozed_at timestamp DEFAULT NULL, walk integer DEFAULT 20)
RETURNS SETOF uuid
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  q tsquery := hub_search_query(search);
  fraction double precision;
  ids uuid[];
BEGIN
  IF q IS NULL THEN RETURN; END IF;
  SELECT e.fraction INTO fraction FROM hub_search_estimate(organization_id, q, not_snoozed_at) e;
  IF fraction * walk >= 1 THEN
    EXECUTE 'SELECT array_agg(w.id ORDER BY w."lastMessageAt" DESC, w.id DESC) FROM (
        SELECT n.id, n."lastMessageAt" FROM (
          SELECT t.id, t."lastMessageAt", t."searchDocument", t."snoozedUntil" FROM "Thread" t
          WHERE t."organizationId" = $1 AND t."deletedAt" IS NULL
            AND ($3::uuid IS NULL OR (t."lastMessageAt", t.id) < (SELECT c."lastMessageAt", c.id FROM "Thread" c WHERE c.id = $3::uuid))
          ORDER BY t."lastMessageAt" DESC, t.id DESC
          LIMIT $5) n
        WHERE n."searchDocument" @@ $2 AND ($6::timestamp IS NULL OR n."snoozedUntil" IS NULL OR n."snoozedUntil" <= $6::timestamp)
        ORDER BY n."lastMessageAt" DESC, n.id DESC
        LIMIT $4) w'
      INTO ids USING organization_id, q, after_id, max_ids, max_ids * walk, not_snoozed_at;
    IF coalesce(cardinality(ids), 0) = max_ids THEN
      RETURN QUERY SELECT u.id FROM unnest(ids) WITH ORDINALITY AS u(id, n) ORDER BY u.n;
      RETURN;
    END IF;
  END IF;
  RETURN QUERY SELECT * FROM hub_search_thread_page_bitmap(organization_id, q, after_id, max_ids, not_snoozed_at);
END;
$$;

-- hub_search_thread_page through the GIN index: the matches' bitmap, sorted.
CREATE FUNCTION hub_search_thread_page_bitmap(organization_id uuid, q tsquery, after_id uuid, max_ids integer, not_snoozed_at timestamp DEFAULT NULL)
RETURNS SETOF uuid
LANGUAGE sql STABLE
SET enable_seqscan = off
SET enable_indexscan = off
SET max_parallel_workers_per_gather = 0
AS $$
  SELECT t.id FROM "Thread" t
  WHERE t."organizationId" = organization_id AND t."deletedAt" IS NULL AND t."searchDocument" @@ q
    AND (not_snoozed_at IS NULL OR t."snoozedUntil" IS NULL OR t."snoozedUntil" <= not_snoozed_at)
    AND (after_id IS NULL OR (t."lastMessageAt", t.id) < (SELECT c."lastMessageAt", c.id FROM "Thread" c WHERE c.id = after_id))
  ORDER BY t."lastMessageAt" DESC, t.id DESC
  LIMIT max_ids
$$;
