-- The audit trail: one row per action (who, what, when, from where, outcome), append-only and tamper-evident.
--
-- Append-only by a trigger, not by a database role. The embedded PostgreSQL has one role, the superuser the daemon
-- connects as, and a superuser bypasses privileges (GRANT/REVOKE): a role without UPDATE/DELETE on this table would
-- need a second role, its password and a second pool, and would still not bind an external --database-url whose
-- user owns the table. A trigger binds every ordinary session, the daemon's own included, whatever its privileges:
-- an UPDATE, DELETE or TRUNCATE of audit rows fails. A superuser can still switch triggers off
-- (session_replication_role = replica, ALTER TABLE … DISABLE TRIGGER): that is what the HMAC chain is for — each row's
-- mac = HMAC-SHA-256(key, previous mac || the row), with the key in a file outside the database — so whatever is
-- changed around the trigger is detected by `vmo audit --verify`.
--
-- The one DELETE allowed is pruning (the trail's own retention): only rows up to the anchor the head row holds,
-- and only in a transaction that says it prunes (set local vmo.audit_prune = 'on'); the prune is itself a row.
create table audit_events (
    seq        bigint      primary key,
    at         timestamptz not null,
    action     text        not null,
    user_name  text,
    client     text,
    peer       text,
    subject    text,
    outcome    text        not null check (outcome in ('ok', 'refused', 'failed')),
    detail     text,
    mac        bytea       not null
);
create index audit_events_at on audit_events (at);
create index audit_events_user on audit_events (user_name, at);

-- The chain's one head: every append locks this row (select … for update), so two writers cannot chain from the
-- same row and fork the trail. chain identifies this database's trail (it is part of every mac); pruned_seq and
-- pruned_mac are where the remaining rows chain from once a prefix has been pruned.
create table audit_head (
    id          integer primary key check (id = 1),
    chain       uuid    not null,
    seq         bigint  not null,
    mac         bytea   not null,
    pruned_seq  bigint  not null,
    pruned_mac  bytea   not null
);
insert into audit_head (id, chain, seq, mac, pruned_seq, pruned_mac)
values (1, gen_random_uuid(), 0, decode(repeat('00', 32), 'hex'), 0, decode(repeat('00', 32), 'hex'));

create function audit_events_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE'
            and current_setting('vmo.audit_prune', true) = 'on'
            and old.seq <= (select pruned_seq from audit_head where id = 1) then
        return old;
    end if;
    raise exception 'audit_events is append-only: % refused', tg_op
        using errcode = 'insufficient_privilege',
              hint = 'the audit trail is only ever appended to; its retention is the daemon''s configuration';
end
$$;

create trigger audit_events_no_change before update or delete on audit_events
    for each row execute function audit_events_append_only();

create function audit_refuse_truncate() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only: TRUNCATE refused', tg_table_name using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_events_no_truncate before truncate on audit_events
    for each statement execute function audit_refuse_truncate();

-- The head only moves forward, on the same chain.
create function audit_head_forward_only() returns trigger language plpgsql as $$
begin
    if tg_op <> 'UPDATE' or new.id <> old.id or new.chain <> old.chain
            or new.seq < old.seq or new.pruned_seq < old.pruned_seq or new.pruned_seq > new.seq then
        raise exception 'audit_head only moves forward: % refused', tg_op using errcode = 'insufficient_privilege';
    end if;
    return new;
end
$$;

create trigger audit_head_no_rewind before update or delete on audit_head
    for each row execute function audit_head_forward_only();

create trigger audit_head_no_truncate before truncate on audit_head
    for each statement execute function audit_refuse_truncate();
