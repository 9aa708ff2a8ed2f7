-- The catalog as last seen: which projects and VMs existed, so the history can say what a job ran against
-- even after an entry is gone from the registry or the vm-config tree (present = false then).

create table projects (
    alias      text primary key,
    dir        text,
    problem    text,
    present    boolean     not null,
    synced_at  timestamptz not null
);

create table vms (
    name         text primary key,
    environment  text,
    host         text,
    user_name    text,
    ssh_host     text,
    source       text        not null check (source in ('vm-config', 'ssh-config')),
    problem      text,
    present      boolean     not null,
    synced_at    timestamptz not null
);

-- SSH jobs name the VM they ran on.
alter table jobs add column vm text;
