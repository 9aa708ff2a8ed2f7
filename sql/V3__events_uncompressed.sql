-- Keep event data out of line but uncompressed. With the default (pglz compression of every TOASTed chunk),
-- storing output ran at ~23 MB/s; uncompressed, ~80 MB/s (docs/benchmarks.md). pglz is the only compression the
-- embedded PostgreSQL is built with; disk is the cheaper resource.
alter table job_events alter column data set storage external;
