-- ---------------------------------------------------------------------------
-- routines.sql (applied after migration.sql, in the same transaction): the
-- inbox search's page also within one agent's threads (the web app's Mine tab
-- with a search, thread.service.ts searchAssigneePageIds).
--
-- Before, such a page took the search's matches 500 at a time in the inbox
-- order (hub_search_thread_page) and narrowed each chunk to the agent's
-- threads with a 500-id statement: a word in 35 % of 100,000 threads, an agent
-- with 8 % of them, two chunks and two narrowing statements per page (~25 ms of
-- SQL, one after another). The agent's own threads are an index in the inbox
-- order ("Thread_organizationId_assigneeId_lastMessageAt_idx"): walking them and
-- testing each document finds a page after ~120 threads (2 ms).
--
-- hub_search_thread_page and its bitmap half get a last parameter, assignee_id
-- (default NULL: every thread, as before); the rest of their text is
-- 20261203090000_search_estimates' (see there for the two plans).
-- ---------------------------------------------------------------------------

DROP FUNCTION hub_search_thread_page(uuid, text, uuid, integer, timestamp, integer);
DROP FUNCTION hub_search_thread_page_bitmap(uuid, tsquery, uuid, integer, timestamp);

-- One page of a search that is the whole inbox filter (with snoozed: false:
-- not_snoozed_at given; with assignee_id: only that user's threads), in the
-- default order (newest lastMessageAt first): the ids of at most max_ids
-- matching threads after the thread after_id (null: from the newest). When the
-- planner estimates that at least 1 thread in `walk` matches, the newest
-- max_ids × walk threads (of the assignee) after after_id are walked along
-- lastMessageAt, each document tested, stopping at the page's last match; when
-- that walk does not fill the page (the estimate was high, or the list ends),
-- and for rarer words, the page comes from the GIN index: a bitmap of the
-- matches, sorted. The walk is bounded, so a wrong estimate costs at most
-- max_ids × walk tests. The assignee's condition is written into the walk's
-- text only when given: as "($7 IS NULL OR assigneeId = $7)" the planner kept
-- walking the whole organization's index (13–34 ms instead of 2 ms).
CREATE FUNCTION hub_search_thread_page(organization_id uuid, search text, after_id uuid, max_ids integer, not_snoozed_at timestamp DEFAULT NULL,
  walk integer DEFAULT 20, assignee_id uuid DEFAULT NULL)
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
    EXECUTE format('SELECT array_agg(w.id ORDER BY w."lastMessageAt" DESC, w.id DESC) FROM (
        SELECT n.id, n."lastMessageAt" FROM (
          SELECT t.id, t."lastMessageAt", t."searchDocument", t."snoozedUntil" FROM "Thread" t
          WHERE t."organizationId" = $1 %s AND t."deletedAt" IS NULL
            AND ($3::uuid IS NULL OR (t."lastMessageAt", t.id) < (SELECT c."lastMessageAt", c.id FROM "Thread" c WHERE c.id = $3::uuid))
          ORDER BY t."lastMessageAt" DESC, t.id DESC
          LIMIT $5) n
        WHERE n."searchDocument" @@ $2 AND ($6::timestamp IS NULL OR n."snoozedUntil" IS NULL OR n."snoozedUntil" <= $6::timestamp)
        ORDER BY n."lastMessageAt" DESC, n.id DESC
        LIMIT $4) w', CASE WHEN assignee_id IS NULL THEN '' ELSE 'AND t."assigneeId" = $7' END)
      INTO ids USING organization_id, q, after_id, max_ids, max_ids * walk, not_snoozed_at, assignee_id;
    IF coalesce(cardinality(ids), 0) = max_ids THEN
      RETURN QUERY SELECT u.id FROM unnest(ids) WITH ORDINALITY AS u(id, n) ORDER BY u.n;
      RETURN;
    END IF;
  END IF;
  RETURN QUERY SELECT * FROM hub_search_thread_page_bitmap(organization_id, q, after_id, max_ids, not_snoozed_at, assignee_id);
END;
$$;

-- hub_search_thread_page through the GIN index: the matches' bitmap (of the
-- assignee's threads when given), sorted.
CREATE FUNCTION hub_search_thread_page_bitmap(organization_id uuid, q tsquery, after_id uuid, max_ids integer, not_snoozed_at timestamp DEFAULT NULL,
  assignee_id uuid DEFAULT NULL)
RETURNS SETOF uuid
LANGUAGE sql STABLE
SET enable_seqscan = off
SET enable_indexscan = off
SET max_parallel_workers_per_gather = 0
AS $$
  SELECT t.id FROM "Thread" t
  WHERE t."organizationId" = organization_id AND t."deletedAt" IS NULL AND t."searchDocument" @@ q
    AND (assignee_id IS NULL OR t."assigneeId" = assignee_id)
    AND (not_snoozed_at IS NULL OR t."snoozedUntil" IS NULL OR t."snoozedUntil" <= not_snoozed_at)
    AND (after_id IS NULL OR (t."lastMessageAt", t.id) < (SELECT c."lastMessageAt", c.id FROM "Thread" c WHERE c.id = after_id))
  ORDER BY t."lastMessageAt" DESC, t.id DESC
  LIMIT max_ids
$$;
