-- ---------------------------------------------------------------------------
-- routines.sql (applied after migration.sql, in the same transaction): one page
-- of a search within one agent's threads (the web app's Mine tab with a search,
-- thread.service.ts searchAssigneePageIds).
--
-- Before, such a page took the search's matches 500 at a time in the inbox
-- order (hub_search_thread_page) and narrowed each chunk to the agent's
-- threads with a 500-id statement: a word in 35 % of 100,000 threads, an agent
-- with 8 % of them, two chunks and two narrowing statements per page (~25 ms of
-- SQL, one after another). The agent's own threads are an index in the inbox
-- order ("Thread_organizationId_assigneeId_lastMessageAt_idx"): walking them and
-- testing each document finds a page after ~150 threads.
-- ---------------------------------------------------------------------------

-- One page (default order: newest lastMessageAt first, then id) of the
-- organization's not-deleted threads assigned to assignee_id that match the
-- search (not snoozed at not_snoozed_at when given), after the thread after_id
-- (null: from the newest): at most max_ids ids. When the planner estimates that
-- at least 1 thread in `walk` matches (hub_search_estimate's fraction), the
-- agent's newest max_ids × walk threads after after_id are walked along
-- (organizationId, assigneeId, lastMessageAt DESC), each document tested; when
-- that does not fill the page, and for rarer words, the GIN index's matches of
-- the agent's threads, sorted. Semantics as hub_search_thread_page.
CREATE FUNCTION hub_search_assignee_page(organization_id uuid, assignee_id uuid, search text, after_id uuid, max_ids integer,
  not_snoozed_at timestamp DEFAULT NULL, walk integer DEFAULT 20)
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
          WHERE t."organizationId" = $1 AND t."assigneeId" = $7 AND t."deletedAt" IS NULL
            AND ($3::uuid IS NULL OR (t."lastMessageAt", t.id) < (SELECT c."lastMessageAt", c.id FROM "Thread" c WHERE c.id = $3::uuid))
          ORDER BY t."lastMessageAt" DESC, t.id DESC
          LIMIT $5) n
        WHERE n."searchDocument" @@ $2 AND ($6::timestamp IS NULL OR n."snoozedUntil" IS NULL OR n."snoozedUntil" <= $6::timestamp)
        ORDER BY n."lastMessageAt" DESC, n.id DESC
        LIMIT $4) w'
      INTO ids USING organization_id, q, after_id, max_ids, max_ids * walk, not_snoozed_at, assignee_id;
    IF coalesce(cardinality(ids), 0) = max_ids THEN
      RETURN QUERY SELECT u.id FROM unnest(ids) WITH ORDINALITY AS u(id, n) ORDER BY u.n;
      RETURN;
    END IF;
  END IF;
  RETURN QUERY SELECT * FROM hub_search_assignee_page_bitmap(organization_id, assignee_id, q, after_id, max_ids, not_snoozed_at);
END;
$$;

-- hub_search_assignee_page through the GIN index: the agent's matches, sorted.
CREATE FUNCTION hub_search_assignee_page_bitmap(organization_id uuid, assignee_id uuid, q tsquery, after_id uuid, max_ids integer,
  not_snoozed_at timestamp DEFAULT NULL)
RETURNS SETOF uuid
LANGUAGE sql STABLE
SET enable_seqscan = off
SET enable_indexscan = off
SET max_parallel_workers_per_gather = 0
AS $$
  SELECT t.id FROM "Thread" t
  WHERE t."organizationId" = organization_id AND t."assigneeId" = assignee_id AND t."deletedAt" IS NULL AND t."searchDocument" @@ q
    AND (not_snoozed_at IS NULL OR t."snoozedUntil" IS NULL OR t."snoozedUntil" <= not_snoozed_at)
    AND (after_id IS NULL OR (t."lastMessageAt", t.id) < (SELECT c."lastMessageAt", c.id FROM "Thread" c WHERE c.id = after_id))
  ORDER BY t."lastMessageAt" DESC, t.id DESC
  LIMIT max_ids
$$;
