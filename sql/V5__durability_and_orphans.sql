-- One row that a durable write always changes. PostgreSQL commits a transaction that wrote no WAL record of its
-- own (the commit record aside) without waiting for the WAL flush, even with synchronous_commit on and an xid
-- assigned (RecordTransactionCommit: wrote_xlog is computed before the commit record). So a "flush barrier" with
-- nothing to write (a quiet moment, a retry whose rows are all there already) must still write: this row.
create table store_probe (
    id    integer primary key check (id = 1),
    beat  bigint  not null
);
insert into store_probe (id, beat) values (1, 0);

-- Who a job's process was, so that a daemon starting after a crash can tell that a process group is still that
-- job's before it signals it (a pid alone may have been reused): the kernel's boot id and the leader's start time
-- in clock ticks since boot (/proc/<pid>/stat, field 22).
alter table jobs add column pid_boot_id text;
alter table jobs add column pid_start_ticks bigint;
