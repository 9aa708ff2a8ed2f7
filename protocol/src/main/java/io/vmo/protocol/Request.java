package io.vmo.protocol;

import java.util.List;

/** Client to daemon. Each carries an optional client-chosen {@code id} that the daemon echoes on its reply. */
public sealed interface Request extends Message {

    String id();

    /**
     * Run {@code make -C <project dir> <target> <args…>} ({@code project}, {@code target}, {@code args}), or a
     * command on a VM over SSH ({@code vm}, {@code command} as an argv list); replied to with {@code job:started}.
     * {@code interactive} runs it in a pseudo-terminal of {@code cols} x {@code rows} (default 80 x 24); an
     * interactive VM job without a command is a login shell.
     */
    record ExecuteCommand(
            String id,
            String project,
            String target,
            List<String> args,
            String vm,
            List<String> command,
            Boolean interactive,
            Integer cols,
            Integer rows)
            implements Request {
        public ExecuteCommand {
            args = Fields.list(args, "args", "execute-command");
            command = Fields.list(command, "command", "execute-command");
            if (vm == null) {
                Fields.required(project, "project", "execute-command");
                Fields.required(target, "target", "execute-command");
            } else if (project != null || target != null || !args.isEmpty()) {
                throw new IllegalArgumentException(
                        "execute-command: give either project and target, or vm and" + " command, not both");
            } else if (command.isEmpty() && !Boolean.TRUE.equals(interactive)) {
                throw new IllegalArgumentException("execute-command: \"command\" (the argv to run on the VM) is"
                        + " required with \"vm\", unless \"interactive\" asks for a login shell");
            }
            Fields.size(cols, rows, "execute-command");
        }

        /** A make target of a project. */
        public ExecuteCommand(String id, String project, String target, List<String> args) {
            this(id, project, target, args, null, null, null, null, null);
        }

        /** A command on a VM. */
        public static ExecuteCommand remote(String id, String vm, List<String> command) {
            return new ExecuteCommand(id, null, null, null, vm, command, null, null, null);
        }

        /** This request, run in a pseudo-terminal of the given size (null: the default). */
        public ExecuteCommand interactive(Integer cols, Integer rows) {
            return new ExecuteCommand(id, project, target, args, vm, command, true, cols, rows);
        }

        /** Whether it runs in a pseudo-terminal ({@code interactive} may be null: no). */
        public boolean wantsTerminal() {
            return Boolean.TRUE.equals(interactive);
        }
    }

    /**
     * Stream a job's events with {@code seq > sinceSeq} (stored ones first, then live ones, with no gap and no
     * duplicate), ending with {@code job:done}. Replied to with {@code job:joined}.
     */
    record JoinJob(String id, String jobId, long sinceSeq) implements Request {
        public JoinJob {
            Fields.required(jobId, "jobId", "join-job");
            if (sinceSeq < 0) {
                throw new IllegalArgumentException("join-job: sinceSeq must be 0 or more (0 replays from the start)");
            }
        }
    }

    /**
     * Join a job to watch and type into it: {@code job:joined}, then its events from a recent point the daemon
     * picks (enough stored output to redraw the screen), then live ones until {@code job:done}. With
     * {@code cols} and {@code rows}, the job's terminal is resized first.
     */
    record AttachJob(String id, String jobId, Integer cols, Integer rows) implements Request {
        public AttachJob {
            Fields.required(jobId, "jobId", "attach-job");
            Fields.size(cols, rows, "attach-job");
        }
    }

    /** Text typed into an interactive job, written to its terminal as is; no reply unless it fails. */
    record Stdin(String id, String jobId, String data) implements Request {
        public Stdin {
            Fields.required(jobId, "jobId", "stdin");
            if (data == null) {
                throw new IllegalArgumentException("stdin: \"data\" is required");
            }
        }

        /** Without the typed text: it may be a password, and a failed request is logged. */
        @Override
        public String toString() {
            return "Stdin[id=" + id + ", jobId=" + jobId + ", data=(not shown)]";
        }
    }

    /** The new size of an interactive job's terminal; no reply unless it fails. */
    record Resize(String id, String jobId, Integer cols, Integer rows) implements Request {
        public Resize {
            Fields.required(jobId, "jobId", "resize");
            if (cols == null || rows == null) {
                throw new IllegalArgumentException("resize: \"cols\" and \"rows\" are required");
            }
            Fields.size(cols, rows, "resize");
        }
    }

    /** Stop receiving a job's events; replied to with {@code ack}. */
    record LeaveJob(String id, String jobId) implements Request {
        public LeaveJob {
            Fields.required(jobId, "jobId", "leave-job");
        }
    }

    /** Stop a running job; replied to with its {@code job:done} once it has ended. */
    record CancelJob(String id, String jobId) implements Request {
        public CancelJob {
            Fields.required(jobId, "jobId", "cancel-job");
        }
    }

    /**
     * The most recent jobs, newest first, only those {@code user} asked for when it is given; replied to with
     * {@code job:list}.
     */
    record ListJobs(String id, Integer limit, String user) implements Request {
        public static final int DEFAULT_LIMIT = 20;
        public static final int MAX_LIMIT = 1000;

        public ListJobs {
            if (limit == null) {
                limit = DEFAULT_LIMIT;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("list-jobs: limit must be between 1 and " + MAX_LIMIT);
            }
            if (user != null && user.isEmpty()) {
                user = null;
            }
        }

        /** Everyone's jobs. */
        public ListJobs(String id, Integer limit) {
            this(id, limit, null);
        }
    }

    /** One job, by full id or unique prefix; replied to with {@code job:info}. */
    record GetJob(String id, String jobId) implements Request {
        public GetJob {
            Fields.required(jobId, "jobId", "get-job");
        }
    }

    /**
     * A page of a job's stored events: up to {@code limit} (1–1000, default 1000) with {@code seq > sinceSeq};
     * replied to with {@code job:events}. Page on with {@code sinceSeq} = the last seq received.
     */
    record ListEvents(String id, String jobId, long sinceSeq, Integer limit) implements Request {
        public static final int MAX_LIMIT = 1000;

        public ListEvents {
            Fields.required(jobId, "jobId", "list-events");
            if (sinceSeq < 0) {
                throw new IllegalArgumentException("list-events: sinceSeq must be 0 or more (0 reads from the start)");
            }
            if (limit == null) {
                limit = MAX_LIMIT;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("list-events: limit must be between 1 and " + MAX_LIMIT);
            }
        }
    }

    /** The projects of the mkcli registry, problems included; replied to with {@code project:list}. */
    record ListProjects(String id) implements Request {}

    /** The VMs of the vm-config environments and the ssh config; replied to with {@code vm:list}. */
    record ListVms(String id) implements Request {}

    /** A project's make targets; replied to with {@code target:list}. */
    record ListTargets(String id, String project) implements Request {
        public ListTargets {
            Fields.required(project, "project", "list-targets");
        }
    }

    /**
     * Be told of every job's start and end from now on, as {@code job:update} events (until the connection
     * closes); replied to with {@code ack}. Lets a job list stay current without polling.
     */
    record WatchJobs(String id) implements Request {}

    /** What the daemon can tell of its own health (database, disk, registry, ssh); replied to with {@code diagnosis}. */
    record Diagnose(String id) implements Request {}

    /**
     * A new user with a personal token (admin only); replied to with {@code user:added}, which carries the token:
     * the only time it is shown (the daemon keeps its SHA-256 hash).
     */
    record AddUser(String id, String name, Role role) implements Request {
        public AddUser {
            Users.checkName(name, "add-user");
            if (role == null) {
                throw new IllegalArgumentException("add-user: \"role\" is required: viewer, operator or admin");
            }
        }
    }

    /** Every user, revoked ones too (admin only); replied to with {@code user:list}. */
    record ListUsers(String id) implements Request {}

    /**
     * Revokes a user (admin only): its token is refused from now on, on connections already open too, and its
     * browser sessions end. Replied to with {@code user:revoked}.
     */
    record RevokeUser(String id, String name) implements Request {
        public RevokeUser {
            Fields.required(name, "name", "revoke-user");
        }
    }

    /**
     * A one-time browser login link for {@code user} (default: the caller; anyone else's needs admin); replied to
     * with {@code login-link}.
     */
    record CreateLoginLink(String id, String user) implements Request {
        public CreateLoginLink {
            if (user != null && user.isEmpty()) {
                user = null;
            }
        }
    }

    /**
     * Apply the retention policy (config.yml {@code retention:}) now: remove finished jobs, with their output, that
     * ended longer ago than it keeps, except each target's last runs; a running job is never removed. With
     * {@code dryRun}, only say what would go. Replied to with {@code prune:report}. Needs role admin.
     */
    record Prune(String id, Boolean dryRun) implements Request {
        /** Whether nothing is to be removed ({@code dryRun} may be null: no). */
        public boolean dry() {
            return Boolean.TRUE.equals(dryRun);
        }
    }

    /** How big the store is and what it keeps (the oldest job, the policy, the last prune); replied to with {@code storage}. */
    record GetStorage(String id) implements Request {}

    /**
     * The audit trail, oldest first: events at or after {@code since} (null: from the start), of {@code user} (null:
     * anyone's), at most {@code limit} (1–10000, default 1000) — the newest that many. Replied to with
     * {@code audit:list}.
     */
    record ListAudit(String id, java.time.Instant since, String user, Integer limit) implements Request {
        public static final int DEFAULT_LIMIT = 1000;
        public static final int MAX_LIMIT = 10_000;

        public ListAudit {
            if (limit == null) {
                limit = DEFAULT_LIMIT;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("list-audit: limit must be between 1 and " + MAX_LIMIT);
            }
        }
    }

    /**
     * Check the audit trail's HMAC chain, row by row, and its end against the head the daemon keeps outside the
     * database; replied to with {@code audit:verified}.
     */
    record VerifyAudit(String id) implements Request {}
}
