-- Users and roles, and who asked for each job.
--
-- The token file's holder is the user 'owner' (an admin); it has no row here. Other users present a personal
-- token; only its SHA-256 hash is kept, as for browser sign-ins (V6): a copy of the database signs no one in. A
-- revoked user keeps its row (jobs name it) and its name is never given again.
create table users (
    name        text        primary key check (name ~ '^[a-z][a-z0-9._-]{0,31}$' and name <> 'owner'),
    role        text        not null check (role in ('viewer', 'operator', 'admin')),
    token_hash  text        not null unique,
    created_at  timestamptz not null,
    created_by  text        not null,
    revoked_at  timestamptz
);

-- A login link and a browser session sign in one user. Those made before users existed were the owner's.
alter table browser_logins add column user_name text not null default 'owner';
alter table browser_sessions add column user_name text not null default 'owner';
alter table browser_logins alter column user_name drop default;
alter table browser_sessions alter column user_name drop default;

-- Provenance: the user (known to the daemon), the client kind cli|web|rest and its version, the peer address, and
-- for the CLI the OS user and host it ran on (as the client says). Every job before this was the owner's.
alter table jobs
    add column requested_by   text,
    add column client         text,
    add column client_version text,
    add column peer           text,
    add column os_user        text,
    add column os_host        text;
update jobs set requested_by = 'owner';
alter table jobs alter column requested_by set not null;

-- `vmo jobs --user NAME`: a user's newest jobs.
create index jobs_requested_by on jobs (requested_by, started_at desc);
