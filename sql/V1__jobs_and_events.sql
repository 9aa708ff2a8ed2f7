-- Every job vmo ran, and every byte of its output in order.

create table jobs (
    id           uuid primary key,
    kind         text        not null,               -- 'make' (later: 'ssh', 'pty')
    project      text,                               -- mkcli alias, for make jobs
    target       text,
    args         text[]      not null default '{}',
    command      text[]      not null,               -- the exact argv that ran (never a shell string)
    cwd          text,
    status       text        not null
                 check (status in ('running', 'success', 'failed', 'canceled', 'lost')),
    exit_code    integer,
    pid          integer,
    started_at   timestamptz not null,
    finished_at  timestamptz,
    check ((status = 'running') = (finished_at is null))
);

-- "the last N jobs"
create index jobs_started_at_idx on jobs (started_at desc, id);
-- start-up finds jobs a previous daemon left running
create index jobs_running_idx on jobs (id) where status = 'running';

create table job_events (
    job_id  uuid        not null references jobs (id) on delete cascade,
    seq     bigint      not null check (seq > 0),
    ts      timestamptz not null,
    stream  text        not null check (stream in ('stdout', 'stderr', 'system', 'pty')),
    -- The raw bytes the process wrote (NUL and invalid UTF-8 included); each row ends on a UTF-8 character
    -- boundary, so it decodes on its own to exactly the text that clients were sent.
    data    bytea       not null,
    -- also serves "events of a job after seq"
    primary key (job_id, seq)
);
