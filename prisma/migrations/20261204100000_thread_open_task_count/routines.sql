-- ---------------------------------------------------------------------------
-- routines.sql (applied after migration.sql, in the same transaction):
-- Thread.openTaskCount, the number of the thread's tasks that are OPEN,
-- IN_PROGRESS or WAITING, and Thread.hasOpenTasks (openTaskCount > 0), kept by
-- a trigger on Task, and their backfill.
--
-- Why: the inbox's Tasks tab (ThreadFilter.hasOpenTasks) tested every thread
-- for an open task, or listed the ids of the threads with one and filtered
-- the inbox by hundreds of ids (a statement of 500+ parameters, planned on
-- every request, walking the organization's threads newest first: ~40 ms of
-- SQL per request at 100,000 threads). A flag on the thread makes it a plain
-- indexed condition (hasOpenTasks; index Thread_open_tasks_idx gives the page
-- in the inbox order: a range like openTaskCount > 0 could not).
--
-- The trigger adds and subtracts (+1 / -1) instead of recounting: two
-- transactions changing tasks of one thread at once serialise on the thread's
-- row, and an increment is applied to the latest row version, where a
-- recount would use the statement's snapshot and miss the other's task. Every
-- write path (task service, SLA escalations, merges, GDPR erasure, thread
-- deletion's SET NULL) goes through it; the app never writes the column.
-- ---------------------------------------------------------------------------

CREATE FUNCTION hub_task_is_open(status "TaskStatus") RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT status IN ('OPEN', 'IN_PROGRESS', 'WAITING')
$$;

CREATE FUNCTION hub_task_open_count_after() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."threadId" IS NOT NULL AND hub_task_is_open(OLD.status) THEN
    UPDATE "Thread" SET "openTaskCount" = greatest("openTaskCount" - 1, 0), "hasOpenTasks" = "openTaskCount" > 1 WHERE id = OLD."threadId";
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW."threadId" IS NOT NULL AND hub_task_is_open(NEW.status) THEN
    UPDATE "Thread" SET "openTaskCount" = "openTaskCount" + 1, "hasOpenTasks" = true WHERE id = NEW."threadId";
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "Task_open_count_insert_delete" AFTER INSERT OR DELETE ON "Task"
  FOR EACH ROW EXECUTE FUNCTION hub_task_open_count_after();
CREATE TRIGGER "Task_open_count_update" AFTER UPDATE OF status, "threadId" ON "Task"
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD."threadId" IS DISTINCT FROM NEW."threadId")
  EXECUTE FUNCTION hub_task_open_count_after();

-- Recounts the open tasks of every thread (and hasOpenTasks; after a bulk load with triggers off,
-- e.g. bench/large/generate.ts; and here, for the tasks that exist already).
CREATE FUNCTION hub_recount_open_tasks() RETURNS void
LANGUAGE sql AS $$
  UPDATE "Thread" t SET "openTaskCount" = c.n, "hasOpenTasks" = c.n > 0
  FROM (
    SELECT th.id, count(k."threadId")::int AS n
    FROM "Thread" th LEFT JOIN "Task" k ON k."threadId" = th.id AND hub_task_is_open(k.status)
    GROUP BY th.id
  ) c
  WHERE c.id = t.id AND (t."openTaskCount" IS DISTINCT FROM c.n OR t."hasOpenTasks" IS DISTINCT FROM c.n > 0)
$$;

SELECT hub_recount_open_tasks();
