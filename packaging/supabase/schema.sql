-- ExeServer's shared event log: the tables `exeserver-cli sync` (and the app) upsert into.
-- Works on Supabase (paste into the SQL editor) and on plain PostgreSQL 12+ (psql -f). Safe to run again.
-- Rows are keyed on a stable text id, so a batch sent twice is stored once.
set client_min_messages = warning;

create table if not exists public.exeserver_events (
    id          text primary key,             -- X-GitHub-Delivery, Events API id, or sha256:<hex>
    type        text not null,                -- canonical webhook name: push, pull_request, ...
    action      text not null default '',
    repository  text not null default '',     -- owner/name
    sender      text not null default '',     -- login
    source      text not null,                -- webhook, relay, poll, manual
    occurred_at timestamptz not null,
    received_at timestamptz not null,
    payload     jsonb,
    synced_at   timestamptz not null default now()
);
create index if not exists exeserver_events_occurred_idx on public.exeserver_events (occurred_at desc);
create index if not exists exeserver_events_type_idx on public.exeserver_events (type, occurred_at desc);
create index if not exists exeserver_events_repository_idx on public.exeserver_events (repository, occurred_at desc);

create table if not exists public.exeserver_actions (
    id           text primary key,
    event_id     text,                        -- no foreign key: events may be pruned or parked
    trigger_id   text,
    kind         text not null,               -- code_file, dispatch, comment, rerun, cancel, reaction, ...
    target       text not null default '',
    status       text not null check (status in
                     ('queued', 'running', 'success', 'failure', 'interrupted', 'skipped')),
    requested_at timestamptz not null,
    started_at   timestamptz,
    finished_at  timestamptz,
    exit_code    integer,
    http_status  integer,
    output       text not null default '',
    error        text not null default '',
    updated_at   timestamptz not null,
    synced_at    timestamptz not null default now()
);
create index if not exists exeserver_actions_requested_idx on public.exeserver_actions (requested_at desc);
create index if not exists exeserver_actions_status_idx on public.exeserver_actions (status);
create index if not exists exeserver_actions_event_idx on public.exeserver_actions (event_id);

-- Team mode: before a desk fires trigger T for a GitHub occurrence it inserts (occurrence, T) here; the
-- first insert wins and fires, every other desk gets the primary-key conflict (PostgREST: HTTP 409) and
-- leaves the occurrence alone. `occurrence` is the same for the webhook delivery, the Events API item and
-- the poller's workflow_run of one occurrence (core/events/occurrence.cpp), or "id:<event id>" for an
-- event type without such a key. Claims are only ever inserted: never updated or deleted through the API.
-- (ExeServer before this table claimed by event id in `trigger_claims`; that table is no longer used and
-- may be dropped once every desk runs the new version. Desks of both versions do not see each other's
-- claims.)
create table if not exists public.exeserver_trigger_claims (
    occurrence  text not null,                -- Occurrence::claimKey
    trigger_id  text not null,
    event_id    text not null,                -- the claiming desk's event id, for people reading the table
    owner       text not null,                -- host:uuid of the claiming process
    claimed_at  timestamptz not null default now(),
    primary key (occurrence, trigger_id)
);
create index if not exists exeserver_trigger_claims_claimed_idx on public.exeserver_trigger_claims (claimed_at);

-- Row-level security. Supabase exposes every public table through its REST API, so RLS must be on.
-- On plain PostgreSQL the `anon` role does not exist; create it so the same policies apply.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'anon') then
        create role anon nologin;
    end if;
end
$$;

alter table public.exeserver_events enable row level security;
alter table public.exeserver_actions enable row level security;
alter table public.exeserver_trigger_claims enable row level security;

grant select, insert, update on public.exeserver_events, public.exeserver_actions to anon;
-- A claim is a plain insert (no upsert, which would need update and would turn a conflict into a win).
grant select, insert on public.exeserver_trigger_claims to anon;

-- EXAMPLE policy: anyone holding the anon key may read and upsert (insert + update) ExeServer rows, and
-- nobody may delete them through the API. This suits a private project whose anon key is a team secret.
-- For anything public, replace it: e.g. sign ExeServer in as a user and check auth.uid() here.
drop policy if exists exeserver_events_anon_read on public.exeserver_events;
create policy exeserver_events_anon_read on public.exeserver_events for select to anon using (true);
drop policy if exists exeserver_events_anon_insert on public.exeserver_events;
create policy exeserver_events_anon_insert on public.exeserver_events for insert to anon with check (true);
drop policy if exists exeserver_events_anon_update on public.exeserver_events;
create policy exeserver_events_anon_update on public.exeserver_events for update to anon using (true) with check (true);

drop policy if exists exeserver_actions_anon_read on public.exeserver_actions;
create policy exeserver_actions_anon_read on public.exeserver_actions for select to anon using (true);
drop policy if exists exeserver_actions_anon_insert on public.exeserver_actions;
create policy exeserver_actions_anon_insert on public.exeserver_actions for insert to anon with check (true);
drop policy if exists exeserver_actions_anon_update on public.exeserver_actions;
create policy exeserver_actions_anon_update on public.exeserver_actions for update to anon using (true) with check (true);

drop policy if exists exeserver_trigger_claims_anon_read on public.exeserver_trigger_claims;
create policy exeserver_trigger_claims_anon_read on public.exeserver_trigger_claims for select to anon using (true);
drop policy if exists exeserver_trigger_claims_anon_insert on public.exeserver_trigger_claims;
create policy exeserver_trigger_claims_anon_insert on public.exeserver_trigger_claims for insert to anon with check (true);
