-- Interactive jobs run in a pseudo-terminal: their output is the 'pty' stream, and 'input' events (empty) record
-- that someone typed into them. What was typed is never stored: it may be a password.
alter table jobs add column interactive boolean not null default false;
alter table job_events drop constraint job_events_stream_check;
alter table job_events add constraint job_events_stream_check
    check (stream in ('stdout', 'stderr', 'system', 'pty', 'input'));
