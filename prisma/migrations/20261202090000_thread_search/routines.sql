-- ---------------------------------------------------------------------------
-- routines.sql: hand-written SQL of this migration, objects prisma/schema.prisma
-- cannot describe (functions, triggers) and the backfill. api/src/db/migrate.ts
-- applies it right after migration.sql, in the same transaction; the drift check
-- (which compares migration.sql files with the schema) does not see it.
--
-- How Thread.searchDocument
-- is computed and kept current. The app never writes the column; every write
-- path (ingestion, replies, notes, edits, GDPR erasure, merges, customer
-- renames, subject/orderReference changes, deletes) is covered by triggers.
--
-- A thread's document = the words of its subject, orderReference, its
-- customer's name and the content of all its messages (the first 100,000
-- characters of each), normalised by hub_search_words. Inserting messages
-- appends their words (cheap); anything that can remove words (edits,
-- erasure, messages moved or deleted, renames) recomputes the document from
-- the rows. A document is capped by PostgreSQL's tsvector limit (1 MB): words
-- that no longer fit are not indexed (hub_search_concat).
-- ---------------------------------------------------------------------------

-- The words of a text as the inbox search indexes and queries them: diacritics
-- removed (unaccent), the separators - + / _ . @ : read as spaces (so
-- "CC-2024-0113" gives cc, 2024, 0113 and an e-mail address its parts), the
-- 'simple' configuration (lower case, no stemming, no stop words: the same for
-- Dutch, English and Italian), positions stripped. The search builds its
-- tsquery from the same function (thread.service.ts searchThreadIds).
CREATE FUNCTION hub_search_words(input text) RETURNS tsvector
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT strip(to_tsvector('simple'::regconfig, unaccent('unaccent'::regdictionary, translate(coalesce(input, ''), '-+/_.@:', '       '))))
$$;

-- a || b, or a unchanged when the result would exceed the tsvector size limit
-- (1 MB): a thread's document stops growing instead of failing the write.
CREATE FUNCTION hub_search_concat(a tsvector, b tsvector) RETURNS tsvector
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF b IS NULL OR length(b) = 0 THEN RETURN coalesce(a, ''::tsvector); END IF;
  IF a IS NULL OR length(a) = 0 THEN RETURN b; END IF;
  RETURN a || b;
EXCEPTION WHEN program_limit_exceeded THEN
  RETURN a;
END;
$$;

-- Union of documents (used over messages).
CREATE AGGREGATE hub_search_agg(tsvector) (SFUNC = hub_search_concat, STYPE = tsvector, INITCOND = '');

-- The words of all messages of a thread: one to_tsvector over their texts; a
-- thread too large for that is folded message by message (oldest first) until
-- the document is full.
CREATE FUNCTION hub_thread_message_words(thread_id uuid) RETURNS tsvector
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce((SELECT hub_search_words(string_agg(left(m.content, 100000), ' ')) FROM "Message" m WHERE m."threadId" = thread_id), ''::tsvector);
EXCEPTION WHEN program_limit_exceeded THEN
  RETURN (SELECT hub_search_agg(hub_search_words(left(m.content, 100000)) ORDER BY m."createdAt", m.id) FROM "Message" m WHERE m."threadId" = thread_id);
END;
$$;

-- A thread's whole document from its rows (subject, orderReference and
-- customerId given, as a BEFORE trigger sees them before they are stored).
CREATE FUNCTION hub_thread_search_document(thread_id uuid, subject text, order_reference text, customer_id uuid) RETURNS tsvector
LANGUAGE sql STABLE AS $$
  SELECT hub_search_concat(
    hub_search_words(concat_ws(' ', subject, order_reference, (SELECT c.name FROM "Customer" c WHERE c.id = customer_id))),
    hub_thread_message_words(thread_id))
$$;

-- Thread: the document on insert, and again when subject, orderReference or
-- the customer change (in the same row version: BEFORE).
CREATE FUNCTION hub_thread_search_before() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW."searchDocument" := hub_thread_search_document(NEW.id, NEW.subject, NEW."orderReference", NEW."customerId");
  RETURN NEW;
END;
$$;

CREATE TRIGGER "Thread_search_insert" BEFORE INSERT ON "Thread"
  FOR EACH ROW EXECUTE FUNCTION hub_thread_search_before();

CREATE TRIGGER "Thread_search_update" BEFORE UPDATE OF subject, "orderReference", "customerId" ON "Thread"
  FOR EACH ROW
  WHEN (OLD.subject IS DISTINCT FROM NEW.subject OR OLD."orderReference" IS DISTINCT FROM NEW."orderReference" OR OLD."customerId" IS DISTINCT FROM NEW."customerId")
  EXECUTE FUNCTION hub_thread_search_before();

-- Message insert: append the new messages' words to their threads (one
-- UPDATE per statement and thread).
CREATE FUNCTION hub_message_search_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Thread" t SET "searchDocument" = hub_search_concat(t."searchDocument", n.words)
  FROM (SELECT i."threadId", hub_search_agg(hub_search_words(left(i.content, 100000))) AS words FROM inserted i GROUP BY i."threadId") n
  WHERE t.id = n."threadId";
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Message_search_insert" AFTER INSERT ON "Message"
  REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION hub_message_search_insert();

-- Message update: content changed (edit, GDPR erasure/redaction) or moved to
-- another thread (merge): recompute every thread concerned, old and new.
CREATE FUNCTION hub_message_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Thread" t SET "searchDocument" = hub_thread_search_document(t.id, t.subject, t."orderReference", t."customerId")
  WHERE t.id IN (
    SELECT unnest(ARRAY[o."threadId", n."threadId"])
    FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE o.content IS DISTINCT FROM n.content OR o."threadId" IS DISTINCT FROM n."threadId");
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Message_search_update" AFTER UPDATE ON "Message"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hub_message_search_update();

-- Message delete: recompute the threads that lost messages (a thread deleted
-- with its messages is gone already: nothing to update).
CREATE FUNCTION hub_message_search_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Thread" t SET "searchDocument" = hub_thread_search_document(t.id, t.subject, t."orderReference", t."customerId")
  WHERE t.id IN (SELECT DISTINCT o."threadId" FROM old_rows o);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Message_search_delete" AFTER DELETE ON "Message"
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION hub_message_search_delete();

-- Customer rename (also GDPR erasure of the name): recompute the customer's threads.
CREATE FUNCTION hub_customer_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "Thread" t SET "searchDocument" = hub_thread_search_document(t.id, t.subject, t."orderReference", t."customerId")
  WHERE t."customerId" = NEW.id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Customer_search_update" AFTER UPDATE OF name ON "Customer"
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION hub_customer_search_update();

-- The search side (thread.service.ts searchThreads). The words of a search
-- as a tsquery where every word must match as a word prefix: "Meterk CC-2024"
-- gives 'meterk':* & 'cc':* & '2024':*. Each lexeme is quoted and escaped, so
-- no tsquery syntax from the input survives. NULL when the text has no words.
CREATE FUNCTION hub_search_query(search text) RETURNS tsquery
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT string_agg('''' || replace(replace(w.lexeme, '\', '\\'), '''', '''''') || ''':*', ' & ')::tsquery
  FROM unnest(hub_search_words(search)) AS w
$$;

-- The ids of an organization's not-deleted threads matching a search, newest
-- lastMessageAt first, at most max_ids, each row with the number of all
-- matches. Always through the GIN index (a bitmap scan): the planner cannot
-- price the tsvector detoasting a sequential scan or a walk along
-- lastMessageAt does per thread, and picked those for frequent words (280 ms
-- instead of 30 ms for a word in 35 % of 100,000 threads). Without parallel
-- workers: on 2 cores they doubled the time of the same plan (70 vs 32 ms).
CREATE FUNCTION hub_search_thread_ids(organization_id uuid, search text, max_ids integer)
RETURNS TABLE (id uuid, total bigint)
LANGUAGE plpgsql STABLE
SET enable_seqscan = off
SET enable_indexscan = off
SET max_parallel_workers_per_gather = 0
AS $$
#variable_conflict use_column
DECLARE
  q tsquery := hub_search_query(search);
BEGIN
  IF q IS NULL THEN RETURN; END IF;
  RETURN QUERY
    SELECT t.id, count(*) OVER () FROM "Thread" t
    WHERE t."organizationId" = organization_id AND t."deletedAt" IS NULL AND t."searchDocument" @@ q
    ORDER BY t."lastMessageAt" DESC, t.id DESC
    LIMIT max_ids;
END;
$$;

-- How many of an organization's not-deleted threads match a search: exact up
-- to max_exact, counted through the GIN index (the OFFSET 0 fence keeps the
-- planner from filtering a scan of organizationId with the tsvector instead)
-- and stopping at the (max_exact + 1)th match; beyond it, the planner's
-- estimate of the whole count (the column's statistics), at least max_exact + 1.
CREATE FUNCTION hub_search_thread_count(organization_id uuid, search text, max_exact integer)
RETURNS TABLE (total bigint, exact boolean)
LANGUAGE plpgsql VOLATILE -- EXPLAIN is not allowed in a STABLE function
SET enable_seqscan = off
SET enable_indexscan = off
SET max_parallel_workers_per_gather = 0
AS $$
#variable_conflict use_column
DECLARE
  q tsquery := hub_search_query(search);
  n bigint;
  plan json;
BEGIN
  IF q IS NULL THEN RETURN QUERY SELECT 0::bigint, true; RETURN; END IF;
  SELECT count(*) INTO n FROM (
    SELECT 1 FROM (SELECT t."organizationId", t."deletedAt" FROM "Thread" t WHERE t."searchDocument" @@ q OFFSET 0) m
    WHERE m."organizationId" = organization_id AND m."deletedAt" IS NULL
    LIMIT max_exact + 1) c;
  IF n <= max_exact THEN RETURN QUERY SELECT n, true; RETURN; END IF;
  EXECUTE 'EXPLAIN (FORMAT JSON) SELECT 1 FROM "Thread" t WHERE t."organizationId" = $1 AND t."deletedAt" IS NULL AND t."searchDocument" @@ $2'
    INTO plan USING organization_id, q;
  RETURN QUERY SELECT greatest(n, (plan -> 0 -> 'Plan' ->> 'Plan Rows')::bigint), false;
END;
$$;

-- One page of a search that is the whole inbox filter, in the default order
-- (newest lastMessageAt first): the ids of at most max_ids matching threads
-- after the thread after_id (null: from the newest). A probe counts the
-- matches through GIN up to few + 1 (1,001) first: up to few, the page comes from
-- them (a bitmap scan and a sort, hub_search_thread_page_bitmap); more, and
-- the words are frequent enough that walking lastMessageAt and testing each
-- thread's document stops early (planned with the query's value, EXECUTE).
-- Left to itself the planner walked lastMessageAt also for words that are
-- each frequent but rarely together (0 matches: every thread detoasted).
CREATE FUNCTION hub_search_thread_page(organization_id uuid, search text, after_id uuid, max_ids integer, few integer DEFAULT 1000)
RETURNS SETOF uuid
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  q tsquery := hub_search_query(search);
  n bigint;
BEGIN
  IF q IS NULL THEN RETURN; END IF;
  SELECT c.total INTO n FROM hub_search_thread_count(organization_id, search, few) c;
  IF n <= few THEN
    RETURN QUERY SELECT * FROM hub_search_thread_page_bitmap(organization_id, q, after_id, max_ids);
    RETURN;
  END IF;
  RETURN QUERY EXECUTE
    'SELECT t.id FROM "Thread" t
      WHERE t."organizationId" = $1 AND t."deletedAt" IS NULL AND t."searchDocument" @@ $2
        AND ($3::uuid IS NULL OR (t."lastMessageAt", t.id) < (SELECT c."lastMessageAt", c.id FROM "Thread" c WHERE c.id = $3::uuid))
      ORDER BY t."lastMessageAt" DESC, t.id DESC
      LIMIT $4'
    USING organization_id, q, after_id, max_ids;
END;
$$;

-- hub_search_thread_page for few matches: through the GIN index, sorted.
CREATE FUNCTION hub_search_thread_page_bitmap(organization_id uuid, q tsquery, after_id uuid, max_ids integer)
RETURNS SETOF uuid
LANGUAGE sql STABLE
SET enable_seqscan = off
SET enable_indexscan = off
SET max_parallel_workers_per_gather = 0
AS $$
  SELECT t.id FROM "Thread" t
  WHERE t."organizationId" = organization_id AND t."deletedAt" IS NULL AND t."searchDocument" @@ q
    AND (after_id IS NULL OR (t."lastMessageAt", t.id) < (SELECT c."lastMessageAt", c.id FROM "Thread" c WHERE c.id = after_id))
  ORDER BY t."lastMessageAt" DESC, t.id DESC
  LIMIT max_ids
$$;

-- Backfill.
UPDATE "Thread" t SET "searchDocument" = hub_thread_search_document(t.id, t.subject, t."orderReference", t."customerId");
