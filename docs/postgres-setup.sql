-- jixiao's ledger on PostgreSQL: who may do what, enforced by the database itself.
--
-- Run it as the ledger's owner (the login that created the ledger's tables, with CREATEROLE, or a
-- superuser), in the ledger's database, once the ledger exists, and again after every
-- `jixiao migrate` (a new version may add tables):
--
--     psql "postgresql://jixiao_owner@dbhost/payroll" -v ON_ERROR_STOP=1 -f docs/postgres-setup.sql
--
-- Two group roles, which a person's login joins (examples at the end):
--   jixiao_clerk     records months (`jixiao run`), decisions (`jixiao decide`) and reads everything;
--                    cannot approve, reopen, change settings, or change or remove a recorded row.
--   jixiao_approver  what a clerk may, and approves and reopens months (`jixiao approve`, `reopen`;
--                    a reopening carries a correction through later months, which records runs).
-- Only the owner changes a shop's settings (`jixiao ledger four-eyes on`), migrates or copies.
--
-- What the ledger's own triggers add, for every login, the owner's included (schema version 5):
--   * recorded rows are never updated or deleted, and no table is truncated, except that a
--     current run is marked superseded, once, by a later run of the same shop and month;
--   * who ran a run (runs.run_by) and who approved or reopened (period_events.login) is the
--     database login (session_user), whatever the client sends, for every login but the owner's;
--   * while a shop's four_eyes setting is on, an approval by the login that ran the month is refused.
-- So a clerk with psql can read, and add rows a clerk's run adds, but cannot approve, reopen or
-- alter what is recorded.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jixiao_clerk') THEN
        CREATE ROLE jixiao_clerk NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'jixiao_approver') THEN
        CREATE ROLE jixiao_approver NOLOGIN;
    END IF;
END $$;

-- Nobody but the owner creates anything in the ledger's schema, or reads it without a role here.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, jixiao_clerk, jixiao_approver;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, jixiao_clerk, jixiao_approver;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO jixiao_clerk, jixiao_approver;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO jixiao_clerk, jixiao_approver;

-- Both read everything (a reading command reads one snapshot of the whole ledger).
GRANT SELECT ON ALL TABLES IN SCHEMA public TO jixiao_clerk, jixiao_approver;

-- Recording a month: new rows only, and marking the month's previous run superseded.
GRANT INSERT ON policies, blobs, runs, run_inputs, outcomes, adjustments, retro_lines, decisions, run_states
    TO jixiao_clerk, jixiao_approver;
GRANT UPDATE (status, superseded_by) ON runs TO jixiao_clerk, jixiao_approver;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO jixiao_clerk, jixiao_approver;

-- Approving and reopening: the approver's alone.
GRANT INSERT ON period_events TO jixiao_approver;

-- settings and schema_version: the owner's alone (no grant).

-- A person's login joins one role (the password is set by the administrator, or use your
-- authentication method of choice in pg_hba.conf):
--     CREATE ROLE li_clerk LOGIN PASSWORD '…' IN ROLE jixiao_clerk;
--     CREATE ROLE wang_finance LOGIN PASSWORD '…' IN ROLE jixiao_approver;
--     GRANT CONNECT ON DATABASE payroll TO jixiao_clerk, jixiao_approver;
