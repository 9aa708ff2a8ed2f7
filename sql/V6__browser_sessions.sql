-- Browser sign-ins, kept so that a restarted daemon keeps every signed-in page working and an unused login link
-- still works (once). Only SHA-256 hashes of the secrets are stored: a copy of the database signs no one in.
create table browser_logins (
    token_hash  text        primary key,
    expires_at  timestamptz not null
);

create table browser_sessions (
    session_hash text        primary key,
    created_at   timestamptz not null,
    expires_at   timestamptz not null
);
