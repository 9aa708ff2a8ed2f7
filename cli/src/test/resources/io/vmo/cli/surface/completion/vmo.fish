# vmo's completion for fish: `vmo completion fish | source`
complete -c vmo -f
function __vmo_ask --description 'vmo: the positional being typed, completed by the daemon'
    set -l labels $argv
    set -l tokens (commandline -opc)
    set -l words
    set -l daemon
    set -l skip 0
    test (count $tokens) -gt 2; and for word in $tokens[3..-1]
        if test $skip = 1
            set skip 0
            set daemon --daemon $word
            continue
        end
        switch $word
            case --daemon
                set skip 1
            case '--daemon=*'
                set daemon $word
            case '-*'
            case '*'
                set -a words $word
        end
    end
    set -l n (math (count $words) + 1)
    if test $n -le (count $labels); and test $labels[$n] != -
        $tokens[1] __complete $daemon $labels[$n] $words 2>/dev/null
    end
end
complete -c vmo -n __fish_use_subcommand -a run -d 'Run a make target of a registered project, streaming its output; exits with its exit code.'
complete -c vmo -n '__fish_seen_subcommand_from run' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from run' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from run' -s d -l detach -d 'Print the job id and return at once; the job keeps running.'
complete -c vmo -n '__fish_seen_subcommand_from run' -s i -l interactive -d 'Run it in a terminal and attach this one: for targets that ask questions.'
complete -c vmo -n '__fish_seen_subcommand_from run' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from run' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n '__fish_seen_subcommand_from run' -a "(__vmo_ask 'PROJECT' 'TARGET')"
complete -c vmo -n __fish_use_subcommand -a attach -d 'Attach this terminal to an interactive job: redraw its recent output, then type into it like a local program.'
complete -c vmo -n '__fish_seen_subcommand_from attach' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from attach' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from attach' -l new-window -d 'Open a new terminal window attached to the job and return: $VMO_TERMINAL (a command; the attach command is appended), else the platform\'s terminal.'
complete -c vmo -n '__fish_seen_subcommand_from attach' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from attach' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n '__fish_seen_subcommand_from attach' -a "(__vmo_ask 'JOB')"
complete -c vmo -n __fish_use_subcommand -a tail -d 'Print a job\'s output so far, then follow it until it ends; exits with its exit code.'
complete -c vmo -n '__fish_seen_subcommand_from tail' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from tail' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from tail' -l since -r -d 'Only events after this sequence number (default: all).'
complete -c vmo -n '__fish_seen_subcommand_from tail' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from tail' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n '__fish_seen_subcommand_from tail' -a "(__vmo_ask 'JOB')"
complete -c vmo -n __fish_use_subcommand -a jobs -d 'List recent jobs, newest first.'
complete -c vmo -n '__fish_seen_subcommand_from jobs' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from jobs' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from jobs' -l json -d 'Print JSON instead of a table.'
complete -c vmo -n '__fish_seen_subcommand_from jobs' -s n -l limit -r -d 'How many jobs (default: 20, at most 1000).'
complete -c vmo -n '__fish_seen_subcommand_from jobs' -l user -r -d 'Only the jobs this user asked for (`owner` is the token file\'s holder).'
complete -c vmo -n '__fish_seen_subcommand_from jobs' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from jobs' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n __fish_use_subcommand -a cancel -d 'Cancel a running job (SIGTERM to all its processes, SIGKILL after a grace period) and wait until it has ended.'
complete -c vmo -n '__fish_seen_subcommand_from cancel' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from cancel' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from cancel' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from cancel' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n '__fish_seen_subcommand_from cancel' -a "(__vmo_ask 'JOB')"
complete -c vmo -n __fish_use_subcommand -a projects -d 'List the projects of the mkcli registry, with any problem an entry has.'
complete -c vmo -n '__fish_seen_subcommand_from projects' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from projects' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from projects' -l json -d 'Print JSON instead of a table.'
complete -c vmo -n '__fish_seen_subcommand_from projects' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from projects' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n __fish_use_subcommand -a targets -d 'List a project\'s make targets, with their `## description` comments.'
complete -c vmo -n '__fish_seen_subcommand_from targets' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from targets' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from targets' -l json -d 'Print JSON instead of a table.'
complete -c vmo -n '__fish_seen_subcommand_from targets' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from targets' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n '__fish_seen_subcommand_from targets' -a "(__vmo_ask 'PROJECT')"
complete -c vmo -n __fish_use_subcommand -a vms -d 'List the VMs of the vm-config environments and the Host aliases of your ssh config.'
complete -c vmo -n '__fish_seen_subcommand_from vms' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from vms' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from vms' -l json -d 'Print JSON instead of a table.'
complete -c vmo -n '__fish_seen_subcommand_from vms' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from vms' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n __fish_use_subcommand -a ssh -d 'Run a command on a VM over SSH, streaming its output; exits with its exit code.'
complete -c vmo -n '__fish_seen_subcommand_from ssh' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from ssh' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from ssh' -s d -l detach -d 'Print the job id and return at once; the job keeps running.'
complete -c vmo -n '__fish_seen_subcommand_from ssh' -s i -l interactive -d 'Run it in a terminal on the VM and attach this one.'
complete -c vmo -n '__fish_seen_subcommand_from ssh' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from ssh' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n '__fish_seen_subcommand_from ssh' -a "(__vmo_ask 'VM')"
complete -c vmo -n __fish_use_subcommand -a logs -d 'Stream logs from a VM as a job (cancellable, resumable with `vmo tail`, and kept): a log preset of the VM from config.yml, or else a container\'s `docker logs`.'
complete -c vmo -n '__fish_seen_subcommand_from logs' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from logs' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from logs' -s f -l follow -d 'Keep following new log lines until canceled (Ctrl-C).'
complete -c vmo -n '__fish_seen_subcommand_from logs' -s d -l detach -d 'Print the job id and return at once; the job keeps running.'
complete -c vmo -n '__fish_seen_subcommand_from logs' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from logs' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n '__fish_seen_subcommand_from logs' -a "(__vmo_ask 'VM' 'PRESET|CONTAINER')"
complete -c vmo -n __fish_use_subcommand -a ui -d 'Print a one-time link that signs a browser in to the daemon\'s web UI.'
complete -c vmo -n '__fish_seen_subcommand_from ui' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from ui' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from ui' -l user -r -d 'Sign the browser in as this user (needs an admin\'s token); default: the user whose token this is.'
complete -c vmo -n '__fish_seen_subcommand_from ui' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from ui' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n __fish_use_subcommand -a users -d 'Add, list and revoke the daemon\'s users (the token file\'s holder is `owner`, an admin).'
complete -c vmo -n '__fish_seen_subcommand_from users' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from users' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n '__fish_seen_subcommand_from users; and not __fish_seen_subcommand_from add list revoke' -a add -d 'Add a user and print its personal token, once (the daemon keeps only its hash).'
complete -c vmo -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from add' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from add' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from add' -l role -r -d 'viewer, operator or admin.'
complete -c vmo -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from add' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from add' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n '__fish_seen_subcommand_from users; and not __fish_seen_subcommand_from add list revoke' -a list -d 'List the users: name, role, when added and by whom, when revoked.'
complete -c vmo -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from list' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from list' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from list' -l json -d 'Print JSON instead of a table.'
complete -c vmo -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from list' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from list' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n '__fish_seen_subcommand_from users; and not __fish_seen_subcommand_from add list revoke' -a revoke -d 'Revoke a user: its token is refused at once (on connections already open too) and its browser sessions end.'
complete -c vmo -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from revoke' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from revoke' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from revoke' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from revoke' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n __fish_use_subcommand -a service -d 'Run the daemon as a service of your own (a systemd user unit on Linux, a launchd agent on macOS), so that it starts at login and restarts after a failure.'
complete -c vmo -n '__fish_seen_subcommand_from service' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from service' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n '__fish_seen_subcommand_from service; and not __fish_seen_subcommand_from install uninstall status logs' -a install -d 'Install the daemon as your service, running this installation\'s launcher with this shell\'s PATH and SSH_AUTH_SOCK (run it again when they change), and enable it at login.'
complete -c vmo -n '__fish_seen_subcommand_from service; and __fish_seen_subcommand_from install' -l now -d 'Start it now too (else at your next login).'
complete -c vmo -n '__fish_seen_subcommand_from service; and __fish_seen_subcommand_from install' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from service; and __fish_seen_subcommand_from install' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n '__fish_seen_subcommand_from service; and not __fish_seen_subcommand_from install uninstall status logs' -a uninstall -d 'Stop the service and remove it.'
complete -c vmo -n '__fish_seen_subcommand_from service; and __fish_seen_subcommand_from uninstall' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from service; and __fish_seen_subcommand_from uninstall' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n '__fish_seen_subcommand_from service; and not __fish_seen_subcommand_from install uninstall status logs' -a status -d 'Show whether the service is installed, enabled and running, and where its log is; exits with 3 when it is not running.'
complete -c vmo -n '__fish_seen_subcommand_from service; and __fish_seen_subcommand_from status' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from service; and __fish_seen_subcommand_from status' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n '__fish_seen_subcommand_from service; and not __fish_seen_subcommand_from install uninstall status logs' -a logs -d 'Print the daemon\'s log ($XDG_STATE_HOME/vmo/daemon.log, written when it runs without a terminal, as a service does).'
complete -c vmo -n '__fish_seen_subcommand_from service; and __fish_seen_subcommand_from logs' -s f -l follow -d 'Keep printing what it writes, as tail -f (Ctrl-C ends).'
complete -c vmo -n '__fish_seen_subcommand_from service; and __fish_seen_subcommand_from logs' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from service; and __fish_seen_subcommand_from logs' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n __fish_use_subcommand -a doctor -d 'Check vmo\'s setup, one line each with what to do: this client, the token file, the service, the daemon (version, database, disk, projects, VMs, ssh, known_hosts).'
complete -c vmo -n '__fish_seen_subcommand_from doctor' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from doctor' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from doctor' -l json -d 'Print JSON instead of a table.'
complete -c vmo -n '__fish_seen_subcommand_from doctor' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from doctor' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n __fish_use_subcommand -a audit -d 'List the daemon\'s audit trail, oldest first: who did what, when, from where, and the outcome.'
complete -c vmo -n '__fish_seen_subcommand_from audit' -l daemon -r -d 'The daemon to talk to (env VMO_DAEMON; default: 127.0.0.1:7777).'
complete -c vmo -n '__fish_seen_subcommand_from audit' -l token-file -r -d 'A file holding the token to present (a personal one from `vmo users add`); default: the daemon\'s token file, unless env VMO_TOKEN holds a token.'
complete -c vmo -n '__fish_seen_subcommand_from audit' -l json -d 'Print JSON instead of a table.'
complete -c vmo -n '__fish_seen_subcommand_from audit' -l since -r -d 'Only events since then: a duration back from now (30m, 12h, 7d, 2w) or a time (2026-12-06, 2026-12-06T14:30, 2026-12-06T14:30:00Z; local time unless it says).'
complete -c vmo -n '__fish_seen_subcommand_from audit' -l user -r -d 'Only this user\'s events.'
complete -c vmo -n '__fish_seen_subcommand_from audit' -s n -l limit -r -d 'At most this many, the newest (default: 1000, at most 10000).'
complete -c vmo -n '__fish_seen_subcommand_from audit' -l verify -d 'Check the trail\'s HMAC chain and its end against the head the daemon keeps outside the database; exit 1 naming the first bad row if any was altered or deleted.'
complete -c vmo -n '__fish_seen_subcommand_from audit' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from audit' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n __fish_use_subcommand -a completion -d 'Print a shell completion script.'
complete -c vmo -n '__fish_seen_subcommand_from completion' -s h -l help -d 'Show this help message and exit.'
complete -c vmo -n '__fish_seen_subcommand_from completion' -s V -l version -d 'Print version information and exit.'
complete -c vmo -n __fish_use_subcommand -a daemon -d 'Run the vmo daemon in the foreground (`vmo daemon --help` for its options).'
exit 0
